#!/usr/bin/env bash
# The foundation's failure paths (issue 2): a core 1 that does not answer,
# images too big for their region, a missing toolchain. Prints "PASS name" /
# "FAIL name: reason" lines.
#   tests/foundation/run.sh BUILD TCC "TARGET_CFLAGS" "LDFLAGS..." OBJS...
set -u
build=$1; tcc=$2; cflags=$3; ldflags=$4; shift 4
objs=("$@")
dir=$build/foundation
mkdir -p "$dir"
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# 1. Launch against a dead core 1, in the emulator.
out=$(sim/tandem-sim "$dir/launch_dead.elf" --core1-dead --raw --max-ms 2000 2>&1); rc=$?
for t in launch_port_no_answer launch_kernel_no_answer launch_beginner_no_answer; do
  line=$(grep -E "^(PASS|FAIL) $t:" <<<"$out")
  if [ -z "$line" ]; then fail "$t" "no result (exit $rc): $(tail -2 <<<"$out" | tr '\n' ' ')"
  else echo "$line"; fi
done

# 1b. A handshake out of step: core 1's first answers corrupted (its first
# two words are the ROM's own zeros, which the launcher drains while it
# resynchronises; the third is an echo it checks). Bad answers
# that stop: the launcher starts over, taking longer than a clean launch,
# and core 1 runs. Answers that stay bad: it gives up after
# TD_LAUNCH_MAX_RESTARTS, quickly, and core 1 never runs.
launch_cycles() { sed -nE 's/^launch: .* after ([0-9]+) cycles$/\1/p' <<<"$1"; }
out=$(sim/tandem-sim "$dir/launch_garbled.elf" --raw --max-ms 2000 2>&1)
clean=$(launch_cycles "$out")
if grep -q '^launch: TD_OK ran=1 ' <<<"$out"; then pass launch_clean_answers
else fail launch_clean_answers "$(tail -2 <<<"$out" | tr '\n' ' ')"; clean=0; fi
garbled() {  # NAME N EXPECTED_RESULT EXPECTED_RAN
  local out rc line n
  out=$(sim/tandem-sim "$dir/launch_garbled.elf" --core1-garble "$2" --raw --max-ms 2000 2>&1); rc=$?
  line=$(grep -E '^launch: ' <<<"$out")
  n=$(launch_cycles "$line")
  if [ $rc -ne 0 ] || [ -z "$n" ]; then fail "$1" "no result (exit $rc): $(tail -2 <<<"$out" | tr '\n' ' ')"
  elif ! grep -q "^launch: $3 ran=$4 " <<<"$line"; then fail "$1" "expected $3 ran=$4, got: $line"
  elif [ "$n" -le "${clean:-0}" ]; then fail "$1" "no slower than a clean launch ($clean cycles): no restart seen: $line"
  elif [ "$n" -ge 6250000 ]; then fail "$1" "took $n cycles (50 ms): $line"
  else pass "$1"; fi
}
garbled launch_restarts_after_bad_answer 3 TD_OK 1
garbled launch_restarts_after_bad_answers 6 TD_OK 1
garbled launch_gives_up_on_bad_answers 100000 TD_ERR_NO_RESPONSE 0

# 1c. The UF2 that uf2tool wrote boots through the ROM's flash boot (boot2's
# CRC, XIP) and both cores run: the file read back by the emulator's own
# UF2 loader, not by the code that wrote it.
out=$(sim/tandem-sim "$build/examples/blink2.uf2" --raw --max-ms 300 2>&1)
if grep -q '^Enter main Thread' <<<"$out" && grep -q '^Enter second Thread' <<<"$out"; then
  pass uf2_boots_both_cores
else fail uf2_boots_both_cores "$(tail -3 <<<"$out" | tr '\n' ' ')"; fi

# 1d. A dead crystal: start-up gives up waiting for XOSC (bounded), and core
# 0 parks in rp2040_boot_failed asleep, so both cores sleep with nothing to wake
# them: the emulator stops the run as stalled, well before the time limit.
out=$(sim/tandem-sim "$build/examples/blink2.elf" --xosc-dead --max-ms 5000 --json "$dir/xosc.json" 2>&1)
reason=$(node -e 'const j=require(process.argv[1]); console.log(j.exit.reason + " " + j.time_s + " " + j.cores[0].pc)' "$(realpath "$dir/xosc.json")" 2>&1)
read -r why secs pc <<<"$reason"
# rp2040_boot_failed's address and size, from the ELF's symbols
read -r fa fs < <(${tcc%gcc}nm -S "$build/examples/blink2.elf" | awk '$4 == "rp2040_boot_failed" { print $1, $2 }')
if [ "$why" = stalled ] && ! grep -q 'uart0' <<<"$out" && \
   awk -v t="$secs" 'BEGIN { exit !(t < 1.0) }' && [ -n "$fa" ] && \
   [ "$pc" -ge $((16#$fa)) ] && [ "$pc" -lt $((16#$fa + 16#$fs)) ]; then pass boot_dead_crystal_bounded
else fail boot_dead_crystal_bounded "exit: $reason (rp2040_boot_failed at 0x$fa, $fs bytes); $(tail -2 <<<"$out" | tr '\n' ' ')"; fi

# 2. Images too big for a region: the link fails and names the region.
for v in FLASH RAM CORE1; do
  region=$v; [ $v = CORE1 ] && region=CORE1_RAM
  $tcc $cflags -DTOO_BIG_$v -c tests/foundation/too_big.c -o "$dir/too_big_$v.o" 2>"$dir/too_big_$v.log"
  if $tcc $ldflags -o "$dir/too_big_$v.elf" "$dir/too_big_$v.o" "${objs[@]}" -lgcc \
       >>"$dir/too_big_$v.log" 2>&1; then
    fail "image_too_big_$v" "linked although it cannot fit"
  elif grep -q "region \`$region' overflowed" "$dir/too_big_$v.log"; then
    pass "image_too_big_$v"
  else
    fail "image_too_big_$v" "the error does not name region $region: $(head -3 "$dir/too_big_$v.log" | tr '\n' ' ')"
  fi
done

# 3. A missing cross compiler is named, with the package to install.
fake=$(mktemp -d); trap 'rm -rf "$fake"' EXIT
for c in bash id dirname apt-get; do p=$(command -v $c) && ln -s "$p" "$fake/$c"; done
out=$(PATH=$fake TD_DEPS_NO_INSTALL=1 tools/deps.sh arm 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "gcc-arm-none-eabi" <<<"$out"; then pass deps_missing_toolchain_named
else fail deps_missing_toolchain_named "exit $rc: $out"; fi
