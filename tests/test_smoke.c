#include "harness.h"

static int ran;
static void body(void *arg)
{
    ran = *(int *)arg;
}

TEST(smoke_thread_runs)
{
    TD_THREAD_DEFINE(t, 512);
    static int v = 42;
    REQUIRE_EQ(td_thread_create(&t, t_stack, sizeof t_stack, "t", 20, body, &v), TD_OK);
    CHECK_EQ(td_thread_join(&t, TD_MS(100)), TD_OK);
    CHECK_EQ(ran, 42);
}
