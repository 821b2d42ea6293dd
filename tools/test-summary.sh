#!/usr/bin/env bash
# Sum the per-suite result files into one line: "N passed, N failed".
# Usage: tools/test-summary.sh RESULTS_DIR SUITE...
# Each RESULTS_DIR/SUITE.txt holds lines "PASS name" or "FAIL name: reason".
# A suite without a result file (it did not build, or its runner crashed)
# counts as one failure. Exit status is non-zero if anything failed.
set -u
dir=$1; shift
passed=0; failed=0
for s in "$@"; do
  f=$dir/$s.txt
  if [ ! -s "$f" ]; then
    echo "FAIL $s: suite produced no results (build or runner failed; see its output above)"
    failed=$((failed + 1)); continue
  fi
  p=$(grep -c '^PASS ' "$f" || true)
  n=$(grep -c '^FAIL ' "$f" || true)
  grep '^FAIL ' "$f" | sed "s/^FAIL /FAIL [$s] /"
  printf '  %-22s %5d passed, %d failed\n' "$s" "$p" "$n"
  passed=$((passed + p)); failed=$((failed + n))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
