// ruff-peer.js TREE [--exclude NAME]...: ruff (WebAssembly build) over every .py
// file of TREE in one process, with the rules a pyhunt user compares against.
// Prints "files N diagnostics N" on stdout.
'use strict';
const fs = require('fs');
const path = require('path');
const { Workspace, PositionEncoding } = require(process.env.RUFF_WASM || '@astral-sh/ruff-wasm-nodejs');

const args = process.argv.slice(2);
const tree = args[0];
const excludes = new Set();
for (let i = 1; i < args.length; i++)
    if (args[i] === '--exclude') excludes.add(args[++i]);

const ws = new Workspace({ lint: { select: ['ASYNC', 'S113', 'SIM115', 'RUF006', 'B019', 'PERF', 'C419'] } },
                         PositionEncoding.Utf16);
let files = 0, diags = 0;
function walk(dir) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (excludes.has(e.name)) continue;
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && e.name.endsWith('.py')) {
            let text;
            try { text = fs.readFileSync(p, 'utf8'); } catch { continue; }
            files++;
            try { diags += ws.check(text).length; } catch { /* a file ruff cannot parse */ }
        }
    }
}
walk(tree);
console.log(`files ${files} diagnostics ${diags}`);
