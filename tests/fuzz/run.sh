#!/bin/sh
# run.sh BUILD SECONDS FLAGS TARGET...: `make fuzz`. Writes the seed corpora
# (seed.sh), then runs each target BUILD/fuzz/TARGET for SECONDS on its
# working corpus BUILD/fuzz/corpus/TARGET (kept from run to run, not
# committed) and its seeds, with tests/fuzz/TARGET.dict when there is one
# and FLAGS (more libFuzzer options, e.g. -max_len=4096). A crash, leak,
# timeout or out-of-memory input is written to tests/fuzz/TARGET/crashes/,
# where `make test` replays it (replay.test). Prints one line per target:
# executions, coverage (cov: edges, ft: features) and what it found; the
# whole log is BUILD/fuzz/TARGET.log. Exits 1 if a target found anything.
set -u
build=$1 seconds=$2 flags=$3
shift 3
here=$(dirname "$0")
"$here/seed.sh" "$build/fuzz/seed" || exit 2
status=0
for t in "$@"; do
    corpus=$build/fuzz/corpus/$t crashes=$here/$t/crashes log=$build/fuzz/$t.log
    mkdir -p "$corpus" "$crashes"
    dict=
    [ -f "$here/$t.dict" ] && dict=-dict=$here/$t.dict
    before=$(ls "$crashes" | wc -l)
    # shellcheck disable=SC2086 # $dict and $flags are lists of options
    "$build/fuzz/$t" $dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$crashes/" $flags "$corpus" "$build/fuzz/seed/$t" > "$log" 2>&1
    rc=$?
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    found=$(ls "$crashes" | wc -l)
    printf '%s: %s executions; %s\n' "$t" "${runs:-?}" "$(echo "$last" | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[^ ]+')"
    if [ "$rc" -ne 0 ] || [ "$found" -ne "$before" ]; then
        status=1
        echo "  FOUND (exit $rc): new files in $crashes, see $log:"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 3 | sed 's/^/    /'
        ls -t "$crashes" | head -n $((found - before)) | sed "s|^|    $crashes/|"
    fi
done
exit $status
