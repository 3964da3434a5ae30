/*
 * baseline: reading, applying and writing baseline files (baseline.h has
 * the format).
 *
 * Reading is in two steps. SQLite's JSON functions take the values apart
 * (the named statements baseline_header and baseline_entries, on an
 * in-memory connection of its own, as the file is read before the fact
 * database is opened). Before them,
 * a small scanner walks the text once, only to say where it stops being
 * JSON and where the values the checks look at start (the top-level keys,
 * each entry), so that every error is located: SQLite 3.40 has no
 * json_error_position(). The scanner keeps no value.
 */
#include "baseline.h"
#include "db.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct Entry {
    uint64_t fingerprint;
    char *rule;
    bool used;             /* matched a finding already */
} Entry;

struct PhBaseline {
    Entry *entries;        /* sorted by fingerprint */
    size_t len;
};

/* ---------------------------------------------------------------------------
 * The scanner.
 */

enum { MAX_DEPTH = 64 };
#define ABSENT ((size_t)-1)   /* no such value */

typedef struct Scan {
    const char *s;
    size_t n, i;
    const char *error;     /* what is wrong at i; NULL while the text is JSON */
    size_t version_at;     /* offsets of the top-level values "version" and "findings", or ABSENT */
    size_t findings_at;
    PhVec(size_t) entries; /* offset of each element of the top-level "findings" array */
} Scan;

static bool fail(Scan *sc, const char *what) {
    if (!sc->error)
        sc->error = what;
    return false;
}

static void blanks(Scan *sc) {
    while (sc->i < sc->n && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' || sc->s[sc->i] == '\n' ||
                             sc->s[sc->i] == '\r'))
        sc->i++;
}

static bool hex4(const char *s) {
    for (int k = 0; k < 4; k++)
        if (!s[k] || !strchr("0123456789abcdefABCDEF", s[k]))
            return false;
    return true;
}

static bool scan_string(Scan *sc) {
    sc->i++;   /* the opening quote */
    while (sc->i < sc->n) {
        unsigned char c = (unsigned char)sc->s[sc->i];
        if (c == '"') {
            sc->i++;
            return true;
        }
        if (c < 0x20)
            return fail(sc, "a control character in a string (JSON writes it \\u00XX)");
        if (c == '\\') {
            char e = sc->i + 1 < sc->n ? sc->s[sc->i + 1] : 0;
            if (e == 'u' && sc->i + 6 <= sc->n && hex4(sc->s + sc->i + 2)) {
                sc->i += 6;
                continue;
            }
            if (!e || !strchr("\"\\/bfnrt", e))
                return fail(sc, "an escape JSON does not have");
            sc->i += 2;
            continue;
        }
        size_t k = ph_utf8_char(sc->s + sc->i, sc->n - sc->i);
        if (!k)
            return fail(sc, "bytes that are not UTF-8");
        sc->i += k;
    }
    return fail(sc, "a string that does not end");
}

static bool digits(Scan *sc) {
    size_t from = sc->i;
    while (sc->i < sc->n && sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9')
        sc->i++;
    return sc->i > from || fail(sc, "a digit expected");
}

static bool scan_number(Scan *sc) {
    if (sc->s[sc->i] == '-')
        sc->i++;
    if (sc->i < sc->n && sc->s[sc->i] == '0')
        sc->i++;
    else if (!digits(sc))
        return false;
    if (sc->i < sc->n && sc->s[sc->i] == '.') {
        sc->i++;
        if (!digits(sc))
            return false;
    }
    if (sc->i < sc->n && (sc->s[sc->i] == 'e' || sc->s[sc->i] == 'E')) {
        sc->i++;
        if (sc->i < sc->n && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-'))
            sc->i++;
        return digits(sc);
    }
    return true;
}

/* Is the key text[start, end) (with its quotes) spelled `name`? Keys written with escapes are not recognised, which
 * only costs the location of a later error. */
static bool key_is(const Scan *sc, size_t start, size_t end, const char *name) {
    size_t n = strlen(name);
    return end - start == n + 2 && memcmp(sc->s + start + 1, name, n) == 0;
}

/* A value at sc->i. `top`: the document's object, whose "version" and
 * "findings" are noted; `entries`: the findings array, whose elements are. */
static bool scan_value(Scan *sc, int depth, bool top, bool entries) {
    blanks(sc);
    if (sc->i >= sc->n)
        return fail(sc, "a value expected");
    if (depth > MAX_DEPTH)
        return fail(sc, "values nested too deeply");
    char c = sc->s[sc->i];
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        sc->i++;
        blanks(sc);
        if (sc->i < sc->n && sc->s[sc->i] == close) {
            sc->i++;
            return true;
        }
        for (;;) {
            bool member_findings = false;
            if (c == '{') {
                blanks(sc);
                if (sc->i >= sc->n || sc->s[sc->i] != '"')
                    return fail(sc, "a key (a string in double quotes) expected");
                size_t key = sc->i;
                if (!scan_string(sc))
                    return false;
                size_t key_end = sc->i;
                blanks(sc);
                if (sc->i >= sc->n || sc->s[sc->i] != ':')
                    return fail(sc, "':' expected after the key");
                sc->i++;
                blanks(sc);
                if (top && key_is(sc, key, key_end, "version"))
                    sc->version_at = sc->i;
                if (top && key_is(sc, key, key_end, "findings")) {
                    sc->findings_at = sc->i;
                    member_findings = true;
                }
            } else if (entries) {
                blanks(sc);
                ph_vec_push(&sc->entries, sc->i);
            }
            if (!scan_value(sc, depth + 1, false, member_findings && sc->i < sc->n && sc->s[sc->i] == '['))
                return false;
            blanks(sc);
            if (sc->i < sc->n && sc->s[sc->i] == ',') {
                sc->i++;
                continue;
            }
            if (sc->i < sc->n && sc->s[sc->i] == close) {
                sc->i++;
                return true;
            }
            return fail(sc, c == '{' ? "',' or '}' expected" : "',' or ']' expected");
        }
    }
    if (c == '"')
        return scan_string(sc);
    if (c == '-' || (c >= '0' && c <= '9'))
        return scan_number(sc);
    static const char *const words[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++) {
        size_t n = strlen(words[k]);
        if (sc->n - sc->i >= n && memcmp(sc->s + sc->i, words[k], n) == 0) {
            sc->i += n;
            return true;
        }
    }
    return fail(sc, "a value expected");
}

/* ---------------------------------------------------------------------------
 * Reading.
 */

static int cmp_entry(const void *a, const void *b) {
    const Entry *x = a, *y = b;
    return x->fingerprint < y->fingerprint ? -1 : x->fingerprint > y->fingerprint;
}

static bool is_fingerprint(const char *s) {
    if (!s || strlen(s) != PH_FINGERPRINT_SIZE - 1)
        return false;
    for (const char *p = s; *p; p++)
        if (!strchr("0123456789abcdef", *p))
            return false;
    return true;
}

/* An error at byte `at` of the file, its line shown with a caret. */
static void error_at(PhDiags *d, const char *path, const char *text, size_t at, const char *fmt, const char *what) {
    char *msg = ph_xasprintf(fmt, what);
    ph_diags_add_at(d, PH_ERROR, path, text, at, 1, 1, msg);
    free(msg);
}

#define NOT_A_BASELINE "not a pyhunt baseline: %s"

/* The entries of the checked text into b. Returns false after an error. */
static bool read_entries(sqlite3 *db, const char *path, const char *text, const Scan *sc, PhBaseline *b,
                         PhDiags *d) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, ph_db_statement("baseline_entries"), -1, &st, NULL) != SQLITE_OK) {
        ph_diags_add(d, PH_ERROR, path, 0, 0, 0, NULL, "cannot read the baseline: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return false;
    }
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    PhVec(Entry) v = {0};
    bool ok = true;
    int rc;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = (size_t)sqlite3_column_int64(st, 0);
        size_t at = k < sc->entries.len ? sc->entries.items[k] : sc->findings_at;
        const char *type = (const char *)sqlite3_column_text(st, 1);
        const char *names[3] = {"fingerprint", "rule", "path"};
        const char *values[3];
        for (int c = 0; c < 3; c++) {
            const char *t = (const char *)sqlite3_column_text(st, 2 + 2 * c);
            values[c] = t && strcmp(t, "text") == 0 ? (const char *)sqlite3_column_text(st, 3 + 2 * c) : NULL;
        }
        char *why = NULL;
        if (!type || strcmp(type, "object") != 0)
            why = ph_xstrdup("an entry is an object with \"fingerprint\", \"rule\" and \"path\"");
        for (int c = 0; c < 3 && !why; c++)
            if (!values[c])
                why = ph_xasprintf("the entry has no \"%s\" string", names[c]);
        if (!why && !is_fingerprint(values[0]))
            why = ph_xasprintf("\"%s\" is not a fingerprint (16 lowercase hex digits)", values[0]);
        if (why) {
            error_at(d, path, text, at, NOT_A_BASELINE, why);
            free(why);
            ok = false;
            break;
        }
        Entry e = {strtoull(values[0], NULL, 16), ph_xstrdup(values[1]), false};
        ph_vec_push(&v, e);
    }
    if (ok && rc != SQLITE_DONE) {
        ph_diags_add(d, PH_ERROR, path, 0, 0, 0, NULL, "cannot read the baseline: %s", sqlite3_errmsg(db));
        ok = false;
    }
    sqlite3_finalize(st);
    b->entries = v.items;
    b->len = v.len;
    if (b->len)
        qsort(b->entries, b->len, sizeof *b->entries, cmp_entry);
    return ok;
}

/* The baseline in text (len bytes), or NULL after a diagnostic. */
static PhBaseline *read_text(sqlite3 *db, const char *path, const char *text, size_t len, PhDiags *d) {
    Scan sc = {.s = text, .n = len, .version_at = ABSENT, .findings_at = ABSENT};
    bool json = scan_value(&sc, 0, true, false);
    blanks(&sc);
    if (json && sc.i < sc.n)
        json = fail(&sc, "text after the JSON value");
    if (!json) {   /* a NUL byte too: no JSON value or string holds one */
        error_at(d, path, text, sc.i, "not valid JSON: %s", sc.error);
        free(sc.entries.items);
        return NULL;
    }
    PhBaseline *b = ph_xcalloc(1, sizeof *b);
    bool good = false;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, ph_db_statement("baseline_header"), -1, &st, NULL) == SQLITE_OK)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    if (!st || sqlite3_step(st) != SQLITE_ROW) {
        ph_diags_add(d, PH_ERROR, path, 0, 0, 0, NULL, "cannot read the baseline: %s", sqlite3_errmsg(db));
    } else {
        const char *whole = (const char *)sqlite3_column_text(st, 0);
        const char *version = (const char *)sqlite3_column_text(st, 1);
        const char *findings = (const char *)sqlite3_column_text(st, 2);
        size_t start = strspn(text, " \t\r\n");
        if (!whole || strcmp(whole, "object") != 0)
            error_at(d, path, text, start, NOT_A_BASELINE, "it is a JSON object with \"findings\" and \"version\"");
        else if (!version)
            error_at(d, path, text, start, NOT_A_BASELINE, "it has no \"version\"");
        else if (strcmp(version, "integer") != 0 || sqlite3_column_int64(st, 3) != 1)
            error_at(d, path, text, sc.version_at != ABSENT ? sc.version_at : start, NOT_A_BASELINE,
                     "\"version\" is 1 in the baselines this pyhunt reads and writes");
        else if (!findings || strcmp(findings, "array") != 0)
            error_at(d, path, text, sc.findings_at != ABSENT ? sc.findings_at : start, NOT_A_BASELINE,
                     "\"findings\" is an array of entries");
        else
            good = read_entries(db, path, text, &sc, b, d);
    }
    sqlite3_finalize(st);
    free(sc.entries.items);
    if (!good) {
        ph_baseline_free(b);
        return NULL;
    }
    return b;
}

PhBaseline *ph_baseline_read(const char *path, PhDiags *d) {
    size_t len;
    char *text = ph_read_file(path, &len);
    if (!text) {
        ph_diags_add(d, PH_ERROR, path, 0, 0, 0, NULL, "cannot read the baseline: %s", strerror(errno));
        return NULL;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK) {
        ph_diags_add(d, PH_ERROR, path, 0, 0, 0, NULL, "cannot read the baseline: %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        free(text);
        return NULL;
    }
    PhBaseline *b = read_text(db, path, text, len, d);
    sqlite3_close(db);
    free(text);
    return b;
}

void ph_baseline_free(PhBaseline *self) {
    if (!self)
        return;
    for (size_t i = 0; i < self->len; i++)
        free(self->entries[i].rule);
    free(self->entries);
    free(self);
}

/* ---------------------------------------------------------------------------
 * Applying and writing.
 */

/* An unused entry with this fingerprint, or NULL. */
static Entry *unused(PhBaseline *b, uint64_t fp) {
    size_t lo = 0, hi = b->len;
    while (lo < hi) {   /* the first entry >= fp */
        size_t mid = lo + (hi - lo) / 2;
        if (b->entries[mid].fingerprint < fp)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < b->len && b->entries[i].fingerprint == fp; i++)
        if (!b->entries[i].used)
            return &b->entries[i];
    return NULL;
}

static bool not_in_baseline(const PhFinding *f, void *baseline) {
    Entry *e = unused(baseline, f->fingerprint);
    if (e)
        e->used = true;
    return !e;
}

void ph_baseline_apply(PhBaseline *self, const char *path, PhFindings *fs, const PhRuleSet *ran,
                       PhBaselineCounts *counts) {
    for (size_t i = 0; i < self->len; i++)
        self->entries[i].used = false;
    counts->path = path;
    counts->matched = ph_findings_keep(fs, not_in_baseline, self);
    counts->unmatched = 0;
    for (size_t i = 0; i < self->len; i++)
        counts->unmatched += !self->entries[i].used && ph_rules_find(ran, self->entries[i].rule);
}

void ph_baseline_write(FILE *f, const PhFindings *fs) {
    fputs("{\n  \"findings\": [", f);
    for (size_t i = 0; i < fs->len; i++) {
        const PhFinding *x = &fs->items[i];
        char fp[PH_FINGERPRINT_SIZE];
        ph_report_fingerprint(x, fp);
        fprintf(f, "%s{\"fingerprint\": \"%s\", \"message\": ", i ? ",\n    " : "\n    ", fp);
        ph_json_string(f, x->message);
        fputs(", \"path\": ", f);
        ph_json_string(f, x->loc.path);
        fputs(", \"rule\": ", f);
        ph_json_string(f, x->rule->id);
        fputc('}', f);
    }
    fputs(fs->len ? "\n  ],\n  \"version\": 1\n}\n" : "],\n  \"version\": 1\n}\n", f);
}
