#!/usr/bin/env bash
# Sum the per-suite result files into one line: "N passed, N failed".
# Usage: tools/test-summary.sh RESULTS_DIR SUITE...
# Each RESULTS_DIR/SUITE.txt holds lines "PASS name", "FAIL name: reason"
# or "SKIP name: reason" (a test that cannot do its work on that port:
# counted as neither passed nor failed, shown with its reason, and in the
# suite's line as "(L listed, K skipped)"); RESULTS_DIR/SUITE.txt.expect
# the number of tests the suite's list holds (written by
# tests/run-suite.sh). A suite without a result file (it did not build, or
# its runner crashed), without an expected number, or with fewer results
# (passed or skipped) than expected counts as failed. Exit status is
# non-zero if anything failed.
set -u
dir=$1; shift
passed=0; failed=0
for s in "$@"; do
  f=$dir/$s.txt
  if [ ! -s "$f" ]; then
    echo "FAIL [$s] $s: suite produced no results (build or runner failed; see its output above)"
    failed=$((failed + 1)); continue
  fi
  p=$(grep -ac '^PASS ' "$f")
  n=$(grep -ac '^FAIL ' "$f")
  k=$(grep -ac '^SKIP ' "$f")
  ks=; [ "$k" -gt 0 ] && ks=", $k skipped"
  e=$(cat "$f.expect" 2>/dev/null)
  grep -aE '^(FAIL|SKIP) ' "$f" | sed -E "s/^(FAIL|SKIP) /\1 [$s] /"
  if ! [ "${e:-x}" -gt 0 ] 2>/dev/null; then
    echo "FAIL [$s] $s: no expected number of tests (the suite must run through tests/run-suite.sh with its list)"
    n=$((n + 1)); e=0
  elif [ "$n" -eq 0 ] && [ $((p + k)) -lt "$e" ]; then
    echo "FAIL [$s] $s: $p tests passed$ks of the $e its list holds, none failed: results are missing"
    n=$((n + 1))
  fi
  printf '  %-22s %5d passed, %d failed (%d listed%s)\n' "$s" "$p" "$n" "$e" "$ks"
  passed=$((passed + p)); failed=$((failed + n))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
