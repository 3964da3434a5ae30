#!/bin/sh
# replay.sh TARGET [DIR]: run every file of DIR (default: TARGET/crashes/
# beside this script) through the normal binary, $PYHUNT, as the user would
# meet it, and say which files it does not survive. replay.test runs it for
# each target, so a new crash file needs no registration.
#
#   extract      the file is x.py, alone in a directory: `pyhunt audit DIR`
#                must exit 0, 1 or 2 (see the exit codes of README.md)
#   rule_header  the file is x.sql, alone in a rule directory: `pyhunt rules
#                --queries DIR`, as a list and as markdown, exits 0, 2 or 3
#   repl_split   the file is a script on the stdin of `pyhunt repl` over a
#                small database, in a scratch directory that is also $HOME
#                (what .output and .save write lands there): 0, 2 or 3
#   config       the file is the pyproject.toml, then the pyhunt.toml, of an
#                audited directory that holds one Python file: `pyhunt audit
#                DIR` exits 0, 1 or 2
#
# Any other exit, a signal (exit above 128), a run over 30 s, a sanitizer
# report (under `make asan`), or a failure exit without an error line on
# stderr is a failure: the file's name and the end of stderr are printed on
# stdout and replay.sh exits 1. Silent and exit 0 when every file passes.
set -u
target=$1
dir=${2:-$(dirname "$0")/$target/crashes}
case $target in
extract | rule_header | repl_split | config) ;;
*) echo "replay.sh: unknown target '$target'" >&2; exit 2 ;;
esac
[ -d "$dir" ] || exit 0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The REPL's database: one small module, extracted once, copied per file.
if [ "$target" = repl_split ]; then
    mkdir -p "$scratch/app"
    printf 'import time\n\nasync def handler():\n    time.sleep(1)\n' > "$scratch/app/svc.py"
    "$PYHUNT" extract "$scratch/app" --quiet --db "$scratch/template.db" || exit 2
fi

# run FILE: the binary over FILE as the target says; prints the exit code.
run() {
    w=$scratch/w
    rm -rf "$w" && mkdir -p "$w"
    case $target in
    extract)
        mkdir "$w/src" && cp "$1" "$w/src/x.py"
        timeout 30 "$PYHUNT" audit "$w/src" --db "$w/facts.db" > /dev/null 2> "$w/err"
        echo "$? 0 1 2" ;;
    rule_header)
        mkdir "$w/q" && cp "$1" "$w/q/x.sql"
        timeout 30 "$PYHUNT" rules --queries "$w/q" > /dev/null 2> "$w/err" &&
            timeout 30 "$PYHUNT" rules --queries "$w/q" --format markdown > /dev/null 2>> "$w/err"
        echo "$? 0 2 3" ;;
    config)
        mkdir "$w/p" && printf 'import time\n\nasync def f():\n    time.sleep(1)\n' > "$w/p/x.py"
        cp "$1" "$w/p/pyproject.toml"
        timeout 30 "$PYHUNT" audit "$w/p" --db "$w/facts.db" > /dev/null 2> "$w/err"
        code=$?
        if [ "$code" -le 2 ]; then
            mv "$w/p/pyproject.toml" "$w/p/pyhunt.toml"
            timeout 30 "$PYHUNT" audit "$w/p" --db "$w/facts.db" > /dev/null 2>> "$w/err"
            code=$?
        fi
        echo "$code 0 1 2" ;;
    repl_split)
        cp "$scratch/template.db" "$w/facts.db"
        (cd "$w" && HOME=$w EDITOR=true VISUAL=true timeout 30 "$PYHUNT" repl --db facts.db < "$1" > /dev/null 2> err)
        echo "$? 0 2 3" ;;
    esac
}

status=0
for f in "$dir"/*; do
    [ -f "$f" ] || continue
    set -- $(run "$f")
    code=$1
    shift
    why=
    case " $* " in
    *" $code "*) ;;
    *) why="exit $code" ;;
    esac
    [ "$code" -gt 128 ] && why="signal $((code - 128))"
    [ "$code" -eq 124 ] && why="no answer after 30 s"
    grep -q -e 'Sanitizer' -e 'runtime error:' "$scratch/w/err" && why="sanitizer report"
    [ -z "$why" ] && [ "$code" -ne 0 ] && ! grep -q -e 'error:' -e '^pyhunt: ' "$scratch/w/err" && why="exit $code without an error line"
    if [ -n "$why" ]; then
        echo "$f: $why"
        tail -n 5 "$scratch/w/err" | sed 's/^/    /'
        status=1
    fi
done
exit $status
