'use strict';
// Pictures of a run: a VCD file (GTKWave) and an SVG timeline, both made from
// the events the simulator records with {record: true}: core state changes
// (running / WFE / WFI / reset / halted) and GPIO output changes.

const STATE_RUN = 0, STATE_WFE = 1, STATE_WFI = 2;
const { pwmTraces } = require('./trace_pwm');   // PWM duty lanes
const ksvg = require('./ktrace_svg');            // the kernel's lanes

/** Per-core lists of [ns, state] and per-pin lists of [ns, level(-1 = not driven)]. */
function collect(sim) {
  const cores = [[], []];
  const ce = sim.coreEvents || [];
  for (let i = 0; i < ce.length; i += 3) cores[ce[i + 1]].push([ce[i], ce[i + 2]]);
  const pins = new Map();
  const ge = sim.gpioEvents || [];
  for (let i = 0; i < ge.length; i += 3) {
    const p = ge[i + 1];
    if (!pins.has(p)) pins.set(p, []);
    pins.get(p).push([ge[i], ge[i + 2]]);
  }
  // keep pins that were driven at some point
  for (const [p, ev] of pins) if (!ev.some(([, l]) => l >= 0)) pins.delete(p);
  return { cores, pins: new Map([...pins].sort((a, b) => a[0] - b[0])) };
}

function writeVcd(sim, file, endNs) {
  const fs = require('fs');
  const { cores, pins } = collect(sim);
  const ids = [];
  let nid = 0;
  const id = () => { let n = nid++, s = ''; do { s += String.fromCharCode(33 + (n % 94)); n = Math.floor(n / 94); } while (n); return s; };
  const out = [];
  out.push('$version tandem-sim $end', '$timescale 1ns $end', '$scope module rp2040 $end');
  const changes = []; // [ns, id, value]
  cores.forEach((ev, n) => {
    const run = id(), rst = id();
    out.push(`$var wire 1 ${run} core${n}_running $end`, `$var wire 1 ${rst} core${n}_reset $end`);
    ids.push(run, rst);
    for (const [t, st] of ev) {
      changes.push([t, run, st === STATE_RUN ? '1' : '0']);
      changes.push([t, rst, st >= 3 ? '1' : '0']);
    }
  });
  for (const [p, ev] of pins) {
    const g = id();
    out.push(`$var wire 1 ${g} gpio${p} $end`);
    for (const [t, l] of ev) changes.push([t, g, l < 0 ? 'z' : String(l)]);
  }
  for (const tr of pwmTraces(sim)) {           // each PWM channel's duty, 0..1
    const g = id();
    out.push(`$var real 64 ${g} ${tr.name}_duty $end`);
    for (const [t, d] of tr.points) changes.push([t, g, `r${+d.toFixed(6)} `]);
  }
  out.push('$upscope $end', '$enddefinitions $end');
  changes.sort((a, b) => a[0] - b[0]);
  let last = -1;
  for (const [t, i, v] of changes) {
    const ns = Math.round(t);
    if (ns !== last) { out.push(`#${ns}`); last = ns; }
    out.push(`${v}${i}`);
  }
  out.push(`#${Math.round(endNs)}`);
  fs.writeFileSync(file, out.join('\n') + '\n');
}

function fmtTime(ns) {
  if (ns >= 1e9) return `${+(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${+(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${+(ns / 1e3).toFixed(3)} us`;
  return `${Math.round(ns)} ns`;
}
function niceStep(span, n) {
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}
function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }

/** An SVG picture: a lane per core (running / sleeping / reset) and a lane per GPIO that toggled.
 * pinNames: optional Map pin -> name shown beside the pin's number.
 * kmodel: the kernel's trace (lib/ktrace.js) when the image has it: a lane
 * per thread under its core, a lane per lock, message arrows (lib/ktrace_svg.js). */
function writeSvg(sim, file, endNs, title = '', pinNames = new Map(), kmodel = null) {
  const fs = require('fs');
  const { cores, pins } = collect(sim);
  const W = 1000, left = 100, right = 50, laneH = 26, gap = 10;
  const top = kmodel ? 50 : 40;
  const plotW = W - left - right;
  const end = Math.max(endNs, 1);
  const x = (t) => left + (t / end) * plotW;
  const pwm = pwmTraces(sim);
  // the kernel's lanes (core lanes among them) are thinner, a core's threads under it
  const klanes = kmodel ? ksvg.laneList(kmodel) : [{ kind: 'core', core: 0 }, { kind: 'core', core: 1 }];
  const kH = (ln) => (ln.kind === 'core' ? laneH : 16);
  const kY = [];
  let yy = top;
  for (const ln of klanes) { kY.push(yy); yy += kH(ln) + (ln.kind === 'core' ? 6 : 4); }
  yy += gap;
  const coreY = klanes.map((ln, i) => [ln, kY[i]]).filter(([ln]) => ln.kind === 'core').map(([, y]) => y);
  const laneY = (k) => yy + k * (laneH + gap);           // the k-th GPIO/PWM lane
  const lanes = pins.size + pwm.length;
  const H = laneY(lanes) + 40;
  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  o.push(`<text x="${left}" y="20" font-size="14">${esc(title)}</text>`);
  if (kmodel) ksvg.defs(o, W);
  // legend
  o.push(`<rect x="${W - 380}" y="10" width="12" height="12" fill="#2e7d32"/><text x="${W - 364}" y="20">running (bar height: share)</text>`);
  o.push(`<rect x="${W - 160}" y="10" width="12" height="12" fill="#cfd8dc"/><text x="${W - 144}" y="20">sleeping</text>`);
  o.push(`<rect x="${W - 85}" y="10" width="12" height="12" fill="#455a64"/><text x="${W - 69}" y="20">reset</text>`);
  const colors = ['#2e7d32', '#cfd8dc', '#cfd8dc', '#455a64', '#455a64'];
  // core lanes: per pixel column, the share of each state decides the colour
  cores.forEach((ev, n) => {
    const y = coreY[n];
    let busy = 0;
    o.push(`<text x="${left - 8}" y="${y + laneH / 2 + 4}" text-anchor="end">core ${n}</text>`);
    const cols = Math.ceil(plotW);
    const share = new Float64Array(cols * 3); // running, sleeping, reset
    const add = (t0, t1, st) => {
      if (t1 <= t0) return;
      const k = st === STATE_RUN ? 0 : st === STATE_WFE || st === STATE_WFI ? 1 : 2;
      if (k === 0) busy += t1 - t0;
      let c0 = Math.floor(((t0 / end) * plotW)), c1 = Math.floor(((t1 / end) * plotW));
      c0 = Math.min(Math.max(c0, 0), cols - 1); c1 = Math.min(Math.max(c1, 0), cols - 1);
      for (let c = c0; c <= c1; c++) {
        const a = Math.max(t0, (c / plotW) * end), b = Math.min(t1, ((c + 1) / plotW) * end);
        if (b > a) share[c * 3 + k] += b - a;
      }
    };
    for (let i = 0; i < ev.length; i++) add(ev[i][0], i + 1 < ev.length ? ev[i + 1][0] : end, ev[i][1]);
    // background: sleeping; dark where held in reset or halted; green bars
    // whose height is the share of the pixel's time spent running (at least
    // 2 px, so short bursts stay visible)
    o.push(`<rect x="${left}" y="${y}" width="${plotW}" height="${laneH}" fill="${colors[1]}"/>`);
    const runs = (valueOf, draw) => {
      let start = 0, cur = null;
      for (let c = 0; c <= cols; c++) {
        const v = c < cols ? valueOf(c) : null;
        if (v !== cur) {
          if (cur !== null) draw(start, c, cur);
          cur = v; start = c;
        }
      }
    };
    runs((c) => {
      const tot = share[c * 3] + share[c * 3 + 1] + share[c * 3 + 2];
      return tot && share[c * 3 + 2] / tot > 0.5 ? 1 : null;
    }, (a, b) => o.push(`<rect x="${left + a}" y="${y}" width="${b - a}" height="${laneH}" fill="${colors[3]}"/>`));
    runs((c) => {
      const tot = share[c * 3] + share[c * 3 + 1] + share[c * 3 + 2];
      if (!tot || !share[c * 3]) return null;
      return Math.max(2, Math.round((share[c * 3] / tot) * laneH));
    }, (a, b, h) => o.push(`<rect x="${left + a}" y="${y + laneH - h}" width="${b - a}" height="${h}" fill="${colors[0]}"/>`));
    const pct = (busy / end) * 100;
    o.push(`<text x="${left + plotW + 2}" y="${y + laneH / 2 + 4}" font-size="10" fill="#333">${pct >= 10 || pct === 0 ? Math.round(pct) : pct.toFixed(1)}%</text>`);
  });
  if (kmodel) ksvg.draw(o, kmodel, klanes, (i) => kY[i], 16, left, plotW, end);
  // GPIO lanes: a step line, or a filled band where it toggles faster than a pixel
  let lane = 0;
  for (const [p, ev] of pins) {
    const y = laneY(lane);
    lane++;
    const label = pinNames.get(p) ? `GPIO ${p} ${pinNames.get(p)}` : `GPIO ${p}`;
    o.push(`<text x="${left - 8}" y="${y + laneH / 2 + 4}" text-anchor="end">${esc(label)}</text>`);
    const hi = y + 3, lo = y + laneH - 3;
    const cols = Math.ceil(plotW);
    const trans = new Uint32Array(cols);
    for (const [t] of ev) { const c = Math.min(cols - 1, Math.max(0, Math.floor((t / end) * plotW))); trans[c]++; }
    let pts = [];
    let level = -1;
    let t0 = 0;
    const flush = () => { if (pts.length > 1) o.push(`<polyline fill="none" stroke="#1565c0" stroke-width="1.5" points="${pts.join(' ')}"/>`); pts = []; };
    const yOf = (l) => (l === 1 ? hi : l === 0 ? lo : (hi + lo) / 2);
    for (let i = 0; i <= ev.length; i++) {
      const t = i < ev.length ? ev[i][0] : end;
      const c = Math.min(cols - 1, Math.floor((t / end) * plotW));
      if (i < ev.length && trans[c] > 2) {
        // dense: band over this column
        flush();
        o.push(`<rect x="${left + c}" y="${hi}" width="1" height="${lo - hi}" fill="#90caf9"/>`);
        level = ev[i][1];
        t0 = t;
        continue;
      }
      const x0 = x(t0).toFixed(1), x1 = x(t).toFixed(1);
      if (!pts.length) pts.push(`${x0},${yOf(level).toFixed(1)}`);
      pts.push(`${x1},${yOf(level).toFixed(1)}`);
      if (i < ev.length) { level = ev[i][1]; pts.push(`${x1},${yOf(level).toFixed(1)}`); }
      t0 = t;
    }
    flush();
    const toggles = sim.toggles[p];
    o.push(`<text x="${left + plotW + 2}" y="${y + laneH / 2 + 4}" font-size="10" fill="#333">${toggles}</text>`);
  }
  // PWM lanes: each channel's duty (0..100 %) as a filled step graph
  for (const tr of pwm) {
    const y = laneY(lane);
    lane++;
    o.push(`<text x="${left - 8}" y="${y + laneH / 2 + 4}" text-anchor="end" font-size="10">${esc(tr.label)}</text>`);
    o.push(`<rect x="${left}" y="${y}" width="${plotW}" height="${laneH}" fill="#f3e5f5"/>`);
    const yOf = (d) => (y + laneH - d * laneH).toFixed(1);
    const pts = [`${left},${y + laneH}`];
    let d = 0;
    for (const [t, v] of tr.points) {
      const xx = x(Math.min(t, end)).toFixed(1);
      pts.push(`${xx},${yOf(d)}`, `${xx},${yOf(v)}`);
      d = v;
    }
    pts.push(`${left + plotW},${yOf(d)}`, `${left + plotW},${y + laneH}`);
    o.push(`<polygon fill="#8e24aa" fill-opacity="0.6" stroke="none" points="${pts.join(' ')}"/>`);
    const khz = tr.hz >= 1000 ? `${+(tr.hz / 1000).toFixed(2)} kHz` : `${Math.round(tr.hz)} Hz`;
    o.push(`<text x="${left + plotW + 2}" y="${y + laneH / 2 + 4}" font-size="10" fill="#333">${khz}</text>`);
  }
  // time axis
  const axisY = laneY(lanes) + 4;
  o.push(`<line x1="${left}" y1="${axisY}" x2="${left + plotW}" y2="${axisY}" stroke="#333"/>`);
  const step = niceStep(end, 8);
  for (let t = 0; t <= end + 1e-9; t += step) {
    const xx = x(t).toFixed(1);
    o.push(`<line x1="${xx}" y1="${axisY}" x2="${xx}" y2="${axisY + 5}" stroke="#333"/>`);
    o.push(`<text x="${xx}" y="${axisY + 18}" text-anchor="middle">${t === 0 ? '0' : fmtTime(t)}</text>`);
  }
  o.push('</svg>');
  fs.writeFileSync(file, o.join('\n') + '\n');
}

module.exports = { writeVcd, writeSvg, collect, fmtTime };
