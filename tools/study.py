#!/usr/bin/env python3
"""study.py: actionable-precision studies on real code (TOOLS.md).

  study.py sample PYHUNT NAME DIR COMMIT OUT.md [AUDIT-ARGS...]
      Audits DIR with the default settings (plus AUDIT-ARGS), draws a sample
      of min(20, n) findings of every rule (random.Random("NAME:RULE"), over
      the findings sorted by path, line, column), and writes a reading sheet:
      each sampled finding with its message, fix, chain and the source around
      it, and two lines for the reader to fill in:
          verdict: worth | noise | false
          reason: one line
  study.py score SHEET.md...
      Counts the verdicts of the sheets: per rule and corpus, per corpus
      (overall and P1), and per rule over all corpora; prints markdown tables.
      A sheet with an unread finding is an error.

A development tool, not part of pyhunt: it needs python3 only.
"""
import collections
import json
import os
import random
import re
import subprocess
import sys

SAMPLE = 20
CONTEXT = 6


def source_lines(root, path, line, end_line):
    try:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            text = f.read().split("\n")
    except OSError as e:
        return [f"(cannot read {path}: {e})"]
    lo = max(1, line - CONTEXT)
    hi = min(len(text), max(line, end_line) + CONTEXT)
    width = len(str(hi))
    out = []
    for n in range(lo, hi + 1):
        mark = ">" if line <= n <= max(line, end_line) else " "
        out.append(f"{mark}{n:>{width}} | {text[n - 1]}")
    return out


def sample(pyhunt, name, root, commit, out, extra):
    db = f"/tmp/study-{name}.db"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    cmd = [pyhunt, "audit", root, "--db", db, "--format", "json", "--exit-zero", *extra]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"study.py: {' '.join(cmd)} exited {run.returncode}:\n{run.stderr}")
    doc = json.loads(run.stdout)
    findings = doc["findings"] if isinstance(doc, dict) else doc
    # TOOLS.md: findings in test and example contexts are not sampled (the
    # correctness rules report there by default, but users read them apart)
    left = [f for f in findings if f.get("context") in ("test", "example")]
    findings = [f for f in findings if f.get("context") not in ("test", "example")]
    by_rule = collections.defaultdict(list)
    for f in findings:
        by_rule[f["rule"]].append(f)
    lines = [f"# Reading sheet: {name}", "",
             f"Corpus `{name}` at commit `{commit}`, audited with `pyhunt audit {name} "
             + " ".join(["--format json", *extra]) + "` (default settings otherwise).",
             f"Findings: {len(findings)} (and {len(left)} in test and example files, not sampled). Sample: min({SAMPLE}, n) per rule, "
             f"`random.Random(\"{name}:RULE\")` over the findings sorted by path, line, column.",
             "", "Verdicts: **worth** (maintainers would change it), **noise** (true by the rule's "
             "words, nobody would change it), **false** (not the antipattern, or a \"not flagged\" "
             "case of RULES.md).", ""]
    for rule in sorted(by_rule):
        fs = sorted(by_rule[rule], key=lambda f: (f["path"], f["line"], f["col"]))
        k = min(SAMPLE, len(fs))
        picked = sorted(random.Random(f"{name}:{rule}").sample(range(len(fs)), k))
        lines += [f"## {rule} {fs[0]['name']}: {len(fs)} findings, {k} sampled", ""]
        for i, idx in enumerate(picked, 1):
            f = fs[idx]
            lines += [f"### {rule}-{i} {f['path']}:{f['line']}:{f['col']} [{f['severity']}]", "",
                      f"- message: {f['message']}", f"- fix: {f.get('fix', '')}"]
            for r in f.get("related", []):
                lines.append(f"- step: {r['path']}:{r['line']}:{r['col']} {r.get('message', '')}")
            lines += ["", "```"] + source_lines(root, f["path"], f["line"], f.get("end_line", f["line"])) + \
                     ["```", "", "verdict: ", "reason: ", ""]
    with open(out, "w") as fh:
        fh.write("\n".join(lines))
    print(f"{name}: {len(findings)} findings, sheet {out}")


HEAD = re.compile(r"^### (PH\d+|[A-Z]+\d+)-\d+ .* \[(P\d)\]$")


def score(sheets):
    cells = collections.defaultdict(collections.Counter)   # (corpus, rule) -> verdicts
    p1 = collections.defaultdict(collections.Counter)      # corpus -> verdicts of P1 findings
    totals = {}
    bad = []
    for path in sheets:
        corpus = None
        rule = sev = None
        with open(path) as fh:
            for n, line in enumerate(fh, 1):
                line = line.rstrip("\n")
                m = re.match(r"^# Reading sheet: (.+)$", line)
                if m:
                    corpus = m.group(1)
                m = re.match(r"^## (\S+) \S+: (\d+) findings", line)
                if m:
                    totals[(corpus, m.group(1))] = int(m.group(2))
                m = HEAD.match(line)
                if m:
                    rule, sev = m.group(1), m.group(2)
                if line.startswith("verdict:"):
                    v = line.split(":", 1)[1].strip().lower()
                    if v not in ("worth", "noise", "false"):
                        bad.append(f"{path}:{n}: verdict '{v}' is not worth, noise or false")
                        continue
                    cells[(corpus, rule)][v] += 1
                    if sev == "P1":
                        p1[corpus][v] += 1
    if bad:
        sys.exit("\n".join(bad))
    corpora = sorted({c for c, _ in cells})
    rules = sorted({r for _, r in cells})

    def pct(c):
        n = sum(c.values())
        return f"{100 * c['worth'] / n:.0f}%" if n else "n/a"

    print("| rule | " + " | ".join(f"{c} (n / sampled / worth)" for c in corpora)
          + " | all: worth / sampled | precision | false |")
    print("|---|" + "---|" * len(corpora) + "---:|---:|---:|")
    for r in rules:
        row, allc = [], collections.Counter()
        for c in corpora:
            v = cells.get((c, r), collections.Counter())
            allc += v
            row.append(f"{totals.get((c, r), 0)} / {sum(v.values())} / {v['worth']}" if v else "0")
        n = sum(allc.values())
        print(f"| {r} | " + " | ".join(row) + f" | {allc['worth']} / {n} | {pct(allc)} | "
              f"{100 * allc['false'] / n:.0f}% |")
    print()
    print("| corpus | sampled | worth | noise | false | actionable precision | P1 sampled | P1 precision |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for c in corpora:
        allc = sum((cells[(c, r)] for r in rules if (c, r) in cells), collections.Counter())
        print(f"| {c} | {sum(allc.values())} | {allc['worth']} | {allc['noise']} | {allc['false']} | "
              f"{pct(allc)} | {sum(p1[c].values())} | {pct(p1[c])} |")


def main(argv):
    if len(argv) >= 6 and argv[1] == "sample":
        sample(os.path.realpath(argv[2]), argv[3], argv[4], argv[5], argv[6], argv[7:])
    elif len(argv) >= 3 and argv[1] == "score":
        score(argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
