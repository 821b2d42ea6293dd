# port/rp2040/rp2040.mk: build rules of this component (included by the top Makefile).
