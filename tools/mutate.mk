# tools/mutate.mk: the mutation run (tools/mutate.js, docs/testing.md).
#
#   make mutate        plant each mutation of tools/mutations.js in a copy of
#                      the tree, run its suites, print killed / survived
#                      (about half an hour on two cores; not part of make test)
#   suite 'mutate'     (in make test) the tool itself: every anchor found once
#                      in the tree, a stale anchor reported, a planted mutant
#                      killed, the next copy rebuilding what it planted, and
#                      a comment-only change surviving on a one-test suite
#                      (--self-test)
MUTATE_OUT ?= $(BUILD)/mutate/results.txt
.PHONY: mutate test-mutate
mutate: deps
	$(Q)mkdir -p $(dir $(MUTATE_OUT))
	$(Q)tools/mutate.js --out $(MUTATE_OUT) $(if $(ONLY),--only $(ONLY))

TEST_SUITES += mutate
test-mutate: deps-node
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)tools/mutate.js --self-test $(BUILD) --list >$(TEST_LISTS)/mutate.list
	$(Q)TD_SUITE_CPU=600 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/mutate.list mutate $(TEST_RESULTS)/mutate.txt \
	  tools/mutate.js --self-test $(abspath $(BUILD))
