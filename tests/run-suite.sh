#!/usr/bin/env bash
# Run one test program and turn its output into a suite result file.
#
#   tests/run-suite.sh [-a] (-l LIST | -n COUNT) [-p NAME] SUITE RESULT_FILE COMMAND...
#
# The program prints "PASS name" or "FAIL name: reason" per test, or "SKIP
# name: reason" for one it cannot do on this port (optionally "TEST name"
# before each), and "N passed, M failed" at the end (a skip counts as
# neither; a program that skipped K tests ends the line with ", K skipped",
# one that skipped none need not). The result file gets its PASS/FAIL/SKIP lines, plus a FAIL line
# naming the program (NAME, by default the command without its options)
# when the run
#   - crashed or was killed by a signal,
#   - hung: it is ended after TD_SUITE_TIMEOUT seconds (default 300), or,
#     where TD_SUITE_CPU is set, once it has used that many seconds of CPU
#     time (then TD_SUITE_TIMEOUT is only the bound for a program that waits
#     without running): a program whose work is a fixed amount of computing
#     (the emulator) is bounded by what it does, not by how long a loaded
#     machine takes to give it the CPU (a TD_SUITE_CPU above a hard limit
#     this runner was given is held to it; neither variable reaches the
#     program),
#   - ended without its summary line, or with one that does not match the
#     lines it printed (its skips too),
#   - ended with a status that does not match its results (non-zero with
#     every test passed, 0 with a failed test),
#   - stopped inside a test (the last "TEST name" without a result),
#   - skipped a test without saying why (a "SKIP name" without ": reason").
# What the suite should have run comes from its test list, never from the
# program: -l LIST is a file of test names, one a line (each name without a
# result gets "FAIL name: no result"; a result not in the list fails too);
# -n COUNT only a number (fewer results fail the suite). The expected number
# is also written to RESULT_FILE.expect, where tools/test-summary.sh reads it.
# -a appends to the result file (a suite of several programs).
# The program's whole output is kept in RESULT_FILE.log. Exit status: 0 if
# everything passed, 1 if not.
set -u
usage() { echo "usage: $0 [-a] (-l LIST | -n COUNT) [-p NAME] SUITE RESULT_FILE COMMAND..." >&2; exit 2; }
append=0 list= count= prog=
while getopts 'al:n:p:' o; do
  case $o in a) append=1 ;; l) list=$OPTARG ;; n) count=$OPTARG ;; p) prog=$OPTARG ;; *) usage ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] || usage
suite=$1 result=$2; shift 2
if [ -z "$prog" ]; then            # the command up to its first option
  for w in "$@"; do case $w in -*) break ;; esac; prog="${prog:+$prog }$w"; done
fi
mkdir -p "$(dirname "$result")"
if [ $append -eq 0 ]; then : >"$result"; : >"$result.log"; rm -f "$result.expect"; fi

out=$(mktemp); trap 'rm -f "$out" "$out.r"' EXIT
added=()                           # FAIL lines this script adds
add() { added+=("FAIL $1"); }

# ---- what should run -----------------------------------------------------------------
want=()
if [ -n "$list" ]; then
  if [ -s "$list" ]; then mapfile -t want < <(grep -v '^[[:space:]]*$' "$list"); fi
  [ ${#want[@]} -gt 0 ] || add "$suite-runner: test list '$list' missing or empty"
  expect=${#want[@]}
elif [ -n "$count" ] && [ "$count" -gt 0 ] 2>/dev/null; then
  expect=$count
else
  add "$suite-runner: no expected tests given for $prog (-l LIST or -n COUNT)"
  expect=0
fi
prev=0; [ -s "$result.expect" ] && prev=$(cat "$result.expect")
echo $((prev + expect)) >"$result.expect"

# ---- the run ---------------------------------------------------------------------------
limit=${TD_SUITE_TIMEOUT:-300}
cpu=${TD_SUITE_CPU:-}
# never above a hard limit this runner was given (a suite run by a suite)
if [ -n "$cpu" ] && hard=$(ulimit -Ht) && [ "$hard" != unlimited ] && [ $((cpu + 5)) -gt "$hard" ]; then
  cpu=$((hard > 6 ? hard - 5 : 1))
fi
# SIGXCPU at the limit (the program ends, status 128 + 24), SIGKILL 5 s of
# CPU later if it goes on regardless
# (the limits are the runner's: a program that runs suites itself sets its own)
{ ( if [ -n "$cpu" ]; then ulimit -St "$cpu" && ulimit -Ht $((cpu + 5)) || exit 125; fi
    unset TD_SUITE_TIMEOUT TD_SUITE_CPU
    exec timeout --kill-after=5 "$limit" "$@" ) </dev/null >"$out" 2>&1; status=$?; } 2>/dev/null
cat "$out" >>"$result.log"
grep -avE '^(TEST|PASS) ' "$out"
grep -aE '^(PASS|FAIL|SKIP) ' "$out" >"$out.r"

# ---- how it ended --------------------------------------------------------------------------
npass=$(grep -ac '^PASS ' "$out.r")
nfail=$(grep -ac '^FAIL ' "$out.r")
nskip=$(grep -ac '^SKIP ' "$out.r")
summary=$(grep -aE '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$out" | tail -1)
counted="$npass passed, $nfail failed"; [ "$nskip" -gt 0 ] && counted="$counted, $nskip skipped"
last=$(grep -aE '^TEST ' "$out" | tail -1 | cut -d' ' -f2)
case $status in
  0 | 1) how="exit status $status" ;;
  124) how="hung: ended after the time limit of $limit s" ;;
  137) how="hung: killed after the time limit of $limit s" ;;
  152) how="hung: used its CPU time limit of $cpu s" ;;   # SIGXCPU
  126 | 127) how="could not be run (exit status $status)" ;;
  *) if [ "$status" -gt 128 ]; then
       how="crashed: killed by signal $((status - 128)) ($(kill -l $((status - 128)) 2>/dev/null || echo '?'))"
     else how="exit status $status"; fi ;;
esac
if [ -n "$last" ] && ! grep -aqE "^(PASS|FAIL|SKIP) $last(:|\$)" "$out.r"; then
  add "$last: $prog stopped inside this test ($how; see $result.log)"
elif [ -z "$summary" ]; then
  add "$suite-runner: $prog ended without its summary line ($how; see $result.log)"
elif [ "$summary" != "$counted" ] && [ "$summary" != "$counted, 0 skipped" ]; then
  add "$suite-runner: $prog's summary '$summary' does not match its $npass PASS, $nfail FAIL and $nskip SKIP lines ($how)"
elif [ "$status" -ne 0 ] && [ "$nfail" -eq 0 ]; then
  add "$suite-runner: $prog ended with $how although no test failed (see $result.log)"
elif [ "$status" -eq 0 ] && [ "$nfail" -ne 0 ]; then
  add "$suite-runner: $prog ended with exit status 0 despite failed tests"
fi

while read -r n; do
  [ -n "$n" ] && add "$n: skipped without a reason (\"SKIP name: reason\")"
done < <(grep -avE '^SKIP [^:]+: *[^ ]' "$out.r" | sed -nE 's/^SKIP ([^:]*).*/\1/p')

# ---- against the list ----------------------------------------------------------------------
names=$( { cat "$out.r"; printf '%s\n' "${added[@]}"; } | sed -nE 's/^(PASS|FAIL|SKIP) ([^:]*).*/\2/p')
if [ ${#want[@]} -gt 0 ]; then
  declare -A listed=()
  missing=0
  for t in "${want[@]}"; do
    listed[$t]=1
    if ! grep -qxF -- "$t" <<<"$names"; then
      add "$t: no result: $prog did not report this test ($how)"
      missing=$((missing + 1))
    fi
  done
  while read -r n; do
    [ -n "$n" ] && [ "$n" != "$suite-runner" ] && [ -z "${listed[$n]:-}" ] && add "$n: reported by $prog but not in the test list $list"
  done <<<"$names"
elif [ "$expect" -gt 0 ]; then
  got=$((npass + nfail + nskip))
  [ "$got" -lt "$expect" ] && add "$suite-runner: $prog reported $got of the $expect tests its list holds ($how)"
  [ "$got" -gt "$expect" ] && add "$suite-runner: $prog reported $got tests, its list holds $expect: the list is stale"
fi

cat "$out.r" >>"$result"
for l in "${added[@]}"; do echo "$l" | tee -a "$result"; done
[ "$nfail" -eq 0 ] && [ ${#added[@]} -eq 0 ]
