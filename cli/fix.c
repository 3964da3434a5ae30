/*
 * fix: `audit --fix` and `audit --fix-diff`, the file-system half of safe
 * fixes (core/fix.c is the other: edits into bytes and diffs). For each
 * file that holds findings with edits, in the order of the report, it reads
 * the file, checks that it is the text that was extracted, offers every
 * finding's edits, checks that the result still parses, and then writes it
 * (a temporary file renamed over it, core/output.c) or prints its diff.
 * What cannot be fixed is said, located, as a warning; the finding stays in
 * the report.
 */
#include "cli.h"
#include "db.h"
#include "fix.h"
#include "output.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Does `text` have the hash the database recorded for file_id? */
static bool same_as_extracted(sqlite3 *db, int file_id, const char *text, size_t len) {
    sqlite3_stmt *st = NULL;
    bool same = false;
    if (sqlite3_prepare_v2(db, ph_db_statement("file_hash"), -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int(st, 1, file_id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            char hash[17];
            snprintf(hash, sizeof hash, "%016llx", (unsigned long long)ph_hash64(text, len));
            const char *h = (const char *)sqlite3_column_text(st, 0);
            same = h && strcmp(h, hash) == 0;
        }
    }
    sqlite3_finalize(st);
    return same;
}

/* Say why the finding at f was not fixed. */
static void refused(PhDiags *d, const char *name, const PhFinding *f, const char *why) {
    ph_diags_add(d, PH_WARNING, name, f->loc.line, f->loc.col, 0, f->loc.snippet, "%s not fixed: %s", f->rule->id,
                 why);
}

/* Fix one file: the findings items[0..n), which share a path. */
static void fix_file(sqlite3 *db, const char *dir, const char *prefix, const PhFinding *items, size_t n, FILE *diff,
                     bool last, PhFixTotals *t, PhDiags *d) {
    char *name = ph_xasprintf("%s%s", prefix, items[0].loc.path);
    char *path = strcmp(dir, ".") == 0 ? ph_xstrdup(items[0].loc.path) : ph_xasprintf("%s/%s", dir, items[0].loc.path);
    size_t len;
    char *text = ph_read_file(path, &len);
    const char *whole_file = NULL;     /* why no fix of this file applies */
    if (!text) {
        whole_file = strerror(errno);
        t->errors++;
    }
    else if (!same_as_extracted(db, items[0].loc.file_id, text, len))
        whole_file = "the file changed since it was extracted";
    PhFix *fix = text ? ph_fix_new(text, len) : NULL;
    for (size_t i = 0; i < n; i++) {
        if (!items[i].nedits)
            continue;
        if (whole_file) {
            refused(d, name, &items[i], whole_file);
            continue;
        }
        PhFixStatus s = ph_fix_offer(fix, items[i].edits, items[i].nedits);
        if (s == PH_FIX_OVERLAP)
            t->overlapped++;
        if (s != PH_FIX_OK && (s != PH_FIX_OVERLAP || last))
            refused(d, name, &items[i], ph_fix_status_text(s));
    }
    if (fix && ph_fix_count(fix)) {
        size_t nlen;
        char *fixed = ph_fix_apply(fix, &nlen);
        char *err = NULL;
        if (ph_extract_syntax_errors(fixed, nlen) > ph_extract_syntax_errors(text, len)) {
            ph_diags_add(d, PH_ERROR, name, 0, 0, 0, NULL,
                         "fixes not applied: the fixed file would not parse (a defect of a rule's edits)");
            t->unparsable++;
        } else if (diff) {
            ph_fix_diff(fix, name, diff);
            t->fixed += (int)ph_fix_count(fix);
        } else {
            PhOutput *out = ph_output_open(path, &err);
            if (out)
                fwrite(fixed, 1, nlen, ph_output_file(out));
            if (out && ph_output_close(out, &err) == 0) {
                t->fixed += (int)ph_fix_count(fix);
            } else {
                ph_diags_add(d, PH_ERROR, NULL, 0, 0, 0, NULL, "%s", err);
                t->errors++;
            }
        }
        free(err);
        free(fixed);
    }
    ph_fix_free(fix);
    free(text);
    free(path);
    free(name);
}

void ph_cli_fix(sqlite3 *db, const char *dir, const char *prefix, const PhFindings *fs, FILE *diff, bool last,
                PhFixTotals *t) {
    PhDiags *d = ph_diags_new();
    for (size_t i = 0; i < fs->len;) {
        size_t e = i + 1;
        while (e < fs->len && strcmp(fs->items[e].loc.path, fs->items[i].loc.path) == 0)
            e++;
        bool any = false;
        for (size_t k = i; k < e && !any; k++)
            any = fs->items[k].nedits > 0;
        if (any)
            fix_file(db, dir, prefix, fs->items + i, e - i, diff, last, t, d);
        i = e;
    }
    ph_cli_print_diags(d);
    ph_diags_free(d);
}
