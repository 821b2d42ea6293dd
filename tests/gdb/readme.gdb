# tests/gdb/readme.gdb: the short session README.md shows ("Debugging"),
#   make debug EXAMPLE=counter_race GDB_FLAGS='-batch -x tests/gdb/readme.gdb'
# The gdb suite runs it the same way and compares README.md's lines with
# what GDB printed (tests/gdb/run.js, gdb_readme_session).
set trace-commands on
break core1_main
continue
info threads
thread 1
bt
print counter
watch counter
continue
continue 3
tandem threads
kill
