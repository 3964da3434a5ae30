/*
 * config: the libFuzzer target for the configuration parser. The input is
 * a configuration file's text, read twice as the binary reads one: as a
 * pyproject.toml (the [tool.pyhunt] table) and as a pyhunt.toml (the top
 * level), through ph_config_parse (core/config.c: tree-sitter-toml, the
 * TOML rules of base/toml.c, the checks of every key), then the rule ids
 * against the built-in rules. Every value of a document that parses is
 * walked to its end.
 *
 * Besides crashes, it aborts on a broken promise: a refused file without
 * an error diagnostic (a silent failure), a value whose bytes lie outside
 * the text, a string not NUL-terminated at its length, nesting deeper than
 * PH_TOML_MAX_DEPTH. tests/fuzz/replay.sh replays config/crashes/ through
 * `pyhunt audit` on a directory holding the file.
 */
#include "config.h"
#include "db.h"
#include "rules.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static PhRuleSet *rules;
static volatile size_t sink;   /* keeps the reads of walk() */

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    ph_db_global_init();
    rules = ph_rules_builtin();
    return 0;
}

/* Read every value of v to its end, and check what toml.h promises. */
static void walk(const PhTomlValue *v, size_t len) {
    if ((size_t)v->at + v->width > len || v->depth > PH_TOML_MAX_DEPTH)
        __builtin_trap();
    if (v->text) {
        if (v->text[v->len] != 0)
            __builtin_trap();
        sink += strlen(v->text);
    }
    for (size_t i = 0; i < v->n; i++) {
        if (v->kind == PH_TOML_TABLE) {
            const PhTomlKey *k = &v->keys[i];
            if (k->name[k->len] != 0 || (size_t)k->at + k->width > len)
                __builtin_trap();
            sink += strlen(k->name);
        }
        if (v->items[i]->depth != v->depth + 1)
            __builtin_trap();
        walk(v->items[i], len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const names[] = {"pyproject.toml", "pyhunt.toml"};
    for (size_t n = 0; n < 2; n++) {
        PhDiags *d = ph_diags_new();
        PhConfig *c = ph_config_parse(names[n], (const char *)data, size, d);
        if (!c && ph_diags_count(d, PH_ERROR) == 0)
            __builtin_trap();   /* refused without saying why */
        if (c) {
            walk(ph_toml_root(ph_config_doc(c)), size);
            int errors = ph_config_check_rules(c, rules, d);
            if (errors != ph_diags_count(d, PH_ERROR))
                __builtin_trap();
        }
        for (size_t i = 0; i < ph_diags_len(d); i++) {
            const PhDiag *g = ph_diags_at(d, i);
            sink += strlen(g->message) + (g->source_line ? strlen(g->source_line) : 0);
        }
        ph_config_free(c);
        ph_diags_free(d);
    }
    return 0;
}
