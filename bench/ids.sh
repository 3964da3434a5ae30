#!/bin/sh
# bench/ids.sh PYHUNT
#
# A file with 17 million facts, more than the 2^24 ids a file owned before
# ids became 32-bit per file (schema/tables.sql, `id`), beside a small one:
# a cold build stores both, and a warm update of the big file leaves the
# small file's facts as they were. Not part of `make test`: it needs a 17 MB
# file (so --max-file-size above the 8 MiB default) and about 6 GB of memory.
# Prints what it checked and exits 1 on a failed check.
set -eu
PYHUNT=$(realpath "$1")
WORK=$(mktemp -d /tmp/pyhunt-ids-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/t"
# 8,500 calls of 1,000 arguments: a call_args and a names row per argument
python3 -c "
import sys
line = 'f(' + ','.join(['a'] * 1000) + ')\n'
sys.stdout.write(line * 8500)" > "$WORK/t/a_big.py"
printf 'import time\ntime.sleep(1)\n' > "$WORK/t/b_small.py"
q() { "$PYHUNT" query --db "$WORK/t/.pyhunt/facts.db" --format csv "$1" | tail -n +2; }
small="select count(*) || ' ' || min(id) || ' ' || max(id) from names where file_id = (select id from files where path = 'b_small.py')"
s=$(date +%s.%N)
"$PYHUNT" extract "$WORK/t" --max-file-size 64000000 --quiet
e=$(date +%s.%N)
facts=$(q "select (select count(*) from names) + (select count(*) from call_args) + (select count(*) from calls) + (select count(*) from statements) from files where path = 'a_big.py'")
before=$(q "$small")
echo 'f(a)' >> "$WORK/t/a_big.py"
"$PYHUNT" extract "$WORK/t" --max-file-size 64000000 --quiet
after=$(q "$small")
sleep=$(q "select count(*) from calls where resolved = 'time.sleep'")
echo "big file: $facts facts (2^24 = 16777216), cold extract $(awk "BEGIN {print $e - $s}") s"
echo "small file's names (count, ids) before: $before; after a warm update of the big one: $after"
test "$facts" -gt 16777216 && test "$before" = "$after" && test "$sleep" = 1 && echo ok
