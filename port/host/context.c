/*
 * port/host/context.c: kernel threads as ucontext fibers on their own
 * stacks, switched at interrupt points (host.h), with the annotations
 * AddressSanitizer and ThreadSanitizer need to follow stack switches.
 */
#include <stdint.h>
#include <string.h>
#include <ucontext.h>

#include "host.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOST_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define HOST_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HOST_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define HOST_TSAN 1
#endif

#ifdef HOST_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef HOST_TSAN
#include <sanitizer/tsan_interface.h>
#endif

/* A fiber. Kept in a table here rather than in the thread's stack, so that
 * re-using a stack (a thread created again after it exited) finds and
 * re-uses its record. */
struct host_ctx {
    ucontext_t uc;
    port_entry_t entry;
    void *arg;
    void *stack;          /* [stack, stack + size): the fiber's stack */
    size_t size;
    void *fiber;          /* ThreadSanitizer's fiber */
};

#define HOST_MAX_CONTEXTS 512
static struct host_ctx contexts[HOST_MAX_CONTEXTS];
static pthread_mutex_t contexts_mu = PTHREAD_MUTEX_INITIALIZER;
static ucontext_t boot_uc[PORT_NUM_CORES];
#ifdef HOST_TSAN
static void *boot_fiber[PORT_NUM_CORES];       /* ThreadSanitizer's */
#endif
static void *boot_stack[PORT_NUM_CORES];       /* the pthread's own stack */
static size_t boot_size[PORT_NUM_CORES];

static void fiber_enter(struct host_ctx *to)
{
#ifdef HOST_TSAN
    __tsan_switch_to_fiber(to->fiber, 0);
#else
    (void)to;
#endif
}

static void swap(ucontext_t *from, struct host_ctx *to)
{
#ifdef HOST_ASAN
    void *fake = NULL;
    __sanitizer_start_switch_fiber(&fake, to->stack, to->size);
#endif
    fiber_enter(to);
    swapcontext(from, &to->uc);
#ifdef HOST_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
}

static void trampoline(void)
{
    struct host_core *hc = host_this();
#ifdef HOST_ASAN
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    struct host_ctx *me = hc->cur;
    hc->masked = 0;                      /* threads start with interrupts on */
    host_interrupt_point();
    me->entry(me->arg);
    port_thread_exit_hook();
}

/* getcontext returns twice: keep it away from the caller's locals. */
__attribute__((noinline)) static void make(struct host_ctx *x)
{
    getcontext(&x->uc);
    x->uc.uc_stack.ss_sp = x->stack;
    x->uc.uc_stack.ss_size = x->size;
    x->uc.uc_link = NULL;
    makecontext(&x->uc, trampoline, 0);
}

void *port_context_init(void *stack, size_t size, port_entry_t entry, void *arg)
{
    if (stack == NULL || size < PORT_STACK_MIN ||
        ((uintptr_t)stack & (PORT_STACK_ALIGN - 1u)) || entry == NULL)
        return NULL;
    struct host_ctx *x = NULL;
    pthread_mutex_lock(&contexts_mu);
    for (unsigned i = 0; i < HOST_MAX_CONTEXTS && x == NULL; i++)
        if (contexts[i].stack == stack)
            x = &contexts[i];            /* the same stack again */
    for (unsigned i = 0; i < HOST_MAX_CONTEXTS && x == NULL; i++)
        if (contexts[i].stack == NULL)
            x = &contexts[i];
    if (x != NULL) {
#ifdef HOST_TSAN
        if (x->fiber != NULL)
            __tsan_destroy_fiber(x->fiber);
        x->fiber = __tsan_create_fiber(0);
#endif
        x->stack = stack;
    }
    pthread_mutex_unlock(&contexts_mu);
    if (x == NULL)
        return NULL;
    x->size = size;
    x->entry = entry;
    x->arg = arg;
#ifdef HOST_ASAN
    __asan_unpoison_memory_region(stack, size);   /* a dead fiber's red zones */
#endif
    make(x);
    return x;
}

void host_switch(struct host_core *hc)
{
    hc->switch_pending = 0;
    hc->masked = 1;
    struct host_ctx *from = hc->cur;
    struct host_ctx *to = port_switch_hook(from);
    if (to != from) {
        hc->cur = to;
        swap(&from->uc, to);             /* back here when 'from' resumes */
        hc = host_this();
    }
    hc->masked = 0;
}

void port_switch(void **from, void *to)
{
    struct host_core *hc = host_this();
    struct host_ctx *me = hc->cur;
    *from = me;
    if (to != me) {
        hc->cur = to;
        swap(&me->uc, to);               /* back here when *from resumes */
    }
}

void port_switch_preempt(void **from, void *to)
{
    port_switch(from, to);               /* one kind of context here */
}

void port_start_first(void *first)
{
    struct host_core *hc = host_this();
    struct host_ctx *to = first;
    pthread_attr_t a;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
        pthread_attr_getstack(&a, &boot_stack[host_core_id], &boot_size[host_core_id]);
        pthread_attr_destroy(&a);
    }
#ifdef HOST_TSAN
    boot_fiber[host_core_id] = __tsan_get_current_fiber();
#endif
    hc->cur = to;
    hc->switch_pending = 0;
    swap(&boot_uc[host_core_id], to);
    /* back only when core 1 is reset: its pthread ends */
    pthread_exit(NULL);
}

void host_return_to_boot(struct host_core *hc)
{
    unsigned id = host_core_id;
    hc->cur = NULL;
#ifdef HOST_ASAN
    __sanitizer_start_switch_fiber(NULL, boot_stack[id], boot_size[id]);
#endif
#ifdef HOST_TSAN
    __tsan_switch_to_fiber(boot_fiber[id], 0);
#endif
    setcontext(&boot_uc[id]);
    __builtin_unreachable();
}
