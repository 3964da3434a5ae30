/*
 * db: opening and creating fact databases, and the SQL-side library.
 *
 * A database is either current (its meta.schema_version equals
 * ph_db_version()) or it is rebuilt: pyhunt never reads facts written under
 * another schema. Views are created as TEMP views on every connection, so
 * the rule library can change without invalidating stored facts.
 */
#include "db.h"
#include "catalogue.h"
#include "embedded.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ph_db_global_init(void) {
    /* Memory statistics cost a global mutex per allocation; nothing reads them. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

const char *ph_db_embedded(const char *path) {
    for (const PhEmbedded *e = ph_embedded; e->path; e++)
        if (strcmp(e->path, path) == 0)
            return e->text;
    return NULL;
}

#ifndef PH_EXTRACTOR_HASH
#define PH_EXTRACTOR_HASH 0
#endif

/* The version joins the extractor's release number with a checksum of its
 * sources and the schema, computed by the Makefile: facts written by any
 * other extractor are rebuilt, never misread. */
const char *ph_db_version(void) {
    static char version[64];
    if (!version[0])
        snprintf(version, sizeof version, "%d-%lu", PH_EXTRACTOR_VERSION, (unsigned long)PH_EXTRACTOR_HASH);
    return version;
}

const char *ph_db_library_version(void) {
    static char version[24];
    if (!version[0]) {
        uint64_t h = 0;
        for (const PhEmbedded *e = ph_embedded; e->path; e++)
            if ((ph_str_starts(e->path, "schema/views") && ph_str_ends(e->path, ".sql")) ||
                strcmp(e->path, "schema/derive.sql") == 0)
                h = (h * 1099511628211u) ^ ph_hash64(e->text, strlen(e->text));
        snprintf(version, sizeof version, "%016llx", (unsigned long long)h);
    }
    return version;
}

bool ph_db_library_current(sqlite3 *db) {
    sqlite3_stmt *st;
    bool current = false;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'library_version'", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            current = strcmp((const char *)sqlite3_column_text(st, 0), ph_db_library_version()) == 0;
        sqlite3_finalize(st);
    }
    return current;
}

/* Line (1-based) of byte offset `off` in `text`. */
static int line_of(const char *text, size_t off) {
    int line = 1;
    for (size_t i = 0; i < off && text[i]; i++)
        line += text[i] == '\n';
    return line;
}

int ph_db_exec_script(sqlite3 *db, const char *what, const char *sql, PhDiags *diags) {
    const char *p = sql;
    while (*p) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        int rc = sqlite3_prepare_v2(db, p, -1, &st, &tail);
        if (rc == SQLITE_OK && st) {
            while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                ;
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        }
        if (rc != SQLITE_OK) {
            int off = sqlite3_error_offset(db);
            /* Skip the whitespace and comments before the statement so the
             * line is that of the statement itself. */
            size_t start = (size_t)(p - sql);
            int line = line_of(sql, off >= 0 ? start + (size_t)off : start);
            if (diags)
                ph_diags_add(diags, PH_ERROR, what, line, 0, 0, NULL, "%s", sqlite3_errmsg(db));
            sqlite3_finalize(st);
            return rc;
        }
        sqlite3_finalize(st);
        if (!tail || tail == p)
            break;
        p = tail;
    }
    return SQLITE_OK;
}

/* regexp(PATTERN, TEXT): POSIX extended regular expressions, so that
 * `x REGEXP 'pat'` works in rules and the REPL as it does in the sqlite3
 * shell. The compiled pattern is cached on the statement. */
static void regexp_free(void *p) {
    regfree(p);
    free(p);
}

static void fn_regexp(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    const char *text = (const char *)sqlite3_value_text(argv[1]);
    if (!text)
        return;
    regex_t *re = sqlite3_get_auxdata(ctx, 0);
    if (!re) {
        const char *pat = (const char *)sqlite3_value_text(argv[0]);
        if (!pat)
            return;
        re = ph_xmalloc(sizeof *re);
        int rc = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[256];
            regerror(rc, re, msg, sizeof msg);
            free(re);
            char *m = sqlite3_mprintf("regexp: %s", msg);
            sqlite3_result_error(ctx, m, -1);
            sqlite3_free(m);
            return;
        }
        sqlite3_set_auxdata(ctx, 0, re, regexp_free);
        re = sqlite3_get_auxdata(ctx, 0);
        if (!re) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
    }
    sqlite3_result_int(ctx, regexec(re, text, 0, NULL, 0) == 0);
}

/* has_name(NAMES, NAME): is NAME one of the identifiers of a ' a b c '
 * list (call_args.names, loops.targets...)? */
static void fn_has_name(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    const char *list = (const char *)sqlite3_value_text(argv[0]);
    const char *name = (const char *)sqlite3_value_text(argv[1]);
    if (!list || !name || !*name) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    size_t n = strlen(name);
    for (const char *p = strstr(list, name); p; p = strstr(p + 1, name))
        if (p > list && p[-1] == ' ' && p[n] == ' ') {
            sqlite3_result_int(ctx, 1);
            return;
        }
    sqlite3_result_int(ctx, 0);
}

/* shares_name(A, B): do two ' a b ' lists have an identifier in common? */
static void fn_shares_name(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    const char *a = (const char *)sqlite3_value_text(argv[0]);
    const char *b = (const char *)sqlite3_value_text(argv[1]);
    if (!a || !b) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    for (const char *p = a; *p;) {
        while (*p == ' ')
            p++;
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        size_t n = (size_t)(q - p);
        if (n)
            for (const char *r = strstr(b, " "); r; r = strstr(r + 1, " "))
                if (strncmp(r + 1, p, n) == 0 && r[1 + n] == ' ') {
                    sqlite3_result_int(ctx, 1);
                    return;
                }
        p = q;
    }
    sqlite3_result_int(ctx, 0);
}

int ph_db_load_library(sqlite3 *db, PhDiags *diags) {
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    sqlite3_create_function(db, "regexp", 2, flags, NULL, fn_regexp, NULL, NULL);
    sqlite3_create_function(db, "has_name", 2, flags, NULL, fn_has_name, NULL, NULL);
    sqlite3_create_function(db, "shares_name", 2, flags, NULL, fn_shares_name, NULL, NULL);
    /* The API catalogue (schema/catalogue.c): a TEMP table the views join. */
    int crc = ph_catalogue_load_builtin(db, diags);
    if (crc != SQLITE_OK)
        return crc;
    for (const PhEmbedded *e = ph_embedded; e->path; e++)
        if (ph_str_starts(e->path, "schema/views") && ph_str_ends(e->path, ".sql")) {
            int rc = ph_db_exec_script(db, e->path, e->text, diags);
            if (rc != SQLITE_OK)
                return rc;
        }
    return SQLITE_OK;
}

int ph_db_derive(sqlite3 *db, PhDiags *diags) {
    int rc = ph_db_exec_script(db, "schema/derive.sql", ph_db_embedded("schema/derive.sql"), diags);
    sqlite3_stmt *st;
    if (rc == SQLITE_OK &&
        (rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES('library_version', ?1)", -1,
                                 &st, NULL)) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, ph_db_library_version(), -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
        sqlite3_finalize(st);
    }
    return rc;
}

int ph_db_create_indexes(sqlite3 *db, PhDiags *diags) {
    /* Index builds sort: let SQLite's sorter use a helper thread per core. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    char *pragma = ph_xasprintf("PRAGMA threads=%ld", cores > 1 ? (cores < 8 ? cores : 8) : 0);
    sqlite3_exec(db, pragma, NULL, NULL, NULL);
    free(pragma);
    int rc = ph_db_exec_script(db, "schema/indexes.sql", ph_db_embedded("schema/indexes.sql"), diags);
    sqlite3_exec(db, "PRAGMA threads=0", NULL, NULL, NULL);
    return rc;
}

int ph_db_data_version(sqlite3 *db) {
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

static void tune(sqlite3 *db) {
    sqlite3_busy_timeout(db, PH_DB_BUSY_MS);
    sqlite3_exec(db, "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;", NULL, NULL, NULL);
}

/* Read meta.schema_version; NULL when the file is not a pyhunt database.
 * Caller frees with free(). Sets *rc to the SQLite error, if any. */
static char *read_version(sqlite3 *db, int *rc) {
    sqlite3_stmt *st = NULL;
    char *v = NULL;
    *rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='schema_version'", -1, &st, NULL);
    if (*rc == SQLITE_OK) {
        *rc = sqlite3_step(st);
        if (*rc == SQLITE_ROW) {
            v = ph_xstrdup((const char *)sqlite3_column_text(st, 0));
            *rc = SQLITE_OK;
        } else if (*rc == SQLITE_DONE) {
            *rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return v;
}

PhDbStatus ph_db_open(const char *path, bool readonly, sqlite3 **out, PhDiags *diags) {
    *out = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT)
            return PH_DB_MISSING;
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot open database: %s", strerror(errno));
        return PH_DB_ERROR;
    }
    sqlite3 *db = NULL;
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot open database: %s",
                     db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return PH_DB_ERROR;
    }
    tune(db);
    char *v = read_version(db, &rc);
    if (rc != SQLITE_OK || !v) {
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL,
                         "database is locked by another process (is another pyhunt running?)");
        else if (rc == SQLITE_OK || rc == SQLITE_ERROR)
            /* readable SQLite, but no meta table: someone else's file */
            ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL,
                         "not a pyhunt database (no meta table); refusing to overwrite it");
        else
            ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot read database: %s",
                         sqlite3_errmsg(db));
        free(v);
        sqlite3_close(db);
        return PH_DB_ERROR;
    }
    bool current = strcmp(v, ph_db_version()) == 0;
    free(v);
    if (!current) {
        sqlite3_close(db);
        return PH_DB_STALE;
    }
    if (!readonly)
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL, NULL);
    if (ph_db_load_library(db, diags) != SQLITE_OK) {
        sqlite3_close(db);
        return PH_DB_ERROR;
    }
    *out = db;
    return PH_DB_OK;
}

static int write_meta(sqlite3 *db, const char *root) {
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", -1, &st, NULL);
    const char *kv[][2] = {{"schema_version", ph_db_version()},
                           {"tool_version", PH_TOOL_VERSION},
                           {"root", root ? root : ""}};
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof kv / sizeof kv[0]; i++) {
        sqlite3_bind_text(st, 1, kv[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, kv[i][1], -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

sqlite3 *ph_db_create(const char *path, const char *root, PhDiags *diags) {
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot create database: %s",
                     db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return NULL;
    }
    tune(db);
    /* A fresh file is built whole and renamed into place, so it needs no
     * journal: a crash leaves only a temporary file behind. */
    sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=16384;"
                     "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-262144;", NULL, NULL, NULL);
    rc = ph_db_exec_script(db, "schema/tables.sql", ph_db_embedded("schema/tables.sql"), diags);
    if (rc == SQLITE_OK)
        rc = write_meta(db, root);
    if (rc != SQLITE_OK) {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot create database: %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

sqlite3 *ph_db_memory(void) {
    PhDiags *d = ph_diags_new();
    sqlite3 *db = ph_db_create(":memory:", "", d);
    if (db && (ph_db_create_indexes(db, d) != SQLITE_OK || ph_db_load_library(db, d) != SQLITE_OK)) {
        ph_diags_print(d, stderr, false);
        abort();   /* the embedded schema itself is broken: a build defect */
    }
    ph_diags_free(d);
    return db;
}

void ph_db_close(sqlite3 *db) {
    if (db)
        sqlite3_close(db);
}

/* Named statements, split out of schema/statements.sql on first use. */
typedef struct Named {
    char *name, *sql;
} Named;

static Named *named;
static size_t nnamed;
static pthread_once_t named_once = PTHREAD_ONCE_INIT;

static void split_statements(void) {
    const char *t = ph_db_embedded("schema/statements.sql");
    PhVec(Named) v = {0};
    for (const char *p = strstr(t, "-- name: "); p;) {
        const char *name = p + 9, *eol = strchr(name, '\n');
        const char *next = strstr(eol, "-- name: ");
        const char *end = next ? next : eol + strlen(eol);
        Named n = {ph_xstrndup(name, (size_t)(eol - name)), ph_xstrndup(eol + 1, (size_t)(end - eol - 1))};
        ph_vec_push(&v, n);
        p = next;
    }
    named = v.items;
    nnamed = v.len;
}

const char *ph_db_statement(const char *name) {
    pthread_once(&named_once, split_statements);
    for (size_t i = 0; i < nnamed; i++)
        if (strcmp(named[i].name, name) == 0)
            return named[i].sql;
    fprintf(stderr, "pyhunt: internal error: no statement named %s\n", name);
    abort();
}
