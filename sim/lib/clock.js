'use strict';
// The simulation clock shared by every rp2040js peripheral (timer, watchdog,
// PWM, DMA, ...). It implements the interface those peripherals use
// (nanos, createAlarm(cb) -> {schedule(deltaNanos), cancel()}) and tells the
// simulator whenever the earliest pending alarm changes, so the scheduler
// only has to look at one number per instruction batch.

class Alarm {
  constructor(clock, callback) {
    this.clock = clock;
    this.callback = callback;
    this.nanos = 0;
    this.next = null;
    this.scheduled = false;
  }
  schedule(deltaNanos) {
    if (this.scheduled) this.clock.unlink(this);
    this.clock.link(this, this.clock.nanosCounter + Math.max(0, deltaNanos));
  }
  cancel() {
    if (this.scheduled) this.clock.unlink(this);
  }
}

class SimClock {
  constructor() {
    this.nanosCounter = 0;
    this.head = null;          // alarms sorted by time, earliest first
    this.onHeadChange = null;  // set by the simulator
    this.frequency = 125e6;
    this.advancing = false;
    this.fired = 0;            // alarms fired so far (the statistics' "alarms")
  }
  get nanos() { return this.nanosCounter; }
  get micros() { return this.nanosCounter / 1000; }
  createAlarm(callback) { return new Alarm(this, callback); }

  link(alarm, at) {
    alarm.nanos = at;
    alarm.scheduled = true;
    let prev = null;
    let cur = this.head;
    while (cur && cur.nanos <= at) { prev = cur; cur = cur.next; }
    alarm.next = cur;
    if (prev) prev.next = alarm;
    else { this.head = alarm; if (this.onHeadChange) this.onHeadChange(); }
  }
  unlink(alarm) {
    alarm.scheduled = false;
    let prev = null;
    let cur = this.head;
    while (cur && cur !== alarm) { prev = cur; cur = cur.next; }
    if (!cur) return;
    if (prev) prev.next = cur.next;
    else { this.head = cur.next; if (this.onHeadChange) this.onHeadChange(); }
    alarm.next = null;
  }
  /** Time of the earliest alarm, or Infinity. */
  get nextAlarmNanos() { return this.head ? this.head.nanos : Infinity; }

  /** Advance to an absolute time, firing every alarm due on the way.
   * `advancing` is true meanwhile: an alarm's callback (the DMA moving a
   * word, say) runs at its own time, and must not advance the clock again
   * from inside (see Simulator.syncClock). */
  advanceTo(target) {
    if (target < this.nanosCounter) return;
    this.advancing = true;
    try {
      let a = this.head;
      while (a && a.nanos <= target) {
        this.head = a.next;
        a.next = null;
        a.scheduled = false;
        if (a.nanos > this.nanosCounter) this.nanosCounter = a.nanos;
        this.fired++;
        a.callback();
        a = this.head;
      }
      this.nanosCounter = target;
    } finally {
      this.advancing = false;
    }
    if (this.onHeadChange) this.onHeadChange();
  }
  // rp2040js's own Simulator uses tick(delta); kept for compatibility.
  tick(deltaNanos) { this.advanceTo(this.nanosCounter + deltaNanos); }
  get nanosToNextAlarm() { return this.head ? this.head.nanos - this.nanosCounter : 0; }
}

module.exports = { SimClock };
