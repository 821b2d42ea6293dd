#!/usr/bin/env bash
# tools/test_kernel_deps.sh: the kernel-deps suite. Checks that the kernel's
# modules form no circle (tools/kernel-deps.sh on kernel/ and its host
# objects), and that the check finds circles: one planted through an
# include, one through calls between objects, and none where a call goes
# through a registered function pointer.
#
#   tools/test_kernel_deps.sh OBJDIR     (OBJDIR: the host build's kernel objects)
#   tools/test_kernel_deps.sh --list     the checks' names only, nothing run
#
# Prints "TEST name" before and "PASS name" or "FAIL name: reason" after each
# check, then "N passed, M failed"; exit status 0 only if every check passed.
set -u
listing=0
[ "${1:-}" = --list ] && { listing=1; shift; }
if [ $listing -eq 0 ]; then
    objdir=${1:?usage: test_kernel_deps.sh OBJDIR | --list}
fi
deps=tools/kernel-deps.sh
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0 failed=0
# want NAME: the check NAME comes next; false when only listing (skip it)
want() { if [ $listing -eq 1 ]; then echo "$1"; return 1; fi; echo "TEST $1"; }
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# 1. the kernel as it is: no circle
if want kernel_deps_no_circle; then
    if out=$("$deps" -o "$objdir" kernel 2>&1); then
        pass kernel_deps_no_circle
    else
        fail kernel_deps_no_circle "$(echo "$out" | tr '\n' ' ')"
    fi
fi

# 2. a planted circular include: core.h (the lowest module) includes the
#    fault module's header, which includes core.h
if want kernel_deps_finds_planted_include_circle; then
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
fi

# build DIR: compile DIR/src/{lower,upper}.c into DIR/obj with $CC
build() {
    local m
    mkdir -p "$1/obj"
    for m in lower upper; do
        "$CC" -c -o "$1/obj/$m.o" "$1/src/$m.c" || return 1
    done
}

# 3. a planted circle of calls between two objects: a calls b, b calls a
if want kernel_deps_finds_planted_call_circle; then
    mkdir -p "$tmp/call/src"
    cat > "$tmp/call/src/lower.c" <<'EOF'
void upper_fn(void);
void lower_fn(void) { upper_fn(); }
EOF
    cat > "$tmp/call/src/upper.c" <<'EOF'
void lower_fn(void);
void upper_fn(void) { lower_fn(); }
EOF
    if ! build "$tmp/call"; then
        fail kernel_deps_finds_planted_call_circle "could not compile the planted objects with $CC"
    else
        out=$("$deps" -o "$tmp/call/obj" "$tmp/call/src" 2>&1); rc=$?
        if [ $rc -eq 1 ] && echo "$out" | grep -q "lower -> upper (symbol:upper_fn)" &&
           echo "$out" | grep -q "upper -> lower (symbol:lower_fn)"; then
            pass kernel_deps_finds_planted_call_circle
        else
            fail kernel_deps_finds_planted_call_circle "status $rc: $(echo "$out" | tr '\n' ' ')"
        fi
    fi
fi

# 4. no circle when the lower module calls the higher one only through a
#    function pointer the higher one registered
if want kernel_deps_registered_handler_no_circle; then
    mkdir -p "$tmp/reg/src"
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
    if ! build "$tmp/reg"; then
        fail kernel_deps_registered_handler_no_circle "could not compile the planted objects with $CC"
    else
        out=$("$deps" -g -o "$tmp/reg/obj" "$tmp/reg/src" 2>&1); rc=$?
        if [ $rc -eq 0 ] && echo "$out" | grep -q "^upper *-> lower$" &&
           echo "$out" | grep -q "^lower *->$"; then
            pass kernel_deps_registered_handler_no_circle
        else
            fail kernel_deps_registered_handler_no_circle "status $rc: $(echo "$out" | tr '\n' ' ')"
        fi
    fi
fi

[ $listing -eq 1 ] && exit 0
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
