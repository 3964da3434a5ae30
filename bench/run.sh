#!/bin/sh
# bench/run.sh PYHUNT [TREE]
#
# Measures pyhunt against the physical ceiling on one tree (default: this
# machine's CPython standard library without site-packages), all in one run so
# the ratios are comparable on a noisy machine:
#
#   parse-only   same binary, same threads: read + tree-sitter parse, store nothing
#   cold extract a new database from scratch
#   cold audit   a new database + every rule
#   warm audit   nothing changed: stat every file, run every rule
#   rules only   the rules alone (interprocedural ones separately)
#
# Each timing is the median of RUNS runs (default 3). First, every rule runs
# once over the tree and over Debian's dist-packages (LIBRARY=DIR for
# another; CHECK=0 skips both): a rule that fails on real code fails the
# benchmark, with its error.
set -eu
PYHUNT=$(realpath "$1")
TREE=${2:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')}
RUNS=${RUNS:-3}
EXCL="--exclude site-packages"
WORK=$(mktemp -d /tmp/pyhunt-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# median of RUNS timings of a command (seconds)
median() {
    for _ in $(seq "$RUNS"); do
        "$@" >/dev/null 2>&1 || true
    done 2>/dev/null
    for _ in $(seq "$RUNS"); do
        s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
        awk "BEGIN {print $e - $s}"
    done | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}

cold_extract() { rm -f "$WORK/db"*; "$PYHUNT" extract "$TREE" $EXCL --db "$WORK/db" --quiet; }
cold_audit() { rm -f "$WORK/db"*; "$PYHUNT" audit "$TREE" $EXCL --db "$WORK/db" --format json --exit-zero; }
warm_audit() { "$PYHUNT" audit "$TREE" $EXCL --db "$WORK/db" --format json --exit-zero; }
rules_only() { "$PYHUNT" audit "$TREE" $EXCL --db "$WORK/db" --format json --exit-zero --no-cache --select "$1"; }

# Every rule once, every context, on a tree: exit 1 with the errors when a
# rule fails (exit 3, or a rule error on stderr). `--select ALL` (opt-in
# rules too) and `--contexts all` (tests and examples too), as far as the
# binary has them.
ALL=""
if "$PYHUNT" help audit 2>&1 | grep -q 'or ALL'; then ALL="--select ALL"; fi
if "$PYHUNT" help audit 2>&1 | grep -q -- '--contexts'; then ALL="$ALL --contexts all"; fi
check_rules() {
    tree=$1; shift
    [ -d "$tree" ] || { echo "every rule:    $tree is not here, skipped"; return 0; }
    rm -f "$WORK/check"*
    rc=0
    "$PYHUNT" audit "$tree" "$@" $ALL --db "$WORK/check.db" --format json --exit-zero --no-cache \
        >"$WORK/check.json" 2>"$WORK/check.err" || rc=$?
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

files=$(find "$TREE" -name site-packages -prune -o -name '*.py' -print | wc -l)
lines=$(find "$TREE" -name site-packages -prune -o -name '*.py' -print0 | xargs -0 cat | wc -l)
echo "tree:          $TREE ($files files, $lines lines; site-packages excluded)"
echo "cores:         $(nproc); runs per figure: $RUNS (median)"
p=$(median "$PYHUNT" extract "$TREE" $EXCL --parse-only --quiet)
ce=$(median cold_extract)
ca=$(median cold_audit)
cold_audit >/dev/null 2>&1 || true
wa=$(median warm_audit)
inter=$(median rules_only PH102,PH103,PH201,PH202,PH604,PH605)
size=$(du -m "$WORK/db" | cut -f1)
ratio() { awk "BEGIN {printf \"%.2f\", $1 / $2}"; }
echo "parse-only:    ${p}s   ($(awk "BEGIN {printf \"%d\", $lines / $p}") lines/s)"
echo "cold extract:  ${ce}s"
echo "cold audit:    ${ca}s"
echo "warm audit:    ${wa}s"
echo "interproc.:    ${inter}s  (PH102 PH103 PH201 PH202 PH604 PH605 on a warm database)"
echo "database:      ${size} MB"
echo "cold extract / parse-only:    $(ratio "$ce" "$p")x   (target <= 1.3x)"
echo "warm / cold audit:            $(ratio "$wa" "$ca")x   (target <= 0.15x)"
echo "interprocedural / cold audit: $(ratio "$inter" "$ca")x   (target <= 0.25x)"

# The whole library, site-packages included (issue: scale), one run each:
# it takes minutes. WHOLE=0 skips it.
[ "${WHOLE:-1}" = 0 ] && exit 0
rm -f "$WORK/db"*
wfiles=$(find "$TREE" -name '*.py' | wc -l)
s=$(date +%s.%N); "$PYHUNT" audit "$TREE" --db "$WORK/db" --format json --exit-zero >/dev/null 2>&1 || true; e=$(date +%s.%N)
wca=$(awk "BEGIN {printf \"%.3f\", $e - $s}")
s=$(date +%s.%N); rules_only_whole() { "$PYHUNT" audit "$TREE" --db "$WORK/db" --format json --exit-zero --no-cache --select "$1"; }
rules_only_whole PH102,PH103,PH201,PH202,PH604,PH605 >/dev/null 2>&1 || true; e=$(date +%s.%N)
winter=$(awk "BEGIN {printf \"%.3f\", $e - $s}")
echo
echo "whole library: $TREE ($wfiles files, site-packages included; one run)"
echo "cold audit:    ${wca}s"
echo "interproc.:    ${winter}s"
echo "interprocedural / cold audit: $(ratio "$winter" "$wca")x   (target <= 0.25x)"
