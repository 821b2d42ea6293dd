/*
 * tests/list.h: every test, once: X(name, flags). TH_STRESS marks the
 * cross-core stress tests, which also run under ThreadSanitizer.
 */
X(smoke_thread_runs, 0)
