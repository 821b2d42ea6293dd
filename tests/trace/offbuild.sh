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
# differ. The same two checks for each port module with a device handler's
# trace points (td_trace_irq_enter/exit, tandem/trace.h: the drivers' interrupt
# handlers), against a copy of the port with those lines and the module's
# #include "tandem/trace.h" blanked (trace_off_port_NAME; trace_sim_port_NAME
# compares the two both built with TD_TRACE_MODE=1).
# Prints "PASS name" / "FAIL name: reason" and a summary.
set -u
cd "$(dirname "$0")/../.."
srcs=$(ls kernel/*.c | grep -v '^kernel/trace\.c$')
# the port's modules with trace points: port/chip/CHIP/..., named by their path under the chip
psrcs=$(grep -rlE 'td_trace_irq_(enter|exit)\(' port --include='*.c' | sort)
pname() { local b=${1#port/chip/*/}; b=${b%.c}; echo "port_${b//\//_}"; }
if [ "${1:-}" = --list ]; then
  echo trace_off_points
  for f in $srcs; do b=${f#kernel/}; echo "trace_off_${b%.c}"; done
  for f in $srcs; do b=${f#kernel/}; echo "trace_sim_${b%.c}"; done
  for f in $psrcs; do echo "trace_off_$(pname "$f")"; echo "trace_sim_$(pname "$f")"; done
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
ln -s "$PWD/include" "$copy/include"
cp -r port "$copy/port" || exit 1
mkdir -p "$copy/kernel"
# blank the trace points: a line holding TD_TRACE( or #include "trace.h"
npoints=0
for f in kernel/*.c kernel/*.h; do
  sed -E 's/^.*(TD_TRACE\(|#include "trace\.h").*$//' "$f" >"$copy/$f"
  n=$(grep -cE 'TD_TRACE\(' "$f"); npoints=$((npoints + n))
done
rm -f "$copy/kernel/trace.c" "$copy/kernel/trace.h"
# the port's: a line holding td_trace_irq_enter( / _exit( or #include "tandem/trace.h"
nport=0
for f in $psrcs; do
  sed -E 's/^.*(td_trace_irq_(enter|exit)\(|#include "tandem\/trace\.h").*$//' "$f" >"$copy/$f"
  n=$(grep -cE 'td_trace_irq_(enter|exit)\(' "$f"); nport=$((nport + n))
done
nfiles=$(grep -lE 'TD_TRACE\(' $srcs kernel/*.h | grep -vc '^kernel/trace\.h$')
# the trace points' own lines must be all that differs (a macro spread over
# lines would leave half a statement behind)
if [ "$npoints" -ge 20 ] && ! grep -nE 'TD_TRACE\(' $(ls "$copy"/kernel/*) >/dev/null; then
  ok trace_off_points "$npoints trace point lines blanked in $nfiles files"
else
  bad trace_off_points "expected at least 20 trace point lines, found $npoints (or some left in the copy)"
fi
if [ "$nport" -lt 6 ] || grep -nE 'td_trace_irq_|tandem/trace\.h' $(for f in $psrcs; do echo "$copy/$f"; done) >/dev/null; then
  bad trace_off_points "expected the device handlers' trace points (at least 6 lines) in the port, found $nport (or some left in the copy)"
fi

# obj NAME DIR SRC EXTRA: compile DIR/SRC (from DIR) into $work/obj/NAME.o, debug sections dropped
obj() {
  (cd "$2" && $CC $CFLAGS $4 -c -o "$work/obj/$1.o" "$3") 2>"$work/obj/$1.err" &&
    $OBJCOPY --strip-debug "$work/obj/$1.o" "$work/obj/$1.s.o"
}
# blank NAME SRC FLAGS CHECK: the copy's SRC built with FLAGS into NAME (CHECK fails if it does not compile)
blank() {
  obj "$1" "$copy" "$2" "$3" && return 0
  bad "$4" "the copy without trace points does not compile${3:+ with $3}: $(head -3 "$work/obj/$1.err")"; return 1
}
# same CHECK NAME SRC FLAGS BASE: the tree's SRC built with FLAGS into NAME is the object BASE
same() {
  if [ ! -f "$work/obj/$5.s.o" ]; then bad "$1" "no object without trace points to compare with"; return; fi
  if ! obj "$2" . "$3" "$4"; then bad "$1" "does not compile${4:+ with $4}: $(head -3 "$work/obj/$2.err")"; return; fi
  if cmp -s "$work/obj/$2.s.o" "$work/obj/$5.s.o"; then
    ok "$1" "${4:+$4: }$(stat -c %s "$work/obj/$2.s.o") bytes, identical"
  else
    bad "$1" "${4:+built with $4 }the object differs from the one without trace points"
  fi
}
for f in $srcs; do
  b=${f#kernel/}; b=${b%.c}
  blank "$b.blank" "$f" "" "trace_off_$b" && same "trace_off_$b" "$b.traced" "$f" "" "$b.blank"
done
for f in $srcs; do
  b=${f#kernel/}; b=${b%.c}
  same "trace_sim_$b" "$b.sim" "$f" -DTD_TRACE_MODE=1 "$b.blank"
done
# the port's modules: the TRACE=sim check against the copy built with TD_TRACE_MODE=1 too (a
# module that takes a td_lock is other code in any traced build: tandem/lock.h drops its inline
# fast path there, whatever the device's trace points do)
for f in $psrcs; do
  b=$(pname "$f")
  blank "$b.blank" "$f" "" "trace_off_$b" && same "trace_off_$b" "$b.traced" "$f" "" "$b.blank"
  blank "$b.simblank" "$f" -DTD_TRACE_MODE=1 "trace_sim_$b" && same "trace_sim_$b" "$b.sim" "$f" -DTD_TRACE_MODE=1 "$b.simblank"
done
pd=port/chip/rp2040/dma.c; pb=$(pname $pd)
if obj sched.on . kernel/sched.c -DTD_TRACE_MODE=2 && ! cmp -s "$work/obj/sched.on.s.o" "$work/obj/sched.blank.s.o" &&
   obj "$pb.on" . $pd -DTD_TRACE_MODE=2 && ! cmp -s "$work/obj/$pb.on.s.o" "$work/obj/$pb.blank.s.o"; then
  ok trace_off_detects "sched.c and $pd built for the ring differ from them without trace points"
else
  bad trace_off_detects "sched.c or $pd with TD_TRACE_MODE=2 is not told apart from it without trace points"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
