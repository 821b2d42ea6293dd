# examples/examples.mk: build rules of this component (included by the top Makefile).
