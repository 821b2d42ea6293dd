#!/usr/bin/env bash
# tests/runners/run.sh: the 'runners' suite. The suite runner
# (tests/run-suite.sh), the summary (tools/test-summary.sh) and 'make test'
# itself are given test programs that crash, hang, stop early, or report
# what they did not do (tests/runners/plant.c, plant.js); each must end in a
# FAIL line that names the program or test, and in a non-zero exit status.
# A test skipped with its reason must be counted as skipped: neither passed
# nor failed.
# A good program must pass, so the checks cannot pass by failing everything.
#
#   tests/runners/run.sh BUILD      run the checks: "PASS name" / "FAIL name: reason"
#   tests/runners/run.sh --list     print the checks' names only
#
# MAKE (the make that runs this) is used for the 'make test' checks.
set -u
listing=0
[ "${1:-}" = --list ] && listing=1
build=${1:-build}
plant=$build/runners/plant
runner_plant=$build/runners/runner-plant    # tests/runner.c with tests/runners/runner_list.h
here=$(dirname "$0")
run_suite=$here/../run-suite.sh
summary=$here/../../tools/test-summary.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

check() {  # NAME FUNCTION: the function fails (non-zero) with its reason on stdout
  if [ $listing -eq 1 ]; then echo "$1"; return; fi
  echo "TEST $1"
  local why
  if why=$("$2" 2>&1); then echo "PASS $1"; passed=$((passed + 1))
  else why=$(tr '\n' ' ' <<<"${why:-failed}"); [ ${#why} -gt 300 ] && why="${why:0:300} [cut at 300 characters]"
    echo "FAIL $1: $why"; failed=$((failed + 1)); fi
}

# planted SUITE MODE [RUN_SUITE_OPTION...]: plant MODE through the runner,
# its results in $tmp/r/SUITE.txt; sets rs (runner's exit status) and res.
# The plant is bounded by its CPU time (TD_SUITE_CPU, default 10 s; it needs
# about a millisecond), the wall clock only by a backstop far away: a loaded
# machine may take long to run it, and only the planted hang (which waits
# without running) is meant to meet its wall-clock limit (hang: 2 s).
planted() {
  local suite=$1 mode=$2; shift 2
  TD_SUITE_CPU=${TD_SUITE_CPU:-10} TD_SUITE_TIMEOUT=${TD_SUITE_TIMEOUT:-600} "$run_suite" "${@:--l$here/plant.list}" \
    "$suite" "$tmp/r/$suite.txt" "$plant" "$mode" >"$tmp/$suite.out" 2>&1
  rs=$?
  res=$(cat "$tmp/r/$suite.txt" 2>/dev/null)
}
has() {   # EXTENDED_REGEX: a line of the results matches
  grep -qE -- "$1" <<<"$res" || { echo "no line like '$1' in: $res"; return 1; }
}
failed_run() {   # the runner's exit status says failed
  [ "$rs" -ne 0 ] || { echo "runner exit status 0 for a planted failure: $res"; return 1; }
}

crash() {
  planted crash crash
  failed_run && has "^FAIL plant_two: $plant crash stopped inside this test \(crashed: killed by signal 11 \(SEGV\)" &&
    has '^FAIL plant_three: no result' && ! has '^PASS plant_two' >/dev/null
}
hang() {   # waits without running: ended by the wall-clock limit, the CPU limit not reached
  TD_SUITE_TIMEOUT=2 planted hang hang
  failed_run && has "^FAIL plant_two: $plant hang stopped inside this test \(hung: ended after the time limit of 2 s" &&
    has '^FAIL plant_three: no result'
}
spin() {   # bounded by its CPU time, the wall-clock limit far away
  TD_SUITE_CPU=1 planted spin spin
  failed_run && has "^FAIL plant_two: $plant spin stopped inside this test \(hung: used its CPU time limit of 1 s" &&
    has '^FAIL plant_three: no result'
}
nested_cpu() {   # a CPU limit above the one the runner was given is held to it (less 5 s)
  rs=0
  ( ulimit -St 6 && ulimit -Ht 6 && TD_SUITE_CPU=900 planted nested spin; echo "$rs" >"$tmp/nested.rs" )
  rs=$(cat "$tmp/nested.rs"); res=$(cat "$tmp/r/nested.txt" 2>/dev/null)
  failed_run && has "^FAIL plant_two: $plant spin stopped inside this test \(hung: used its CPU time limit of 1 s"
}
own_limits() {   # the runner's limits stay out of the program's environment
  local prog='for t in plant_one plant_two plant_three; do echo "TEST $t"
    if [ -z "${TD_SUITE_CPU-}${TD_SUITE_TIMEOUT-}" ]; then echo "PASS $t"; else echo "FAIL $t: TD_SUITE_* set"; fi
  done; echo "3 passed, 0 failed"'
  [ -z "$(sed -n 's/^FAIL //p' <(TD_SUITE_CPU=10 TD_SUITE_TIMEOUT=600 "$run_suite" -l "$here/plant.list" env \
        "$tmp/r/env.txt" bash -c "$prog" 2>&1))" ] && [ "$(grep -c '^PASS' "$tmp/r/env.txt")" = 3 ] ||
    { echo "results: $(cat "$tmp/r/env.txt")"; return 1; }
}
early_exit() {
  planted exit exit
  failed_run && has "^FAIL plant_two: $plant exit stopped inside this test \(exit status 0" &&
    has '^FAIL plant_three: no result'
}
missing_test() {
  planted short short
  failed_run && has "^FAIL plant_three: no result: $plant short did not report this test"
}
lying_summary() {
  planted lie lie
  failed_run && has "^FAIL lie-runner: $plant lie's summary '3 passed, 0 failed' does not match its 2 PASS, 0 FAIL and 0 SKIP lines" &&
    has '^FAIL plant_three: no result'
}
node_skips() {   # the emulator suite's reporter: a skip with its reason kept, one without failed
  TD_SUITE_CPU=${TD_SUITE_CPU:-20} TD_SUITE_TIMEOUT=${TD_SUITE_TIMEOUT:-600} "$run_suite" -l "$here/plant.list" \
    -p 'node --test' nodeskip "$tmp/r/nodeskip.txt" node --test --test-reporter="$(cd "$here/../../sim/test" && pwd)/reporter.js" \
    "$here/plant.test.js" >/dev/null 2>&1
  rs=$?
  res=$(cat "$tmp/r/nodeskip.txt" 2>/dev/null)
  failed_run && has '^PASS plant_one$' && has '^SKIP plant_two: not on this machine$' &&
    has '^FAIL plant_three: skipped without a reason' && ! has '^FAIL nodeskip-runner' >/dev/null   # its summary counted both
}
uncounted_skip() {   # a summary that leaves out a skip the program printed
  planted skipuncounted skipuncounted
  failed_run && has "^FAIL skipuncounted-runner: $plant skipuncounted's summary '2 passed, 0 failed' does not match its 2 PASS, 0 FAIL and 1 SKIP lines"
}
long_lines() {   # the kernel suites' runner prints lines longer than its buffer whole
  local long rp_list=$tmp/runner-plant.list
  long=$(printf '0123456789abcdefghijklmnopqrstuvwxyz%.0s' 1 2 3 4 5 6 7 8)0123456789ab   # 300 characters
  sed -nE 's/^X\(([a-z_]+),.*/\1/p' "$here/runner_list.h" >"$rp_list"
  TD_SUITE_CPU=${TD_SUITE_CPU:-10} TD_SUITE_TIMEOUT=${TD_SUITE_TIMEOUT:-600} "$run_suite" -l "$rp_list" \
    rp "$tmp/r/rp.txt" "$runner_plant" >"$tmp/rp.out" 2>&1
  rs=$?
  res=$(cat "$tmp/r/rp.txt" 2>/dev/null)
  failed_run && has '^PASS runner_plant_passes$' &&
    has "^SKIP runner_plant_skips_with_a_long_reason: planted: $long end of the reason\$" &&
    has "^FAIL runner_plant_fails_with_a_long_reason: planted: $long end of the condition \(tests/runners/runner_plant.c:[0-9]+\)\$" &&
    ! has '^FAIL rp-runner' >/dev/null || return 1     # its summary counted the skip: 1 passed, 1 failed, 1 skipped
  grep -qx "INFO runner_plant_key_${long}_end_of_key 42" "$tmp/r/rp.txt.log" ||
    { echo "no whole INFO line in: $(grep '^INFO runner_plant' "$tmp/r/rp.txt.log")"; return 1; }
}
status_mismatch() {
  planted status status
  failed_run && has "^FAIL status-runner: $plant status ended with exit status 3 although no test failed" || return 1
  planted fail0 fail0
  failed_run && has "^FAIL fail0-runner: $plant fail0 ended with exit status 0 despite failed tests"
}
node_exception() {
  TD_SUITE_CPU=20 TD_SUITE_TIMEOUT=600 "$run_suite" -l "$here/plant.list" js "$tmp/r/js.txt" node "$here/plant.js" >/dev/null 2>&1
  rs=$?
  res=$(cat "$tmp/r/js.txt" 2>/dev/null)
  failed_run && has "^FAIL js-runner: node $here/plant.js ended without its summary line \(exit status 1" &&
    has '^FAIL plant_two: no result'
}
count_only() {
  planted count short -n 3
  failed_run && has "^FAIL count-runner: $plant short reported 2 of the 3 tests its list holds"
}
no_list() {
  planted nolist good -p plant
  failed_run && has '^FAIL nolist-runner: no expected tests given for plant'
}
unlisted_result() {
  head -2 "$here/plant.list" >"$tmp/two.list"
  planted unlisted good -l "$tmp/two.list"
  failed_run && has "^FAIL plant_three: reported by $plant good but not in the test list"
}
good_run() {
  planted good good
  [ "$rs" -eq 0 ] || { echo "runner exit status $rs: $res"; return 1; }
  [ "$res" = "$(printf 'PASS plant_one\nPASS plant_two\nPASS plant_three')" ] || { echo "results: $res"; return 1; }
  [ "$(cat "$tmp/r/good.txt.expect")" = 3 ] || { echo "expected count $(cat "$tmp/r/good.txt.expect")"; return 1; }
}
skip_run() {   # a skip with its reason: kept, neither passed nor failed
  planted skip skip
  [ "$rs" -eq 0 ] || { echo "runner exit status $rs: $res"; return 1; }
  [ "$res" = "$(printf 'PASS plant_one\nSKIP plant_two: not on this port\nPASS plant_three')" ] ||
    { echo "results: $res"; return 1; }
  planted skipcount skip -n 3          # counted against the list's number too
  [ "$rs" -eq 0 ] || { echo "runner exit status $rs with -n 3: $res"; return 1; }
}
skip_bare() {   # a skip must say why
  planted skipbare skipbare
  failed_run && has '^FAIL plant_two: skipped without a reason'
}
nul_bytes() {
  planted nul nul
  [ "$rs" -eq 0 ] && [ "$(grep -ac '^PASS ' "$tmp/r/nul.txt")" = 3 ] && ! grep -aq '^FAIL' "$tmp/r/nul.txt" ||
    { echo "runner exit status $rs: $res"; return 1; }
}
append() {
  "$run_suite" -l "$here/plant.list" two "$tmp/r/two.txt" "$plant" good >/dev/null &&
    "$run_suite" -a -l "$here/plant.list" two "$tmp/r/two.txt" "$plant" good >/dev/null ||
    { echo "runner failed a good program"; return 1; }
  [ "$(grep -c '^PASS ' "$tmp/r/two.txt")" = 6 ] && [ "$(cat "$tmp/r/two.txt.expect")" = 6 ] ||
    { echo "after two runs: $(grep -c '^PASS ' "$tmp/r/two.txt") results, $(cat "$tmp/r/two.txt.expect") expected"; return 1; }
}

# The summary over the planted suites' results (the checks above made them).
summary_fails() {
  local out rc
  out=$("$summary" "$tmp/r" crash hang exit good 2>&1); rc=$?
  [ $rc -ne 0 ] || { echo "summary exit status 0: $out"; return 1; }
  for l in '^FAIL \[crash\] plant_two: .*crashed' '^FAIL \[hang\] plant_two: .*hung' \
           '^FAIL \[exit\] plant_two: .*stopped inside' '^ +good +3 passed, 0 failed \(3 listed\)$' \
           '^6 passed, 6 failed$'; do
    grep -qE -- "$l" <<<"$out" || { echo "no line like '$l' in: $out"; return 1; }
  done
}
summary_skips() {   # a skip counts as skipped, never as passed nor failed
  local out rc
  out=$("$summary" "$tmp/r" good skip 2>&1); rc=$?
  [ $rc -eq 0 ] || { echo "summary exit status $rc: $out"; return 1; }
  for l in '^SKIP \[skip\] plant_two: not on this port$' '^ +skip +2 passed, 0 failed \(3 listed, 1 skipped\)$' \
           '^ +good +3 passed, 0 failed \(3 listed\)$'; do
    grep -qE -- "$l" <<<"$out" || { echo "no line like '$l' in: $out"; return 1; }
  done
  [ "$(tail -1 <<<"$out")" = "5 passed, 0 failed" ] || { echo "last line: $(tail -1 <<<"$out")"; return 1; }
  mkdir -p "$tmp/s"                    # a skip does not stand in for a missing result
  printf 'PASS a\nSKIP b: not here\n' >"$tmp/s/skipfew.txt"; echo 3 >"$tmp/s/skipfew.txt.expect"
  out=$("$summary" "$tmp/s" skipfew 2>&1); rc=$?
  [ $rc -ne 0 ] && grep -q '^FAIL \[skipfew\] skipfew: 1 tests passed, 1 skipped of the 3 its list holds' <<<"$out" &&
    [ "$(tail -1 <<<"$out")" = "1 passed, 1 failed" ] || { echo "$rc: $out"; return 1; }
}
summary_no_results() {
  local out rc
  out=$("$summary" "$tmp/r" good absent 2>&1); rc=$?
  [ $rc -ne 0 ] && grep -q '^FAIL \[absent\] absent: suite produced no results' <<<"$out" || { echo "$rc: $out"; return 1; }
}
summary_no_expected() {
  local out rc
  mkdir -p "$tmp/s"
  printf 'PASS a\nPASS b\n' >"$tmp/s/bare.txt"
  out=$("$summary" "$tmp/s" bare 2>&1); rc=$?
  [ $rc -ne 0 ] && grep -q '^FAIL \[bare\] bare: no expected number of tests' <<<"$out" || { echo "$rc: $out"; return 1; }
}
summary_fewer() {
  local out rc
  mkdir -p "$tmp/s"
  printf 'PASS a\nPASS b\n' >"$tmp/s/few.txt"; echo 3 >"$tmp/s/few.txt.expect"
  out=$("$summary" "$tmp/s" few 2>&1); rc=$?
  [ $rc -ne 0 ] && grep -q '^FAIL \[few\] few: 2 tests passed of the 3 its list holds' <<<"$out" || { echo "$rc: $out"; return 1; }
}

# 'make test' itself (its suite-running half, run-suites) over planted suites.
make_fails() {
  local out rc
  out=$(${MAKE:-make} --no-print-directory -s run-suites TEST_SUITES="plant-crash plant-hang plant-exit plant-good" \
        TEST_RESULTS="$tmp/mk" PLANT_HANG_TIMEOUT=2 2>&1); rc=$?
  [ $rc -ne 0 ] || { echo "make exit status 0: $out"; return 1; }
  for l in "^FAIL \[plant-crash\] plant_two: $plant crash stopped inside this test \(crashed" \
           "^FAIL \[plant-hang\] plant_two: $plant hang stopped inside this test \(hung" \
           "^FAIL \[plant-exit\] plant_two: $plant exit stopped inside this test" \
           '^6 passed, 6 failed$'; do
    grep -qE -- "$l" <<<"$out" || { echo "no line like '$l' in: $(tail -12 <<<"$out")"; return 1; }
  done
}
make_passes() {
  local out rc
  out=$(${MAKE:-make} --no-print-directory -s run-suites TEST_SUITES="plant-good" TEST_RESULTS="$tmp/mk" 2>&1); rc=$?
  [ $rc -eq 0 ] && [ "$(tail -1 <<<"$out")" = "3 passed, 0 failed" ] || { echo "exit $rc: $(tail -5 <<<"$out")"; return 1; }
}
make_skips() {   # what CI reads: the skip in the suite's line, not in the passed
  local out rc
  out=$(${MAKE:-make} --no-print-directory -s run-suites TEST_SUITES="plant-good plant-skip" TEST_RESULTS="$tmp/mk" 2>&1); rc=$?
  [ $rc -eq 0 ] && [ "$(tail -1 <<<"$out")" = "5 passed, 0 failed" ] &&
    grep -qE '^ +plant-skip +2 passed, 0 failed \(3 listed, 1 skipped\)$' <<<"$out" &&
    grep -qE '^SKIP \[plant-skip\] plant_two: not on this port$' <<<"$out" || { echo "exit $rc: $(tail -6 <<<"$out")"; return 1; }
}

check runner_names_a_crash crash
check runner_names_a_hang hang
check runner_ends_a_spin_by_cpu_time spin
check runner_holds_cpu_time_to_its_own_limit nested_cpu
check runner_keeps_its_limits_from_the_program own_limits
check runner_names_an_early_exit early_exit
check runner_names_a_missing_test missing_test
check runner_catches_a_lying_summary lying_summary
check runner_catches_a_summary_without_its_skip uncounted_skip
check node_reporter_reports_a_skip_with_its_reason node_skips
check kernel_runner_prints_long_lines_whole long_lines
check runner_catches_a_wrong_exit_status status_mismatch
check runner_names_a_node_exception node_exception
check runner_counts_without_names count_only
check runner_needs_a_test_list no_list
check runner_refuses_unlisted_results unlisted_result
check runner_passes_a_good_program good_run
check runner_keeps_a_skip_with_its_reason skip_run
check runner_fails_a_skip_without_a_reason skip_bare
check runner_reads_output_with_nul_bytes nul_bytes
check runner_appends_programs append
check summary_fails_planted_suites summary_fails
check summary_counts_a_skip_as_skipped summary_skips
check summary_fails_a_suite_without_results summary_no_results
check summary_fails_a_suite_without_a_list summary_no_expected
check summary_fails_fewer_than_listed summary_fewer
check make_test_fails_on_planted_suites make_fails
check make_test_passes_a_good_suite make_passes
check make_test_counts_a_skip_as_skipped make_skips
[ $listing -eq 1 ] || echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
