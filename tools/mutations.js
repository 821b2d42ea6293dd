// tools/mutations.js: the kernel mutations 'make mutate' plants (tools/mutate.js).
//
// Each mutation names the file, the exact text it changes ('find': it must
// occur exactly once in that file, so the list follows the source through
// edits that move lines, and fails loudly when the text itself changed) and
// what that text becomes ('replace'), and the suites that should kill it,
// tried in order until one fails. Keep each one a plausible bug: a wrong
// comparison, a step left out, an off-by-one. The one-tick-late and
// one-tick-more mutations try the target first: that is where time is
// exact and they must be killed (the host's slack lets some of them pass).
'use strict';

module.exports = [
  // ---- waking and blocking ----
  { name: 'sem_give_wakes_no_one', file: 'kernel/sem.c', suites: ['host'],
    find: `    td_thread_t *t = s->waiters;
    if (t != NULL) {`,
    replace: `    td_thread_t *t = s->waiters;
    if (t != NULL && 0) {` },
  { name: 'mutex_no_priority_inheritance', file: 'kernel/mutex.c', suites: ['host'],
    find: `        if (me->prio > m->owner->prio)
            td__set_prio(c, m->owner, me->prio);`,
    replace: `        if (0 && me->prio > m->owner->prio)
            td__set_prio(c, m->owner, me->prio);` },
  { name: 'slice_one_tick_longer', file: 'kernel/time.c', suites: ['target', 'host'],
    find: `t->next != t && ++t->slice >= c->slice) {`,
    replace: `t->next != t && ++t->slice > c->slice) {` },

  // ---- time ----
  { name: 'timed_wake_one_tick_late', file: 'kernel/time.c', suites: ['target', 'host'],
    find: `while ((t = c->timeouts) != NULL && (int32_t)(now - t->wake) >= 0)`,
    replace: `while ((t = c->timeouts) != NULL && (int32_t)(now - t->wake) > 0)` },
  { name: 'timed_wake_one_tick_early', file: 'kernel/time.c', suites: ['host', 'target'],
    find: `while ((t = c->timeouts) != NULL && (int32_t)(now - t->wake) >= 0)`,
    replace: `while ((t = c->timeouts) != NULL && (int32_t)(now - t->wake) >= -1)` },
  { name: 'sleep_one_tick_more', file: 'kernel/time.c', suites: ['target', 'host'],
    find: `return ticks == 0 ? td_thread_yield() : sleep_for(ticks, true);`,
    replace: `return ticks == 0 ? td_thread_yield() : sleep_for(ticks + 1u, true);` },
  { name: 'sleep_one_tick_short', file: 'kernel/time.c', suites: ['host', 'target'],
    find: `return ticks == 0 ? td_thread_yield() : sleep_for(ticks, true);`,
    replace: `return ticks == 0 ? td_thread_yield() : sleep_for(ticks - 1u, true);` },
  { name: 'sem_deadline_one_tick_late', file: 'kernel/sem.c', suites: ['target', 'host'],
    find: `td__wait_prep(c, &s->waiters, timeout != TD_FOREVER, c->tick + timeout);`,
    replace: `td__wait_prep(c, &s->waiters, timeout != TD_FOREVER, c->tick + timeout + 1u);` },
  { name: 'mutex_deadline_one_tick_early', file: 'kernel/mutex.c', suites: ['host', 'target'],
    find: `return td__wait(c, &m->waiters, timeout, s);`,
    replace: `return td__wait(c, &m->waiters, timeout - (timeout != TD_FOREVER), s);` },
  { name: 'period_release_one_tick_late', file: 'kernel/period.c', suites: ['target', 'host'],
    find: `    r = td_sleep_until(at);`,
    replace: `    r = td_sleep_until(at + 1u);` },

  // ---- locks ----
  { name: 'lock_not_exclusive', file: 'include/tandem/lock.h', suites: ['host'],
    find: `        if (__builtin_expect(port_spin_try(k - TD_LOCK_KEY), 1)) {`,
    replace: `        if (__builtin_expect(port_spin_try(k - TD_LOCK_KEY) || 1, 1)) {` },
  { name: 'lock_leaves_interrupts_on', file: 'include/tandem/lock.h', suites: ['host'],
    find: `        port_irq_state_t s = port_irq_save();
        if (__builtin_expect(port_spin_try(k - TD_LOCK_KEY), 1)) {`,
    replace: `        port_irq_state_t s = port_irq_save();
        port_irq_restore(s);
        if (__builtin_expect(port_spin_try(k - TD_LOCK_KEY), 1)) {` },
  { name: 'console_without_lock', file: 'kernel/console.c', suites: ['host', 'target'],
    find: `    port_irq_state_t s = port_irq_save();
    td__spin_take(TD_SPIN_CONSOLE, port_core_id());
    return s;`,
    replace: `    port_irq_state_t s = port_irq_save();
    return s;` },

  // ---- messages and channels (a missing fence breaks nothing the chip, the
  // emulator or ThreadSanitizer can show: docs/testing.md, Memory ordering) ----
  { name: 'msg_every_1000th_dropped', file: 'kernel/msg.c', suites: ['host'],
    find: `        port_fifo_push(w);
        TD_STORE_RELAXED(sl->sent, sent + 1u);`,
    replace: `        if (ep->sent % 1000u != 999u)
            port_fifo_push(w);
        TD_STORE_RELAXED(sl->sent, sent + 1u);` },
  { name: 'chan_copy_one_byte_short', file: 'kernel/chan.c', suites: ['host'],
    find: `            copy(q, data + moved, (uint32_t)len);`,
    replace: `            copy(q, data + moved, (uint32_t)len - (len > 1u));` },
  { name: 'chan_notify_without_fence', file: 'kernel/chan.c', suites: ['barriers'],
    find: `    unsigned other = side ^ 1u;
    TD_FENCE_SEQ_CST();`,
    replace: `    unsigned other = side ^ 1u;` },
  { name: 'chan_wait_without_fence', file: 'kernel/chan.c', suites: ['barriers'],
    find: `        TD_STORE_RELEASE(ch->want[side], need);
        TD_FENCE_SEQ_CST();`,
    replace: `        TD_STORE_RELEASE(ch->want[side], need);` },

  // ---- faults, restarts, the start of core 1 ----
  { name: 'fault_report_names_other_core', file: 'kernel/fault_report.c', suites: ['host'],
    find: `    put_s(o, " core ");
    put_d(o, r->core);
    put_s(o, ", ");`,
    replace: `    put_s(o, " core ");
    put_d(o, r->core ^ 1u);
    put_s(o, ", ");` },
  { name: 'restart_keeps_what_core1_held', file: 'kernel/held.c', suites: ['host'],
    find: `        h->next = NULL;
        ops_of(h)->gone(h, core);`,
    replace: `        h->next = NULL;` },
  { name: 'start_clears_running_flag', file: 'kernel/kernel.c', suites: ['host-tsan'],
    find: `    for (size_t i = offsetof(td_core_t, slice); i < sizeof *c; i++)`,
    replace: `    for (size_t i = offsetof(td_core_t, running); i < sizeof *c; i++)` },
  { name: 'launch_ignores_wrong_echoes', file: 'port/chip/rp2040/launch.c', suites: ['foundation'],
    find: `        if (echo == seq[i]) {`,
    replace: `        if (echo == seq[i] || 1) {` },
];
