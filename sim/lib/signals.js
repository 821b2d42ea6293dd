'use strict';
// A square-wave signal driven into a GPIO input from outside (a function
// generator on the pin), for tandem-sim's --gpio-wave and for tests.

class SquareWave {
  /** Drive `pin` with a 50 % square wave of `hz`, starting high at time `fromMs`. */
  constructor(sim, pin, hz, fromMs = 0) {
    if (!(pin >= 0 && pin < 30)) throw new RangeError('square wave: the pin must be a GPIO 0..29');
    if (!(hz > 0)) throw new RangeError('square wave: the frequency must be above 0');
    this.sim = sim;
    this.pin = pin;
    this.halfNs = 1e9 / hz / 2;
    this.level = 0;
    this.edges = 0;
    this.alarm = sim.clock.createAlarm(() => this.toggle());
    this.alarm.schedule(Math.max(0, fromMs * 1e6 - sim.clock.nanos));
  }
  toggle() {
    this.level ^= 1;
    this.edges++;
    this.sim.setGpioInput(this.pin, this.level);
    this.alarm.schedule(this.halfNs);
  }
}

module.exports = { SquareWave };
