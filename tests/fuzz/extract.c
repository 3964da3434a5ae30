/*
 * extract: the libFuzzer target for the extractor. The input is one Python
 * file, x.py, taken as `pyhunt audit` takes a file: tree-sitter parse, the
 * fact walk (extractor/parse.c), the writer into an in-memory database and
 * the derived relations (ph_extract_memory). Facts that cannot be stored
 * (a writer or derive error: the file's facts lost) abort, as a crash does.
 * With FUZZ_RULES=1 in the environment every built-in rule runs too, and a
 * rule that fails (the audit's exit 3) aborts as well.
 *
 * A file the binary skips unread (a NUL byte in its first 8 KB: "binary
 * content") is skipped here too, so that what crashes here crashes
 * `pyhunt audit`: tests/fuzz/replay.sh replays extract/crashes/ through it.
 */
#include "db.h"
#include "extractor.h"
#include "rules.h"
#include "source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static PhRuleSet *rules;   /* built-in rules when FUZZ_RULES=1, else NULL */
static sqlite3 *db;        /* one database for every input, emptied after each */
static char *empty_all;    /* DELETE FROM every table that a new database has empty */

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    ph_db_global_init();
    /* A new database per input costs more than the input (schema, indexes,
     * views): empty the tables instead, which leaves what a new one holds. */
    db = ph_db_memory();
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'", -1, &st, NULL);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char *count = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", (const char *)sqlite3_column_text(st, 0));
        sqlite3_stmt *c;
        if (sqlite3_prepare_v2(db, count, -1, &c, NULL) == SQLITE_OK && sqlite3_step(c) == SQLITE_ROW &&
            sqlite3_column_int(c, 0) == 0)
            sqlite3_str_appendf(s, "DELETE FROM \"%w\";", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(c);
        sqlite3_free(count);
    }
    sqlite3_finalize(st);
    empty_all = sqlite3_str_finish(s);
    const char *r = getenv("FUZZ_RULES");
    if (r && *r == '1')
        rules = ph_rules_builtin();
    return 0;
}

/* Run every rule; abort (a crash for libFuzzer) when one fails. */
static void run_rules(void) {
    PhDiags *d = ph_diags_new();
    for (size_t i = 0; i < ph_rules_len(rules); i++) {
        PhFindings fs = {0};
        if (ph_rules_run(db, ph_rules_at(rules, i), false, &fs, d) != 0) {
            ph_diags_print(d, stderr, false);
            abort();
        }
        ph_findings_free(&fs);
    }
    ph_diags_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    if (ph_source_is_binary(text, size))
        return 0;
    PhDiags *d = ph_diags_new();
    PhMemFile f = {"x.py", text, size};
    if (ph_extract_memory(db, &f, 1, d) != 0) {
        ph_diags_print(d, stderr, false);
        abort();
    }
    if (rules)
        run_rules();
    ph_diags_free(d);
    if (sqlite3_exec(db, empty_all, NULL, NULL, NULL) != SQLITE_OK)
        abort();
    return 0;
}
