/*
 * fix: `audit --fix` and `audit --fix-diff`, the file-system half of safe
 * fixes (core/fix.c is the other: edits into bytes and diffs). For each
 * file that holds findings with edits, in the order of the report, it reads
 * the file, checks that it is the text that was extracted, offers every
 * finding's edits, checks that the result still parses, and then writes it
 * (a temporary file renamed over it, base/output.c) or prints its diff.
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

/* The edits of the findings taken (items[i] where taken[i]) applied to the
 * file's bytes, reading its characters as `chars`: the new bytes (caller
 * frees with free(), *len their length) and, in *fix, the edits as byte
 * spans (caller frees with ph_fix_free()); NULL when an edit does not land
 * in the bytes. */
static char *apply_to_bytes(const char *bytes, size_t blen, PhFixChars chars, const PhFinding *items, size_t n,
                            const bool *taken, PhFix **fix, size_t *len) {
    *fix = ph_fix_new(bytes, blen, chars);
    for (size_t i = 0; i < n; i++)
        if (taken[i] && ph_fix_offer(*fix, items[i].edits, items[i].nedits) != PH_FIX_OK) {
            ph_fix_free(*fix);
            *fix = NULL;
            return NULL;
        }
    return ph_fix_apply(*fix, len);
}

/* Fix one file: the findings items[0..n), which share a path.
 *
 * The edits' positions count the characters of the text the extractor
 * read, which may differ from the file's bytes (an encoding it decoded,
 * bytes it replaced). So they are applied twice: to that text, where they
 * are exact (which fixes are taken, and the text they should give), and to
 * the bytes, reading the characters one way and then another; the bytes
 * are written only when the extractor reads them as exactly that text. */
static void fix_file(sqlite3 *db, const char *dir, const PhFinding *items, size_t n, FILE *diff, bool last,
                     PhFixTotals *t, PhDiags *d) {
    const char *name = items[0].loc.path;
    char *path = strcmp(dir, ".") == 0 ? ph_xstrdup(items[0].loc.path) : ph_xasprintf("%s/%s", dir, items[0].loc.path);
    size_t len;
    char *bytes = ph_read_file(path, &len);
    const char *whole_file = NULL;     /* why no fix of this file applies */
    if (!bytes) {
        whole_file = strerror(errno);
        t->errors++;
    } else if (!same_as_extracted(db, items[0].loc.file_id, bytes, len)) {
        whole_file = "the file changed since it was extracted";
    }
    size_t tlen = 0;
    char *text = bytes && !whole_file ? ph_extract_text(bytes, len, &tlen) : NULL;
    PhFix *exact = text ? ph_fix_new(text, tlen, PH_FIX_UTF8) : NULL;
    bool *taken = ph_xcalloc(n, sizeof *taken);
    for (size_t i = 0; i < n; i++) {
        if (!items[i].nedits)
            continue;
        if (whole_file) {
            refused(d, name, &items[i], whole_file);
            continue;
        }
        PhFixStatus s = ph_fix_offer(exact, items[i].edits, items[i].nedits);
        taken[i] = s == PH_FIX_OK;
        if (s == PH_FIX_OVERLAP)
            t->overlapped++;
        if (s != PH_FIX_OK && (s != PH_FIX_OVERLAP || last))
            refused(d, name, &items[i], ph_fix_status_text(s));
    }
    if (exact && ph_fix_count(exact)) {
        size_t wlen, flen = 0;
        char *wanted = ph_fix_apply(exact, &wlen), *fixed = NULL;
        PhFix *spans = NULL;
        const PhFixChars readings[] = {PH_FIX_UTF8, PH_FIX_BYTES};
        for (size_t k = 0; k < sizeof readings / sizeof *readings && !fixed; k++) {
            fixed = apply_to_bytes(bytes, len, readings[k], items, n, taken, &spans, &flen);
            size_t rlen;
            char *read = fixed ? ph_extract_text(fixed, flen, &rlen) : NULL;
            if (fixed && (rlen != wlen || memcmp(read, wanted, wlen) != 0)) {
                free(fixed);
                fixed = NULL;
                ph_fix_free(spans);
                spans = NULL;
            }
            free(read);
        }
        char *err = NULL;
        if (!fixed) {
            ph_diags_add(d, PH_WARNING, name, 0, 0, 0, NULL,
                         "fixes not applied: pyhunt cannot tell where their positions fall in the file's bytes "
                         "(its encoding, or line ends that are a lone CR)");
        } else if (ph_extract_syntax_errors(wanted, wlen) > ph_extract_syntax_errors(text, tlen)) {
            ph_diags_add(d, PH_ERROR, name, 0, 0, 0, NULL,
                         "fixes not applied: the fixed file would not parse (a defect of a rule's edits)");
            t->unparsable++;
        } else if (diff) {
            ph_fix_diff(spans, name, diff);
            t->fixed += (int)ph_fix_count(spans);
        } else {
            PhOutput *out = ph_output_open(path, &err);
            if (out)
                fwrite(fixed, 1, flen, ph_output_file(out));
            if (out && ph_output_close(out, &err) == 0) {
                t->fixed += (int)ph_fix_count(spans);
            } else {
                ph_diags_add(d, PH_ERROR, NULL, 0, 0, 0, NULL, "%s", err);
                t->errors++;
            }
        }
        free(err);
        free(fixed);
        free(wanted);
        ph_fix_free(spans);
    }
    ph_fix_free(exact);
    free(taken);
    free(text);
    free(bytes);
    free(path);
}

void ph_cli_fix(sqlite3 *db, const char *dir, const PhFindings *fs, FILE *diff, bool last, PhFixTotals *t) {
    PhDiags *d = ph_diags_new();
    for (size_t i = 0; i < fs->len;) {
        size_t e = i + 1;
        while (e < fs->len && strcmp(fs->items[e].loc.path, fs->items[i].loc.path) == 0)
            e++;
        bool any = false;
        for (size_t k = i; k < e && !any; k++)
            any = fs->items[k].nedits > 0;
        if (any)
            fix_file(db, dir, fs->items + i, e - i, diff, last, t, d);
        i = e;
    }
    ph_cli_print_diags(d);
    ph_diags_free(d);
}
