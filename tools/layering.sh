#!/usr/bin/env bash
# tools/layering.sh: check every quoted #include of the tree against the
# folder layering table of docs/conventions.md ("Layers").
#
#   tools/layering.sh [ROOT]
#   tools/layering.sh --list [ROOT]   the layers' check names only, nothing checked
#
# Prints one line per layer: "PASS layering_LAYER", or "FAIL layering_LAYER:
# FILE:LINE includes "X" (LAYER2); ..." for every include that layer may not
# make or that names no file. Exit status 1 if any line is a FAIL, 2 on
# usage errors. System includes (<...>) are not checked. --list runs the
# same code with every file's includes skipped, printing "layering_LAYER"
# for each layer that has sources.
#
# A quoted include is looked up as the compiler would: next to the file,
# then on the include paths of the builds (include/, port/, the chip's and
# its architecture's folders, every other port folder, and the folder's
# own -I: bench/, tools/, sim/test/fw/). The file found decides the layer
# included; port/port.h and every port_limits.h and port_inline.h count as
# the port contract, whatever folder holds them.
set -u
listing=0
[ "${1:-}" = --list ] && { listing=1; shift; }
root=${1:-.}
cd "$root" 2>/dev/null || { echo "layering: no folder $root" >&2; exit 2; }
[ -d kernel ] && [ -d port ] || { echo "layering: $root is not a tandem tree" >&2; exit 2; }

# Every file of the tree (what an include may name), and the sources to
# check, outside the emulator's npm packages.
all_files=$(find examples bench tests include kernel port tools sim \
                 -path sim/node_modules -prune -o -type f -print 2>/dev/null | sort)
# chip=architecture, from each chip's chip.mk ("ARCH := NAME").
chip_arch=$(for mk in port/chip/*/chip.mk; do
  [ -f "$mk" ] || continue
  c=${mk#port/chip/}; c=${c%/chip.mk}
  awk -v c="$c" -F':=' '/^ARCH[ \t]*:=/ { gsub(/[ \t]/, "", $2); print c "=" $2; exit }' "$mk"
done)

awk -v chip_arch="$chip_arch" -v listing=$listing '
# The layer a file belongs to, as the one that includes.
function from_layer(p,   a) {
  if (p ~ /^examples\//) return "examples"
  if (p ~ /^bench\//) return "bench"
  if (p ~ /^tests\//) return "tests"
  if (p ~ /^include\//) return "api"
  if (p ~ /^kernel\//) return "kernel"
  if (p == "port/port.h") return "contract"
  if (p ~ /^port\/arch\/[^\/]+\//) { split(p, a, "/"); return "arch:" a[3] }
  if (p ~ /^port\/chip\/[^\/]+\//) { split(p, a, "/"); return "chip:" a[3] }
  if (p ~ /^port\/host\//) return "host"
  if (p ~ /^port\/common\//) return "common"
  if (p ~ /^tools\/fuzz\//) return "fuzz"
  if (p ~ /^tools\//) return "tools"
  if (p ~ /^sim\//) return "sim"
  return "other"
}
# The layer of an included file: port/port.h and every port_inline.h are
# the contract, every port_limits.h its constants; register headers (hw/)
# of a chip or an architecture are "regs:" + their layer.
function to_layer(p) {
  if (p == "port/port.h" || (p ~ /^port\// && p ~ /\/port_inline\.h$/)) return "contract"
  if (p ~ /^port\// && p ~ /\/port_limits\.h$/) return "limits"
  if (p ~ /^port\/(arch|chip)\/[^\/]+\/hw\//) return "regs:" from_layer(p)
  return from_layer(p)
}
# What each layer may include (docs/conventions.md, "Layers"): "self" the
# layer itself, "ownarch" the architecture a chip names, "regs" any
# register header, "port" the own headers of a chip or the host port (white
# box: not registers, not a CPU layer).
function allowed_for(l) {
  if (l == "examples" || l == "bench") return " self api limits contract regs "
  if (l == "tests") return " self api limits contract kernel port "
  if (l == "api") return " self limits "
  if (l == "kernel") return " self api limits contract "
  if (l == "contract") return " self limits "
  if (l ~ /^arch:/ || l == "host") return " self api limits contract common "
  if (l ~ /^chip:/) return " self ownarch api limits contract common "
  if (l == "common") return " self api limits contract "
  if (l == "fuzz") return " tools kernel api limits contract port "
  if (l == "tools" || l == "sim") return " self "
  return " "
}
function normalise(p,   n, part, out, k, i, s) {
  n = split(p, part, "/"); k = 0
  for (i = 1; i <= n; i++) {
    if (part[i] == "." || part[i] == "") continue
    if (part[i] == ".." && k > 0 && out[k] != "..") { k--; continue }
    out[++k] = part[i]
  }
  s = ""; for (i = 1; i <= k; i++) s = s (i > 1 ? "/" : "") out[i]
  return s
}
function dirname(p) { return sub(/\/[^\/]*$/, "", p) ? p : "." }
# The folders searched after the including file'"'"'s own, for layer l.
function search_dirs(l,   s, c) {
  s = "include port"
  if (l ~ /^chip:/) { c = substr(l, 6); s = s " port/chip/" c; if (c in arch) s = s " port/arch/" arch[c]; s = s " port/chip/" c "/libc" }
  else if (l ~ /^arch:/) s = s " port/arch/" substr(l, 6)
  else if (l == "host") s = s " port/host"
  else if (l == "bench") s = s " bench"
  else if (l == "fuzz") s = s " tools"
  else if (l == "sim") s = s " sim/test/fw"
  return s " " portdirs
}
BEGIN {
  n = split(chip_arch, ca, "\n")
  for (i = 1; i <= n; i++) if (split(ca[i], kv, "=") == 2) arch[kv[1]] = kv[2]
}
# First input: every file of the tree.
FNR == NR {
  exists[$0] = 1
  if ($0 ~ /^port\/(chip|arch)\/[^\/]+\//) { split($0, a, "/"); d = "port/" a[2] "/" a[3]; if (!(d in pd)) { pd[d] = 1; pdl = pdl " " d } }
  if ($0 ~ /^port\/chip\/[^\/]+\/libc\//) { split($0, a, "/"); d = "port/chip/" a[3] "/libc"; if (!(d in pd)) { pd[d] = 1; pdl = pdl " " d } }
  if ($0 ~ /^port\/host\//) { if (!("port/host" in pd)) { pd["port/host"] = 1; pdl = pdl " port/host" } }
  next
}
# Second input: the sources to check.
{
  file = $0
  from = from_layer(file)
  if (from == "other") next
  if (!(from in seen)) { seen[from] = 1; order[++norder] = from; fails[from] = "" }
  if (listing) next
  if (portdirs == "") portdirs = pdl
  allow = allowed_for(from)
  nd = split(search_dirs(from), dirs, " ")
  line = 0
  while ((getline text < file) > 0) {
    line++
    if (text !~ /^[ \t]*#[ \t]*include[ \t]*"/) continue
    inc = text; sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
    found = ""
    cand = normalise(dirname(file) "/" inc)
    if (cand in exists) found = cand
    for (i = 1; found == "" && i <= nd; i++) {
      cand = normalise(dirs[i] "/" inc)
      if (cand in exists) found = cand
    }
    if (found == "") { fails[from] = fails[from] "; " file ":" line " includes \"" inc "\", which names no file"; continue }
    to = to_layer(found)
    ok = 0
    if (to == from && index(allow, " self ")) ok = 1
    if (index(allow, " " to " ")) ok = 1
    if ((to ~ /^chip:/ || to == "host") && index(allow, " port ")) ok = 1
    if (to ~ /^regs:/) {
      if (index(allow, " regs ")) ok = 1
      to = substr(to, 6)
      if (to == from && index(allow, " self ")) ok = 1
    }
    # the one public header with an inline fast path on the hot primitives
    # of the contract (docs/conventions.md, "Layers")
    if (file == "include/tandem/lock.h" && to == "contract") ok = 1
    if (from ~ /^chip:/ && to ~ /^arch:/ && index(allow, " ownarch ") && substr(to, 6) == arch[substr(from, 6)]) ok = 1
    if (!ok) fails[from] = fails[from] "; " file ":" line " includes \"" inc "\" (" found ", layer " to ")"
  }
  close(file)
}
END {
  status = 0
  for (i = 1; i <= norder; i++) {
    l = order[i]; name = "layering_" l; gsub(/:/, "_", name)
    if (listing) print name
    else if (fails[l] == "") print "PASS " name
    else { print "FAIL " name ": " substr(fails[l], 3); status = 1 }
  }
  if (norder == 0 && !listing) { print "FAIL layering: no source files found"; status = 1 }
  exit status
}
' <(printf '%s\n' "$all_files") <(printf '%s\n' "$all_files" | grep -E '\.(c|h|S)$')
