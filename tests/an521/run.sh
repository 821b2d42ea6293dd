#!/usr/bin/env bash
# tests/an521/run.sh BUILD PASSES ICOUNT-LIST MT-LIST RESULT: the 'an521' suite
# (an521.mk).
#
#   icount  the kernel suite once under -icount (one host thread runs both
#           cores in turn, the same run every time), in the background
#   fault   meanwhile, the fault scenarios (tests/an521/faults.sh)
#   mtN     then the stress tests PASSES times with each core on its own
#           host thread, truly at once, so races can show, and the tests
#           that need both cores running at once (TH_PARALLEL: the flash
#           writes, whose writer spins with interrupts masked for the other
#           core's answer, which -icount would never give it)
#
# Each part runs through tests/run-suite.sh against its list (an521.mk
# makes the two kernel ones; faults.sh --list); RESULT gets their
# PASS/FAIL/SKIP lines, each name prefixed by its part, and RESULT.expect the
# sum of what the lists hold.
set -u
build=$1; passes=$2; icount_list=$3; mt_list=$4; result=$5
q=${QEMU_ARM:-qemu-system-arm}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(dirname "$result")/an521.d
rm -rf "$tmp"; mkdir -p "$tmp"
: >"$result"; : >"$result.log"
run=("$here/../run-suite.sh")
qemu=("$q" -M mps2-an521 -nographic -semihosting)
# -icount shift=3: 8 ns of virtual time per instruction, a 125 MHz core
# (the RP2350 runs at 150 MHz); sleep=off: idle time is skipped, not waited.
icount=(-icount "shift=${AN521_ICOUNT_SHIFT:-3},sleep=off")
# Each part bounded by its CPU time (QEMU computes; the kernel suite's own
# runner ends a test that hangs in the guest), the wall clock a backstop:
# a loaded host stretches only the latter (docs/testing.md, "Bounds").
export TD_SUITE_CPU=${TD_SUITE_CPU:-600} TD_SUITE_TIMEOUT=${TD_SUITE_TIMEOUT:-3600}

part() {                # part NAME LIST -- COMMAND...: one part, timed
  local name=$1 list=$2; shift 3
  local t0=$SECONDS
  "${run[@]}" -l "$list" -p "an521 $name" "an521-$name" "$tmp/$name.txt" "$@" >"$tmp/$name.out" 2>&1
  echo "an521 $name: $(grep -c '^PASS' "$tmp/$name.txt") passed, $(grep -c '^FAIL' "$tmp/$name.txt") failed, $(grep -c '^SKIP' "$tmp/$name.txt") skipped, $((SECONDS - t0)) s" \
    >"$tmp/$name.time"
}

parts=()
if [ -z "${AN521_FAULTS_ONLY:-}" ]; then
  part icount "$icount_list" -- "${qemu[@]}" "${icount[@]}" \
    -kernel "$build/target-tests-an521/tandem-tests.elf" &
  icount_pid=$!
  parts+=(icount)
fi
"$here/faults.sh" --list >"$tmp/fault.list"
part fault "$tmp/fault.list" -- "$here/faults.sh" "$build/faults-an521" "$tmp/fault-logs"
parts+=(fault)
if [ -z "${AN521_FAULTS_ONLY:-}" ]; then
  for i in $(seq 1 "$passes"); do
    part "mt$i" "$mt_list" -- "${qemu[@]}" -kernel "$build/an521-suite/tandem-tests-mt.elf"
    parts+=("mt$i")
  done
  wait "$icount_pid"
fi

expect=0
for p in "${parts[@]}"; do
  sed -E "s/^(PASS|FAIL|SKIP) /\1 $p\//" "$tmp/$p.txt" >>"$result"
  cat "$tmp/$p.txt.log" >>"$result.log" 2>/dev/null
  grep -v '^PASS ' "$tmp/$p.out"
  cat "$tmp/$p.time"
  expect=$((expect + $(cat "$tmp/$p.txt.expect" 2>/dev/null || echo 1)))
done
echo "$expect" >"$result.expect"
exit 0
