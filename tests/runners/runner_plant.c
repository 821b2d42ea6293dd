/*
 * tests/runners/runner_plant.c: the tests of tests/runners/runner_list.h,
 * each printing a line longer than the kernel runner's line buffer (200
 * characters): an INFO line, a SKIP reason and a FAIL reason, each ending
 * in a word the 'runners' suite (tests/runners/run.sh) looks for, so a line
 * cut short shows.
 */
#include "../harness.h"

/* 300 characters, then the end marker */
#define LONG_TEXT                                                                            \
    "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789"       \
    "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghij"       \
    "klmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrst"       \
    "uvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789ab"

TEST(runner_plant_passes)
{
    th_info("runner_plant_key_" LONG_TEXT "_end_of_key", 42);
    CHECK(1 + 1 == 2);
}

TEST(runner_plant_skips_with_a_long_reason)
{
    TH_SKIP("planted: " LONG_TEXT " end of the reason");
}

TEST(runner_plant_fails_with_a_long_reason)
{
    th_check(false, "planted: " LONG_TEXT " end of the condition", __FILE__, __LINE__);
}
