'use strict';
// A small brushed DC motor on an H-bridge, for tandem-sim: PWM duty in,
// speed out, with inertia, friction and a load.
//
// Input: the share of time the PWM pin is high (measured from its edges, so
// any way of driving it counts: the PWM block, PIO, a GPIO toggled by
// software) times the supply voltage; an optional direction pin reverses the
// voltage while high. Model (armature inductance neglected):
//   i = (V - Ke w) / R        torque = Kt i - b w - load (against the motion)
//   J dw/dt = torque
// integrated every 50 us. Defaults: 12 V, R = 2 ohm, Kt = Ke = 0.02 N m/A,
// J = 2e-5 kg m^2, b = 1e-5 N m s: about 5450 rpm at full duty, a
// mechanical time constant of about 95 ms.
// Outputs:
// - an incremental encoder, ppr lines per revolution, in quadrature on two
//   GPIO inputs (A leads B turning forwards), each edge at the time the
//   shaft reaches it (4 x ppr edges per revolution);
// - a tachometer voltage on an ADC input: |speed| x tachoVPerKrpm / 1000
//   (default 0.5 V per 1000 rpm, clamped to 0..3.3 V).
// The load torque may change at given times (a step disturbance).

class Motor {
  constructor(sim, opts) {
    const o = Object.assign({
      vsupply: 12, r: 2, kt: 0.02, ke: 0.02, j: 2e-5, b: 1e-5, ppr: 256,
      tachoVPerKrpm: 0.5, stepUs: 50, dir: -1, encA: -1, encB: -1, tacho: -1, loads: [],
    }, opts);
    if (!(o.pwm >= 0 && o.pwm < 30)) throw new RangeError('motor: the PWM pin must be a GPIO 0..29');
    this.sim = sim;
    this.o = o;
    this.w = 0;             // rad/s
    this.theta = 0;         // rad
    this.load = 0;          // N m
    this.loads = o.loads.slice().sort((a, b) => a.ms - b.ms);
    this.level = 0;         // PWM pin level now
    this.lastNs = 0;        // time of the last pin change (within the step)
    this.highNs = 0;        // time high since the step started
    this.stepStart = 0;
    this.quad = 0;          // encoder state index: floor(theta / delta)
    this.thetaAt = 0;       // time theta was brought up to
    this.edges = 0;
    this.samples = [];      // [seconds, rpm, duty] every millisecond
    this.nextSampleNs = 0;
    sim.watchPin(o.pwm, (level) => this.pinChanged(level));
    this.level = sim.padLevel[o.pwm] === 1 ? 1 : 0;
    this.stepAlarm = sim.clock.createAlarm(() => this.step());
    this.edgeAlarm = sim.clock.createAlarm(() => this.edge());
    if (o.encA >= 0) { sim.setGpioInput(o.encA, 0); sim.setGpioInput(o.encB, 0); }
    this.stepAlarm.schedule(o.stepUs * 1000);
    this.updateTacho();
  }
  now() { return this.sim.clock.nanos; }
  get rpm() { return (this.w * 60) / (2 * Math.PI); }
  pinChanged(level) {
    const t = this.now();
    if (this.level) this.highNs += t - this.lastNs;
    this.lastNs = t;
    this.level = level === 1 ? 1 : 0;
  }
  step() {
    const o = this.o, t = this.now();
    this.advanceTheta();
    const dt = (t - this.stepStart) / 1e9;
    if (this.level) this.highNs += t - this.lastNs;
    const duty = dt > 0 ? Math.min(1, this.highNs / (t - this.stepStart)) : 0;
    this.highNs = 0;
    this.lastNs = t;
    this.stepStart = t;
    while (this.loads.length && this.loads[0].ms * 1e6 <= t) this.load = this.loads.shift().nm;
    const dirRev = o.dir >= 0 && this.sim.padLevel[o.dir] === 1;
    const v = duty * o.vsupply * (dirRev ? -1 : 1);
    const i = (v - o.ke * this.w) / o.r;
    let torque = o.kt * i - o.b * this.w;
    if (this.w > 1e-6) torque -= this.load;
    else if (this.w < -1e-6) torque += this.load;
    else if (Math.abs(torque) <= this.load) torque = 0;   // held by the load at standstill
    else torque -= Math.sign(torque) * this.load;
    this.w += (torque / o.j) * dt;
    this.duty = duty;
    if (t >= this.nextSampleNs) {
      this.samples.push([t / 1e9, this.rpm, duty]);
      if (this.samples.length > 100000) this.samples.shift();
      this.nextSampleNs = t + 1e6;
    }
    this.updateTacho();
    this.scheduleEdge();
    this.stepAlarm.schedule(o.stepUs * 1000);
  }
  updateTacho() {
    if (this.o.tacho < 0) return;
    const v = Math.min(3.3, (Math.abs(this.rpm) * this.o.tachoVPerKrpm) / 1000);
    this.sim.adc.input(this.o.tacho, v);
  }
  /** Encoder: the next quadrature edge at the present speed. */
  get delta() { return (2 * Math.PI) / (4 * this.o.ppr); }
  /** theta is current (advanceTheta); the speed may have changed: when is the next edge? */
  scheduleEdge() {
    this.edgeAlarm.cancel();
    if (this.o.encA < 0 || Math.abs(this.w) < 1e-9) return;
    const d = this.delta;
    // state quad covers [quad d, (quad + 1) d): forwards the next edge is its
    // end, backwards its start
    const target = this.w > 0 ? (this.quad + 1) * d : this.quad * d;
    const ns = ((target - this.theta) / this.w) * 1e9;
    this.edgeAlarm.schedule(Math.max(0, ns));
  }
  advanceTheta() {
    const t = this.now();
    this.theta += this.w * (t - this.thetaAt) / 1e9;
    this.thetaAt = t;
  }
  edge() {
    this.advanceTheta();
    const fwd = this.w > 0;
    this.theta = (fwd ? this.quad + 1 : this.quad) * this.delta;   // exactly at the edge
    this.quad += fwd ? 1 : -1;
    const s = ((this.quad % 4) + 4) % 4;     // 0: A0 B0, 1: A1 B0, 2: A1 B1, 3: A0 B1
    this.sim.setGpioInput(this.o.encA, s === 1 || s === 2 ? 1 : 0);
    this.sim.setGpioInput(this.o.encB, s >= 2 ? 1 : 0);
    this.edges++;
    this.scheduleEdge();
  }
}

/**
 * The command line's motor: "pwm=P[,dir=P][,enc=A:B][,ppr=N][,tacho=CH]
 * [,load=NM@MS]..." (load repeatable: the load torque from time MS on).
 */
function parseMotor(text) {
  const o = { loads: [] };
  for (const item of text.split(',')) {
    const m = /^(\w+)=(.+)$/.exec(item);
    if (!m) throw new Error(`'${item}' is not KEY=VALUE`);
    const [, k, v] = m;
    const pin = (s) => { const n = Number(s); if (!Number.isInteger(n) || n < 0 || n > 29) throw new Error(`${k}: '${s}' is not a GPIO 0..29`); return n; };
    switch (k) {
      case 'pwm': o.pwm = pin(v); break;
      case 'dir': o.dir = pin(v); break;
      case 'enc': { const p = v.split(':'); if (p.length !== 2) throw new Error('enc needs A:B'); o.encA = pin(p[0]); o.encB = pin(p[1]); break; }
      case 'ppr': o.ppr = Number(v); if (!Number.isInteger(o.ppr) || o.ppr < 1 || o.ppr > 10000) throw new Error('ppr: 1..10000'); break;
      case 'tacho': o.tacho = Number(v); if (!Number.isInteger(o.tacho) || o.tacho < 0 || o.tacho > 3) throw new Error('tacho: an ADC input 0..3'); break;
      case 'load': {
        const p = /^([\d.]+)(?:@([\d.]+))?$/.exec(v);
        if (!p) throw new Error(`load: expected NM[@MS], got '${v}'`);
        o.loads.push({ nm: Number(p[1]), ms: p[2] ? Number(p[2]) : 0 });
        break;
      }
      default: throw new Error(`unknown key '${k}'`);
    }
  }
  if (o.pwm === undefined) throw new Error('pwm=PIN is required');
  return o;
}

module.exports = { Motor, parseMotor };
