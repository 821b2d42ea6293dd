'use strict';
// The PWM channels' duty over a run, for the VCD and the SVG (lib/trace.js):
// from the PWM model's record (sim.pwm.events: [ns, slice, dutyA, dutyB, hz]
// whenever a slice's duty or frequency changes), one trace per channel that
// was ever driven above 0 %.

/** [{name: 'pwm7a', label: 'PWM 7A (GPIO 14)', points: [[ns, duty 0..1]], hz}] */
function pwmTraces(sim) {
  const ev = sim.pwm && sim.pwm.events;
  if (!ev || !ev.length) return [];
  const out = [];
  for (let n = 0; n < 8; n++) {
    for (const [k, ch] of [[2, 'a'], [3, 'b']]) {
      const points = [];
      let hz = 0, used = false;
      for (let i = 0; i < ev.length; i += 5) {
        if (ev[i + 1] !== n) continue;
        const d = ev[i + k];
        if (!points.length || points[points.length - 1][1] !== d) points.push([ev[i], d]);
        if (d > 0) used = true;
        if (ev[i + 4]) hz = ev[i + 4];
      }
      if (!used) continue;
      const slice = sim.pwm.slices[n];
      const pins = (ch === 'a' ? slice.pinsA : slice.pinsB).filter((p) => sim.mcu.gpio[p].functionSelect === 4);
      out.push({ name: `pwm${n}${ch}`, label: `PWM ${n}${ch.toUpperCase()}${pins.length ? ` (GPIO ${pins.join(', ')})` : ''}`, points, hz });
    }
  }
  return out;
}

module.exports = { pwmTraces };
