#!/usr/bin/env bash
# Run one test program and turn its output into a suite result file.
# Usage: tests/run-suite.sh SUITE RESULT_FILE COMMAND...
# The program prints "TEST name" before each test, "PASS name" or
# "FAIL name: reason" after it, and "N passed, M failed" at the end. The
# result file gets the PASS/FAIL lines; a run that crashes, hangs (bounded
# by TD_SUITE_TIMEOUT seconds, default 300), or ends with a status that
# does not match its results adds a FAIL line naming the test it was in.
set -u
suite=$1; result=$2; shift 2
mkdir -p "$(dirname "$result")"
log=$result.log
timeout --kill-after=5 "${TD_SUITE_TIMEOUT:-300}" "$@" >"$log" 2>&1
status=$?
grep -vE "^(TEST|PASS) " "$log"
grep -E '^(PASS|FAIL) ' "$log" >"$result"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
nfail=$(grep -c '^FAIL ' "$result")
last=$(grep -E '^TEST ' "$log" | tail -1 | cut -d' ' -f2)
if [ -n "$last" ] && ! grep -qE "^(PASS|FAIL) $last(:|\$)" "$result"; then
  echo "FAIL $last: the run ended inside this test (exit status $status; see $log)" >>"$result"
elif [ -z "$summary" ]; then
  echo "FAIL $suite-runner: no summary line (exit status $status; see $log)" >>"$result"
elif [ "$status" -ne 0 ] && [ "$nfail" -eq 0 ]; then
  echo "FAIL $suite-runner: exit status $status with no failed test (see $log)" >>"$result"
elif [ "$status" -eq 0 ] && [ "$nfail" -ne 0 ]; then
  echo "FAIL $suite-runner: exit status 0 despite failed tests" >>"$result"
fi
exit 0
