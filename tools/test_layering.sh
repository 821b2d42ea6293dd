#!/usr/bin/env bash
# tools/test_layering.sh: the layering check (tools/layering.sh) on the
# tree, and proof that it fails: each case plants one include in a copy of
# the tree's sources and expects the check to fail on exactly that line (or,
# for an allowed include, to pass). Prints "TEST name" and "PASS name" /
# "FAIL name: reason" per check, then "N passed, M failed".
#
#   tools/test_layering.sh [ROOT]
#   tools/test_layering.sh --list [ROOT]   the checks' names only, nothing run
set -u
listing=0
[ "${1:-}" = --list ] && { listing=1; shift; }
root=$(cd "${1:-.}" && pwd)
check=$root/tools/layering.sh
passed=0 failed=0
# want NAME: the check NAME comes next; false when only listing (skip it)
want() { if [ $listing -eq 1 ]; then echo "$1"; return 1; fi; echo "TEST $1"; }
# result LINE: print a check's PASS/FAIL line and count it
result() { echo "$1"; case $1 in PASS\ *) passed=$((passed + 1)) ;; *) failed=$((failed + 1)) ;; esac; }

# The tree as it is: every layer passes (one line per layer).
if [ $listing -eq 1 ]; then
  "$check" --list "$root"
else
  while IFS= read -r l; do
    case $l in PASS\ * | FAIL\ *) result "$l" ;; *) echo "$l" ;; esac
  done < <("$check" "$root" 2>&1)
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# A copy of what the check reads: sources, headers, chip fragments.
if [ $listing -eq 0 ]; then
  mkdir -p "$tmp/tree"
  (cd "$root" && find examples bench tests include kernel port tools sim \
        -path sim/node_modules -prune -o -type f \
        \( -name '*.c' -o -name '*.h' -o -name '*.S' -o -name chip.mk \) -print |
    tar -cf - -T -) | tar -xf - -C "$tmp/tree"
fi

if want layering_copy_passes; then
  if out=$("$check" "$tmp/tree" 2>&1); then
    result "PASS layering_copy_passes"
  else
    result "FAIL layering_copy_passes: the unchanged copy fails: $out"
  fi
fi

# plant NAME FILE LINE [EXTRA_FILE...]: write LINE as the first line of FILE
# in a fresh copy (EXTRA_FILE: more files to create empty first), run the
# check, and print its output and status.
plant() {
  local case=$tmp/$1 file=$2 line=$3 f; shift 3
  rm -rf "$case"; cp -a "$tmp/tree" "$case"
  for f in "$@"; do mkdir -p "$(dirname "$case/$f")"; : >"$case/$f"; done
  mkdir -p "$(dirname "$case/$file")"
  { echo "$line"; [ -f "$case/$file" ] && cat "$case/$file"; } >"$case/$file.new"
  mv "$case/$file.new" "$case/$file"
  "$check" "$case" 2>&1
}

# expect_fail NAME LAYER FILE LINE [EXTRA_FILE...]: the check must fail,
# the FAIL line of LAYER must name FILE:1, and every other layer must pass.
expect_fail() {
  local name=$1 layer=$2 file=$3 line=$4; shift 4
  local out rc
  want "$name" || return 0
  out=$(plant "$name" "$file" "$line" "$@"); rc=$?
  if [ $rc -eq 0 ]; then
    result "FAIL $name: the check passed with '$line' in $file"
  elif ! grep -q "^FAIL layering_$layer: .*$file:1 includes" <<<"$out"; then
    result "FAIL $name: no FAIL line of layering_$layer naming $file:1: $(grep '^FAIL' <<<"$out")"
  elif [ "$(grep -c '^FAIL' <<<"$out")" -ne 1 ]; then
    result "FAIL $name: other layers failed too: $(grep '^FAIL' <<<"$out")"
  else
    result "PASS $name"
  fi
}

# expect_pass NAME FILE LINE [EXTRA_FILE...]: an allowed include passes.
expect_pass() {
  local name=$1 file=$2 line=$3; shift 3
  local out
  want "$name" || return 0
  if out=$(plant "$name" "$file" "$line" "$@"); then result "PASS $name"
  else result "FAIL $name: '$line' in $file was refused: $(grep '^FAIL' <<<"$out")"; fi
}

expect_fail layering_refuses_kernel_to_chip kernel kernel/planted.c '#include "hw/sio.h"'
expect_fail layering_refuses_kernel_to_arch kernel kernel/planted.c '#include "armv6m.h"'
expect_fail layering_refuses_kernel_to_tests kernel kernel/planted.c '#include "../tests/harness.h"'
expect_fail layering_refuses_api_to_chip api include/tandem/planted.h '#include "rp2040.h"'
expect_fail layering_refuses_api_to_kernel api include/tandem/planted.h '#include "../../kernel/sched.h"'
expect_fail layering_refuses_api_to_contract api include/tandem/planted.h '#include "port.h"'
expect_fail layering_refuses_arch_to_chip arch_armv6m port/arch/armv6m/planted.c '#include "hw/sio.h"'
expect_fail layering_refuses_arch_to_kernel arch_armv6m port/arch/armv6m/planted.c '#include "../../../kernel/sched.h"'
expect_fail layering_refuses_chip_to_other_arch chip_rp2040 port/chip/rp2040/planted.c \
  '#include "other_arch.h"' port/arch/planted/other_arch.h
expect_fail layering_refuses_chip_to_other_chip chip_rp2040 port/chip/rp2040/planted.c \
  '#include "other_chip.h"' port/chip/planted/other_chip.h
expect_fail layering_refuses_host_to_chip host port/host/planted.c '#include "rp2040.h"'
expect_fail layering_refuses_common_to_chip common port/common/planted.c '#include "rp2040.h"'
expect_fail layering_refuses_common_to_arch common port/common/planted.c '#include "armv6m.h"'
expect_fail layering_refuses_common_to_kernel common port/common/planted.c '#include "../../kernel/sched.h"'
expect_fail layering_refuses_examples_to_kernel examples examples/planted/main.c '#include "../../kernel/sched.h"'
expect_fail layering_refuses_examples_to_chip_internals examples examples/planted/main.c '#include "rp2040.h"'
expect_fail layering_refuses_tools_to_kernel tools tools/planted.c '#include "../kernel/sched.h"'
expect_fail layering_refuses_missing_file kernel kernel/planted.c '#include "no_such_header.h"'
expect_pass layering_allows_chip_to_own_arch port/chip/rp2040/planted.c '#include "armv6m.h"'
expect_pass layering_allows_port_layers_to_common port/arch/armv8m/planted.c '#include "common/planted.h"' \
  port/common/planted.h
expect_pass layering_allows_examples_registers examples/planted/main.c '#include "hw/sio.h"'
expect_pass layering_allows_tests_kernel_private tests/planted.c '#include "../kernel/sched.h"'
expect_pass layering_allows_tests_chip_private tests/planted.c '#include "usb/usb_dev.h"'
expect_pass layering_allows_tests_host_private tests/planted.c '#include "host.h"'
expect_pass layering_allows_fuzz_chip_module tools/fuzz/planted.c '#include "usb/usb_ctrl.h"'
expect_fail layering_refuses_tests_to_registers tests tests/planted.c '#include "hw/usb.h"'
expect_fail layering_refuses_tests_to_arch tests tests/planted.c '#include "armv6m.h"'
expect_fail layering_refuses_fuzz_to_registers fuzz tools/fuzz/planted.c '#include "hw/usb.h"'

[ $listing -eq 1 ] && exit 0
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
