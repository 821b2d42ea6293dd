#!/usr/bin/env bash
# The foundation's failure paths: a core 1 that does not answer, images too
# big for their region, a missing toolchain; and the build settings that
# must build again when they change (CONFIG_CFLAGS, STORE_SIZE, whose bad
# values make refuses). Prints "TEST name" and "PASS
# name" / "FAIL name: reason" per check, then "N passed, M failed".
#   tests/foundation/run.sh BUILD TCC "TARGET_CFLAGS" "LDFLAGS..." OBJS...
#   tests/foundation/run.sh --list      the checks' names only, nothing run
# Every emulator run is bounded by its CPU time (TD_FOUNDATION_RUN_CPU, 120 s;
# a run needs a few), which a loaded machine does not stretch; the wall
# clock (TD_FOUNDATION_RUN_S, 1800 s) only backstops a run that waits.
set -u
listing=0
if [ "${1:-}" = --list ]; then listing=1; set -- build cc '' ''; fi
build=$1; tcc=$2; cflags=$3; ldflags=$4; shift 4
objs=("$@")
dir=$build/foundation
[ $listing -eq 1 ] || mkdir -p "$dir"
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
# want NAME: the check NAME comes next; false when only listing (skip it)
want() { if [ $listing -eq 1 ]; then echo "$1"; return 1; fi; echo "TEST $1"; }
sim() {
  ( n=${TD_FOUNDATION_RUN_CPU:-120} h=$(ulimit -H -t)
    [ "$h" = unlimited ] || [ "$h" -gt "$n" ] || n=$h
    ulimit -S -t "$n" && exec timeout --kill-after=5 "${TD_FOUNDATION_RUN_S:-1800}" sim/tandem-sim "$@" ) </dev/null
}

# results NAME...: each NAME's "PASS NAME" / "FAIL NAME: why" line in $out
# (an image's own checks), $rc its run's exit status.
results() {
  local t line
  for t in "$@"; do
    want "$t" || continue
    line=$(grep -E "^(PASS|FAIL) $t(:|$)" <<<"$out")
    if [ -z "$line" ]; then fail "$t" "no result (exit $rc): $(tail -2 <<<"$out" | tr '\n' ' ')"
    elif [ "${line#PASS}" != "$line" ]; then pass "$t"
    else fail "$t" "${line#FAIL $t: }"; fi
  done
}

# 1. Launch against a dead core 1, in the emulator.
[ $listing -eq 1 ] || { out=$(sim "$dir/launch_dead.elf" --core1-dead --raw --max-ms 2000 2>&1); rc=$?; }
results launch_port_no_answer launch_kernel_no_answer launch_beginner_no_answer

# 1a. The raw FIFO: chosen before any multiplexer, the message layer refused
# on both cores, the program's words both ways, a cross-core semaphore
# still woken.
[ $listing -eq 1 ] || { out=$(sim "$dir/raw_fifo.elf" --raw --max-ms 2000 2>&1); rc=$?; }
results raw_fifo_chosen raw_fifo_msg_start_refused raw_fifo_subscribe_refused raw_fifo_core1_launched \
        raw_fifo_words_both_ways raw_fifo_xsem_wakes_across_cores raw_fifo_core1_refused_too

# 1b. A handshake out of step: core 1's first answers corrupted (its first
# two words are the ROM's own zeros, which the launcher drains while it
# resynchronises; the third is an echo it checks). Bad answers
# that stop: the launcher starts over, taking longer than a clean launch,
# and core 1 runs. Answers that stay bad: it gives up after
# TD_LAUNCH_MAX_RESTARTS, quickly, and core 1 never runs.
launch_cycles() { sed -nE 's/^launch: .* after ([0-9]+) cycles$/\1/p' <<<"$1"; }
clean=0
if want launch_clean_answers; then
  out=$(sim "$dir/launch_garbled.elf" --raw --max-ms 2000 2>&1)
  clean=$(launch_cycles "$out")
  if grep -q '^launch: TD_OK ran=1 ' <<<"$out"; then pass launch_clean_answers
  else fail launch_clean_answers "$(tail -2 <<<"$out" | tr '\n' ' ')"; clean=0; fi
fi
garbled() {  # NAME N EXPECTED_RESULT EXPECTED_RAN
  local out rc line n
  want "$1" || return 0
  out=$(sim "$dir/launch_garbled.elf" --core1-garble "$2" --raw --max-ms 2000 2>&1); rc=$?
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
if want uf2_boots_both_cores; then
  out=$(sim "$build/examples/blink2.uf2" --raw --max-ms 300 2>&1)
  if grep -q '^Enter main Thread' <<<"$out" && grep -q '^Enter second Thread' <<<"$out"; then
    pass uf2_boots_both_cores
  else fail uf2_boots_both_cores "$(tail -3 <<<"$out" | tr '\n' ' ')"; fi
fi

# 1d. A dead crystal: start-up gives up waiting for XOSC (bounded), and core
# 0 parks in rp2040_boot_failed asleep, so both cores sleep with nothing to wake
# them: the emulator stops the run as stalled, well before the time limit.
if want boot_dead_crystal_bounded; then
  out=$(sim "$build/examples/blink2.elf" --xosc-dead --max-ms 5000 --json "$dir/xosc.json" 2>&1)
  reason=$(node -e 'const j=require(process.argv[1]); console.log(j.exit.reason + " " + j.time_s + " " + j.cores[0].pc)' "$(realpath "$dir/xosc.json")" 2>&1)
  read -r why secs pc <<<"$reason"
  # rp2040_boot_failed's address and size, from the ELF's symbols
  read -r fa fs < <(${tcc%gcc}nm -S "$build/examples/blink2.elf" | awk '$4 == "rp2040_boot_failed" { print $1, $2 }')
  # the stage a debugger reads: 2, the crystal (docs/boot.md)
  stage=$(node -e 'const { Simulator } = require("./sim/lib"); const s = new Simulator({ usb: false });
    s.loadFile(process.argv[1]); s.killXosc(); s.run({ maxMs: 5000 });
    console.log(s.read32(s.symbol("rp2040_boot_failure")))' "$build/examples/blink2.elf" 2>&1)
  if [ "$why" = stalled ] && ! grep -q 'uart0' <<<"$out" && [ "$stage" = 2 ] && \
     awk -v t="$secs" 'BEGIN { exit !(t < 1.0) }' && [ -n "$fa" ] && \
     [ "$pc" -ge $((16#$fa)) ] && [ "$pc" -lt $((16#$fa + 16#$fs)) ]; then pass boot_dead_crystal_bounded
  else fail boot_dead_crystal_bounded "exit: $reason, stage $stage (rp2040_boot_failed at 0x$fa, $fs bytes); $(tail -2 <<<"$out" | tr '\n' ' ')"; fi
fi

# 2. Images too big for a region: the link fails and names the region.
for v in FLASH RAM CORE1; do
  want "image_too_big_$v" || continue
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
if want deps_missing_toolchain_named; then
  fake=$(mktemp -d); trap 'rm -rf "$fake"' EXIT
  for c in bash id dirname apt-get; do p=$(command -v $c) && ln -s "$p" "$fake/$c"; done
  out=$(PATH=$fake TD_DEPS_NO_INSTALL=1 tools/deps.sh arm 2>&1); rc=$?
  if [ $rc -ne 0 ] && grep -q "gcc-arm-none-eabi" <<<"$out"; then pass deps_missing_toolchain_named
  else fail deps_missing_toolchain_named "exit $rc: $out"; fi
fi

# make outside the suite's own, its flags and variables not inherited, in
# build directory $cfg; stale [VAR=...] OBJ: would make build OBJ again? (a
# dry run)
cfg=$dir/config-build
m() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s BUILD="$cfg" "$@"; }
stale() { local o=${*: -1}; m -n "$@" 2>/dev/null | grep -q -- "-o $o "; }

# 4. CONFIG_CFLAGS (README: the console's UART and pins, the 1200-baud
# reset, ...) rebuilds what it is compiled into when it changes, and when it
# is dropped again, instead of leaving the last build's objects: a library
# object, an example's and a kernel test's, each built once in a build
# directory of its own.
if want config_cflags_rebuilds; then
  rm -rf "$cfg"
  why=
  for o in "$cfg/rp2040/kernel/error.o" "$cfg/examples/obj/blink2/main.o" "$cfg/target-tests/obj/test_sem.o"; do
    if ! m "$o" >"$dir/config.log" 2>&1; then why="$o: the first build failed: $(head -3 "$dir/config.log")"; break; fi
    if stale "$o"; then why="$o: compiled again right after its build"; break; fi
    if ! stale CONFIG_CFLAGS=-DTD_USB_BOOTSEL_BAUD=0 "$o"; then why="$o: not compiled again for a new CONFIG_CFLAGS"; break; fi
    if ! m CONFIG_CFLAGS=-DTD_USB_BOOTSEL_BAUD=0 "$o" >"$dir/config.log" 2>&1; then
      why="$o: the build with CONFIG_CFLAGS failed: $(head -3 "$dir/config.log")"; break; fi
    if stale CONFIG_CFLAGS=-DTD_USB_BOOTSEL_BAUD=0 "$o"; then why="$o: compiled again for the same CONFIG_CFLAGS"; break; fi
    if ! stale "$o"; then why="$o: not compiled again once CONFIG_CFLAGS was dropped"; break; fi
  done
  rm -rf "$cfg"
  if [ -z "$why" ]; then pass config_cflags_rebuilds; else fail config_cflags_rebuilds "$why"; fi
fi

# 4b. Every rule of the build whose recipe compiles with CONFIG_CFLAGS has
# its stamp among its prerequisites (make's database, -p), so no object
# kind is left out; and a planted rule without it is named.
unstamped() {  # [MAKEFILE...]: the targets of such rules without the stamp
  local f args=(-f Makefile)
  for f in "$@"; do args+=(-f "$f"); done
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -pRrq "${args[@]}" BUILD="$cfg" \
      __foundation_no_target__ 2>/dev/null |
  awk -v stamp="$cfg/config-cflags.stamp" '
    /^define / { indef = 1; next }
    /^endef/ { indef = 0; next }
    indef { next }
    /^# Not a target/ { skip = 1; next }
    /^[^#\t ][^=]*:([^=]|$)/ { rule = skip ? "" : $0; skip = 0; next }
    /^$/ { rule = ""; skip = 0; next }
    /^\t/ && rule != "" && index($0, "$(CONFIG_CFLAGS)") {
      n++; split(rule, p, ":")
      if (index(rule, " " stamp) == 0 && !(p[1] in seen)) { seen[p[1]] = 1; print p[1] } }
    END { if (n < 10) print "(only " n + 0 " recipes compile with CONFIG_CFLAGS: the database was not read)" }'
}
if want config_cflags_every_rule; then
  planted=$dir/planted.mk
  printf '%s\n' '$(BUILD)/planted/%.o: tests/%.c | deps-arm' \
    '	$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -c -o $@ $<' >"$planted"
  missing=$(unstamped); caught=$(unstamped "$planted")
  rm -rf "$cfg"
  if [ -n "$missing" ]; then fail config_cflags_every_rule "without the stamp: $(tr '\n' ' ' <<<"$missing")"
  elif [ "$caught" != "$cfg/planted/%.o" ]; then fail config_cflags_every_rule "a planted rule without the stamp not named alone: $caught"
  else pass config_cflags_every_rule; fi
fi

# 5. STORE_SIZE (docs/flash.md): the store's region as the link sets it,
# and as the store finds it at run time (the settings example, UART
# console, prints its sectors); a change of it links the images again; a
# bad value stops make with the error naming it, nothing built.
if want store_size_sets_region; then
  rm -rf "$cfg"
  elf=$cfg/examples/settings.elf
  why=
  if ! m TD_CONSOLE=uart STORE_SIZE=32768 "$elf" >"$dir/store.log" 2>&1; then
    why="the build failed: $(head -3 "$dir/store.log")"
  else
    start=$(${tcc%gcc}nm "$elf" | awk '$3 == "__td_store_start__" { print $1 }')
    out=$(sim "$elf" --raw --max-ms 1500 2>&1)
    if [ "$start" != 101f8000 ]; then why="__td_store_start__ is 0x$start, not 0x101f8000 (32 KiB below the 2 MiB end)"
    elif ! grep -q 'store of 8 sectors' <<<"$out"; then why="the store did not find 8 sectors: $(grep -m1 settings: <<<"$out")"
    elif stale TD_CONSOLE=uart STORE_SIZE=32768 "$elf"; then why="linked again for the same STORE_SIZE"
    elif ! stale TD_CONSOLE=uart STORE_SIZE=8192 "$elf"; then why="not linked again for a new STORE_SIZE"
    elif ! stale TD_CONSOLE=uart "$elf"; then why="not linked again once STORE_SIZE was dropped"; fi
  fi
  if [ -z "$why" ]; then pass store_size_sets_region; else fail store_size_sets_region "$why"; fi
fi
if want store_size_refuses_bad; then
  rm -rf "$cfg"
  why=
  for v in 12288+1 4096 6000 131072 08192 x; do
    out=$(m STORE_SIZE="$v" "$cfg/examples/blink2.elf" 2>&1); rc=$?
    if [ $rc -eq 0 ]; then why="STORE_SIZE=$v: make succeeded"; break; fi
    if ! grep -q "STORE_SIZE=$v .*0 for no store, or a multiple of 4096 from 8192 to 65536" <<<"$out"; then
      why="STORE_SIZE=$v: the error does not name it and the allowed sizes: $(head -2 <<<"$out")"; break; fi
    if [ -e "$cfg/examples/blink2.elf" ]; then why="STORE_SIZE=$v: an image was built"; break; fi
  done
  rm -rf "$cfg"
  if [ -z "$why" ]; then pass store_size_refuses_bad; else fail store_size_refuses_bad "$why"; fi
fi

[ $listing -eq 1 ] && exit 0
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
