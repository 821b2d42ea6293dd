#!/usr/bin/env bash
# Each libFuzzer target for a fixed number of inputs on its seed corpus (the
# 'fuzz' suite of make test): "PASS fuzz_NAME" or "FAIL fuzz_NAME: reason"
# per target, then "N passed, M failed".
#   tools/fuzz/run-brief.sh FUZZ_DIR RUNS NAME...
# A target that crashes, finds a bug, or runs longer than
# FUZZ_TARGET_TIMEOUT seconds (default 180) fails; its output is in
# FUZZ_DIR/NAME.log, a crashing input in FUZZ_DIR/NAME-crash-*.
set -u
dir=$1 runs=$2; shift 2
passed=0 failed=0
for t in "$@"; do
  echo "TEST fuzz_$t"
  timeout --kill-after=5 "${FUZZ_TARGET_TIMEOUT:-180}" "$dir/$t" -runs="$runs" -seed=1 \
    -artifact_prefix="$dir/$t-" "$dir/$t-corpus" </dev/null >"$dir/$t.log" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then echo "PASS fuzz_$t"; passed=$((passed + 1))
  else
    case $rc in 124 | 137) why="no end within ${FUZZ_TARGET_TIMEOUT:-180} s" ;; *) why="exit status $rc" ;; esac
    echo "FAIL fuzz_$t: $why: $(grep -m1 -E 'ERROR|SUMMARY|deadly' "$dir/$t.log" | cut -c1-160) (see $dir/$t.log)"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
