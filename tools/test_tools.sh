#!/usr/bin/env bash
# Checks every built example's UF2 against its ELF (magics, family,
# contiguous blocks, flash addresses, boot2 CRC, every payload byte), and the
# tools' error paths on bad input. Prints "PASS name" / "FAIL name: reason".
set -u
: "${UF2TOOL:?}" "${BOOT2PAD:?}" "${BUILD:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
expect_fail() {   # name, expected message part, command...
  local name=$1 want=$2; shift 2
  local out; out=$("$@" 2>&1); local rc=$?
  if [ $rc -eq 0 ]; then fail "$name" "succeeded on bad input"
  elif ! grep -q -- "$want" <<<"$out"; then fail "$name" "message lacks '$want': $out"
  else pass "$name"; fi
}

for ex in "$@"; do
  elf=$BUILD/examples/$ex.elf uf2=$BUILD/examples/$ex.uf2
  if out=$("$UF2TOOL" check "$uf2" "$elf" 2>&1); then pass "uf2_valid_$ex"; else fail "uf2_valid_$ex" "$out"; fi
  # The ELF's first flash bytes are exactly boot2: its CRC must hold there too.
  cp "$uf2" "$tmp/c.uf2"
  printf '\xff' | dd of="$tmp/c.uf2" bs=1 seek=40 conv=notrunc status=none
  expect_fail "boot2_corruption_detected_$ex" "boot2 CRC" "$UF2TOOL" check "$tmp/c.uf2"
done

expect_fail uf2tool_missing_file "No such file" "$UF2TOOL" convert "$tmp/none.elf" "$tmp/o.uf2"
printf 'hello' > "$tmp/text.elf"
expect_fail uf2tool_not_elf "not an ELF" "$UF2TOOL" convert "$tmp/text.elf" "$tmp/o.uf2"
[ -e "$tmp/o.uf2" ] && fail uf2tool_no_output_on_error "left an output file" || pass uf2tool_no_output_on_error
cp "$BUILD/examples/${1:-blink2}.elf" "$tmp/x86.elf"       # same file, e_machine = 3 (x86)
printf '\x03\x00' | dd of="$tmp/x86.elf" bs=1 seek=18 conv=notrunc status=none
expect_fail uf2tool_wrong_machine "another chip" "$UF2TOOL" convert "$tmp/x86.elf" "$tmp/o.uf2"
expect_fail uf2tool_64bit_elf "32-bit" "$UF2TOOL" convert "$UF2TOOL" "$tmp/o.uf2"
expect_fail uf2tool_usage "usage" "$UF2TOOL"
head -c 1000 "$BUILD/examples/${1:-blink2}.uf2" > "$tmp/short.uf2"
expect_fail uf2tool_truncated_uf2 "multiple of 512" "$UF2TOOL" check "$tmp/short.uf2"
head -c 300 /dev/zero > "$tmp/big.bin"
expect_fail boot2pad_too_big "larger than 252" "$BOOT2PAD" "$tmp/big.bin" "$tmp/o.bin"
