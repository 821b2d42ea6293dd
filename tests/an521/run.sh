#!/usr/bin/env bash
# tests/an521/run.sh BUILD PASSES RESULT: the 'an521' suite (an521.mk).
# Runs the kernel suite once under -icount shift=0, the stress tests PASSES
# times with both cores on host threads, and the fault scenarios; writes
# PASS/FAIL lines, each name prefixed by its mode, to RESULT.
set -u
build=$1; passes=$2; result=$3
q=${QEMU_ARM:-qemu-system-arm}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(dirname "$result")/an521.d
rm -rf "$tmp"; mkdir -p "$tmp"
: >"$result"
icount=(-icount shift=0,sleep=off)
qemu() { "$q" -M mps2-an521 -nographic -semihosting "$@"; }

# the kernel suite: run-suite.sh turns a run into PASS/FAIL lines
suite() {               # suite MODE ELF QEMU-OPTIONS...
  local mode=$1 elf=$2; shift 2
  local t0=$SECONDS
  TD_SUITE_TIMEOUT=${TD_SUITE_TIMEOUT:-300} "$here/../run-suite.sh" "an521-$mode" "$tmp/$mode.txt" \
    "$q" -M mps2-an521 -nographic -semihosting "$@" -kernel "$elf" >/dev/null
  sed -E "s/^(PASS|FAIL) /\1 $mode\//" "$tmp/$mode.txt" >>"$result"
  echo "an521 $mode: $(grep -c '^PASS' "$tmp/$mode.txt") passed, $(grep -c '^FAIL' "$tmp/$mode.txt") failed, $((SECONDS - t0)) s"
}
if [ -z "${AN521_FAULTS_ONLY:-}" ]; then
  suite icount "$build/target-tests-an521/tandem-tests.elf" "${icount[@]}"
  for i in $(seq 1 "$passes"); do
    suite "mt$i" "$build/an521-suite/tandem-tests-mt.elf"
  done
fi

# ---- fault scenarios (tests/faults/main.c built for this chip) ----------------------
# Both cores on host threads: the checks read what the console says, not
# when (QEMU's -icount mode does not skip idle time on this board: a
# scenario's seconds of sleeping would take minutes).
check() {               # check NAME COND-STATUS WHY
  if [ "$2" -eq 0 ]; then echo "PASS fault/$1"; else echo "FAIL fault/$1: $3"; fi >>"$result"
}
after() { sed -n "/$2/,\$p" "$1"; }   # the log from the first line matching $2
t0=$SECONDS
while IFS=: read -r name scen core policy detail; do
  [ -z "$name" ] && continue
  log=$tmp/$name.log
  timeout --kill-after=2 "${AN521_FAULT_SECONDS:-6}" "$q" -M mps2-an521 -nographic -semihosting \
    -kernel "$build/faults-an521/$name.elf" </dev/null >"$log" 2>&1
  if [ "$scen" = classify ]; then
    grep -q '^classify bkpt: exit 5' "$log"; check "${name}_bkpt_is_exit" $? "BKPT not read as exit 5"
    grep -q '^classify arm state: bad jump' "$log"; check "${name}_arm_state_is_bad_jump" $? "not a bad jump"
    continue
  fi
  other=$((core ^ 1))
  who='thread "victim"'; [ "$scen" = mstack ] && who='interrupt handler over thread "[^"]*"'
  grep -qE "^\*\*\* FAULT core $core, $who: $detail" "$log" && grep -q "^\*\*\* END FAULT core $core" "$log"
  check "${name}_report" $? "no report '$detail' from core $core"
  line=$(grep -A8 "^\*\*\* FAULT core $core" "$log" | sed -n 2p)
  case $scen in
    null)   [[ $line =~ ^\ {4}4-byte\ access\ at\ 0x00000008$ ]] ;;
    udf)    [[ $line =~ ^\ {4}undefined\ instruction\ 0x0000de07\ at\ pc$ ]] ;;
    tstack) [[ $line =~ ^\ {4}the\ thread\'s\ stack\ ends\ at\ 0x38[0-9a-f]{6}\; ]] ;;
    mstack) [[ $line =~ ^\ {4}the\ main\ stack\ ends\ at\ 0x3804[01]080\; ]] ;;
    assert) [[ $line =~ ^\ {4}v\ ==\ 42\ \(tests/faults/main.c:[0-9]+\)$ ]] ;;
    console) [[ $line =~ ^\ {4}1-byte\ access\ at\ 0x00000010$ ]] ;;
  esac
  check "${name}_detail" $? "detail line: '$line'"
  n=$(after "$log" "^\*\*\* END FAULT core $core" | grep -c "^c$other count")
  [ "$n" -ge 3 ]; check "${name}_other_core_runs" $? "core $other counted $n times after the report"
  case $policy in
    HALT)
      n=$(after "$log" "^\*\*\* END FAULT core $core" | grep -c "^c$core count")
      [ "$n" -eq 0 ]; check "${name}_halted" $? "core $core went on counting" ;;
    KILL_THREAD)
      grep -q "action: the thread is ended" "$log" && ! grep -q '^victim survived' "$log" &&
        after "$log" "^\*\*\* END FAULT core $core" | grep -q '^msg ok'
      check "${name}_thread_ended_core_goes_on" $? "thread not ended, or messages stopped" ;;
    RESTART)
      after "$log" "^\*\*\* END FAULT core 1" | grep -q '^c1 start 2$' &&
        grep -q '^\*\*\* core 0: core 1 restarted, restart 1$' "$log" &&
        after "$log" '^c1 start 2$' | grep -q '^ping ok' &&
        after "$log" '^c1 start 2$' | grep -q '^msg ok'
      check "${name}_core1_restarted_and_answers" $? "core 1 not back, or not answering" ;;
  esac
done <<'LIST'
null-c0:null:0:HALT:null pointer
null-c1:null:1:RESTART:null pointer
udf-c0:udf:0:HALT:invalid instruction
udf-c1:udf:1:RESTART:invalid instruction
tstack-c0:tstack:0:HALT:stack overflow
tstack-c1:tstack:1:RESTART:stack overflow
mstack-c0:mstack:0:HALT:main stack overflow
mstack-c1:mstack:1:RESTART:main stack overflow
assert-c1:assert:1:RESTART:assertion failed
console-c0:console:0:HALT:null pointer
null-kill-c0:null:0:KILL_THREAD:null pointer
tstack-kill-c0:tstack:0:KILL_THREAD:stack overflow
classify:classify:0:HALT:
LIST
echo "an521 faults: $(grep -c '^PASS fault/' "$result") passed, $(grep -c '^FAIL fault/' "$result") failed, $((SECONDS - t0)) s"
exit 0
