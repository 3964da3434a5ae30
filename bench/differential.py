#!/usr/bin/env python3
"""Differential test of the incremental audit.

    differential.py PYHUNT TREE --rounds N --seed S [--exclude GLOB]

Copies TREE (its .py files) to a scratch folder, then N times: makes one
random edit to the copy (seeded: the same seed gives the same edits),
audits it incrementally (the database of the previous rounds, which holds
the previous findings in its rule cache) and from scratch (a new
database), and compares the two JSON reports byte for byte. The edits are
those a developer makes: add, remove or rename a function; make a sync
function async and back; add a blocking call at the end of a function (the
end of a chain of calls); put a loop around a statement that calls
something (a query); delete a file, add one that imports and calls
another; add, drop or alias an import.

Prints `N rounds: incremental = cold` and exits 0, or prints the round,
the edit and the first differing findings and exits 1.
"""
import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile


def audit(pyhunt, tree, db, excludes):
    cmd = [pyhunt, "audit", tree, "--db", db, "--select", "ALL", "--contexts", "all", "--format", "json",
           "--exit-zero", "--quiet"]
    for e in excludes:
        cmd += ["--exclude", e]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit("audit failed (exit %d): %s" % (p.returncode, p.stderr.decode(errors="replace")[-2000:]))
    return p.stdout


class Editor:
    """One random edit at a time on the .py files under root."""

    BLOCKING = ["time.sleep(0.5)", "requests.get('http://example.com')", "open('/tmp/x').read()",
                "subprocess.run(['true'])", "os.listdir('.')"]
    QUERIES = ["cursor.execute('SELECT 1')", "session.query(Model).all()", "conn.fetch('SELECT 1')"]

    def __init__(self, root, rng):
        self.root = root
        self.rng = rng
        self.serial = 0

    def files(self):
        out = []
        for d, dirs, names in os.walk(self.root):
            dirs[:] = sorted(x for x in dirs if not x.startswith("."))
            out += [os.path.join(d, n) for n in sorted(names) if n.endswith(".py")]
        return out

    def module(self, path):
        rel = os.path.relpath(path, self.root)[:-3].replace(os.sep, ".")
        return rel[:-9] if rel.endswith(".__init__") else rel

    def read(self, path):
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            return f.read()

    def write(self, path, text):
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)

    def defs(self, text):
        """(node, parent) of every def; [] when the text does not parse."""
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return []
        out = []
        for parent in ast.walk(tree):
            for node in ast.iter_child_nodes(parent):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    out.append((node, parent))
        return out

    def name(self, stem):
        self.serial += 1
        return "%s_%d" % (stem, self.serial)

    # each edit returns a description, or None when it found nothing to do

    def add_function(self, path, lines, text):
        others = [n.name for n, p in self.defs(text) if isinstance(p, ast.Module)]
        body = "    %s\n" % self.rng.choice(self.BLOCKING + ["return 1"])
        if others and self.rng.random() < 0.6:
            body = "    return %s()\n" % self.rng.choice(others)
        kind = self.rng.choice(["def", "async def"])
        name = self.name("added")
        lines.append("\n\n%s %s():\n%s" % (kind, name, body))
        return "add %s %s" % (kind, name)

    def remove_function(self, path, lines, text):
        top = [n for n, p in self.defs(text) if isinstance(p, ast.Module) and not n.decorator_list]
        if not top:
            return None
        n = self.rng.choice(top)
        del lines[n.lineno - 1:n.end_lineno]
        return "remove %s" % n.name

    def rename_function(self, path, lines, text):
        named = [n for n, p in self.defs(text) if not n.decorator_list]
        if not named:
            return None
        n = self.rng.choice(named)
        new = self.name(n.name)
        i = n.lineno - 1
        lines[i] = lines[i].replace("def %s(" % n.name, "def %s(" % new, 1)
        return "rename %s to %s" % (n.name, new)

    def toggle_async(self, path, lines, text):
        named = [n for n, p in self.defs(text)]
        if not named:
            return None
        n = self.rng.choice(named)
        i = n.lineno - 1
        if isinstance(n, ast.AsyncFunctionDef):
            lines[i] = lines[i].replace("async def ", "def ", 1)
            return "make %s sync" % n.name
        lines[i] = lines[i].replace("def ", "async def ", 1)
        return "make %s async" % n.name

    def body_indent(self, lines, n):
        last = lines[n.end_lineno - 1]
        first = lines[n.body[0].lineno - 1]
        return first[:len(first) - len(first.lstrip())] if first.strip() else last[:len(last) - len(last.lstrip())]

    def add_blocking_call(self, path, lines, text):
        named = [n for n, p in self.defs(text)]
        if not named:
            return None
        n = self.rng.choice(named)
        ind = self.body_indent(lines, n)
        call = self.rng.choice(self.BLOCKING)
        lines.insert(n.end_lineno, "%s%s\n" % (ind, call))
        if not any(x.startswith("import " + call.split(".")[0]) for x in lines) and "." in call.split("(")[0]:
            lines.insert(0, "import %s\n" % call.split(".")[0])
        return "add %s at the end of %s" % (call, n.name)

    def loop_around_call(self, path, lines, text):
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return None
        stmts = [s for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                 for s in f.body if isinstance(s, (ast.Expr, ast.Assign, ast.Return)) and s.lineno == s.end_lineno
                 and isinstance(getattr(s, "value", None), (ast.Call, ast.Await))]
        if stmts and self.rng.random() < 0.7:
            s = self.rng.choice(stmts)
            i = s.lineno - 1
            ind = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
            body = lines[i].lstrip()
            if isinstance(s, ast.Return):
                body = body.replace("return ", "x = ", 1)
            lines[i] = "%sfor item in range(3):\n%s    %s" % (ind, ind, body)
            return "loop around line %d" % s.lineno
        named = [n for n, p in self.defs(text)]
        if not named:
            return None
        n = self.rng.choice(named)
        ind = self.body_indent(lines, n)
        lines.insert(n.end_lineno, "%sfor item in items:\n%s    %s\n" % (ind, ind, self.rng.choice(self.QUERIES)))
        return "add a query in a loop at the end of %s" % n.name

    def change_import(self, path, lines, text):
        imports = [i for i, x in enumerate(lines) if x.startswith(("import ", "from ")) and "(" not in x
                   and "\\" not in x and "__future__" not in x]
        mods = [self.module(p) for p in self.files() if p != path]
        r = self.rng.random()
        if imports and r < 0.4:
            i = self.rng.choice(imports)
            old = lines[i]
            del lines[i]
            return "drop %s" % old.strip()
        if imports and r < 0.7:
            i = self.rng.choice(imports)
            if lines[i].startswith("import ") and "," not in lines[i] and " as " not in lines[i]:
                mod = lines[i].split()[1]
                lines[i] = "import %s as %s\n" % (mod, self.name("alias"))
                return "alias %s" % mod
            return None
        if not mods:
            return None
        mod = self.rng.choice(mods)
        lines.insert(0, "import %s\n" % mod)
        return "import %s" % mod

    def delete_file(self, path, lines, text):
        if len(self.files()) < 4:
            return None
        os.remove(path)
        return "delete %s" % os.path.relpath(path, self.root)

    def add_file(self, path, lines, text):
        top = [n for n, p in self.defs(text) if isinstance(p, ast.Module)]
        folder = os.path.dirname(path)
        new = os.path.join(folder, self.name("new") + ".py")
        mod = self.module(path)
        body = "import asyncio\n"
        if top and mod:
            n = self.rng.choice(top)
            body += "from %s import %s\n\n\nasync def handler():\n    return %s()\n" % (mod, n.name, n.name)
        else:
            body += "\n\nasync def handler():\n    %s\n" % self.rng.choice(self.BLOCKING)
        self.write(new, body)
        return "add %s" % os.path.relpath(new, self.root)

    EDITS = ["add_function", "remove_function", "rename_function", "toggle_async", "add_blocking_call",
             "loop_around_call", "change_import", "delete_file", "add_file"]

    def edit(self):
        for _ in range(50):
            files = self.files()
            if not files:
                return "nothing to edit"
            path = self.rng.choice(files)
            text = self.read(path)
            lines = text.splitlines(keepends=True)
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            op = self.rng.choice(self.EDITS)
            what = getattr(self, op)(path, lines, text)
            if what is None:
                continue
            if os.path.exists(path) and op not in ("add_file", "delete_file"):
                self.write(path, "".join(lines))
            return "%s: %s" % (os.path.relpath(path, self.root), what)
        return "no edit found"


def first_difference(a, b):
    fa = json.loads(a)["findings"]
    fb = json.loads(b)["findings"]
    sa = [json.dumps(f, sort_keys=True) for f in fa]
    sb = [json.dumps(f, sort_keys=True) for f in fb]
    only_a = [x for x in sa if x not in sb][:3]
    only_b = [x for x in sb if x not in sa][:3]
    return "incremental only: %s\ncold only: %s" % ("\n  ".join(only_a) or "-", "\n  ".join(only_b) or "-")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pyhunt")
    ap.add_argument("tree")
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--exclude", action="append", default=[])
    o = ap.parse_args()
    work = tempfile.mkdtemp(prefix="pyhunt-diff-")
    try:
        tree = os.path.join(work, "tree")
        skip = set(o.exclude)
        shutil.copytree(o.tree, tree, ignore=lambda d, names: [n for n in names if n in skip or n.startswith(".")
                                                                or (os.path.isfile(os.path.join(d, n))
                                                                    and not n.endswith(".py"))])
        inc, cold = os.path.join(work, "inc.db"), os.path.join(work, "cold.db")
        audit(o.pyhunt, tree, inc, o.exclude)
        ed = Editor(tree, random.Random(o.seed))
        for r in range(1, o.rounds + 1):
            what = ed.edit()
            a = audit(o.pyhunt, tree, inc, o.exclude)
            for p in (cold, cold + "-wal", cold + "-shm"):
                if os.path.exists(p):
                    os.remove(p)
            b = audit(o.pyhunt, tree, cold, o.exclude)
            if a != b:
                print("round %d (%s): incremental and cold audits differ" % (r, what))
                print(first_difference(a, b))
                return 1
        print("%d rounds: incremental = cold" % o.rounds)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
