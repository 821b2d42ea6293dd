#!/usr/bin/env bash
# tests/an521/faults.sh DIR LOGDIR: the fault scenarios that apply to the
# AN521 (tests/faults/main.c built for the chip, DIR/NAME.elf), each in
# QEMU with both cores on host threads, a few at once (each is mostly
# asleep: its checks read what the console says, not when). Prints "PASS name" or
# "FAIL name: reason" per check and the summary line, for
# tests/run-suite.sh. tests/an521/faults.sh --list: the check names.
#
# (QEMU's -icount mode does not skip this board's idle time: a scenario's
# seconds of sleeping would take minutes there.)
set -u
here=$(cd "$(dirname "$0")" && pwd)
q=${QEMU_ARM:-qemu-system-arm}
# Each scenario's QEMU is bounded by its CPU time (a guest that computes
# without end: AN521_FAULT_CPU s) and by the wall clock (AN521_FAULT_SECONDS
# s), which must stay: without -icount the guest's clocks are the host's
# wall clock and a guest that waits (a halted core, a core 1 that never
# comes back) leaves QEMU asleep, using no CPU. A scenario that passes ends
# as soon as its console says enough (1 to 2 s on an idle machine), so the
# wall clock is set far above that (docs/testing.md, "Bounds").
secs=${AN521_FAULT_SECONDS:-300}
cpu=${AN521_FAULT_CPU:-60}

# name:scenario:core:policy:what the report's first line names
scenarios() {
  cat <<'LIST'
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
}

checks() {              # checks NAME SCENARIO POLICY: the names of its checks
  if [ "$2" = classify ]; then
    echo "$1_bkpt_is_exit"; echo "$1_arm_state_is_bad_jump"; return
  fi
  echo "$1_report"; echo "$1_detail"; echo "$1_other_core_runs"
  case $3 in
    HALT) echo "$1_halted" ;;
    KILL_THREAD) echo "$1_thread_ended_core_goes_on" ;;
    RESTART) echo "$1_core1_restarted_and_answers" ;;
  esac
}

if [ "${1:-}" = --list ]; then
  scenarios | while IFS=: read -r name scen core policy detail; do checks "$name" "$scen" "$policy"; done
  exit 0
fi
dir=$1; logs=$2
mkdir -p "$logs"

# ---- run them, AN521_FAULT_JOBS at a time ---------------------------------------------------
# A scenario runs until its log holds what its checks need (and 10 more
# counts of the other core after the report, the window in which a halted
# core must stay silent), or its bounds end it (then LOGDIR/NAME.end says
# which, and each of its failed checks names it): on a busy host it simply
# takes longer.
after() { sed -n "/$2/,\$p" "$1"; }   # the log from the first line matching $2
ready() {               # ready LOG SCENARIO CORE POLICY: the log says enough
  local log=$1 scen=$2 core=$3 policy=$4
  [ "$scen" = classify ] && return 1          # it ends by itself
  local end="^\*\*\* END FAULT core $core"
  grep -q "$end" "$log" || return 1
  [ "$(after "$log" "$end" | grep -c "^c$((core ^ 1)) count")" -ge 10 ] || return 1
  case $policy in
    KILL_THREAD) after "$log" "$end" | grep -q '^msg ok' ;;
    RESTART) after "$log" '^c1 start 2$' | grep -q '^msg ok' && after "$log" '^c1 start 2$' | grep -q '^ping ok' ;;
  esac
}
run_one() {             # run_one NAME SCENARIO CORE POLICY
  local log=$logs/$1.log end=$logs/$1.end t0=$SECONDS why=
  rm -f "$end"
  ( ulimit -S -t "$cpu" && exec "$q" -M mps2-an521 -nographic -semihosting -kernel "$dir/$1.elf" ) \
    </dev/null >"$log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if ready "$log" "$2" "$3" "$4"; then kill "$pid" 2>/dev/null; break; fi
    if [ $((SECONDS - t0)) -ge "$secs" ]; then
      why="stopped after $secs s of wall clock (AN521_FAULT_SECONDS) before its console said enough"
      kill "$pid" 2>/dev/null; break
    fi
    sleep 0.25
  done
  wait "$pid" 2>/dev/null
  local st=$?
  [ "$st" -eq 152 ] && why="QEMU used its CPU time limit of $cpu s (AN521_FAULT_CPU)"
  [ -n "$why" ] && echo "$why" >"$end"
  return 0
}
jobs_max=${AN521_FAULT_JOBS:-3}
while IFS=: read -r name scen core policy detail; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
  run_one "$name" "$scen" "$core" "$policy" 2>/dev/null &   # (not the shell's note of a QEMU ended by a signal)
done < <(scenarios)
wait

# ---- check what each said ------------------------------------------------------------------
np=0; nf=0
check() {               # check NAME COND-STATUS WHY
  if [ "$2" -eq 0 ]; then echo "PASS $1"; np=$((np + 1)); else echo "FAIL $1: $3$ended"; nf=$((nf + 1)); fi
}
while IFS=: read -r name scen core policy detail; do
  log=$logs/$name.log
  ended=; [ -s "$logs/$name.end" ] && ended=" (scenario $name: $(cat "$logs/$name.end"))"
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
done < <(scenarios)
echo "$np passed, $nf failed"
[ "$nf" -eq 0 ]
