#!/usr/bin/env bash
# tools/test_kernel_deps.sh: the kernel-deps suite. Checks that the kernel's
# modules form no circle (tools/kernel-deps.sh on kernel/ and its host
# objects), and that the check finds circles: one planted through an
# include, one through calls between objects, and none where a call goes
# through a registered function pointer.
#
#   tools/test_kernel_deps.sh OBJDIR     (OBJDIR: the host build's kernel objects)
#
# Prints "PASS name" or "FAIL name: reason" per check.
set -u
objdir=${1:?usage: test_kernel_deps.sh OBJDIR}
deps=tools/kernel-deps.sh
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# 1. the kernel as it is: no circle
if out=$("$deps" -o "$objdir" kernel 2>&1); then
    pass kernel_deps_no_circle
else
    fail kernel_deps_no_circle "$(echo "$out" | tr '\n' ' ')"
fi

# 2. a planted circular include: core.h (the lowest module) includes the
#    fault module's header, which includes core.h
mkdir -p "$tmp/inc"
cp kernel/*.c kernel/*.h "$tmp/inc/"
sed -i 's|^#include "atomic.h"|#include "atomic.h"\n#include "fault_sys.h"|' "$tmp/inc/core.h"
out=$("$deps" "$tmp/inc" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "circle among" &&
   echo "$out" | grep -q "core -> fault (include:core.h:fault_sys.h)"; then
    pass kernel_deps_finds_planted_include_circle
else
    fail kernel_deps_finds_planted_include_circle "status $rc: $(echo "$out" | tr '\n' ' ')"
fi

# 3. a planted circle of calls between two objects: a calls b, b calls a
mkdir -p "$tmp/call/src" "$tmp/call/obj"
cat > "$tmp/call/src/lower.c" <<'EOF'
void upper_fn(void);
void lower_fn(void) { upper_fn(); }
EOF
cat > "$tmp/call/src/upper.c" <<'EOF'
void lower_fn(void);
void upper_fn(void) { lower_fn(); }
EOF
# 4. no circle when the lower module calls the higher one only through a
#    function pointer the higher one registered
mkdir -p "$tmp/reg/src" "$tmp/reg/obj"
cat > "$tmp/reg/src/lower.c" <<'EOF'
static void (*handler)(void);
void lower_register(void (*fn)(void)) { handler = fn; }
void lower_run(void) { if (handler) handler(); }
EOF
cat > "$tmp/reg/src/upper.c" <<'EOF'
void lower_register(void (*fn)(void));
void lower_run(void);
static void on_event(void) { }
void upper_start(void) { lower_register(on_event); lower_run(); }
EOF
built=1
for d in call reg; do
    for m in lower upper; do
        "$CC" -c -o "$tmp/$d/obj/$m.o" "$tmp/$d/src/$m.c" || built=0
    done
done
if [ $built -eq 0 ]; then
    fail kernel_deps_finds_planted_call_circle "could not compile the planted objects with $CC"
    fail kernel_deps_registered_handler_no_circle "could not compile the planted objects with $CC"
else
    out=$("$deps" -o "$tmp/call/obj" "$tmp/call/src" 2>&1); rc=$?
    if [ $rc -eq 1 ] && echo "$out" | grep -q "lower -> upper (symbol:upper_fn)" &&
       echo "$out" | grep -q "upper -> lower (symbol:lower_fn)"; then
        pass kernel_deps_finds_planted_call_circle
    else
        fail kernel_deps_finds_planted_call_circle "status $rc: $(echo "$out" | tr '\n' ' ')"
    fi
    out=$("$deps" -g -o "$tmp/reg/obj" "$tmp/reg/src" 2>&1); rc=$?
    if [ $rc -eq 0 ] && echo "$out" | grep -q "^upper *-> lower$" &&
       echo "$out" | grep -q "^lower *->$"; then
        pass kernel_deps_registered_handler_no_circle
    else
        fail kernel_deps_registered_handler_no_circle "status $rc: $(echo "$out" | tr '\n' ' ')"
    fi
fi
