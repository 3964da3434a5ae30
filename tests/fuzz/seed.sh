#!/bin/sh
# seed.sh DIR: write the seed corpus of every fuzz target into DIR/TARGET/,
# from what the repository already holds (nothing is committed twice):
#   extract      the Python source of every case of tests/rules/*.txt (a
#                multi-file case as one file: its `####` lines are comments),
#                the .py files of the test fixtures and of examples/
#   rule_header  the built-in rules (queries/*.sql) and the rule files of
#                the test fixtures, the malformed ones included
#   repl_split   the `--- stdin` scripts of tests/repl/*.test, the REPL
#                fixture scripts, and the built-in rules as SQL
#   config       the TOML documents of tests/config/toml/ (valid and
#                invalid), the configuration files of the fixtures and of
#                examples/
# Run from the repository's root; DIR is emptied first.
set -eu
dir=$1
rm -rf "$dir"
mkdir -p "$dir/extract" "$dir/rule_header" "$dir/repl_split" "$dir/config"

for f in tests/rules/*.txt; do
    awk -v out="$dir/extract/$(basename "$f" .txt)" '
        /^=== / { if (file) close(file); file = sprintf("%s-%03d.py", out, ++n); src = 1; next }
        /^---$/ { src = 0; next }
        src     { print > file }' "$f"
done
find tests examples -name '*.py' -path '*fixtures*' -o -name '*.py' -path 'examples/*' |
    while read -r f; do cp "$f" "$dir/extract/$(echo "$f" | tr / _)"; done

cp queries/*.sql "$dir/rule_header/"
find tests -name '*.sql' -path '*fixtures*' | while read -r f; do cp "$f" "$dir/rule_header/$(echo "$f" | tr / _)"; done

for f in tests/repl/*.test; do
    awk -v out="$dir/repl_split/$(basename "$f" .test)" '
        /^=== / { stdin = 0 }
        /^--- / { if (file) close(file); stdin = $0 == "--- stdin"; if (stdin) file = sprintf("%s-%03d", out, ++n); next }
        stdin   { print > file }' "$f"
done
find tests/repl/fixtures -type f ! -name '*.py' | while read -r f; do cp "$f" "$dir/repl_split/$(echo "$f" | tr / _)"; done
for f in queries/*.sql; do cp "$f" "$dir/repl_split/$(basename "$f")"; done

find tests examples -name '*.toml' | while read -r f; do cp "$f" "$dir/config/$(echo "$f" | tr / _)"; done
