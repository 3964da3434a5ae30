#!/usr/bin/env python3
"""recall.py: pyhunt's recall on labelled cases written by others.

  recall.py PYHUNT FLAKE8_ASYNC_DIR RUFF_DIR [OUT.md]

FLAKE8_ASYNC_DIR is a checkout of python-trio/flake8-async (its
tests/eval_files mark each expected error inline: `# ASYNC210: 4, ...`);
RUFF_DIR a checkout of astral-sh/ruff (fixtures under
crates/ruff_linter/resources/test/fixtures, expected diagnostics in the
insta snapshots under crates/ruff_linter/src/rules/*/snapshots). Every
labelled case of a peer rule that has a pyhunt counterpart (MAP below) is
looked up among pyhunt's findings on the same file and line (all rules, all
contexts). Prints per peer rule: labelled, found, and the missed cases,
which a reader then classifies: in the contract (RULES.md flags it: a
recall loss) or outside it (the peer flags more than the contract does).

A development tool, not part of pyhunt: it needs python3 only.
"""
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# peer rule -> the pyhunt rules that report the same antipattern
MAP = {
    "ASYNC105": {"PH103"}, "ASYNC110": {"PH107"}, "ASYNC300": {"PH104"},
    "ASYNC210": {"PH101"}, "ASYNC211": {"PH101"}, "ASYNC212": {"PH101"},
    "ASYNC220": {"PH101"}, "ASYNC221": {"PH101"}, "ASYNC222": {"PH101"},
    "ASYNC230": {"PH101"}, "ASYNC231": {"PH101"}, "ASYNC232": {"PH101"},
    "ASYNC240": {"PH101"}, "ASYNC250": {"PH101"}, "ASYNC251": {"PH101"},
    "RUF006": {"PH104"}, "S113": {"PH112"}, "SIM115": {"PH301"},
    "B019": {"PH401"}, "C419": {"PH503"}, "PERF101": {"PH502"},
}


def flake8_async_cases(root):
    cases = []
    for path in sorted(glob.glob(os.path.join(root, "tests/eval_files/*.py"))):
        # `# error: COL, ...` marks an error of the rule the file is named after
        own = re.match(r"(async\d{3})", os.path.basename(path))
        own = own.group(1).upper() if own else None
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                codes = [m.group(1) for m in re.finditer(r"#\s*(ASYNC\d{3})\s*:", line)]
                if own and re.search(r"#\s*error\s*:", line):
                    codes.append(own)
                for code in codes:
                    if code in MAP:
                        cases.append(("flake8-async", path, n, code))
    return cases


def ruff_cases(root):
    fixtures = os.path.join(root, "crates/ruff_linter/resources/test/fixtures")
    cases = []
    for snap in sorted(glob.glob(os.path.join(root, "crates/ruff_linter/src/rules/*/snapshots/*.snap"))):
        if "__preview__" in snap:
            continue
        family = os.path.basename(os.path.dirname(os.path.dirname(snap)))
        with open(snap, encoding="utf-8", errors="replace") as f:
            text = f.read()
        code = None
        for line in text.split("\n"):
            m = re.match(r"^([A-Z]+\d+) ", line)
            if m:
                code = m.group(1)
            m = re.match(r"^\s*-->\s*(\S+?):(\d+):(\d+)", line)
            if m and code in MAP:
                path = os.path.join(fixtures, family, m.group(1))
                if os.path.exists(path):
                    cases.append(("ruff", path, int(m.group(2)), code))
                code = None
    return sorted(set(cases))


def audit(pyhunt, files):
    """pyhunt's findings on each file, audited alone: {path: {(line, rule)}}."""
    found = {}
    for path in sorted(set(files)):
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(path, os.path.join(d, os.path.basename(path)))
            run = subprocess.run([pyhunt, "audit", d, "--isolated", "--select", "ALL", "--contexts", "all",
                                  "--format", "json", "--exit-zero"],
                                 capture_output=True, text=True)
            try:
                doc = json.loads(run.stdout)
            except json.JSONDecodeError:
                sys.exit(f"recall.py: no JSON for {path}: {run.stderr}")
            fs = doc["findings"] if isinstance(doc, dict) else doc
            found[path] = {(f["line"], f["rule"]) for f in fs}
    return found


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    pyhunt = os.path.realpath(argv[1])
    cases = flake8_async_cases(argv[2]) + ruff_cases(argv[3])
    found = audit(pyhunt, [c[1] for c in cases])
    per = collections.defaultdict(lambda: [0, 0, []])
    for peer, path, line, code in cases:
        hit = any((line, r) in found[path] for r in MAP[code])
        p = per[(peer, code)]
        p[0] += 1
        p[1] += hit
        if not hit:
            p[2].append(f"{os.path.relpath(path, argv[2] if peer == 'flake8-async' else argv[3])}:{line}")
    out = ["| peer | rule | pyhunt | labelled | found | share |", "|---|---|---|---:|---:|---:|"]
    for (peer, code), (n, k, _) in sorted(per.items()):
        out.append(f"| {peer} | {code} | {','.join(sorted(MAP[code]))} | {n} | {k} | {100 * k / n:.0f}% |")
    out += ["", "Missed cases (to classify: in the contract, or outside it):", ""]
    for (peer, code), (_, _, missed) in sorted(per.items()):
        for m in missed:
            out.append(f"- {peer} {code}: {m}")
    text = "\n".join(out) + "\n"
    if len(argv) > 4:
        with open(argv[4], "w") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main(sys.argv)
