#!/usr/bin/env bash
# tests/trace/offbuild.sh: the kernel built with tracing off (the default),
# and built for the emulator's trace (TRACE=sim), is byte for byte the
# kernel written without its trace points.
#
#   tests/trace/offbuild.sh WORK_DIR      (CC, CFLAGS, OBJCOPY from the environment)
#   tests/trace/offbuild.sh --list        the checks' names only
#
# Each kernel/*.c (but kernel/trace.c, the trace's own module) is compiled
# twice with the same command: from this tree, and from a copy of the tree
# in WORK_DIR whose kernel has every TD_TRACE(...) line and every
# #include "trace.h" blanked (a line left empty, so line numbers stay). The
# two objects, without their debug sections, must be identical files: the
# same code, data, symbols and relocations. The same for the tree's object
# built with TD_TRACE_MODE=1 (TRACE=sim: the trace points live in the debug
# information only). Then the check that this comparison can fail: sched.c
# built for the RAM ring (TD_TRACE_MODE=2) against the blanked copy must
# differ. Prints "PASS name" / "FAIL name: reason" and a summary.
set -u
cd "$(dirname "$0")/../.."
srcs=$(ls kernel/*.c | grep -v '^kernel/trace\.c$')
if [ "${1:-}" = --list ]; then
  echo trace_off_points
  for f in $srcs; do b=${f#kernel/}; echo "trace_off_${b%.c}"; done
  for f in $srcs; do b=${f#kernel/}; echo "trace_sim_${b%.c}"; done
  echo trace_off_detects
  exit 0
fi
[ $# -eq 1 ] || { echo "usage: $0 WORK_DIR | --list" >&2; exit 2; }
work=$(realpath -m "$1")
: "${CC:?CC: the target compiler}" "${CFLAGS:?CFLAGS: the target flags}" "${OBJCOPY:?OBJCOPY}"
pass=0 fail=0
ok() { echo "PASS $1${2:+: $2}"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

rm -rf "$work" && mkdir -p "$work/copy" "$work/obj" || exit 1
copy=$work/copy
for d in include port; do ln -s "$PWD/$d" "$copy/$d"; done
mkdir -p "$copy/kernel"
# blank the trace points: a line holding TD_TRACE( or #include "trace.h"
npoints=0
for f in kernel/*.c kernel/*.h; do
  sed -E 's/^.*(TD_TRACE\(|#include "trace\.h").*$//' "$f" >"$copy/$f"
  n=$(grep -cE 'TD_TRACE\(' "$f"); npoints=$((npoints + n))
done
rm -f "$copy/kernel/trace.c" "$copy/kernel/trace.h"
nfiles=$(grep -lE 'TD_TRACE\(' $srcs kernel/*.h | grep -vc '^kernel/trace\.h$')
# the trace points' own lines must be all that differs (a macro spread over
# lines would leave half a statement behind)
if [ "$npoints" -ge 20 ] && ! grep -n 'TD_TRACE' $(ls "$copy"/kernel/*) >/dev/null; then
  ok trace_off_points "$npoints trace point lines blanked in $nfiles files"
else
  bad trace_off_points "expected at least 20 trace point lines, found $npoints (or some left in the copy)"
fi

# obj NAME DIR SRC EXTRA: compile DIR/SRC (from DIR) into $work/obj/NAME.o, debug sections dropped
obj() {
  (cd "$2" && $CC $CFLAGS $4 -c -o "$work/obj/$1.o" "$3") 2>"$work/obj/$1.err" &&
    $OBJCOPY --strip-debug "$work/obj/$1.o" "$work/obj/$1.s.o"
}
for f in $srcs; do
  b=${f#kernel/}; b=${b%.c}
  if ! obj "$b.traced" . "$f" ""; then bad "trace_off_$b" "does not compile: $(head -3 "$work/obj/$b.traced.err")"; continue; fi
  if ! obj "$b.blank" "$copy" "$f" ""; then bad "trace_off_$b" "the copy without trace points does not compile: $(head -3 "$work/obj/$b.blank.err")"; continue; fi
  if cmp -s "$work/obj/$b.traced.s.o" "$work/obj/$b.blank.s.o"; then
    ok "trace_off_$b" "$(stat -c %s "$work/obj/$b.traced.s.o") bytes, identical"
  else
    bad "trace_off_$b" "the object differs from the one without trace points"
  fi
done
for f in $srcs; do
  b=${f#kernel/}; b=${b%.c}
  if [ ! -f "$work/obj/$b.blank.s.o" ]; then bad "trace_sim_$b" "no object without trace points to compare with"; continue; fi
  if ! obj "$b.sim" . "$f" -DTD_TRACE_MODE=1; then bad "trace_sim_$b" "does not compile with TD_TRACE_MODE=1: $(head -3 "$work/obj/$b.sim.err")"; continue; fi
  if cmp -s "$work/obj/$b.sim.s.o" "$work/obj/$b.blank.s.o"; then
    ok "trace_sim_$b" "TRACE=sim: $(stat -c %s "$work/obj/$b.sim.s.o") bytes, identical"
  else
    bad "trace_sim_$b" "built with TD_TRACE_MODE=1 the object differs from the one without trace points"
  fi
done
if obj sched.on . kernel/sched.c -DTD_TRACE_MODE=2 && ! cmp -s "$work/obj/sched.on.s.o" "$work/obj/sched.blank.s.o"; then
  ok trace_off_detects "sched.c built for the ring differs from it without trace points"
else
  bad trace_off_detects "sched.c with TD_TRACE_MODE=2 is not told apart from it without trace points"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
