#!/usr/bin/env bash
# Checks every built example's UF2 against its ELF (magics, family,
# contiguous blocks, flash addresses, boot2 CRC, every payload byte), twice:
# with uf2tool check, and with tools/uf2-spec-check.js, a reader written from
# the format's description that shares nothing with tools/uf2.c, against
# objcopy's flat image of the ELF (with planted bad blocks it must refuse); the
# tools' error paths on bad input, and that make -n and make -p -q write
# nothing (the build's stamps); make run's messages; the console's pin check. Prints "TEST name", then "PASS name" /
# "FAIL name: reason" per check, and "N passed, M failed" at the end.
#   tools/test_tools.sh EXAMPLE...          (UF2TOOL, BOOT2PAD, BUILD set;
#                                            OBJCOPY, default arm-none-eabi-objcopy)
#   tools/test_tools.sh --list EXAMPLE...   the checks' names only
set -u
listing=0
[ "${1:-}" = --list ] && { listing=1; shift; }
if [ $listing -eq 0 ]; then
  : "${UF2TOOL:?}" "${BOOT2PAD:?}" "${BUILD:?}"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
else
  UF2TOOL=- BOOT2PAD=- BUILD=- tmp=-
fi
OBJCOPY=${OBJCOPY:-arm-none-eabi-objcopy}
spec=$(dirname "$0")/uf2-spec-check.js
passed=0 failed=0

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
# want NAME: the check NAME comes next; false when only listing (skip it)
want() { if [ $listing -eq 1 ]; then echo "$1"; return 1; fi; echo "TEST $1"; }
expect_fail() {   # name, expected message part, command...
  local name=$1 want=$2; shift 2
  want "$name" || return 0
  local out; out=$("$@" 2>&1); local rc=$?
  if [ $rc -eq 0 ]; then fail "$name" "succeeded on bad input"
  elif ! grep -q -- "$want" <<<"$out"; then fail "$name" "message lacks '$want': $out"
  else pass "$name"; fi
}

for ex in "$@"; do
  elf=$BUILD/examples/$ex.elf uf2=$BUILD/examples/$ex.uf2
  if want "uf2_valid_$ex"; then
    if out=$("$UF2TOOL" check "$uf2" "$elf" 2>&1); then pass "uf2_valid_$ex"; else fail "uf2_valid_$ex" "$out"; fi
  fi
  # The ELF's first flash bytes are exactly boot2: its CRC must hold there too.
  [ $listing -eq 1 ] || { cp "$uf2" "$tmp/c.uf2"
    printf '\xff' | dd of="$tmp/c.uf2" bs=1 seek=40 conv=notrunc status=none; }
  expect_fail "boot2_corruption_detected_$ex" "boot2 CRC" "$UF2TOOL" check "$tmp/c.uf2"
  if want "uf2_spec_$ex"; then
    if ! "$OBJCOPY" -O binary "$elf" "$tmp/flat.bin" 2>"$tmp/err"; then fail "uf2_spec_$ex" "objcopy: $(cat "$tmp/err")"
    elif out=$(node "$spec" "$uf2" "$tmp/flat.bin" 2>&1); then pass "uf2_spec_$ex"; else fail "uf2_spec_$ex" "$out"; fi
  fi
done

# The second reader refuses what a Pico's boot ROM would not take, naming it:
# another family id (byte 28 of block 1), a payload byte that is not the
# ELF's, a block number out of order.
first=${1:-blink2}
plant() {   # name, expected message part, offset, bytes
  [ $listing -eq 1 ] || { cp "$BUILD/examples/$first.uf2" "$tmp/p.uf2"
    printf "$4" | dd of="$tmp/p.uf2" bs=1 seek="$3" conv=notrunc status=none; }
  expect_fail "$1" "$2" node "$spec" "$tmp/p.uf2" "$tmp/flat0.bin"
}
[ $listing -eq 1 ] || "$OBJCOPY" -O binary "$BUILD/examples/$first.elf" "$tmp/flat0.bin"
plant uf2_spec_refuses_family "family id" $((512 + 28)) '\x57'
plant uf2_spec_refuses_payload "flash byte 0x10000300" $((3 * 512 + 32)) '\xa5\x5a'
plant uf2_spec_refuses_block_number "blockNo" $((2 * 512 + 20)) '\x07'

expect_fail uf2tool_missing_file "No such file" "$UF2TOOL" convert "$tmp/none.elf" "$tmp/o.uf2"
[ $listing -eq 1 ] || printf 'hello' > "$tmp/text.elf"
expect_fail uf2tool_not_elf "not an ELF" "$UF2TOOL" convert "$tmp/text.elf" "$tmp/o.uf2"
if want uf2tool_no_output_on_error; then
  [ -e "$tmp/o.uf2" ] && fail uf2tool_no_output_on_error "left an output file" || pass uf2tool_no_output_on_error
fi
if [ $listing -eq 0 ]; then
  cp "$BUILD/examples/${1:-blink2}.elf" "$tmp/x86.elf"       # same file, e_machine = 3 (x86)
  printf '\x03\x00' | dd of="$tmp/x86.elf" bs=1 seek=18 conv=notrunc status=none
fi
expect_fail uf2tool_wrong_machine "another chip" "$UF2TOOL" convert "$tmp/x86.elf" "$tmp/o.uf2"
expect_fail uf2tool_64bit_elf "32-bit" "$UF2TOOL" convert "$UF2TOOL" "$tmp/o.uf2"
expect_fail uf2tool_usage "usage" "$UF2TOOL"
[ $listing -eq 1 ] || head -c 1000 "$BUILD/examples/${1:-blink2}.uf2" > "$tmp/short.uf2"
expect_fail uf2tool_truncated_uf2 "multiple of 512" "$UF2TOOL" check "$tmp/short.uf2"
[ $listing -eq 1 ] || head -c 300 /dev/zero > "$tmp/big.bin"
expect_fail boot2pad_too_big "larger than 252" "$BOOT2PAD" "$tmp/big.bin" "$tmp/o.bin"

# A dry run (make -n) and a question (make -p -q, as tools/doccheck.js asks)
# change nothing: the build's stamps (port/port.mk's build_stamp) keep what
# they hold and none is made, though every stamped variable has another value.
for how in n pq; do
  if want "make_${how}_writes_nothing"; then
    d=$tmp/dry-$how; mkdir -p "$d"; printf old > "$d/config-cflags.stamp"
    out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -"$how" BUILD="$d" CONFIG_CFLAGS=-DTD_DRY_RUN=1 \
          STORE_SIZE=8192 TD_CONSOLE=uart examples 2>&1)
    made=$(cd "$d" && find . -mindepth 1 ! -name config-cflags.stamp | head -3 | tr '\n' ' ')
    if [ "$(cat "$d/config-cflags.stamp")" != old ]; then fail "make_${how}_writes_nothing" "the stamp now holds '$(cat "$d/config-cflags.stamp")'"
    elif [ -n "$made" ]; then fail "make_${how}_writes_nothing" "made $made"
    elif [ $how = n ] && ! grep -q -- '-DTD_DRY_RUN=1' <<<"$out"; then fail "make_${how}_writes_nothing" "no compile with the new CONFIG_CFLAGS listed: $(head -c 300 <<<"$out")"
    elif [ $how = n ] && ! grep -q -- 'CONFIG_CFLAGS changed: .*config-cflags.stamp is written when make runs' <<<"$out"; then
      fail "make_${how}_writes_nothing" "the stamp not listed as to be written"
    else pass "make_${how}_writes_nothing"; fi
  fi
done

# An example appended at the end of examples/examples.mk, after the line
# that makes the examples' rules, stops make naming it and where it goes
# (before, make list showed it and make run ran a file nothing built).
if want make_refuses_example_added_after_its_rules; then
  d=$tmp/late; mkdir -p "$d"
  git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C "$d"   # the tree's sources, 4 MB
  echo 'EXAMPLES += my_program' >>"$d/examples/examples.mk"
  out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$d" -n list 2>&1); rc=$?
  if [ $rc -eq 0 ]; then fail make_refuses_example_added_after_its_rules "make list succeeded: $(head -c 200 <<<"$out")"
  elif ! grep -q 'EXAMPLES += my_program comes after the line of examples/examples.mk' <<<"$out"; then
    fail make_refuses_example_added_after_its_rules "message: $(head -c 300 <<<"$out")"
  else pass make_refuses_example_added_after_its_rules; fi
fi

# The console's pins are checked at compile time (port/chip/rp2040/uart.c)
# against the datasheet's GPIO function table: every TX/RX pair of each UART
# is accepted, the same pair for the other UART refused.
if want console_pins_each_uart; then
  tcc=${OBJCOPY%objcopy}gcc bad=
  for pair in 0:0 0:12 0:16 0:28 1:4 1:8 1:20 1:24; do
    u=${pair%%:*} tx=${pair#*:}
    for try in "$u ok" "$((1 - u)) refused"; do
      set -- $try
      if "$tcc" -mcpu=cortex-m0plus -mthumb -std=c11 -Wall -Wextra -Werror -ffreestanding -fsyntax-only \
           -Iinclude -Iport -Iport/chip/rp2040 -Iport/arch/armv6m -Iport/chip/rp2040/libc -DTD_CONSOLE_ROUTE=2 \
           -DTD_CONSOLE_UART="$1" -DTD_CONSOLE_TX_PIN="$tx" -DTD_CONSOLE_RX_PIN="$((tx + 1))" \
           port/chip/rp2040/uart.c 2>/dev/null; then got=ok; else got=refused; fi
      [ "$got" = "$2" ] || bad="$bad UART$1 on GPIO $tx/$((tx + 1)) $got;"
    done
  done
  if [ -n "$bad" ]; then fail console_pins_each_uart "$bad"; else pass console_pins_each_uart; fi
fi

# make run names only what this run of the emulator wrote: a picture, VCD
# and trace left by an earlier run are removed first, and a failed run says
# so (before, it named the stale files as this run's). The ELFs are taken as
# built (-o), the emulator is a stand-in: /bin/false, then one that writes
# only the picture.
if want make_run_names_only_this_runs_files; then
  ex=$tmp/run; mkdir -p "$ex"
  stale() { for f in svg vcd trace.json; do echo old >"$ex/blink2.$f"; done; }
  runit() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -o "$ex/blink2.elf" -o "$ex/blink2.uf2" \
      -o "$BUILD/trace-sim/examples/blink2.elf" -o "$BUILD/examples/blink2.elf" run EXAMPLE=blink2 EX_DIR="$ex" SIM="$1" 2>&1
  }
  printf '#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = --svg ] && echo new >"$2"; shift; done\nexit 0\n' >"$tmp/sim-svg"
  chmod +x "$tmp/sim-svg"
  stale; out1=$(runit /bin/false); rc1=$?
  stale; out2=$(runit "$tmp/sim-svg"); rc2=$?
  if [ $rc1 -eq 0 ]; then fail make_run_names_only_this_runs_files "a failed run exited 0"
  elif ! grep -q 'the emulator stopped blink2 with status 1' <<<"$out1"; then
    fail make_run_names_only_this_runs_files "failed run: $(tail -c 300 <<<"$out1")"
  elif grep -q 'picture of the run\|GTKWave\|Perfetto' <<<"$out1"; then
    fail make_run_names_only_this_runs_files "a failed run named stale files"
  elif [ $rc2 -ne 0 ] || ! grep -q "picture of the run.*$ex/blink2.svg" <<<"$out2" \
       || grep -q 'GTKWave\|Perfetto' <<<"$out2" || [ "$(cat "$ex/blink2.svg")" != new ]; then
    fail make_run_names_only_this_runs_files "run writing the picture alone: rc $rc2, $(tail -c 300 <<<"$out2")"
  else pass make_run_names_only_this_runs_files; fi
fi

[ $listing -eq 1 ] && exit 0
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
