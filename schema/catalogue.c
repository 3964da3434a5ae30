/*
 * catalogue: reading, checking and loading catalogue files (catalogue.h).
 *
 * A file is lines of `NAME KIND [KEY=VALUE ...]` (schema/catalogue.tsv
 * documents it). The vocabulary is data too: a row of kind `kind` declares
 * a kind, and its `family` and `unless` values, written `a|b|c`, are the
 * values rows of that kind may take. The built-in file declares the kinds
 * every rule knows; a user file may use those and declare its own.
 */
#include "catalogue.h"
#include "embedded.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Columns of a row, in the order of the catalogue table and of the
 * catalogue_insert statement's parameters. */
enum { C_NAME, C_KIND, C_FAMILY, C_POS, C_LABEL, C_UNLESS, C_TEXT, NCOLS };
static const char *const keys[NCOLS] = {NULL, NULL, "family", "pos", "label", "unless", "text"};

typedef struct Kind {
    char *name;
    char *families;     /* "a|b|c", or NULL: any value */
    char *unlesses;     /* likewise for `unless` */
} Kind;

typedef PhVec(Kind) Vocab;

/* One parsed row; values point into `buf` (NULL when not given). */
typedef struct Row {
    const char *v[NCOLS];
    int col[NCOLS];     /* 1-based column of each value, for errors */
    int line;
} Row;

typedef int (*RowFn)(void *ctx, const Row *row);

static const Kind *find_kind(const Vocab *v, const char *name) {
    for (size_t i = 0; v && i < v->len; i++)
        if (strcmp(v->items[i].name, name) == 0)
            return &v->items[i];
    return NULL;
}

static void vocab_free(Vocab *v) {
    for (size_t i = 0; i < v->len; i++) {
        free(v->items[i].name);
        free(v->items[i].families);
        free(v->items[i].unlesses);
    }
    free(v->items);
    memset(v, 0, sizeof *v);
}

/* Is `value` one of the '|'-separated words of `list`? */
static bool in_list(const char *list, const char *value) {
    size_t n = strlen(value);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, value, n) == 0)
            return true;
        p += len + (e != NULL);
    }
    return false;
}

typedef struct Parser {
    const char *path;
    PhDiags *diags;
    const char *line_start;
    size_t line_len;
    int line;
    int errors;
} Parser;

/* An error at column col (1-based) of the current line, `width` bytes
 * underlined; takes `msg` (from ph_xasprintf) and frees it. */
static void error_at(Parser *p, int col, int width, char *msg) {
    char *src = ph_xstrndup(p->line_start, p->line_len);
    ph_diags_add(p->diags, PH_ERROR, p->path, p->line, col, width > 1 ? col + width : 0, src, "%s", msg);
    free(msg);
    free(src);
    p->errors++;
}

/* Check a row's values against the kinds known (base, then own) and
 * declare it in `own` when it is a kind row. */
static bool check_row(Parser *p, const Row *r, const Vocab *base, Vocab *own) {
    const char *kind = r->v[C_KIND];
    if (strcmp(kind, "kind") == 0) {
        if (find_kind(base, r->v[C_NAME]) || find_kind(own, r->v[C_NAME])) {
            error_at(p, r->col[C_NAME], (int)strlen(r->v[C_NAME]), ph_xasprintf("kind '%s' is declared twice", r->v[C_NAME]));
            return false;
        }
        Kind k = {ph_xstrdup(r->v[C_NAME]), r->v[C_FAMILY] ? ph_xstrdup(r->v[C_FAMILY]) : NULL,
                  r->v[C_UNLESS] ? ph_xstrdup(r->v[C_UNLESS]) : NULL};
        ph_vec_push(own, k);
        return true;
    }
    const Kind *k = find_kind(base, kind);
    if (!k)
        k = find_kind(own, kind);
    if (!k) {
        error_at(p, r->col[C_KIND], (int)strlen(kind),
                 ph_xasprintf("unknown kind '%s' (a row of kind 'kind' declares each; see " PH_CATALOGUE_BUILTIN ")",
                              kind));
        return false;
    }
    static const int listed[] = {C_FAMILY, C_UNLESS};
    for (size_t i = 0; i < 2; i++) {
        int c = listed[i];
        const char *allowed = c == C_FAMILY ? k->families : k->unlesses;
        if (r->v[c] && allowed && !in_list(allowed, r->v[c])) {
            error_at(p, r->col[c], (int)strlen(r->v[c]) + (int)strlen(keys[c]) + 1,
                     ph_xasprintf("%s '%s' is not one kind %s allows (%s)", keys[c], r->v[c], kind, allowed));
            return false;
        }
    }
    if (r->v[C_POS]) {
        const char *s = r->v[C_POS];
        bool digits = *s != 0;
        for (; *s; s++)
            digits &= *s >= '0' && *s <= '9';
        if (!digits || strlen(r->v[C_POS]) > 6) {
            error_at(p, r->col[C_POS], (int)strlen(r->v[C_POS]) + 4,
                     ph_xasprintf("pos takes an argument position (0, 1, ...), not '%s'", r->v[C_POS]));
            return false;
        }
    }
    return true;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Split one line into a row. Values are copied into `buf` (at most the
 * line's length plus one byte per value). Returns false after an error;
 * *empty is set for blank and comment lines. */
static bool split_line(Parser *p, char *buf, Row *r, bool *empty) {
    const char *s = p->line_start, *end = s + p->line_len;
    memset(r, 0, sizeof *r);
    r->line = p->line;
    size_t i = 0;
    while (s + i < end && is_blank(s[i]))
        i++;
    *empty = s + i == end || s[i] == '#';
    if (*empty)
        return true;
    char *out = buf;
    int field = 0;
    while (s + i < end && s[i] != '#') {   /* a blank then `#` ends the row: a comment */
        size_t start = i;
        int col = (int)start + 1;
        if (field < 2) {
            while (s + i < end && !is_blank(s[i]))
                i++;
            const char *tok = s + start;
            size_t n = i - start;
            if (memchr(tok, '=', n) || memchr(tok, '"', n)) {
                error_at(p, col, (int)n,
                         ph_xasprintf(field == 0 ? "a row starts with a name, then its kind, not '%.*s'"
                                                 : "a row's second column is its kind, not '%.*s'",
                                      (int)n, tok));
                return false;
            }
            memcpy(out, tok, n);
            out[n] = 0;
            r->v[field] = out;
            r->col[field] = col;
            out += n + 1;
            field++;
        } else {
            size_t k = i;
            while (s + k < end && s[k] != '=' && !is_blank(s[k]))
                k++;
            if (s + k == end || s[k] != '=' || k == i) {
                while (s + k < end && !is_blank(s[k]))
                    k++;
                error_at(p, col, (int)(k - start),
                         ph_xasprintf("KEY=VALUE expected after the kind, not '%.*s'", (int)(k - start), s + start));
                return false;
            }
            int c = -1;
            for (int j = 2; j < NCOLS; j++)
                if (strlen(keys[j]) == k - i && strncmp(keys[j], s + i, k - i) == 0)
                    c = j;
            if (c < 0) {
                error_at(p, col, (int)(k - i),
                         ph_xasprintf("unknown key '%.*s' (family, pos, label, unless, text)", (int)(k - i), s + i));
                return false;
            }
            if (r->v[c]) {
                error_at(p, col, (int)(k - i), ph_xasprintf("%s= given twice", keys[c]));
                return false;
            }
            i = k + 1;
            const char *val;
            size_t n;
            if (s + i < end && s[i] == '"') {
                const char *close = memchr(s + i + 1, '"', (size_t)(end - s - i - 1));
                if (!close) {
                    error_at(p, (int)i + 1, 1, ph_xasprintf("unterminated quoted value"));
                    return false;
                }
                val = s + i + 1;
                n = (size_t)(close - val);
                i = (size_t)(close - s) + 1;
                if (s + i < end && !is_blank(s[i])) {
                    error_at(p, (int)i + 1, 1, ph_xasprintf("a blank must follow a quoted value"));
                    return false;
                }
            } else {
                val = s + i;
                while (s + i < end && !is_blank(s[i]))
                    i++;
                n = (size_t)(s + i - val);
                if (memchr(val, '"', n)) {
                    error_at(p, col, (int)(k - start) + 1 + (int)n,
                             ph_xasprintf("a value with a quote must be quoted whole"));
                    return false;
                }
            }
            if (n == 0) {
                error_at(p, col, (int)(k - start) + 1, ph_xasprintf("%s= has no value", keys[c]));
                return false;
            }
            memcpy(out, val, n);
            out[n] = 0;
            r->v[c] = out;
            r->col[c] = col;
            out += n + 1;
        }
        while (s + i < end && is_blank(s[i]))
            i++;
    }
    if (field < 2) {
        error_at(p, (int)p->line_len + 1, 1, ph_xasprintf("row '%s' has no kind", r->v[C_NAME]));
        return false;
    }
    return true;
}

/* Parse every row of text, checking it against `base` and the kinds the
 * text declares (collected in *own), and hand each good row to fn. Returns
 * the number of errors. */
static int parse(const char *path, const char *text, const Vocab *base, Vocab *own, RowFn fn, void *ctx,
                 PhDiags *diags) {
    Parser p = {.path = path, .diags = diags};
    char *buf = NULL;
    size_t cap = 0;
    for (const char *s = text; *s;) {
        const char *eol = strchr(s, '\n');
        size_t n = eol ? (size_t)(eol - s) : strlen(s);
        p.line++;
        p.line_start = s;
        p.line_len = n && s[n - 1] == '\r' ? n - 1 : n;
        if (cap < p.line_len + NCOLS + 1) {
            cap = p.line_len + NCOLS + 1;
            buf = ph_xrealloc(buf, cap);
        }
        Row r;
        bool empty;
        if (split_line(&p, buf, &r, &empty) && !empty && check_row(&p, &r, base, own) && fn && fn(ctx, &r) != 0)
            p.errors++;
        s = eol ? eol + 1 : s + n;
    }
    free(buf);
    return p.errors;
}

/* The built-in vocabulary, parsed once. */
static Vocab builtin_vocab;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void read_builtin_vocab(void) {
    PhDiags *d = ph_diags_new();
    if (parse(PH_CATALOGUE_BUILTIN, ph_db_embedded(PH_CATALOGUE_BUILTIN), NULL, &builtin_vocab, NULL, NULL, d)) {
        ph_diags_print(d, stderr, false);
        abort();   /* the embedded catalogue is broken: a build defect */
    }
    ph_diags_free(d);
}

static const Vocab *builtin(void) {
    pthread_once(&builtin_once, read_builtin_vocab);
    return &builtin_vocab;
}

int ph_catalogue_check(const char *path, const char *text, PhDiags *diags) {
    Vocab own = {0};
    int errors = parse(path, text, builtin(), &own, NULL, NULL, diags);
    vocab_free(&own);
    return errors ? -1 : 0;
}

typedef struct Loader {
    sqlite3 *db;
    sqlite3_stmt *insert;
    const char *path;
    PhDiags *diags;
} Loader;

static int insert_row(void *ctx, const Row *r) {
    Loader *l = ctx;
    sqlite3_stmt *st = l->insert;
    for (int c = 0; c < NCOLS; c++) {
        if (!r->v[c])
            sqlite3_bind_null(st, c + 1);
        else if (c == C_POS)
            sqlite3_bind_int(st, c + 1, atoi(r->v[c]));
        else
            sqlite3_bind_text(st, c + 1, r->v[c], -1, SQLITE_TRANSIENT);
    }
    char *origin = ph_xasprintf("%s:%d", l->path, r->line);
    sqlite3_bind_text(st, NCOLS + 1, origin, -1, SQLITE_TRANSIENT);
    free(origin);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    if (rc)
        ph_diags_add(l->diags, PH_ERROR, l->path, r->line, 0, 0, NULL, "cannot load the row: %s", sqlite3_errmsg(l->db));
    sqlite3_reset(st);
    return rc;
}

/* Parse text and insert its rows, in one transaction when none is open. */
static int load(sqlite3 *db, const char *path, const char *text, const Vocab *base, PhDiags *diags) {
    Loader l = {db, NULL, path, diags};
    int rc = sqlite3_prepare_v2(db, ph_db_statement("catalogue_insert"), -1, &l.insert, NULL);
    if (rc != SQLITE_OK) {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot load the catalogue: %s", sqlite3_errmsg(db));
        return rc;
    }
    bool own_tx = sqlite3_get_autocommit(db);
    if (own_tx)
        sqlite3_exec(db, "SAVEPOINT catalogue", NULL, NULL, NULL);
    Vocab own = {0};
    int errors = parse(path, text, base, &own, insert_row, &l, diags);
    vocab_free(&own);
    sqlite3_finalize(l.insert);
    if (own_tx)
        sqlite3_exec(db, errors ? "ROLLBACK TO catalogue; RELEASE catalogue" : "RELEASE catalogue", NULL, NULL, NULL);
    return errors ? SQLITE_ERROR : SQLITE_OK;
}

int ph_catalogue_load_builtin(sqlite3 *db, PhDiags *diags) {
    int rc = ph_db_exec_script(db, "schema/catalogue.sql", ph_db_embedded("schema/catalogue.sql"), diags);
    if (rc == SQLITE_OK)
        rc = load(db, PH_CATALOGUE_BUILTIN, ph_db_embedded(PH_CATALOGUE_BUILTIN), NULL, diags);
    return rc;
}

int ph_catalogue_load(sqlite3 *db, const char *path, const char *text, PhDiags *diags) {
    return load(db, path, text, builtin(), diags);
}

int ph_catalogue_reset(sqlite3 *db) {
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, ph_db_statement("catalogue_reset"), -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, PH_CATALOGUE_BUILTIN ":", -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
    sqlite3_finalize(st);
    return rc;
}

uint64_t ph_catalogue_hash(sqlite3 *db) {
    sqlite3_stmt *st;
    uint64_t h = 0xcbf29ce484222325ULL;
    if (sqlite3_prepare_v2(db, ph_db_statement("catalogue_rows"), -1, &st, NULL) != SQLITE_OK)
        return 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        for (int c = 0; c < NCOLS; c++) {
            const unsigned char *v = sqlite3_column_text(st, c);
            /* a value and its end (NUL, or 1 for NULL) go into the hash */
            h = (h * 1099511628211u) ^ (v ? ph_hash64(v, strlen((const char *)v) + 1) : 1);
        }
    sqlite3_finalize(st);
    return h;
}
