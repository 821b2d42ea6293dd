#!/usr/bin/env node
// tools/doccheck.js: the names the documentation tells a reader to use,
// checked against the tree. The documents: README.md, docs/*.md,
// sim/README.md, examples/*/README.md. The checks:
//   docs_names       every td_* / TD_* name occurs in the sources (C, the
//                    makefiles, the scripts, the emulator); a name ending in
//                    '_' is a prefix, one with a capital in a td_ name
//                    (td_NOUN_verb) a placeholder, a plural ("td_mutexes")
//                    the name without its "s" / "es"
//   docs_calls       every call written with its arguments, td_f(a, b), has
//                    as many arguments as a declaration of td_f in a header
//                    (include/, kernel/, port/); "..." in the list skips it
//   docs_make        every `make ...` in a code span or a code block: each
//                    target is a target or pattern of the build (make -p),
//                    each VAR= a variable the makefiles name, EXAMPLE= an
//                    example of the build
//   docs_examples    README.md's example table has a row for every example
//                    of the build (EXAMPLES) and none for another
//   docs_index       README.md's documentation table has a row for every
//                    docs/*.md
//   docs_layout      README.md's layout table ("## Layout") names every
//                    folder of the tree's top (include/ as include/tandem/)
//                    and every port layer: port/arch/ARCH/, port/chip/CHIP/,
//                    port/common/, port/host/
//   docs_paths       every path under a top folder of the tree (kernel/,
//                    port/, tests/, ...) exists (or with .c/.h/.sh/.js/.mk,
//                    or its .c for a .o); one after a '/' (build/...), or with
//                    a capital placeholder (NAME), is skipped
//   docs_code        every fenced C block (```c) compiles, as the body of a
//                    function after every header of include/tandem/, for
//                    the host port (cc) and the RP2040 ($CROSS gcc), with
//                    -std=c11 -Wall -Wextra -Werror (unused names allowed);
//                    what a fragment assumes (a variable, a function of
//                    the program) is declared in a comment line right above
//                    its fence: <!-- doccheck-c: uint32_t offset; -->
// Then the check itself: a document with one planted mistake (a function
// that does not exist, a wrong argument count, a missing make target or
// variable, a missing file) must fail with exactly that mistake named.
// And what `make help` prints (the Makefile's HELP_TARGETS, HELP_VARIABLES):
//   help_make        every target it names is a target or pattern of the
//                    build (make -p), each with its line; every VAR= a
//                    variable the makefiles expand ($(VAR)); its test-SUITE
//                    list is TEST_SUITES, every suite 'make test' runs, and
//                    test-SUITE exists for each
// with its own planted mistakes (a missing target, a missing variable, a
// suite left out), each of which must fail naming it.
// Prints "TEST name" and "PASS name" / "FAIL name: reason" per check, then
// "N passed, M failed".
//
//   node tools/doccheck.js [ROOT]
//   node tools/doccheck.js --list [ROOT]   the checks' names only
'use strict';
const fs = require('fs');
const path = require('path');
const cp = require('child_process');

const args = process.argv.slice(2);
const listing = args[0] === '--list';
if (listing) args.shift();
const root = path.resolve(args[0] || '.');

const CHECKS = ['docs_names', 'docs_calls', 'docs_make', 'docs_examples', 'docs_index', 'docs_layout', 'docs_paths', 'docs_code'];
// Run under a make with another build directory and trace (make test-layering
// BUILD=elsewhere TRACE=ring), make's database is the same: the documents'
// targets are the defaults' (checked in docs_make_under_other_build).
const ELSEWHERE = path.join(root, 'build', 'doccheck-elsewhere');   /* (make -q writes nothing there) */
const OTHER_BUILD = { MAKEFLAGS: ` -- BUILD=${ELSEWHERE} TRACE=ring`, MAKELEVEL: '1', BUILD: ELSEWHERE, TRACE: 'ring' };
// Paths the documents name on purpose although they do not exist: the
// "how to add" recipes' new files and the chip not ported yet.
const HYPOTHETICAL = new Set(['include/tandem/xthing.h', 'kernel/xthing.c',
  'tests/test_xthing.c', 'port/chip/rp2350']);
// Names of the past that docs/performance-history.md quotes as they were
// when it measured them (each marked there as since replaced).
const PAST = new Set(['td__ready_resched']);
const PLANTED = [
  ['docs_refuses_missing_function', 'Call `td_no_such_call()` first.', 'td_no_such_call'],
  ['docs_refuses_wrong_arguments', 'Then `td_sleep(1, 2)`.', 'td_sleep(1, 2)'],
  ['docs_refuses_missing_target', 'Run `make no-such-target`.', 'no-such-target'],
  ['docs_refuses_missing_variable', 'Run `make NO_SUCH_VARIABLE=1 run`.', 'NO_SUCH_VARIABLE'],
  ['docs_refuses_missing_example', 'Run `make run EXAMPLE=no_such_example`.', 'no_such_example'],
  ['docs_refuses_missing_path', 'See `kernel/no_such_file.c`.', 'kernel/no_such_file.c'],
  // a call with the right number of arguments, of the wrong type
  ['docs_refuses_code_that_does_not_compile', '```c\ntd_sleep("one tick");\n```', 'td_sleep'],
  // a row inserted at the end of README.md's example table, and one taken out
  ['docs_refuses_unknown_example_row', '| `no_such_example` | x | y |', 'no_such_example', 'insert'],
  ['docs_refuses_missing_example_row', '| `settings` |', 'no row for settings', 'remove'],
  ['docs_refuses_unlinked_doc', '| [docs/ports.md](docs/ports.md) |', 'docs/ports.md', 'remove'],
  ['docs_refuses_missing_layout_row', '| `port/common/` |', 'port/common/', 'remove'],
];

// make help's text with one planted change: [name, change, what the problem names]
const HELP_PLANTED = [
  ['help_refuses_missing_target', (t) => t.replace('\nTargets:\n', '\nTargets:\n  no-such-target      planted\n'), 'no-such-target'],
  ['help_refuses_missing_variable', (t) => t.replace('\nVariables:\n', '\nVariables:\n  NO_SUCH_VARIABLE=1  planted\n'), 'NO_SUCH_VARIABLE'],
  ['help_refuses_missing_suite', (t) => t.replace(/^( {4,}.*?)(^|\s)foundation(?=\s|$)/m, '$1$2'), 'suite foundation'],
];

if (listing) {
  for (const c of CHECKS) console.log(c);
  for (const p of PLANTED) console.log(p[0]);
  console.log('docs_make_under_other_build');
  console.log('docs_make_ignores_dependency_files');
  console.log('help_make');
  for (const p of HELP_PLANTED) console.log(p[0]);
  process.exit(0);
}

// The tree's files matching git pathspecs (tracked, and new ones not
// ignored), without the emulator's packages.
const git = (a) => cp.execFileSync('git', ['-C', root, 'ls-files', '--cached', '--others',
  '--exclude-standard', ...a]).toString()
  .split('\n').filter((f) => f && !f.includes('node_modules/'));
const read = (f) => fs.readFileSync(path.join(root, f), 'utf8');
const docs = git(['README.md', 'docs/*.md', 'sim/README.md', 'examples/*/README.md']);
const sources = git(['*.c', '*.h', '*.S', '*.ld', '*.mk', 'Makefile', '*.js', '*.sh', '*.py',
  'tools/gdb/*', 'tools/fault-addr2line']).filter((f) => !f.endsWith('.md') && f !== 'tools/doccheck.js'); // not its own planted names
const makefiles = sources.filter((f) => f === 'Makefile' || f.endsWith('.mk'));

// ---- what the tree has -------------------------------------------------
const names = new Set();
for (const f of sources) for (const m of read(f).matchAll(/\b(?:td|TD)_\w*/g)) names.add(m[0]);

// Argument counts of each td_ function or function-like macro declared in a
// header ("n" or "n+" for a variadic one).
const arity = new Map();
const addArity = (name, list) => {
  const a = list.replace(/\s+/g, ' ').trim();
  const n = a === '' || a === 'void' ? 0 : a.split(',').length;
  if (!arity.has(name)) arity.set(name, new Set());
  arity.get(name).add(a.includes('...') ? `${n - 1}+` : `${n}`);
};
for (const f of sources.filter((f) => f.endsWith('.h'))) {
  const t = read(f).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*/g, '');
  // a declaration or definition: NAME(params) then attributes, ';' or '{'
  for (const m of t.matchAll(/\b(td_\w+)\s*\(((?:[^()]|\([^()]*\))*)\)\s*(?:__attribute__\s*\(\([^;{]*\)\)\s*)*[;{]/g))
    addArity(m[1], m[2]);
  for (const m of t.matchAll(/#\s*define\s+(td_\w+)\(([^)]*)\)/g)) addArity(m[1], m[2]);
}

// make as the documents mean it: the build's defaults (BUILD=build), also
// when this runs under a make given other values (make test-layering
// BUILD=elsewhere hands them down in MAKEFLAGS) or an environment that sets
// them. env: the environment this runs in.
function docsMake(makeArgs, env, opts = {}) {
  const clean = { ...env };
  for (const k of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES', 'BUILD', 'TRACE']) delete clean[k];
  try {
    return cp.execFileSync('make', ['-C', root, 'BUILD=build', ...makeArgs],
      { stdio: ['ignore', 'pipe', 'ignore'], env: clean, ...opts }).toString();
  } catch (e) { return e.stdout ? e.stdout.toString() : ''; }
}
// The build's targets and patterns, from make's database: the makefiles'
// rules without the compilers' dependency files (NO_DEPFILES: a build
// running beside this writes them meanwhile, and their objects and headers
// are no targets a document names).
function makeTargets(env) {
  const db = docsMake(['-pRrq', '-f', 'Makefile', 'NO_DEPFILES=1', '__doccheck_no_target__'], env,
    { maxBuffer: 64 << 20 });
  const targets = new Set(), patterns = [];
  const lines = db.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^#\s=:][^=:]*?):(?!=)/.exec(lines[i]);
    if (!m || (i > 0 && lines[i - 1].startsWith('# Not a target'))) continue;
    for (const t of m[1].split(/\s+/)) {
      if (t.includes('%')) patterns.push(new RegExp('^' + t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('%', '.+') + '$'));
      else targets.add(t);
    }
  }
  return { db, targets, patterns };
}
const { db, targets, patterns } = makeTargets(process.env);
const examplesVar = /^EXAMPLES :?= (.*)$/m.exec(db);
const examples = new Set(examplesVar ? examplesVar[1].trim().split(/\s+/) : []);
const makeText = makefiles.map(read).join('\n');

// ---- the checks: each returns a list of problems for one document's text ----
const lineOf = (text, i) => text.slice(0, i).split('\n').length;

function checkNames(file, text) {
  const out = [];
  for (const m of text.matchAll(/\b(?:td|TD)_\w*/g)) {
    const n = m[0];
    if (names.has(n) || PAST.has(n) || n.endsWith('_') || (/^td_/.test(n) && /[A-Z]/.test(n))) continue;
    if (names.has(n.replace(/e?s$/, '')) || names.has(n.replace(/s$/, ''))) continue;
    out.push(`${file}:${lineOf(text, m.index)}: ${n} is nowhere in the sources`);
  }
  return out;
}

function checkCalls(file, text) {
  const out = [];
  for (const m of text.matchAll(/\b(td_\w+)\(([^()`]*)\)/g)) {
    const a = m[2].replace(/\s+/g, ' ').trim();
    if (a.includes('...') || a.includes('…')) continue;
    const n = a === '' ? 0 : a.split(',').length;
    const want = arity.get(m[1]);
    if (!want) {
      if (!names.has(m[1])) out.push(`${file}:${lineOf(text, m.index)}: ${m[1]} is not declared`);
      continue; // a function of a .c file, a label: named, not declared in a header
    }
    if (want.has(`${n}`) || [...want].some((w) => w.endsWith('+') && n >= parseInt(w, 10))) continue;
    out.push(`${file}:${lineOf(text, m.index)}: ${m[0].replace(/\s+/g, ' ')} has ${n} argument(s), the declaration ${[...want].join(' or ')}`);
  }
  return out;
}

// The `make ...` commands of a document: code spans, and the lines of code
// blocks (fenced or indented) that start with make.
function makeCommands(text) {
  const cmds = [];
  for (const m of text.matchAll(/`(make(?:\s[^`]*)?)`/g)) cmds.push([m[1], m.index]);
  let fenced = false, pos = 0;
  for (const l of text.split('\n')) {
    if (/^\s*```/.test(l)) fenced = !fenced;
    else if ((fenced || /^ {4}/.test(l)) && /^\s*(\$ )?make(\s|$)/.test(l))
      cmds.push([l.trim().replace(/^\$ /, ''), pos]);
    pos += l.length + 1;
  }
  return cmds;
}

function checkMake(file, text) {
  const out = targets.size ? [] : ['make -p printed no targets'];
  for (const [cmd, at] of makeCommands(text)) {
    const where = `${file}:${lineOf(text, at)}`;
    for (const tok of cmd.match(/[^\s"]*"[^"]*"\S*|\S+/g).slice(1)) {
      const v = /^([A-Za-z_]\w*)=(.*)$/.exec(tok);
      if (v) {
        if (!new RegExp(`\\b${v[1]}\\b`).test(makeText)) out.push(`${where}: make variable ${v[1]} is not in the makefiles`);
        else if (v[1] === 'EXAMPLE' && /^[a-z0-9_]+$/.test(v[2]) && v[2] !== 'name' && !examples.has(v[2]))
          out.push(`${where}: EXAMPLE=${v[2]} is not an example`);
        continue;
      }
      if (/^-/.test(tok)) continue;                                  // -j2, -k
      if (!/^[a-z][a-z0-9_./%-]*[a-z0-9_]$|^[a-z]$/.test(tok)) break; // #, >, |, a placeholder
      if (targets.has(tok) || patterns.some((p) => p.test(tok))) continue;
      out.push(`${where}: make target ${tok} does not exist`);
    }
  }
  return out;
}

// README.md's table of examples: its rows "| `NAME` | ..." after the
// "## Examples" heading, up to the next heading.
// The text of a document's "## HEADING" section, up to the next heading
// of its level; null without one.
function section(text, heading) {
  const at = text.indexOf(`\n## ${heading}`);
  if (at < 0) return null;
  const end = text.indexOf('\n## ', at + 1);
  return text.slice(at, end < 0 ? undefined : end);
}

function checkExamples(file, text) {
  if (file !== 'README.md') return [];
  const part = section(text, 'Examples');
  if (part === null) return ['README.md: no "## Examples" section'];
  const rows = [...part.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
  const out = [];
  for (const r of rows) if (!examples.has(r)) out.push(`README.md: the example table names ${r}, which is not an example`);
  for (const e of examples) if (!rows.includes(e)) out.push(`README.md: the example table has no row for ${e}`);
  if (!examples.size) out.push('make -p printed no EXAMPLES');
  return out;
}

function checkIndex(file, text) {
  if (file !== 'README.md') return [];
  return docs.filter((d) => d.startsWith('docs/') && !text.includes(`\n| [${d}](${d}) |`))
    .map((d) => `README.md: the documentation table has no row for ${d}`);
}

// The folders README.md's layout table must name: the tree's top folders
// (tracked files in them; not the hidden ones), include/ by its
// include/tandem/, port/ by its layers.
const layoutFolders = [...new Set(git([]).filter((f) => f.includes('/') && !f.startsWith('.'))
  .map((f) => f.split('/')))].flatMap((p) => {
  if (p[0] === 'include') return ['include/tandem/'];
  if (p[0] !== 'port') return [`${p[0]}/`];
  if ((p[1] === 'arch' || p[1] === 'chip') && p.length > 3) return [`port/${p[1]}/${p[2]}/`];
  if (p.length > 2 && p[1] !== 'arch' && p[1] !== 'chip') return [`port/${p[1]}/`];
  return [];
}).filter((d, i, all) => all.indexOf(d) === i);
function checkLayout(file, text) {
  if (file !== 'README.md') return [];
  const part = section(text, 'Layout');
  if (part === null) return ['README.md: no "## Layout" section'];
  return layoutFolders.filter((d) => !part.includes(`\`${d}\``))
    .map((d) => `README.md: the layout table does not name ${d}`);
}

const TOPS = 'kernel|port|tests|examples|tools|sim|include|bench|docs';
function checkPaths(file, text) {
  const out = [];
  const re = new RegExp(`(^|[^\\w/.-])((?:${TOPS})/[\\w./-]*\\w)`, 'g');
  for (const m of text.matchAll(re)) {
    const p = m[2];
    if (/[A-Z]/.test(p.replace(/README|LICENSE|\.md$|\.S$/g, '')) || HYPOTHETICAL.has(p)) continue;
    const exists = (q) => fs.existsSync(path.join(root, q)) ||
      (file.startsWith('sim/') && fs.existsSync(path.join(root, 'sim', q)));
    if (exists(p) || ['.c', '.h', '.sh', '.js', '.mk'].some((e) => exists(p + e))) continue;
    if (/\.o$/.test(p) && exists(p.replace(/\.o$/, '.c'))) continue;
    if (/\/test_$/.test(p)) continue;                                // a prefix: tests/test_
    out.push(`${file}:${lineOf(text, m.index + m[1].length)}: ${p} does not exist`);
  }
  return out;
}

// The C blocks of a document, each compiled once per text for both ports.
const CROSS = process.env.CROSS || 'arm-none-eabi-';
const headers = git(['include/tandem/*.h']).map((f) => `#include "${f.replace(/^include\//, '')}"`).join('\n');
const COMPILERS = [
  ['host', 'cc', ['-std=c11', '-D_GNU_SOURCE', '-Iinclude', '-Iport', '-Iport/host']],
  ['rp2040', `${CROSS}gcc`, ['-std=c11', '-mcpu=cortex-m0plus', '-mthumb', '-ffreestanding', '-Iinclude',
    '-Iport', '-Iport/chip/rp2040', '-Iport/arch/armv6m', '-Iport/chip/rp2040/libc']],
];
const compiled = new Map();
function compileC(decls, body) {
  const src = `${headers}\n${decls}\nvoid doccheck_fragment(void);\nvoid doccheck_fragment(void)\n{\n${body}\n}\n`;
  if (compiled.has(src)) return compiled.get(src);
  const errs = [];
  for (const [port, cc, flags] of COMPILERS) {
    try {
      cp.execFileSync(cc, [...flags, '-Wall', '-Wextra', '-Werror', '-Wno-unused', '-fsyntax-only', '-x', 'c', '-'],
        { cwd: root, input: src, stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (e) {
      if (e.code === 'ENOENT') { errs.push(`${port}: ${cc} not found (make deps installs it)`); continue; }
      const msg = e.stderr ? e.stderr.toString().split('\n').filter((l) => /error/.test(l))
        .map((l) => l.replace(/^<stdin>:\d+:\d+: /, '')).slice(0, 2).join(' / ') : String(e.message);
      errs.push(`${port} (${cc}): ${msg || 'failed'}`);
    }
  }
  compiled.set(src, errs);
  return errs;
}
function checkCode(file, text) {
  const out = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```c\s*$/.test(lines[i])) continue;
    const ind = /^\s*/.exec(lines[i])[0].length;
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j])) j++;
    const body = lines.slice(i + 1, j).map((l) => l.slice(Math.min(ind, /^\s*/.exec(l)[0].length))).join('\n');
    const d = i > 0 ? /<!--\s*doccheck-c:([\s\S]*?)-->/.exec(lines[i - 1]) : null;
    for (const e of compileC(d ? d[1] : '', body)) out.push(`${file}:${i + 1}: the C block does not compile: ${e}`);
    i = j;
  }
  return out;
}

const CHECKERS = { docs_names: checkNames, docs_calls: checkCalls, docs_make: checkMake,
  docs_examples: checkExamples, docs_index: checkIndex, docs_layout: checkLayout, docs_paths: checkPaths,
  docs_code: checkCode };
let passed = 0, failed = 0;
const result = (ok, name, why) => {
  if (ok) { passed++; console.log(`PASS ${name}`); } else { failed++; console.log(`FAIL ${name}: ${why}`); }
};

const texts = docs.map((f) => [f, read(f)]);
for (const c of CHECKS) {
  console.log(`TEST ${c}`);
  const problems = texts.flatMap(([f, t]) => CHECKERS[c](f, t));
  for (const p of problems) console.log(`  ${p}`);
  result(problems.length === 0, c, `${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}`);
}

// The check itself: README.md with one planted line must fail on it alone
// (the line added at the end; 'insert': before the section after the
// example table; 'remove': the line starting so taken out).
const readme = read('README.md');
for (const [name, line, named, how] of PLANTED) {
  console.log(`TEST ${name}`);
  let t = `${readme}\n${line}\n`;
  if (how === 'insert') t = readme.replace('\n\n## Other targets', `\n${line}\n\n## Other targets`);
  if (how === 'remove') t = readme.split('\n').filter((l) => !l.startsWith(line)).join('\n');
  if (t === readme) { result(false, name, 'the planted change did not apply to README.md'); continue; }
  const problems = CHECKS.flatMap((c) => CHECKERS[c]('README.md', t))
    .filter((p) => !CHECKS.flatMap((c) => CHECKERS[c]('README.md', readme)).includes(p));
  if (problems.length === 0) result(false, name, `nothing found in '${line}'`);
  else if (!problems.every((p) => p.includes(named))) result(false, name, `unexpected: ${problems.join('; ')}`);
  else result(true, name);
}
// ---- make help ---------------------------------------------------------
// Its entries: "  NAME  text" lines under "Targets:" and "Variables:", each
// with the lines indented further that follow it (the test-SUITE entry's:
// the suites).
function parseHelp(text) {
  const h = { targets: [], variables: [] };
  let list = null, last = null;
  for (const l of text.split('\n')) {
    if (/^Targets:/.test(l)) { list = h.targets; last = null; continue; }
    if (/^Variables:/.test(l)) { list = h.variables; last = null; continue; }
    const m = /^  (\S+)\s*(.*)$/.exec(l);
    if (m && list) list.push(last = { name: m[1], text: m[2], more: [] });
    else if (/^ {4,}\S/.test(l) && last) last.more.push(l.trim());
  }
  return h;
}
const suitesVar = /^TEST_SUITES :?= (.*)$/m.exec(db);
const suites = suitesVar ? suitesVar[1].trim().split(/\s+/) : [];
function checkHelp(text) {
  const h = parseHelp(text);
  if (!h.targets.length || !h.variables.length) return ['make help printed no targets or no variables'];
  const out = suites.length ? [] : ['make -p printed no TEST_SUITES'];
  for (const t of h.targets) {
    if (!t.text && !t.more.length) out.push(`make help: target ${t.name} has no line of its own`);
    if (t.name === 'test-SUITE') {
      const listed = t.more.join(' ').split(/\s+/).filter(Boolean);
      for (const x of suites) if (!listed.includes(x)) out.push(`make help: suite ${x} of make test is not listed`);
      for (const x of listed) {
        if (!suites.includes(x)) out.push(`make help: suite ${x} is not one make test runs`);
        if (!targets.has(`test-${x}`)) out.push(`make help: target test-${x} does not exist`);
      }
    } else if (!targets.has(t.name) && !patterns.some((p) => p.test(t.name))) {
      out.push(`make help: target ${t.name} does not exist`);
    }
  }
  for (const v of h.variables) {
    const m = /^([A-Z_][A-Z0-9_]*)=/.exec(v.name);
    if (!m) out.push(`make help: ${v.name} is not VARIABLE=value`);
    else if (!new RegExp(`\\$[({]${m[1]}[):}]`).test(makeText)) out.push(`make help: variable ${m[1]} is not expanded in the makefiles`);
    else if (!v.text && !v.more.length) out.push(`make help: variable ${m[1]} has no line of its own`);
  }
  return out;
}
console.log('TEST docs_make_under_other_build');
{
  const other = makeTargets({ ...process.env, ...OTHER_BUILD });
  const missing = [...targets].filter((t) => !other.targets.has(t));
  const extra = [...other.targets].filter((t) => !targets.has(t));
  result(targets.size > 0 && !missing.length && !extra.length, 'docs_make_under_other_build',
    `${missing.length} target(s) missing (${missing.slice(0, 3).join(' ')}), ${extra.length} more (${extra.slice(0, 3).join(' ')})`);
}

// A dependency file written meanwhile (as by a build beside this one, make
// test's -j2) changes nothing: a planted one in the host tree's objects,
// whose .d files the makefiles read, is left out of the targets.
console.log('TEST docs_make_ignores_dependency_files');
{
  const dir = path.join(root, 'build', 'host');
  const made = !fs.existsSync(dir);
  const planted = path.join(dir, 'doccheck-planted.d');
  let other;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(planted, 'build/host/doccheck-planted.o: tools/doccheck.js\n');
    other = makeTargets(process.env);
  } finally {
    fs.rmSync(planted, { force: true });
    if (made) try { fs.rmdirSync(dir); } catch (e) { /* a build put its objects there meanwhile */ }
  }
  const extra = [...other.targets].filter((t) => !targets.has(t));
  const missing = [...targets].filter((t) => !other.targets.has(t));
  result(targets.size > 0 && !extra.length && !missing.length, 'docs_make_ignores_dependency_files',
    `with a dependency file planted: ${extra.length} more target(s) (${extra.slice(0, 3).join(' ')}), ` +
    `${missing.length} missing (${missing.slice(0, 3).join(' ')})`);
}

const helpText = docsMake(['-s', '--no-print-directory', 'help'], process.env);
console.log('TEST help_make');
{
  const problems = checkHelp(helpText);
  for (const p of problems) console.log(`  ${p}`);
  result(problems.length === 0, 'help_make', `${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}`);
}
for (const [name, plant, named] of HELP_PLANTED) {
  console.log(`TEST ${name}`);
  const t = plant(helpText);
  if (t === helpText) { result(false, name, 'the planted change did not apply to make help\'s text'); continue; }
  const before = checkHelp(helpText);
  const problems = checkHelp(t).filter((p) => !before.includes(p));
  if (problems.length === 0) result(false, name, 'nothing found');
  else if (!problems.every((p) => p.includes(named))) result(false, name, `unexpected: ${problems.join('; ')}`);
  else result(true, name);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
