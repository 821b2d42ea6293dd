'use strict';
// The kernel's trace as Chrome trace-event JSON (the format Perfetto's UI
// and chrome://tracing open), from the model of lib/ktrace.js:
//   a process per core ("core 0", "core 1"): a track per thread with its
//     states as slices (running, ready, blocked on an object, sleeping),
//     a track "interrupts" with the kernel's handlers (tick, FIFO), a track
//     "exceptions" with every exception the core took (USBCTRL_IRQ,
//     UART0_IRQ, DMA_IRQ_0, SysTick, PendSV, ...: seen by the emulator), the
//     console lines as instants on the thread that was running, counters
//     for the depths of queues and endpoints;
//   a process "locks": a track per lock, a slice per hold, named by holder;
//   flows (arrows) from each message's send on one core to its delivery on
//   the other.
// Timestamps are microseconds of simulated time.

const fs = require('fs');

const PID_LOCKS = 2;
const TID_IRQ = 1;                    // a core's interrupt track; threads from 10
const TID_EXC = 2;                    // a core's exception track
const COLORS = { running: 'thread_state_running', ready: 'thread_state_runnable', blocked: 'thread_state_iowait', sleeping: 'thread_state_sleeping' };

function us(ns) { return Math.round(ns) / 1000; }
function dur(t0, t1) { return (Math.round(t1) - Math.round(t0)) / 1000; }
function hex(v) { return '0x' + (v >>> 0).toString(16).padStart(8, '0'); }

/** The trace events (an array of objects) of a model. */
function chromeEvents(m, title = '') {
  const ev = [];
  const meta = (pid, tid, name, args) => ev.push({ ph: 'M', pid, tid, name, args });
  for (const core of [0, 1]) {
    meta(core, 0, 'process_name', { name: `core ${core}` });
    meta(core, 0, 'process_sort_index', { sort_index: core });
    meta(core, TID_IRQ, 'thread_name', { name: 'interrupts' });
    meta(core, TID_IRQ, 'thread_sort_index', { sort_index: 0 });
    meta(core, TID_EXC, 'thread_name', { name: 'exceptions' });
    meta(core, TID_EXC, 'thread_sort_index', { sort_index: 1 });
  }
  meta(PID_LOCKS, 0, 'process_name', { name: 'locks' });
  meta(PID_LOCKS, 0, 'process_sort_index', { sort_index: 2 });
  const tidOf = new Map();
  for (const th of m.threads) {
    const tid = 10 + th.key;
    tidOf.set(th.t, tid);
    meta(th.core, tid, 'thread_name', { name: th.name });
    meta(th.core, tid, 'thread_sort_index', { sort_index: 10 + th.key });
    for (const s of th.spans) {
      const name = s.state === 'blocked' && s.on ? `blocked on ${s.on}` : s.state;
      const args = { state: s.state, thread: hex(th.t) };
      if (s.on) args.on = s.on;
      if (s.atEnd) args.open_at_end = true;
      ev.push({ ph: 'X', cat: 'thread', name, pid: th.core, tid, ts: us(s.t0), dur: dur(s.t0, s.t1), cname: COLORS[s.state], args });
    }
  }
  m.irqs.forEach((list, core) => {
    for (const s of list) ev.push({ ph: 'X', cat: 'irq', name: s.name, pid: core, tid: TID_IRQ, ts: us(s.t0), dur: dur(s.t0, s.t1) });
  });
  m.exceptions.forEach((list, core) => {
    for (const s of list) {
      const args = { exception: s.n };
      if (s.n >= 16) args.irq = s.n - 16;
      if (s.atEnd) args.open_at_end = true;
      ev.push({ ph: 'X', cat: 'exception', name: s.name, pid: core, tid: TID_EXC, ts: us(s.t0), dur: dur(s.t0, s.t1), args });
    }
  });
  m.locks.forEach((l, i) => {
    const tid = 10 + i;
    meta(PID_LOCKS, tid, 'thread_name', { name: l.name });
    for (const s of l.spans) {
      const args = { core: s.core, lock: hex(l.addr) };
      if (s.atEnd) args.open_at_end = true;
      ev.push({ ph: 'X', cat: 'lock', name: s.holder, pid: PID_LOCKS, tid, ts: us(s.t0), dur: dur(s.t0, s.t1), args });
    }
  });
  // a message: the flow starts in the sender's slice (its thread, or the
  // interrupt track when sent from a handler) and ends in the receiving
  // core's FIFO interrupt, or in the receiving thread's own slice when it
  // took the word itself (a receiver waiting in place: docs/messages.md)
  for (const f of m.flows) {
    const args = { word: hex(f.word), endpoint: hex(f.ep) };
    ev.push({ ph: 's', cat: 'msg', name: 'message', id: f.id, pid: f.core0, tid: f.thread0 ? tidOf.get(f.thread0) : TID_IRQ, ts: us(f.t0), args });
    ev.push({ ph: 'f', bp: 'e', cat: 'msg', name: 'message', id: f.id, pid: f.core1, tid: f.thread1 ? tidOf.get(f.thread1) : TID_IRQ, ts: us(f.t1), args });
  }
  for (const c of m.counters) {
    for (const [t, n] of c.points) ev.push({ ph: 'C', cat: 'depth', name: c.name, pid: c.core, ts: us(t), args: { depth: n } });
  }
  for (const i of m.instants) {
    const tid = i.thread && tidOf.has(i.thread) ? tidOf.get(i.thread) : TID_IRQ;
    ev.push({ ph: 'i', s: 't', cat: i.name, name: i.name, pid: i.core, tid, ts: us(i.t), args: i.args });
  }
  // console lines: on the thread running on the writing core at that time
  const running = m.threads.map((th) => ({ th, spans: th.spans.filter((s) => s.state === 'running') }));
  for (const l of m.lines) {
    if (l.core !== 0 && l.core !== 1) continue;
    let tid = TID_IRQ;
    for (const { th, spans } of running) {
      if (th.core === l.core && spans.some((s) => s.t0 <= l.t && l.t <= s.t1)) { tid = tidOf.get(th.t); break; }
    }
    ev.push({ ph: 'i', s: 't', cat: 'console', name: l.text, pid: l.core, tid, ts: us(l.t) });
  }
  return { traceEvents: ev, displayTimeUnit: 'ns', otherData: { title, events: m.events, unmatched_messages: m.unmatched, unread_words: m.unread } };
}

function writeChromeJson(m, file, title = '') {
  fs.writeFileSync(file, JSON.stringify(chromeEvents(m, title)) + '\n');
}

module.exports = { chromeEvents, writeChromeJson, PID_LOCKS, TID_IRQ, TID_EXC };
