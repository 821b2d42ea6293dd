'use strict';
// The kernel's trace in the SVG picture of a run (lib/trace.js): under each
// core's lane, a lane per thread of that core (running, ready, blocked,
// sleeping); a lane per lock (held, coloured by the holder's core); arrows
// for the messages between the cores, from the sending thread's lane to the
// receiving core's lane. Each lane is drawn per pixel column (the state
// that column spent most time in; running wins whenever it ran at all), so
// the picture's size does not grow with the number of events.

const STATE_COLORS = { running: '#2e7d32', ready: '#fbc02d', blocked: '#e53935', sleeping: '#e0e0e0' };
const CORE_COLORS = ['#1565c0', '#ef6c00'];
const MAX_ARROWS = 400;

function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }

/** Per pixel column, the time each key spent there: Map key -> Float64Array(cols). */
function shares(spans, keyOf, end, plotW) {
  const cols = Math.ceil(plotW);
  const m = new Map();
  for (const s of spans) {
    const k = keyOf(s);
    if (!m.has(k)) m.set(k, new Float64Array(cols));
    const a = m.get(k);
    const t0 = Math.max(0, s.t0), t1 = Math.min(end, s.t1);
    if (t1 < t0) continue;
    let c0 = Math.min(cols - 1, Math.floor((t0 / end) * plotW));
    const c1 = Math.min(cols - 1, Math.floor((t1 / end) * plotW));
    if (t1 === t0) { a[c0] += 1e-9; continue; }   // an instant still shows
    for (let c = c0; c <= c1; c++) {
      const lo = Math.max(t0, (c / plotW) * end), hi = Math.min(t1, ((c + 1) / plotW) * end);
      if (hi > lo) a[c] += hi - lo;
    }
  }
  return m;
}

/** Draw rectangles over runs of columns with the same value (null: nothing). */
function runs(cols, valueOf, draw) {
  let start = 0, cur = null;
  for (let c = 0; c <= cols; c++) {
    const v = c < cols ? valueOf(c) : null;
    if (v !== cur) { if (cur !== null) draw(start, c, cur); cur = v; start = c; }
  }
}

/** The lanes the model adds, in order: [{kind, core?, thread?, lock?}] (core lanes included). */
function laneList(model) {
  const lanes = [];
  for (const core of [0, 1]) {
    lanes.push({ kind: 'core', core });
    for (const th of model.threads) if (th.core === core) lanes.push({ kind: 'thread', core, thread: th });
  }
  for (const l of model.locks) lanes.push({ kind: 'lock', lock: l });
  return lanes;
}

/** SVG lines for the thread and lock lanes (at yOf(lane)) and the message arrows. */
function draw(o, model, lanes, yOf, laneH, left, plotW, end) {
  const cols = Math.ceil(plotW);
  const x = (t) => left + (Math.min(Math.max(t, 0), end) / end) * plotW;
  const threadY = new Map();
  const coreY = [];
  lanes.forEach((ln, i) => {
    const y = yOf(i);
    if (ln.kind === 'core') { coreY[ln.core] = y; return; }
    if (ln.kind === 'thread') {
      const th = ln.thread;
      threadY.set(th.t, y);
      o.push(`<text x="${left - 8}" y="${y + laneH / 2 + 4}" text-anchor="end" font-size="11">${esc(th.name)}</text>`);
      o.push(`<rect x="${left}" y="${y}" width="${plotW}" height="${laneH}" fill="#fafafa" stroke="#eeeeee"/>`);
      const sh = shares(th.spans, (s) => s.state, end, plotW);
      const get = (st, c) => (sh.has(st) ? sh.get(st)[c] : 0);
      runs(cols, (c) => {
        if (get('running', c) > 0) return 'running';
        let best = null, bv = 0;
        for (const st of ['blocked', 'ready', 'sleeping']) if (get(st, c) > bv) { bv = get(st, c); best = st; }
        return best;
      }, (a, b, st) => o.push(`<rect x="${left + a}" y="${y + (st === 'running' ? 0 : 4)}" width="${b - a}" height="${st === 'running' ? laneH : laneH - 8}" fill="${STATE_COLORS[st]}"/>`));
      const busy = th.spans.reduce((n, s) => n + (s.state === 'running' ? s.t1 - s.t0 : 0), 0);
      const pct = (busy / end) * 100;
      o.push(`<text x="${left + plotW + 2}" y="${y + laneH / 2 + 4}" font-size="10" fill="#333">${pct >= 10 || pct === 0 ? Math.round(pct) : pct.toFixed(1)}%</text>`);
      return;
    }
    const l = ln.lock;
    o.push(`<text x="${left - 8}" y="${y + laneH / 2 + 4}" text-anchor="end" font-size="11">${esc(l.name + ' (lock)')}</text>`);
    o.push(`<rect x="${left}" y="${y}" width="${plotW}" height="${laneH}" fill="#fafafa" stroke="#eeeeee"/>`);
    const sh = shares(l.spans, (s) => s.core, end, plotW);
    runs(cols, (c) => {
      const a = sh.has(0) ? sh.get(0)[c] : 0, b = sh.has(1) ? sh.get(1)[c] : 0;
      return a + b > 0 ? (a >= b ? 0 : 1) : null;
    }, (a, b, core) => o.push(`<rect x="${left + a}" y="${y + 3}" width="${b - a}" height="${laneH - 6}" fill="${CORE_COLORS[core]}"/>`));
    o.push(`<text x="${left + plotW + 2}" y="${y + laneH / 2 + 4}" font-size="10" fill="#333">${l.spans.length}</text>`);
  });
  // message arrows: at most one per pixel column and direction, at most MAX_ARROWS
  const seen = new Set();
  let n = 0;
  for (const f of model.flows) {
    const col = Math.floor(((f.t0 / end) * plotW));
    const key = `${col}:${f.core0}`;
    if (seen.has(key) || n >= MAX_ARROWS) continue;
    seen.add(key);
    n++;
    const y0 = (f.thread0 && threadY.has(f.thread0) ? threadY.get(f.thread0) : coreY[f.core0]) + laneH / 2;
    const y1 = coreY[f.core1] + (coreY[f.core1] > y0 ? 2 : laneH - 2);
    o.push(`<line x1="${x(f.t0).toFixed(1)}" y1="${y0.toFixed(1)}" x2="${x(f.t1).toFixed(1)}" y2="${y1.toFixed(1)}" stroke="${CORE_COLORS[f.core0]}" stroke-width="1.2" marker-end="url(#msg${f.core0})"/>`);
  }
}

/** The legend and arrow heads. */
function defs(o, W) {
  o.push('<defs>');
  CORE_COLORS.forEach((c, i) => o.push(`<marker id="msg${i}" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="${c}"/></marker>`));
  o.push('</defs>');
  let xx = W - 620;
  const item = (color, text, w) => { o.push(`<rect x="${xx}" y="27" width="12" height="10" fill="${color}"/><text x="${xx + 16}" y="36" font-size="11">${text}</text>`); xx += w; };
  item(STATE_COLORS.running, 'thread running', 100);
  item(STATE_COLORS.ready, 'ready', 55);
  item(STATE_COLORS.blocked, 'blocked', 65);
  item(STATE_COLORS.sleeping, 'sleeping', 70);
  item(CORE_COLORS[0], 'held / sent by core 0', 140);
  item(CORE_COLORS[1], 'core 1', 60);
}

module.exports = { laneList, draw, defs };
