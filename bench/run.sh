#!/bin/sh
# bench/run.sh PYHUNT [TREE]
#
# Measures pyhunt on one tree (default: this machine's CPython standard
# library without site-packages) against two references, all in one run so
# the ratios are comparable on a noisy, shared machine:
#
#   parse-only    same binary, same threads: read + tree-sitter parse, store nothing
#   cold extract  a new database from scratch
#   cold audit    a new database + every rule + the JSON report
#   warm audit    nothing changed: stat every file, read the stored results
#   edit: leaf    one line appended to a module nobody imports, then audit
#   edit: async   `async` added to the sync function with the most callers, then audit
#   ruff          the peer: ruff's WebAssembly build in one node process over
#                 the same files (bench/ruff-peer.js), its async and perf rules
#   database      size of the database after a cold audit
#   peak RSS      of the cold audit (/usr/bin/time -f %M)
#   differential  DIFF_ROUNDS (default 10) random edits to a copy of the tree,
#                 each followed by an incremental and a cold audit that must
#                 give the same JSON (bench/differential.py)
#
# The edits are made on a copy of the tree and undone after each timed run.
# Each timing is the median of RUNS runs (default 3). Then, once, the whole
# library with site-packages (WHOLE=0 skips it): cold audit, edit audit,
# peak RSS, and its growth against the line count.
#
# First, every rule runs once over the tree and over Debian's dist-packages
# (LIBRARY=DIR for another; CHECK=0 skips both): a rule that fails on real
# code fails the benchmark, with its error. RUFF_WASM names the ruff
# package's folder (the Makefile installs it into build/).
set -eu
PYHUNT=$(realpath "$1")
TREE=${2:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')}
RUNS=${RUNS:-3}
HERE=$(dirname "$(realpath "$0")")
EXCL="--exclude site-packages"
WORK=$(mktemp -d /tmp/pyhunt-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# seconds taken by a command, its output thrown away
timed() {
    s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    awk "BEGIN {printf \"%.3f\", $e - $s}"
}

# median of RUNS timings of a command, after one untimed run
median() {
    "$@" >/dev/null 2>&1 || true
    for _ in $(seq "$RUNS"); do timed "$@"; echo; done |
        sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}

# median of RUNS timings of `edit; audit`, each followed by `undo; audit` untimed
median_edit() {
    edit=$1 undo=$2 tree=$3 db=$4; shift 4
    for _ in $(seq "$RUNS"); do
        $edit
        timed audit "$tree" "$db" "$@"; echo
        $undo
        audit "$tree" "$db" "$@" >/dev/null 2>&1 || true
    done | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}

# copy_py FROM TO [FIND-TESTS -o]: the .py files of FROM under TO, times kept
copy_py() {
    from=$1 to=$2; shift 2
    (cd "$from" && find . "$@" -name '*.py' -print0 | tar --null -T - -cf -) | tar -x -C "$to"
}
ratio() { awk "BEGIN {printf \"%.2f\", $1 / $2}"; }
# peak resident set of a program (not a shell function), in MB
peak_mb() {
    /usr/bin/time -f %M -o "$WORK/rss" "$@" >/dev/null 2>&1 || true
    tail -1 "$WORK/rss" | awk '{printf "%d", $1 / 1024}'
}

# (an older binary, to compare with, may lack audit --quiet)
QUIET=""
if "$PYHUNT" help audit 2>&1 | grep -q -- '--quiet'; then QUIET="--quiet"; fi
audit() { tree=$1 db=$2; shift 2; "$PYHUNT" audit "$tree" "$@" --db "$db" --format json --exit-zero $QUIET; }
cold_extract() { rm -f "$WORK/db"*; "$PYHUNT" extract "$TREE" $EXCL --db "$WORK/db" --quiet; }
cold_audit() { rm -f "$WORK/db"*; audit "$TREE" "$WORK/db" $EXCL; }
warm_audit() { audit "$TREE" "$WORK/db" $EXCL; }

# Every rule once, every context, on a tree: exit 1 with the errors when a
# rule fails (exit 3, or a rule error on stderr).
check_rules() {
    tree=$1; shift
    [ -d "$tree" ] || { echo "every rule:    $tree is not here, skipped"; return 0; }
    rm -f "$WORK/check"*
    rc=0
    "$PYHUNT" audit "$tree" "$@" --select ALL --contexts all --db "$WORK/check.db" --format json --exit-zero \
        --no-cache $QUIET >"$WORK/check.json" 2>"$WORK/check.err" || rc=$?
    if [ "$rc" -eq 3 ] || grep -q ': error: rule ' "$WORK/check.err"; then
        echo "bench: a rule failed on $tree (exit $rc):" >&2
        grep ': error' "$WORK/check.err" >&2 || true
        exit 1
    fi
    echo "every rule:    $tree: ran, $(grep -c '"rule":' "$WORK/check.json" || true) findings (exit $rc)"
}
if [ "${CHECK:-1}" != 0 ]; then
    check_rules "$TREE" $EXCL
    check_rules "${LIBRARY:-/usr/lib/python3/dist-packages}"
    rm -f "$WORK/check"*
fi

# The two edits, on a copy: a leaf module (imported by no other file) gets
# a line at its end; the module-level sync function that most calls reach
# becomes `async def`. Both are found in the copy's own database.
query() { "$PYHUNT" query "$1" --db "$2" --format csv --no-extract 2>/dev/null | tail -n +2 | head -1 | tr -d '"\r'; }
LEAF_SQL="SELECT path FROM files f WHERE context = 'code' AND NOT is_package
            AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.target = f.module OR i.target GLOB f.module || '.*'
                                                         OR i.module = f.module)
          ORDER BY lines DESC LIMIT 1"
HUB_SQL="SELECT fi.path || ',' || fn.line FROM functions fn JOIN files fi ON fi.id = fn.file_id
           JOIN call_graph g ON g.callee = fn.id
          WHERE NOT fn.is_async AND NOT fn.is_method AND fn.parent_id IS NULL AND fn.n_decorators = 0
            AND NOT fn.is_lambda AND fn.col = 1
          GROUP BY fn.id ORDER BY count(*) DESC, fn.id LIMIT 1"
# prepare_edits TREE DB: sets LEAF, HUB_FILE, HUB_LINE, HUB_CALLS
prepare_edits() {
    LEAF=$(query "$LEAF_SQL" "$2")
    hub=$(query "$HUB_SQL" "$2")
    HUB_FILE=${hub%,*} HUB_LINE=${hub#*,}
    HUB_CALLS=$("$PYHUNT" query "SELECT count(*) FROM call_graph g JOIN functions fn ON fn.id = g.callee
                  JOIN files fi ON fi.id = fn.file_id WHERE fi.path = '$HUB_FILE' AND fn.line = $HUB_LINE" \
                --db "$2" --format csv --no-extract | tail -1)
    cp "$1/$LEAF" "$WORK/leaf.orig"
    cp "$1/$HUB_FILE" "$WORK/hub.orig"
    EDIT_TREE=$1
}
edit_leaf() { echo "pyhunt_bench_edit = 1" >>"$EDIT_TREE/$LEAF"; }
undo_leaf() { cp "$WORK/leaf.orig" "$EDIT_TREE/$LEAF"; }
edit_async() { sed -i "${HUB_LINE}s/^def /async def /" "$EDIT_TREE/$HUB_FILE"; }
undo_async() { cp "$WORK/hub.orig" "$EDIT_TREE/$HUB_FILE"; }

files=$(find "$TREE" -name site-packages -prune -o -name '*.py' -print | wc -l)
lines=$(find "$TREE" -name site-packages -prune -o -name '*.py' -print0 | xargs -0 cat | wc -l)
echo "tree:          $TREE ($files files, $lines lines; site-packages excluded)"
echo "cores:         $(nproc); runs per figure: $RUNS (median)"
p=$(median "$PYHUNT" extract "$TREE" $EXCL --parse-only --quiet)
ce=$(median cold_extract)
ca=$(median cold_audit)
rm -f "$WORK/db"*
rss=$(peak_mb "$PYHUNT" audit "$TREE" $EXCL --db "$WORK/db" --format json --exit-zero $QUIET)
size=$(du -m "$WORK/db" | cut -f1)
wa=$(median warm_audit)

mkdir "$WORK/tree"
copy_py "$TREE" "$WORK/tree" -name site-packages -prune -o
audit "$WORK/tree" "$WORK/edit.db" >/dev/null 2>&1 || true
prepare_edits "$WORK/tree" "$WORK/edit.db"
el=$(median_edit edit_leaf undo_leaf "$WORK/tree" "$WORK/edit.db")
eas=$(median_edit edit_async undo_async "$WORK/tree" "$WORK/edit.db")

# The incremental audit against a cold one, DIFF_ROUNDS random edits
# (bench/differential.py): a difference fails the benchmark.
drounds=${DIFF_ROUNDS:-10}
diff_out="skipped (DIFF_ROUNDS=0)"
if [ "$drounds" -gt 0 ]; then
    diff_out=$(python3 "$HERE/differential.py" "$PYHUNT" "$TREE" --rounds "$drounds" --seed 7 \
               --exclude site-packages) || { echo "bench: $diff_out" >&2; exit 1; }
fi

rw=""
if [ -n "${RUFF_WASM:-}" ] && [ -d "$RUFF_WASM" ]; then
    export RUFF_WASM
    rw=$(median node "$HERE/ruff-peer.js" "$TREE" --exclude site-packages)
fi

echo "parse-only:    ${p}s   ($(awk "BEGIN {printf \"%d\", $lines / $p}") lines/s)"
echo "cold extract:  ${ce}s"
echo "cold audit:    ${ca}s"
echo "warm audit:    ${wa}s"
echo "edit: leaf:    ${el}s   (a line appended to $LEAF)"
echo "edit: async:   ${eas}s   (async def at $HUB_FILE:$HUB_LINE, $HUB_CALLS calls reach it)"
echo "differential:  $diff_out"
[ -n "$rw" ] && echo "ruff (wasm):   ${rw}s"
echo "database:      ${size} MB   (target <= 120 MB)"
echo "peak RSS:      ${rss} MB   (cold audit)"
[ -n "$rw" ] && echo "cold audit / ruff:             $(ratio "$ca" "$rw")x   (target <= 1.5x)"
echo "cold extract / parse-only:     $(ratio "$ce" "$p")x   (target <= 2.0x)"
echo "warm / cold audit:             $(ratio "$wa" "$ca")x"
echo "edit leaf / cold audit:        $(ratio "$el" "$ca")x   (target <= 0.1x)"
echo "edit async / cold audit:       $(ratio "$eas" "$ca")x   (target <= 0.1x)"

# The whole library, site-packages included, one run each: it takes minutes.
[ "${WHOLE:-1}" = 0 ] && exit 0
rm -rf "$WORK/db"* "$WORK/tree" "$WORK/edit.db"*
wfiles=$(find "$TREE" -name '*.py' | wc -l)
wlines=$(find "$TREE" -name '*.py' -print0 | xargs -0 cat | wc -l)
/usr/bin/time -f '%e %M' -o "$WORK/whole" "$PYHUNT" audit "$TREE" --db "$WORK/db" --format json --exit-zero \
    $QUIET >/dev/null 2>&1 || true
wca=$(awk '{printf "%.3f", $1}' "$WORK/whole")
wrss=$(awk '{printf "%d", $2 / 1024}' "$WORK/whole")
rm -f "$WORK/db"*
mkdir "$WORK/tree"
copy_py "$TREE" "$WORK/tree"
audit "$WORK/tree" "$WORK/edit.db" >/dev/null 2>&1 || true
prepare_edits "$WORK/tree" "$WORK/edit.db"
RUNS=1
wel=$(median_edit edit_leaf undo_leaf "$WORK/tree" "$WORK/edit.db")
weas=$(median_edit edit_async undo_async "$WORK/tree" "$WORK/edit.db")
echo
echo "whole library: $TREE ($wfiles files, $wlines lines, site-packages included; one run)"
echo "cold audit:    ${wca}s"
echo "edit: leaf:    ${wel}s   ($(ratio "$wel" "$wca")x cold; $LEAF)"
echo "edit: async:   ${weas}s   ($(ratio "$weas" "$wca")x cold; $HUB_FILE:$HUB_LINE, $HUB_CALLS calls)"
echo "peak RSS:      ${wrss} MB   (cold audit; target <= 400 MB)"
tr=$(ratio "$wca" "$ca")
lr=$(ratio "$wlines" "$lines")
echo "growth:        time $(ratio "$wca" "$ca")x for $(ratio "$wlines" "$lines")x the lines: $(awk "BEGIN {printf \"%.2f\", $tr / $lr}")x   (target <= 1.2x)"
