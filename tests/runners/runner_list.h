/*
 * tests/runners/runner_list.h: the tests of the planted kernel runner
 * (tests/runner.c built with this list and tests/runners/runner_plant.c on
 * the host port) the 'runners' suite gives the suite runner: lines longer
 * than the runner's line buffer must come out whole, and the summary must
 * count the skip.
 */
X(runner_plant_passes, 0)
X(runner_plant_skips_with_a_long_reason, 0)
X(runner_plant_fails_with_a_long_reason, 0)
