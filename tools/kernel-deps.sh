#!/usr/bin/env bash
# tools/kernel-deps.sh: the dependency graph among the kernel's modules, and
# a check that it has no circle.
#
#   tools/kernel-deps.sh [-g] [-o OBJDIR] [KERNELDIR]
#
# A module is a name: kernel/NAME.c with its private header kernel/NAME.h
# or kernel/NAME_sys.h (a header alone, such as atomic.h, is a module too).
# Module A depends on module B when
#   - a file of A includes B's private header (#include "B.h" or "B_sys.h"),
#     read from the sources in KERNELDIR (default: kernel); or
#   - with -o, an object of A (OBJDIR/A.o, built from KERNELDIR/A.c) refers to a
#     symbol (a function or a variable) that B's object defines: a call, or
#     data, inline functions counted where they were inlined.
# A call through a function pointer that a module registered (the "core went
# down" table, wait and held operations, doorbells) is no reference to a
# symbol of the other module, so registered handlers make no edge: that is
# the one way a lower module may reach a higher one.
#
# Prints the graph with -g (one line per module: "A -> B C ..."), then checks
# it: a circle (a strongly connected set of two or more modules) is printed
# with the edges that make it, and the exit status is 1. Status 0: no circle.
# Status 2: bad usage.
set -euo pipefail

graph=0
objdir=
while getopts "go:" opt; do
    case $opt in
    g) graph=1 ;;
    o) objdir=$OPTARG ;;
    *) echo "usage: $0 [-g] [-o OBJDIR] [KERNELDIR]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
src=${1:-kernel}
[ -d "$src" ] || { echo "kernel-deps: no directory $src" >&2; exit 2; }
[ -z "$objdir" ] || [ -d "$objdir" ] || { echo "kernel-deps: no directory $objdir" >&2; exit 2; }
NM=${NM:-nm}

# module name of a kernel file (or object): basename without .c/.h/.o and _sys.
# The lists below come from one awk and two nm runs, not a few processes
# per file: the suite runs this on machines loaded by other work.
MODNAME='function modname(f) { sub(/.*\//, "", f); sub(/\.[cho]$/, "", f); sub(/_sys$/, "", f); return f }'

files=()
for f in "$src"/*.c "$src"/*.h; do [ -e "$f" ] && files+=("$f"); done
objs=()
if [ -n "$objdir" ]; then
    for o in "$objdir"/*.o; do
        b=${o##*/}
        [ -e "$src/${b%.o}.c" ] && objs+=("$o")    # (not a stale object of a removed source)
    done
fi

{
    # the modules, and the include edges (quoted includes of headers in the
    # kernel directory)
    if [ ${#files[@]} -gt 0 ]; then
        awk "$MODNAME"'
        BEGIN { for (i = 1; i < ARGC; i++) { f = ARGV[i]; print "M " modname(f); sub(/.*\//, "", f); here[f] = 1 } }
        /^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"\/]*\.h"/ {
            inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
            if (inc in here) {
                f = FILENAME; sub(/.*\//, "", f)
                print "E " modname(FILENAME) " " modname(inc) " include:" f ":" inc
            }
        }' "${files[@]}"
    fi
    # symbol edges (nm -A puts the object's name before each line)
    if [ ${#objs[@]} -gt 0 ]; then
        "$NM" -A --defined-only -g "${objs[@]}" |
            awk "$MODNAME"'match($0, /:[0-9a-fA-F]+ [A-Za-z] /) { print "D " modname(substr($0, 1, RSTART - 1)) " " $NF }'
        "$NM" -A -u "${objs[@]}" |
            awk "$MODNAME"'match($0, /: +[A-Za-z] /) { print "U " modname(substr($0, 1, RSTART - 1)) " " $NF }'
    fi
} | awk -v graph="$graph" '
function add(a, b, why) {
    if (a == b) return
    if (!((a, b) in edge)) { edge[a, b] = why; adj[a] = adj[a] " " b }
}
# Tarjan: strongly connected sets
function visit(v,    ws, n, i, w) {
    idx[v] = low[v] = ++counter
    stack[++sp] = v; on[v] = 1
    n = split(adj[v], ws, " ")
    for (i = 1; i <= n; i++) {
        w = ws[i]
        if (!(w in idx)) { visit(w); if (low[w] < low[v]) low[v] = low[w] }
        else if (on[w] && idx[w] < low[v]) low[v] = idx[w]
    }
    if (low[v] == idx[v]) {
        nscc++; size = 0
        do { w = stack[sp--]; on[w] = 0; scc[w] = nscc; members[nscc] = members[nscc] " " w; size++ } while (w != v)
        sccsize[nscc] = size
    }
}
$1 == "M" { mod[$2] = 1; next }
$1 == "E" { add($2, $3, $4); next }
$1 == "D" { def[$3] = $2; next }
$1 == "U" { use[++nuse] = $2 " " $3; next }
END {
    for (i = 1; i <= nuse; i++) {
        split(use[i], u, " ")
        if (u[2] in def) add(u[1], def[u[2]], "symbol:" u[2])
    }
    nm = 0
    for (m in mod) names[++nm] = m
    # sort the names (insertion sort: a few dozen modules)
    for (i = 2; i <= nm; i++) { t = names[i]; for (j = i - 1; j >= 1 && names[j] > t; j--) names[j + 1] = names[j]; names[j + 1] = t }
    if (graph) {
        for (i = 1; i <= nm; i++) {
            line = ""; n = split(adj[names[i]], ws, " ")
            for (k = 2; k <= n; k++) { t = ws[k]; for (j = k - 1; j >= 1 && ws[j] > t; j--) ws[j + 1] = ws[j]; ws[j + 1] = t }
            for (k = 1; k <= n; k++) line = line " " ws[k]
            printf "%-12s ->%s\n", names[i], line
        }
    }
    for (i = 1; i <= nm; i++) if (!(names[i] in idx)) visit(names[i])
    bad = 0
    for (c = 1; c <= nscc; c++) {
        if (sccsize[c] < 2) continue
        bad++
        printf "kernel-deps: circle among%s\n", members[c]
        for (key in edge) {
            split(key, ab, SUBSEP)
            if (scc[ab[1]] == c && scc[ab[2]] == c) printf "    %s -> %s (%s)\n", ab[1], ab[2], edge[key]
        }
    }
    if (bad) exit 1
    printf "kernel-deps: %d modules, no circle\n", nm
}'
