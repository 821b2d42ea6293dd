#!/usr/bin/env node
/*
 * bench/doccheck.js: docs/performance.md's figures against one 'make bench'
 * run of this tree.
 *
 *   node bench/doccheck.js [--list] RESULTS_JSON [PERFORMANCE_MD]
 *
 * RESULTS_JSON is bench/report.js's results.json (every figure of the run,
 * the extras too); PERFORMANCE_MD defaults to docs/performance.md. The checks,
 * one result line each ("PASS name" / "FAIL name: reason", the suite
 * runner's format, tests/run-suite.sh):
 *   bench_docs_table     every row of the fenced table under "## The table"
 *                        has the run's value
 *   bench_docs_complete  every figure of the run has a row there, every row
 *                        a figure of the run
 *   bench_docs_goals     the "now" column of "## Where the goals stand"
 *   bench_docs_headings  each `figure` (N) in a ### heading
 *   bench_docs_flash     docs/flash.md's "## Figures" table (beside
 *                        PERFORMANCE_MD): each row's value cell against the
 *                        figures its last cell names
 *   bench_docs_planted_* the check itself: the document with one wrong
 *                        figure planted (a table value, a missing row, a
 *                        "now" value, a heading's number, a flash.md value)
 *                        must fail naming that figure and line
 * The emulator is cycle-exact, so every figure is the same on every run of
 * one tree except the emulator's own speeds, which follow the machine's
 * load: MACHINE_DEPENDENT below. Their values are not compared (their rows
 * must still be there). A failure names the file, the line, the figure, the
 * document's value and the measured one.
 */
'use strict';
const fs = require('fs');
const path = require('path');

/* The figures that vary from run to run: host instructions per second,
 * simulated MHz per host second, and the ratios of two such speeds. */
const MACHINE_DEPENDENT = /instr_per_s$|_mhz$|^sim_.*_ratio$/;
const TESTS = ['bench_docs_table', 'bench_docs_complete', 'bench_docs_goals', 'bench_docs_headings',
  'bench_docs_flash', 'bench_docs_planted_table', 'bench_docs_planted_complete',
  'bench_docs_planted_goals', 'bench_docs_planted_headings', 'bench_docs_planted_flash'];

const args = process.argv.slice(2);
if (args[0] === '--list') { TESTS.forEach((t) => console.log(t)); process.exit(0); }
if (args.length < 1) {
  console.error('usage: node bench/doccheck.js [--list] RESULTS_JSON [PERFORMANCE_MD]');
  process.exit(2);
}
const [resultsFile, docFile = 'docs/performance.md'] = args;

function readOrDie(f, what) {
  try { return fs.readFileSync(f, 'utf8'); } catch (e) {
    console.error(`bench/doccheck.js: cannot read ${what} ${f}: ${e.code || e.message}` +
      (what === 'results' ? " (run 'make bench' first)" : ''));
    process.exit(2);
  }
}
let results;
try { results = JSON.parse(readOrDie(resultsFile, 'results')); } catch (e) {
  console.error(`bench/doccheck.js: ${resultsFile}: not JSON: ${e.message}`);
  process.exit(2);
}
const doc = readOrDie(docFile, 'document');
const flashFile = path.join(path.dirname(docFile), 'flash.md');
const flashLines = readOrDie(flashFile, 'document').split('\n');

/* The same number: the table prints String(value). */
const same = (text, value) => text.trim() !== '' && Number(text) === value;

/* A section's lines (1-based numbers) from its "## title" to the next "## ". */
function section(lines, title) {
  const start = lines.findIndex((l) => l.trim() === `## ${title}`);
  if (start < 0) return null;
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  return { start, end };
}

/* Each check returns a list of failure messages. */
function tableRows(lines, file, errs) {
  const s = section(lines, 'The table');
  if (!s) { errs.push(`${file}: no "## The table" section`); return []; }
  const open = lines.findIndex((l, i) => i > s.start && i < s.end && /^```/.test(l));
  const close = open < 0 ? -1 : lines.findIndex((l, i) => i > open && /^```/.test(l));
  if (open < 0 || close < 0 || close > s.end) { errs.push(`${file}:${s.start + 1}: "## The table" has no fenced table`); return []; }
  const rows = [];
  for (let i = open + 1; i < close; i++) {
    const m = /^([a-z][a-z0-9_]*)\s+(-?[\d.]+)\s/.exec(lines[i] + ' ');
    if (m && m[1] !== 'figure') rows.push({ line: i + 1, name: m[1], value: m[2] });
  }
  if (!rows.length) errs.push(`${file}:${open + 1}: the fenced table has no figure rows`);
  return rows;
}

function checkTable(lines, file) {
  const errs = [];
  for (const r of tableRows(lines, file, errs)) {
    const f = results[r.name];
    if (!f || MACHINE_DEPENDENT.test(r.name)) continue;   /* a missing one: checkComplete */
    if (!same(r.value, f.value)) errs.push(`${file}:${r.line}: ${r.name}: the table says ${r.value}, the run measured ${f.value}`);
  }
  return errs;
}

function checkComplete(lines, file) {
  const errs = [];
  const rows = tableRows(lines, file, errs);
  const seen = new Set(rows.map((r) => r.name));
  for (const r of rows) {
    if (!results[r.name]) errs.push(`${file}:${r.line}: ${r.name}: in the table (${r.value}), not a figure of the run`);
  }
  for (const [name, f] of Object.entries(results)) {
    if (!seen.has(name)) errs.push(`${file}: ${name}: measured ${f.value} by the run, no row in "## The table"`);
  }
  return errs;
}

/* The figure rows of a "## title" section's table: the lines keep(line,
 * cells) accepts, each { i: its 0-based index, cells }; errs says when the
 * section or its rows are missing. */
function sectionRows(lines, title, file, keep) {
  const s = section(lines, title);
  if (!s) return { errs: [`${file}: no "## ${title}" section`], rows: [] };
  const rows = [];
  for (let i = s.start + 1; i < s.end; i++) {
    const cells = lines[i].split('|').map((c) => c.trim());
    if (keep(lines[i], cells)) rows.push({ i, cells });
  }
  return { errs: rows.length ? [] : [`${file}:${s.start + 1}: "${title}" has no figure rows`], rows };
}

function checkGoals(lines, file) {
  const { errs, rows } = sectionRows(lines, 'Where the goals stand', file,
    (l, cells) => cells.length >= 4 && /`/.test(cells[1]));
  for (const { i, cells } of rows) {
    const names = cells[1].split('/').map((c) => c.trim().replace(/`/g, ''));
    const values = cells[2].split('/').map((c) => c.trim());
    if (names.length !== values.length) {
      errs.push(`${file}:${i + 1}: ${names.join(' / ')}: ${names.length} figures, ${values.length} values ("${cells[2]}")`);
      continue;
    }
    names.forEach((name, k) => {
      const f = results[name];
      if (!f) errs.push(`${file}:${i + 1}: ${name}: in "Where the goals stand", not a figure of the run`);
      else if (MACHINE_DEPENDENT.test(name)) {
        if (values[k] !== 'machine-dependent') errs.push(`${file}:${i + 1}: ${name}: varies with the machine, the "now" column should say machine-dependent, not ${values[k]}`);
      } else if (!same(values[k], f.value)) errs.push(`${file}:${i + 1}: ${name}: "now" says ${values[k]}, the run measured ${f.value}`);
    });
  }
  return errs;
}

/* ### headings: every `figure` (N) pair; a number in parentheses with no
 * figure named before it is an error too (it could not be checked). */
function checkHeadings(lines, file) {
  const errs = [];
  let fence = false;
  lines.forEach((l, i) => {
    if (/^```/.test(l)) fence = !fence;
    if (fence || !/^###+ /.test(l)) return;
    const re = /(?:`([a-z][a-z0-9_]*)`\s*)?\((-?[\d.]+)\)/g;
    let m;
    while ((m = re.exec(l))) {
      const [, name, value] = m;
      if (!name) { errs.push(`${file}:${i + 1}: heading "${l}": the figure (${value}) names no figure before it`); continue; }
      const f = results[name];
      if (!f) errs.push(`${file}:${i + 1}: ${name}: in a heading, not a figure of the run`);
      else if (!MACHINE_DEPENDENT.test(name) && !same(value, f.value)) errs.push(`${file}:${i + 1}: ${name}: the heading says ${value}, the run measured ${f.value}`);
    }
  });
  return errs;
}

/* docs/flash.md's "## Figures" table: | what | value | `figure`, ... |.
 * The numbers of the value cell ("45 018 us", "1 790 bytes of flash, 362
 * of RAM": digits grouped by spaces read as one number), in order, are the
 * named figures' values; a number after them ("(22.8 us)") is derived and
 * not compared. Every row must name a figure of the run. */
const NUMBER = /\d{1,3}(?: \d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/g;
function checkFlash(lines, file) {
  const { errs, rows } = sectionRows(lines, 'Figures', file,
    (l, cells) => /^\|/.test(l) && cells.length >= 5 && !/^-+$/.test(cells[1]) && cells[3] !== 'in the run');
  for (const { i, cells } of rows) {
    const names = (cells[3].match(/`[a-z][a-z0-9_]*`/g) || []).map((c) => c.replace(/`/g, ''));
    const values = (cells[2].match(NUMBER) || []).map((v) => v.replace(/ /g, ''));
    if (!names.length) { errs.push(`${file}:${i + 1}: "${cells[1]}": the row names no figure of the run`); continue; }
    if (values.length < names.length) { errs.push(`${file}:${i + 1}: ${names.join(', ')}: ${names.length} figures, ${values.length} numbers ("${cells[2]}")`); continue; }
    names.forEach((name, k) => {
      const f = results[name];
      if (!f) errs.push(`${file}:${i + 1}: ${name}: in the figures table, not a figure of the run`);
      else if (!same(values[k], f.value)) errs.push(`${file}:${i + 1}: ${name}: the table says ${values[k]}, the run measured ${f.value}`);
    });
  }
  return errs;
}

const CHECKS = { table: checkTable, complete: checkComplete, goals: checkGoals, headings: checkHeadings,
  flash: checkFlash };
const FILES = { flash: [flashLines, flashFile] };
const lines = doc.split('\n');
let passed = 0, failed = 0;
function report(name, errs) {
  if (errs.length) { failed++; console.log(`FAIL ${name}: ${errs.join('; ')}`); }
  else { passed++; console.log(`PASS ${name}`); }
}
for (const [k, fn] of Object.entries(CHECKS)) {
  const [ls, file] = FILES[k] || [lines, docFile];
  report(`bench_docs_${k}`, fn(ls, file));
}

/* The planted cases: a copy of the lines with one figure made wrong; the
 * check must fail, naming the figure and the line it was planted on. A
 * deterministic figure of the run is picked from the document itself. */
function plant(kind) {
  const [orig, file] = FILES[kind] || [lines, docFile];
  const copy = orig.slice();
  const errs = [];
  const bump = (v) => String(Number(v) + 1);
  let name, line;
  if (kind === 'table' || kind === 'complete') {
    const r = tableRows(copy, docFile, errs).find((x) => results[x.name] && !MACHINE_DEPENDENT.test(x.name));
    if (!r) return `no deterministic row to plant in`;
    name = r.name; line = r.line;
    if (kind === 'table') copy[line - 1] = copy[line - 1].replace(r.value, bump(r.value));
    else copy.splice(line - 1, 1);
  } else if (kind === 'goals') {
    const s = section(copy, 'Where the goals stand');
    const i = s && copy.findIndex((l, j) => j > s.start && j < s.end && /^\| `[a-z_]+` \| \d+ \|/.test(l));
    if (!s || i < 0) return 'no single-figure row in "Where the goals stand" to plant in';
    const m = /^\| `([a-z_]+)` \| (\d+) \|/.exec(copy[i]);
    name = m[1]; line = i + 1;
    copy[i] = copy[i].replace(`| ${m[2]} |`, `| ${bump(m[2])} |`);
  } else if (kind === 'flash') {
    const s = section(copy, 'Figures');
    const i = s ? copy.findIndex((l, j) => j > s.start && j < s.end && /^\| [^|]+ \| [\d ]*\d[^|]*\| `[a-z_]+`/.test(l)) : -1;
    if (i < 0) return 'no figure row in flash.md\'s "## Figures" to plant in';
    const cells = copy[i].split('|');
    const first = cells[2].match(NUMBER)[0];
    name = /`([a-z_]+)`/.exec(cells[3])[1]; line = i + 1;
    cells[2] = cells[2].replace(first, bump(first.replace(/ /g, '')));
    copy[i] = cells.join('|');
  } else {
    const i = copy.findIndex((l) => /^### `[a-z_]+` \(\d+\)/.test(l));
    if (i < 0) return 'no "### `figure` (N)" heading to plant in';
    const m = /^### `([a-z_]+)` \((\d+)\)/.exec(copy[i]);
    name = m[1]; line = i + 1;
    copy[i] = copy[i].replace(`(${m[2]})`, `(${bump(m[2])})`);
  }
  const got = CHECKS[kind](copy, file);
  const want = kind === 'complete' ? `${name}: measured` : `${file}:${line}: ${name}:`;
  if (!got.some((e) => e.includes(want))) return `planted ${name} on line ${line}: expected a failure naming "${want}", got: ${got.join('; ') || 'none'}`;
  return null;
}
for (const k of Object.keys(CHECKS)) {
  const err = plant(k);
  report(`bench_docs_planted_${k}`, err ? [err] : []);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
