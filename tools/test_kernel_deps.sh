#!/usr/bin/env bash
# tools/test_kernel_deps.sh: the kernel-deps suite. Checks that the kernel's
# modules form no circle (tools/kernel-deps.sh on kernel/ and its host
# objects), and that the check finds circles: one planted through an
# include, one through calls between objects, and none where a call goes
# through a registered function pointer; and that the module table of
# docs/conventions.md ("Module layering") has a row for every module and
# none for another, and lists every module each one uses (trace apart, as
# the table says; a row that says "everything below" is not held to a list),
# with a planted use the table lacks found.
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

# table_problems GRAPH DOC: what the table of DOC does not say of GRAPH
# (kernel-deps.sh -g's "module -> uses" lines), one problem a line
table_problems() {
    awk '
    FNR == NR { if ($2 == "->") { mod[$1] = 1; uses[$1] = ""
                for (i = 3; i <= NF; i++) if ($i != "trace") uses[$1] = uses[$1] " " $i } ; next }
    /^### Module layering/ { on = 1; next }
    /^### / { on = 0 }
    on && /^\| `/ {
        n = split($0, col, "|"); names = col[2]; listed = " " col[4] " "
        gsub(/[^a-z_]+/, " ", listed)
        any = (col[4] ~ /everything below/)
        while (match(names, /`[a-z_]+`/)) {
            m = substr(names, RSTART + 1, RLENGTH - 2); names = substr(names, RSTART + RLENGTH)
            if (!(m in mod)) { print "the table has a row for " m ", which is not a kernel module"; continue }
            row[m]++
            if (any) continue
            k = split(uses[m], u, " ")
            for (j = 1; j <= k; j++) if (index(listed, " " u[j] " ") == 0) print m " uses " u[j] ", which its row does not list"
        }
    }
    END { for (m in mod) if (row[m] != 1) print m " has " (row[m] + 0) " rows in the table, not 1" }
    ' "$1" "$2" | sort
}

# 5. the table of docs/conventions.md against the graph of the objects
if want kernel_deps_table_matches_conventions; then
    if ! "$deps" -g -o "$objdir" kernel >"$tmp/graph" 2>&1; then
        fail kernel_deps_table_matches_conventions "kernel-deps.sh -g: $(tr '\n' ' ' <"$tmp/graph")"
    else
        out=$(table_problems "$tmp/graph" docs/conventions.md)
        if [ -z "$out" ] && grep -q "^sched *->" "$tmp/graph"; then pass kernel_deps_table_matches_conventions
        else fail kernel_deps_table_matches_conventions "docs/conventions.md, Module layering: $(echo "${out:-no graph}" | tr '\n' ';')"; fi
    fi
fi

# 6. a use the table lacks is found: the graph with sem also using mutex
if want kernel_deps_table_finds_planted_use; then
    "$deps" -g -o "$objdir" kernel 2>/dev/null | sed 's/^\(sem  *->.*\)$/\1 mutex/' >"$tmp/planted"
    out=$(table_problems "$tmp/planted" docs/conventions.md)
    if [ "$out" = "sem uses mutex, which its row does not list" ]; then pass kernel_deps_table_finds_planted_use
    else fail kernel_deps_table_finds_planted_use "found: $(echo "${out:-nothing}" | tr '\n' ';')"; fi
fi

[ $listing -eq 1 ] && exit 0
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
