/*
 * tests/runners/plant.c: a test program that misbehaves on purpose, for the
 * 'runners' suite (tests/runners/run.sh). It reports the three tests of
 * tests/runners/plant.list like a real test program ("TEST name", then
 * "PASS name"), except for what MODE plants in the second one:
 *
 *   good    all three pass, summary, exit 0
 *   crash   a null pointer write (SIGSEGV)
 *   hang    waits forever
 *   spin    computes forever
 *   exit    exit(0) without the rest or a summary
 *   short   the third test left out, a summary that matches what was printed
 *   lie     a summary claiming all three passed, the third not printed
 *   status  all three pass, summary right, exit status 3
 *   fail0   the second test fails, exit status 0
 *   skip    the second test skipped with its reason ("SKIP name: reason"),
 *           the others pass, a summary of 2 passed, 0 failed, 1 skipped,
 *           exit 0
 *   skipuncounted  the same with a summary that leaves the skip out
 *   skipbare  the second test skipped without a reason
 *   nul     all three pass, after a line with NUL bytes in it (as a garbled
 *           UART can print): the runner must still read the results
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test(const char *name)
{
    printf("TEST %s\n", name);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "good";
    if (strcmp(mode, "nul") == 0)
        fwrite("INFO a\0\0b\n", 1, 9, stdout);
    test("plant_one");
    printf("PASS plant_one\n");
    test("plant_two");
    fflush(stdout);
    if (strcmp(mode, "crash") == 0) {
        volatile int *volatile p = NULL;
        *p = 1;
    } else if (strcmp(mode, "hang") == 0) {
        for (;;)
            pause();
    } else if (strcmp(mode, "spin") == 0) {
        for (volatile unsigned long n = 0;; n++) {
        }
    } else if (strcmp(mode, "exit") == 0) {
        exit(0);
    } else if (strcmp(mode, "fail0") == 0) {
        printf("FAIL plant_two: planted failure\n");
        test("plant_three");
        printf("PASS plant_three\n2 passed, 1 failed\n");
        return 0;
    } else if (strcmp(mode, "skip") == 0 || strcmp(mode, "skipbare") == 0 ||
               strcmp(mode, "skipuncounted") == 0) {
        printf(strcmp(mode, "skipbare") != 0 ? "SKIP plant_two: not on this port\n" : "SKIP plant_two\n");
        test("plant_three");
        printf("PASS plant_three\n2 passed, 0 failed%s\n",
               strcmp(mode, "skipuncounted") != 0 ? ", 1 skipped" : "");
        return 0;
    }
    printf("PASS plant_two\n");
    if (strcmp(mode, "short") == 0) {
        printf("2 passed, 0 failed\n");
        return 0;
    }
    if (strcmp(mode, "lie") == 0) {
        printf("3 passed, 0 failed\n");
        return 0;
    }
    test("plant_three");
    printf("PASS plant_three\n3 passed, 0 failed\n");
    return strcmp(mode, "status") == 0 ? 3 : 0;
}
