#!/usr/bin/env bash
# tools/barriers.sh: the 'barriers' suite. The memory barriers the
# cross-core code relies on are named in one place, kernel/atomic.h; this
# checks that list against the code, and that the macros are barriers:
#   - every listed full fence (TD_FENCE_SEQ_CST) is in the file and function
#     the list names, as many times as listed, and every one in kernel/ is
#     listed: a fence taken out (or added without its reason) fails by name;
#   - on the target (the cross compiler, Cortex-M0+): the fence compiles to
#     a dmb between the store before it and the load after it, in that
#     order; an acquire load is followed by a dmb, a release store preceded
#     by one; the port's spinlock claim and release each have their dmb;
#   - on the host: the fence compiles to a hardware barrier (mfence or a
#     locked instruction on x86-64, dmb on arm64) between store and load;
#   - no file of kernel/ but atomic.h gives one of its macros (or a builtin
#     __atomic_ access) another name ('#define LD(x) TD_LOAD_ACQUIRE(x)'):
#     at every access the name says its memory order.
#
#   tools/barriers.sh TARGET_CC "TARGET_CFLAGS" HOST_CC   "PASS name" / "FAIL name: why"
#   tools/barriers.sh --list                             the checks' names
set -u
listing=0
[ "${1:-}" = --list ] && listing=1
tcc=${1:-}; tflags=${2:-}; hcc=${3:-cc}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

check() {  # NAME FUNCTION: the function fails (non-zero) with its reason on stdout
  if [ $listing -eq 1 ]; then echo "$1"; return; fi
  echo "TEST $1"
  local why
  if why=$("$2" 2>&1); then echo "PASS $1"; passed=$((passed + 1))
  else echo "FAIL $1: $(tr '\n' ' ' <<<"${why:-failed}" | cut -c1-400)"; failed=$((failed + 1)); fi
}

# "file function" of each listed fence, one a line (repeated when listed twice)
listed() {
  sed -nE 's/^ \*   fence ([a-z_]+\.c) ([A-Za-z_0-9]+):.*/\1 \2/p' "$here/kernel/atomic.h"
}
# "file function" of each TD_FENCE_SEQ_CST() in kernel/*.c: the function is
# the last line at column 0 that opens a definition before it
in_code() {
  (cd "$here/kernel" && awk '
    FNR == 1 { fn = "" }
    /^[A-Za-z_].*\(/ && !/;[[:space:]]*$/ {
      s = $0; gsub(/__attribute__\(\([^)]*\)\)/, "", s); sub(/\(.*/, "", s); n = split(s, w, /[ *]+/); fn = w[n] }
    /TD_FENCE_SEQ_CST\(\)/ { print FILENAME, fn }' *.c)
}

fences_listed_are_in_code() {
  local l
  l=$(listed | sort)
  [ -n "$l" ] || { echo "no fence listed in kernel/atomic.h"; return 1; }
  local missing
  missing=$(comm -23 <(echo "$l") <(in_code | sort))
  [ -z "$missing" ] || { echo "listed in kernel/atomic.h, not (or not as often) in the code: $(tr '\n' ';' <<<"$missing")"; return 1; }
}
fences_in_code_are_listed() {
  local extra
  extra=$(comm -13 <(listed | sort) <(in_code | sort))
  [ -z "$extra" ] || { echo "in the code, not listed in kernel/atomic.h: $(tr '\n' ';' <<<"$extra")"; return 1; }
}

# The probe: a store, the fence, a load; an acquire load and a release store.
probe() {
  cat >"$tmp/probe.c" <<EOF
#include "atomic.h"
unsigned a, b, c, d;
unsigned fence(void) { a = 1; TD_FENCE_SEQ_CST(); return b; }
unsigned acquire(void) { unsigned x = TD_LOAD_ACQUIRE(c); return x + d; }
void release(void) { d = 2; TD_STORE_RELEASE(c, 1u); }
EOF
}
# the instructions of function $2 in the disassembly $1, one mnemonic a line
insns() {
  awk -F'\t' -v f="<$2>:" 'index($0, f) { on = 1; next } on && /^$/ { on = 0 }
    on && NF >= 3 { split($3, m, " "); print m[1] }' "$1"
}
target_asm() {
  [ -n "$tcc" ] || { echo "no cross compiler given"; return 1; }
  probe
  # shellcheck disable=SC2086
  "$tcc" $tflags -I"$here/kernel" -c "$tmp/probe.c" -o "$tmp/t.o" || return 1
  "${tcc%gcc}objdump" -d "$tmp/t.o" >"$tmp/t.dis"
}
fence_target_dmb_in_order() {
  target_asm || return 1
  local seq
  seq=$(insns "$tmp/t.dis" fence | grep -E '^(str|dmb|ldr)' | tr '\n' ' ')
  # the address loads (ldr) may come first; the store, then dmb, then the load
  grep -qE 'str[a-z]* dmb ldr' <<<"$seq" || { echo "fence(): no store, dmb, load in that order: $seq"; return 1; }
}
acquire_release_target_dmb() {
  target_asm || return 1
  local acq rel
  acq=$(insns "$tmp/t.dis" acquire | tr '\n' ' ')
  rel=$(insns "$tmp/t.dis" release | tr '\n' ' ')
  grep -qE 'ldr[a-z]* [^d]*dmb' <<<"$acq" || { echo "acquire load without a dmb after it: $acq"; return 1; }
  grep -qE 'dmb [^d]*str[a-z]*' <<<"$rel" || { echo "release store without a dmb before it: $rel"; return 1; }
  # the release's dmb sits between the plain store (d = 2) and c's store
  grep -qE 'str[a-z]* .*dmb .*str' <<<"$rel" || { echo "release: the earlier store is not before the dmb: $rel"; return 1; }
}
spinlock_target_dmb() {
  local h="$here/port/chip/rp2040/port_inline.h"
  local t r
  t=$(awk '/port_spin_try\(unsigned n\)/,/^}/' "$h" | tr -d '\n')
  r=$(awk '/port_spin_release\(unsigned n\)/,/^}/' "$h" | tr -d '\n')
  # Two forms of each: a constant number's register by its address, any
  # other from SIO's base with the offset in a register (inline asm); both
  # claims are read before the one dmb, both releases write after a dmb.
  grep -qE 'SPINLOCK_\[n\];[[:space:]]*else[^;]*"ldr %0, \[%1, %2\]"[^;]*"memory"\);[[:space:]]*__asm volatile\("dmb" ::: "memory"\)' <<<"$t" ||
    { echo "port_spin_try: no dmb (with a memory clobber) after the claim's read"; return 1; }
  grep -qE '__asm volatile\("dmb" ::: "memory"\);[[:space:]]*RP2040_SIO_SPINLOCK_\[n\] = [0-9]+u' <<<"$r" ||
    { echo "port_spin_release: no dmb (with a memory clobber) before the release's write"; return 1; }
  grep -qE '__asm volatile\("dmb\\n\\tstr %0, \[%0, %1\]"[^;]*"memory"\)' <<<"$r" ||
    { echo "port_spin_release: no dmb before the release's write (the offset form)"; return 1; }
}
fence_host_hardware_barrier() {
  probe
  "$hcc" -O2 -I"$here/kernel" -c "$tmp/probe.c" -o "$tmp/h.o" || return 1
  objdump -d "$tmp/h.o" >"$tmp/h.dis"
  local body
  body=$(awk '$0 ~ /<fence>:/ { on = 1; next } on && /^$/ { on = 0 } on' "$tmp/h.dis")
  grep -qE 'mfence|lock |dmb' <<<"$body" || { echo "fence(): no mfence, locked instruction or dmb: $body"; return 1; }
}

# A macro of kernel/ (outside atomic.h) whose body is one of atomic.h's
# macros or an __atomic_ builtin: the access named without its order.
# ROOT (default the tree) is where kernel/ is looked at.
aliases() {
  (cd "${1:-$here}/kernel" && awk '
    /^[[:space:]]*#[[:space:]]*define[[:space:]]/ && FILENAME != "atomic.h" {
      s = $0; sub(/^[[:space:]]*#[[:space:]]*define[[:space:]]+/, "", s)
      name = s; sub(/[[:space:](].*/, "", name)
      body = s; sub(/^[A-Za-z_0-9]+(\([^)]*\))?[[:space:]]*/, "", body)
      if (body ~ /^(TD_(LOAD|STORE|INC|FENCE)_[A-Z_]+|__atomic_[a-z_]+)[[:space:]]*\(/)
        printf "%s:%d %s;", FILENAME, FNR, name }' *.c *.h)
}
access_macros_keep_their_names() {
  local a
  a=$(aliases)
  [ -z "$a" ] || { echo "kernel/atomic.h's accesses renamed (use TD_LOAD_ACQUIRE, ... by name): $a"; return 1; }
  # the check finds a planted alias
  mkdir -p "$tmp/k/kernel"
  printf '#define ST(x, v) TD_STORE_RELEASE(x, v)\n' >"$tmp/k/kernel/planted.c"
  printf '#define LOADV(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)\n' >"$tmp/k/kernel/planted.h"
  a=$(aliases "$tmp/k")
  [ "$a" = "planted.c:1 ST;planted.h:1 LOADV;" ] || { echo "planted aliases not found: '$a'"; return 1; }
}

check barriers_listed_fences_in_code fences_listed_are_in_code
check barriers_code_fences_listed fences_in_code_are_listed
check barriers_target_fence_is_dmb_in_order fence_target_dmb_in_order
check barriers_target_acquire_release_dmb acquire_release_target_dmb
check barriers_target_spinlock_dmb spinlock_target_dmb
check barriers_host_fence_is_hardware_barrier fence_host_hardware_barrier
check barriers_access_macros_keep_their_names access_macros_keep_their_names
[ $listing -eq 1 ] && exit 0
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
