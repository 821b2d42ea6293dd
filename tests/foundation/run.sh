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
