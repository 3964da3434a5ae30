/*
 * report_model: the report model, built once in the runner layer for every
 * format and for `pyhunt audit` and the REPL's `.run` alike. It owns what a
 * report shows beyond the rows the rules returned:
 *
 *   - the source text of every location, read from the audited tree;
 *   - each finding's fingerprint, its identity across edits (SARIF
 *     partialFingerprints and baselines read the same value);
 *   - the counts of the scanned tree, the imported libraries that describe
 *     its async architecture and the call at each finding (the named
 *     statements counts, audit_surface, audit_arch and finding_call);
 *   - the file URI of the directory that paths are relative to.
 *
 * The formats (report*.c) only print what it gathered.
 */
#include "report.h"
#include "db.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *ph_report_root_dir(const char *root) {
    struct stat st;
    if (stat(root, &st) == 0 && S_ISDIR(st.st_mode))
        return ph_xstrdup(root);
    const char *slash = strrchr(root, '/');
    if (!slash)
        return ph_xstrdup(".");
    return slash == root ? ph_xstrdup("/") : ph_xstrndup(root, (size_t)(slash - root));
}

/* A named statement, prepared; NULL (after saying so) when it does not
 * compile, which is a build defect the tests catch. */
static sqlite3_stmt *prepare(sqlite3 *db, const char *name) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, ph_db_statement(name), -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "pyhunt: internal error: statement %s: %s\n", name, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* ---------------------------------------------------------------------------
 * Sources and fingerprints.
 */

/* One file's text at a time, with the offset of each of its lines: the
 * findings are sorted by path, their related locations are mostly in the
 * same file, and many findings in one large file cost no rescan from its
 * top. Only regular files are read, within the extractor's size cap. */
typedef struct Source {
    const char *dir;       /* what paths are relative to */
    size_t max_bytes;      /* the largest file read */
    char *path;            /* the file read last, or NULL */
    char *text;            /* its text, or NULL when it could not be read */
    size_t len;
    PhVec(size_t) starts;  /* byte offset of each line of text, line 1 first */
} Source;

/* Line `line` (1-based) of the current text, without its line end; NULL
 * past the end. Caller frees with free(). */
static char *line_of(const Source *src, int line) {
    if (line < 1 || (size_t)line > src->starts.len)
        return NULL;
    const char *p = src->text + src->starts.items[line - 1];
    size_t n = 0;
    while (p + n < src->text + src->len && p[n] != '\n' && p[n] != '\r')
        n++;
    return ph_xstrndup(p, n);
}

static void read_location(Source *src, PhLocation *l) {
    if (!src->path || strcmp(src->path, l->path) != 0) {
        free(src->path);
        free(src->text);
        src->path = ph_xstrdup(l->path);
        char *abs = l->path[0] == '/' ? ph_xstrdup(l->path) : ph_xasprintf("%s/%s", src->dir, l->path);
        src->len = 0;
        src->text = ph_read_regular(abs, src->max_bytes, &src->len);
        free(abs);
        /* lines end as the extractor's do: at "\n", "\r\n" or a lone "\r" */
        src->starts.len = 0;
        for (size_t at = 0; src->text && at < src->len;) {
            ph_vec_push(&src->starts, at);
            while (at < src->len && src->text[at] != '\n' && src->text[at] != '\r')
                at++;
            at += at < src->len && src->text[at] == '\r' && at + 1 < src->len && src->text[at + 1] == '\n' ? 2 : 1;
        }
    }
    if (!src->text || l->line <= 0)
        return;
    free(l->snippet);
    free(l->end_snippet);
    l->snippet = line_of(src, l->line);
    l->end_snippet = l->end_line > l->line ? line_of(src, l->end_line) : NULL;
}

/* The hash of what a fingerprint covers: rule id, path, the innermost
 * function or class around the finding (its qualified name; "" at module
 * level) and the finding's source line without surrounding blanks, NUL
 * between them, then its occurrence index (none when `occurrence` is
 * negative). No line number goes in, so that a finding keeps its identity
 * when lines above it are added or removed; the scope keeps two identical
 * lines in two functions apart, so that fixing one and adding one elsewhere
 * is a fixed finding and a new one. */
static uint64_t key_hash(const PhFinding *f, const char *scope, int occurrence) {
    size_t n;
    const char *text = ph_report_trimmed(&f->loc, &n);
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendf(s, "%s%c%s%c%s%c%.*s%c", f->rule->id, 0, f->loc.path, 0, scope ? scope : "", 0, (int)n,
                        text, 0);
    if (occurrence >= 0)
        sqlite3_str_appendf(s, "%d", occurrence);
    int len = sqlite3_str_length(s);
    char *key = sqlite3_str_finish(s);
    uint64_t h = ph_hash64(key ? key : "", (size_t)len);
    sqlite3_free(key);
    return h;
}

/* A function or class of a file: its qualified name and span. */
typedef struct Scope {
    char *qualname;
    int line, col, end_line, end_col;
} Scope;

static bool before(int line, int col, int l2, int c2) { return line < l2 || (line == l2 && col < c2); }

/* The innermost scope around each of the findings fs[from, to) (one file,
 * in line order) into scope[] (copies, or NULL at module level): one sweep
 * over the file's scopes in source order, with the ones still open on a
 * stack (Python's scopes nest). */
static void scopes_of(sqlite3_stmt *st, const PhFindings *fs, size_t from, size_t to, char **scope) {
    PhVec(Scope) all = {0};
    sqlite3_bind_int(st, 1, fs->items[from].loc.file_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        Scope sc = {ph_xstrdup((const char *)sqlite3_column_text(st, 0)), sqlite3_column_int(st, 1),
                    sqlite3_column_int(st, 2), sqlite3_column_int(st, 3), sqlite3_column_int(st, 4)};
        ph_vec_push(&all, sc);
    }
    sqlite3_reset(st);
    PhVec(const Scope *) open = {0};
    size_t j = 0;
    for (size_t i = from; i < to; i++) {
        const PhLocation *l = &fs->items[i].loc;
        for (; j < all.len && !before(l->line, l->col, all.items[j].line, all.items[j].col); j++)
            ph_vec_push(&open, &all.items[j]);
        /* what ended before this finding ends before every later one too */
        while (open.len &&
               !before(l->line, l->col, open.items[open.len - 1]->end_line, open.items[open.len - 1]->end_col))
            open.len--;
        scope[i] = open.len ? ph_xstrdup(open.items[open.len - 1]->qualname) : NULL;
    }
    free(open.items);
    for (size_t k = 0; k < all.len; k++)
        free(all.items[k].qualname);
    free(all.items);
}

typedef struct Keyed {
    uint64_t key;          /* key_hash() without the occurrence */
    size_t index;          /* the finding's place in the sorted findings */
} Keyed;

static int cmp_keyed(const void *a, const void *b) {
    const Keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Each finding's fingerprint: key_hash() with its occurrence index, how
 * many findings before it (in path, line, column order) have the same key,
 * so that two identical lines in one scope stay two findings. Occurrences
 * are counted over the findings sorted by key rather than by walking back,
 * so that a file with many findings costs n log n. */
static void fingerprint_all(PhFindings *fs, sqlite3 *db) {
    size_t n = fs->len;
    char **scope = ph_xcalloc(n ? n : 1, sizeof *scope);
    sqlite3_stmt *st = prepare(db, "file_scopes");
    for (size_t from = 0, to; st && from < n; from = to) {
        for (to = from + 1; to < n && fs->items[to].loc.file_id == fs->items[from].loc.file_id; to++)
            ;
        scopes_of(st, fs, from, to, scope);
    }
    sqlite3_finalize(st);
    Keyed *k = ph_xmalloc((n ? n : 1) * sizeof *k);
    for (size_t i = 0; i < n; i++)
        k[i] = (Keyed){key_hash(&fs->items[i], scope[i], -1), i};
    qsort(k, n, sizeof *k, cmp_keyed);
    int occurrence = 0;
    for (size_t j = 0; j < n; j++) {
        occurrence = j > 0 && k[j].key == k[j - 1].key ? occurrence + 1 : 0;
        size_t i = k[j].index;
        fs->items[i].fingerprint = key_hash(&fs->items[i], scope[i], occurrence);
    }
    free(k);
    for (size_t i = 0; i < n; i++)
        free(scope[i]);
    free(scope);
}

void ph_report_prepare(PhFindings *fs, sqlite3 *db, const char *root, size_t max_file_bytes) {
    ph_findings_sort(fs);
    char *dir = ph_report_root_dir(root);
    Source src = {.dir = dir, .max_bytes = max_file_bytes};
    for (size_t i = 0; i < fs->len; i++) {
        PhFinding *f = &fs->items[i];
        read_location(&src, &f->loc);
        for (size_t k = 0; k < f->nrelated; k++)
            read_location(&src, &f->related[k]);
    }
    free(src.path);
    free(src.text);
    free(src.starts.items);
    free(dir);
    fingerprint_all(fs, db);
}

/* ---------------------------------------------------------------------------
 * What the database says.
 */

/* The markdown report's counts and imported libraries. Freed by
 * ph_report_release(). */
static PhArch *gather_arch(sqlite3 *db) {
    PhArch *a = ph_xcalloc(1, sizeof *a);
    sqlite3_stmt *st = prepare(db, "audit_surface");
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        a->test_files = sqlite3_column_int(st, 0);
        a->functions = sqlite3_column_int(st, 1);
        a->async_functions = sqlite3_column_int(st, 2);
        a->handlers = sqlite3_column_int(st, 3);
    }
    sqlite3_finalize(st);
    st = prepare(db, "audit_arch");
    if (st)
        while (sqlite3_step(st) == SQLITE_ROW) {
            int kind = ph_arch_kind((const char *)sqlite3_column_text(st, 0));
            if (kind >= 0)
                ph_arch_add(a, (PhArchKind)kind, (const char *)sqlite3_column_text(st, 1), sqlite3_column_int(st, 2));
        }
    sqlite3_finalize(st);
    return a;
}

/* The call at each finding and its async equivalent, one entry per
 * finding. Freed by ph_report_release(). */
static PhFindingInfo *gather_calls(sqlite3 *db, const PhFindings *fs) {
    PhFindingInfo *info = ph_xcalloc(fs->len ? fs->len : 1, sizeof *info);
    sqlite3_stmt *st = prepare(db, "finding_call");
    if (!st)
        return info;
    for (size_t i = 0; i < fs->len; i++) {
        const PhLocation *l = &fs->items[i].loc;
        sqlite3_bind_int(st, 1, l->file_id);
        sqlite3_bind_int(st, 2, l->line);
        sqlite3_bind_int(st, 3, l->col);
        sqlite3_bind_int(st, 4, l->end_line);
        sqlite3_bind_int(st, 5, l->end_col);
        if (sqlite3_step(st) == SQLITE_ROW) {
            char **fields[] = {&info[i].callee, &info[i].resolved, &info[i].alternative};
            for (int c = 0; c < 3; c++) {
                const char *v = (const char *)sqlite3_column_text(st, c);
                *fields[c] = v ? ph_xstrdup(v) : NULL;
            }
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return info;
}

/* file:///absolute/dir/, percent-encoded, or NULL when dir cannot be
 * resolved. Caller frees with free(). */
static char *dir_uri(const char *dir) {
    char abs[PATH_MAX];
    if (!realpath(dir, abs))
        return NULL;
    char *enc = ph_report_uri_encode(abs);
    char *uri = ph_xasprintf("file://%s%s", enc, abs[strlen(abs) - 1] == '/' ? "" : "/");
    free(enc);
    return uri;
}

void ph_report_gather(PhReport *r, sqlite3 *db, unsigned needs) {
    sqlite3_stmt *st = prepare(db, "counts");
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        r->files = sqlite3_column_int(st, 0);
        r->lines = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (r->root) {
        char *dir = ph_report_root_dir(r->root);
        r->base_uri = dir_uri(dir);
        free(dir);
    }
    r->arch = needs & PH_REPORT_ARCH ? gather_arch(db) : NULL;
    r->info = needs & PH_REPORT_CALLS ? gather_calls(db, r->findings) : NULL;
}

void ph_report_release(PhReport *r) {
    for (size_t i = 0; r->info && i < r->findings->len; i++) {
        free(r->info[i].callee);
        free(r->info[i].resolved);
        free(r->info[i].alternative);
    }
    free(r->info);
    ph_arch_free(r->arch);
    free(r->arch);
    free(r->base_uri);
    r->info = NULL;
    r->arch = NULL;
    r->base_uri = NULL;
}
