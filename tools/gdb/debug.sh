#!/usr/bin/env bash
# tools/gdb/debug.sh ELF [tandem-sim options...]: what 'make debug' runs.
#
# Starts tandem-sim with its GDB server on a free port (chosen by the
# system, read back from its announcement), then gdb-multiarch with the ELF
# loaded, the 'tandem' command (tools/gdb/tandem.py) sourced, stepping
# commands locked to the selected core (scheduler-locking step) and the
# connection made. The emulator's console and messages go to ELF's
# .debug.log (the console lines also appear in GDB while the program runs).
# GDB_FLAGS adds arguments to gdb-multiarch (e.g. -x commands.gdb).
set -u
elf=$1; shift
cd "$(dirname "$0")/../.."
log=${elf%.elf}.debug.log
# emptied here, before the start: the background shell's own redirection
# may come after the first look below (a loaded machine), which would then
# read the port of the log's earlier session
: >"$log"
# its own session: Ctrl-C in GDB's terminal interrupts the program through
# GDB and does not kill the emulator
setsid sim/tandem-sim "$elf" --gdb 0 "$@" >"$log" 2>&1 </dev/null &
pid=$!
port=
# up to 60 s of wall clock for the emulator to start (a loaded machine
# stretches its start; one that fails ends the wait at once); the port is
# read from the whole announcement (the ';' after it)
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\);.*/\1/p' "$log" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "make debug: tandem-sim did not start its GDB server:" >&2
  cat "$log" >&2
  kill "$pid" 2>/dev/null
  exit 1
fi
echo "make debug: tandem-sim (pid $pid) serves GDB on localhost:$port; its console and messages: $log"
# GDB waits up to 60 s of wall clock (remotetimeout; its default is 2)
# for the emulator's answer to a packet: a loaded machine may not run the
# emulator for seconds. A run of the program is not bounded by it.
# GDB in a process group of its own, in the terminal's foreground: Ctrl-C
# reaches GDB only (make, which runs this script, would stop on it)
[ -t 0 ] && set -m
# shellcheck disable=SC2086
gdb-multiarch -q "$elf" \
  -ex "source tools/gdb/tandem.py" \
  -ex "set remotetimeout 60" \
  -ex "target remote localhost:$port" \
  -ex "set scheduler-locking step" ${GDB_FLAGS:-}
# The emulator ends with the session (quit or kill ends it; after a detach
# the program runs on to its end or its time bound): wait for it, bounded.
for _ in $(seq 1 1200); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  echo "make debug: tandem-sim still running after 120 s; stopping it" >&2
  kill "$pid"
fi
wait "$pid"
rc=$?
echo "make debug: tandem-sim exit status $rc: $(grep -v '^\[' "$log" | tail -n 1)"
