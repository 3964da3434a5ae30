/*
 * db: opening and creating fact databases, the SQL-side library, and the
 * trust that SQL pyhunt did not write gets.
 *
 * A database is either current (its meta.schema_version equals
 * ph_db_version()) and pyhunt's own (its schema objects are exactly those
 * pyhunt creates), or it is rebuilt: pyhunt never reads facts written under
 * another schema, nor through a trigger or view someone else added. Views
 * are created as TEMP views on every connection, so the rule library can
 * change without invalidating stored facts.
 *
 * Every connection carries one authorizer; what it allows depends on the
 * calling thread's trust level (ph_db_trust), so that the same connection
 * runs pyhunt's own statements freely and a rule file, or SQL typed in the
 * REPL, only as far as that level allows.
 */
#include "db.h"
#include "catalogue.h"
#include "embedded.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
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
            if ((ph_str_starts(e->path, "schema/views/") && ph_str_ends(e->path, ".sql")) ||
                strcmp(e->path, "schema/derive.sql") == 0 || strcmp(e->path, "schema/update.sql") == 0)
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

/* ---------------------------------------------------------------------------
 * Trust: the authorizer.
 */

static _Thread_local PhTrust trust_level;     /* PH_TRUST_ALL: pyhunt's own SQL */
static _Thread_local char refusal[320];       /* why the last statement was refused */

/* The objects of pyhunt's schema, from a database built by this binary:
 * what a database found on disk must hold, and the names the REPL's TEMP
 * objects may not take. */
typedef struct Reference {
    PhVec(char *) objects;   /* "type|name|tbl_name|sql" of main, in schema_objects order */
    PhVec(char *) names;     /* every table, index and view name, main and temp */
} Reference;

static Reference reference;
static pthread_once_t reference_once = PTHREAD_ONCE_INIT;

/* One row of the schema_objects statement as a string. Caller frees. */
static char *object_row(sqlite3_stmt *st) {
    const char *v[4];
    for (int i = 0; i < 4; i++)
        v[i] = sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "";
    return ph_xasprintf("%s|%s|%s|%s", v[0], v[1], v[2], v[3]);
}

static void build_reference(void) {
    sqlite3 *db = ph_db_memory();
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, ph_db_statement("schema_objects"), -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            ph_vec_push(&reference.objects, object_row(st));
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, ph_db_statement("schema_names"), -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            ph_vec_push(&reference.names, ph_xstrdup((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    ph_db_close(db);
}

static bool reserved_name(const char *name) {
    for (size_t i = 0; name && i < reference.names.len; i++)
        if (sqlite3_stricmp(reference.names.items[i], name) == 0)
            return true;
    return false;
}

PhTrust ph_db_trust(PhTrust level) {
    if (level != PH_TRUST_ALL)
        pthread_once(&reference_once, build_reference);
    PhTrust old = trust_level;
    trust_level = level;
    if (level != PH_TRUST_ALL)   /* a new section; the last refusal stays readable after it */
        refusal[0] = 0;
    return old;
}

const char *ph_db_errmsg(sqlite3 *db) {
    return sqlite3_errcode(db) == SQLITE_AUTH && refusal[0] ? refusal : sqlite3_errmsg(db);
}

/* PRAGMAs that only read. `with_arg`: also when given an argument, which
 * then names what to read (table_info(calls)); the others only in their
 * query form (`PRAGMA user_version`, no value). */
static const struct {
    const char *name;
    bool with_arg;
} read_pragmas[] = {
    {"table_info", true},       {"table_xinfo", true},     {"table_list", true},
    {"index_info", true},       {"index_xinfo", true},     {"index_list", true},
    {"foreign_key_list", true}, {"foreign_key_check", true}, {"integrity_check", true},
    {"quick_check", true},      {"database_list", false},  {"collation_list", false},
    {"function_list", false},   {"module_list", false},    {"pragma_list", false},
    {"compile_options", false}, {"data_version", false},   {"schema_version", false},
    {"user_version", false},    {"application_id", false}, {"page_size", false},
    {"page_count", false},      {"freelist_count", false}, {"encoding", false},
    {"journal_mode", false},    {"foreign_keys", false},
};

static bool pragma_reads(const char *name, const char *arg) {
    for (size_t i = 0; i < sizeof read_pragmas / sizeof read_pragmas[0]; i++)
        if (sqlite3_stricmp(read_pragmas[i].name, name) == 0)
            return !arg || read_pragmas[i].with_arg;
    return false;
}

/* How a refused action reads in a message: a format with at most one %s,
 * filled with the authorizer's first or second argument. Indexed by
 * action code. */
static const struct {
    const char *fmt;
    int arg;
} action_text[] = {
    [SQLITE_COPY] = {"COPY", 1},
    [SQLITE_CREATE_INDEX] = {"CREATE INDEX %s", 1},
    [SQLITE_CREATE_TABLE] = {"CREATE TABLE %s", 1},
    [SQLITE_CREATE_TEMP_INDEX] = {"CREATE TEMP INDEX %s", 1},
    [SQLITE_CREATE_TEMP_TABLE] = {"CREATE TEMP TABLE %s", 1},
    [SQLITE_CREATE_TEMP_TRIGGER] = {"CREATE TEMP TRIGGER %s", 1},
    [SQLITE_CREATE_TEMP_VIEW] = {"CREATE TEMP VIEW %s", 1},
    [SQLITE_CREATE_TRIGGER] = {"CREATE TRIGGER %s", 1},
    [SQLITE_CREATE_VIEW] = {"CREATE VIEW %s", 1},
    [SQLITE_DELETE] = {"DELETE FROM %s", 1},
    [SQLITE_DROP_INDEX] = {"DROP INDEX %s", 1},
    [SQLITE_DROP_TABLE] = {"DROP TABLE %s", 1},
    [SQLITE_DROP_TEMP_INDEX] = {"DROP INDEX %s", 1},
    [SQLITE_DROP_TEMP_TABLE] = {"DROP TABLE %s", 1},
    [SQLITE_DROP_TEMP_TRIGGER] = {"DROP TRIGGER %s", 1},
    [SQLITE_DROP_TEMP_VIEW] = {"DROP VIEW %s", 1},
    [SQLITE_DROP_TRIGGER] = {"DROP TRIGGER %s", 1},
    [SQLITE_DROP_VIEW] = {"DROP VIEW %s", 1},
    [SQLITE_INSERT] = {"INSERT INTO %s", 1},
    [SQLITE_PRAGMA] = {"PRAGMA %s", 1},
    [SQLITE_TRANSACTION] = {"%s (a transaction)", 1},
    [SQLITE_UPDATE] = {"UPDATE %s", 1},
    [SQLITE_ATTACH] = {"ATTACH (and VACUUM, which attaches)", 1},
    [SQLITE_DETACH] = {"DETACH", 1},
    [SQLITE_ALTER_TABLE] = {"ALTER TABLE %s", 2},
    [SQLITE_REINDEX] = {"REINDEX", 1},
    [SQLITE_ANALYZE] = {"ANALYZE", 1},
    [SQLITE_CREATE_VTABLE] = {"CREATE VIRTUAL TABLE %s", 1},
    [SQLITE_DROP_VTABLE] = {"DROP VIRTUAL TABLE %s", 1},
    [SQLITE_FUNCTION] = {"%s()", 2},
    [SQLITE_SAVEPOINT] = {"SAVEPOINT", 1},
};

static int refuse(PhTrust level, int action, const char *a, const char *b) {
    bool known = action >= 0 && action < (int)(sizeof action_text / sizeof action_text[0]) && action_text[action].fmt;
    const char *arg = known && action_text[action].arg == 2 ? b : a;
    char what[160];
    snprintf(what, sizeof what, known ? action_text[action].fmt : "this statement", arg ? arg : "");
    if (action == SQLITE_PRAGMA && b)
        snprintf(what + strlen(what), sizeof what - strlen(what), " = %s", b);
    if (level == PH_TRUST_READ)
        snprintf(refusal, sizeof refusal, "%s is not allowed: this SQL may only read", what);
    else
        snprintf(refusal, sizeof refusal,
                 "%s is not allowed: the fact database is read-only here (TEMP tables and views of your own are "
                 "allowed)", what);
    return SQLITE_DENY;
}

/* The authorizer of every connection (see db.h, "Trust"). */
static int authorize(void *unused, int action, const char *a, const char *b, const char *dbname,
                     const char *trigger) {
    (void)unused;
    (void)trigger;
    PhTrust level = trust_level;
    if (level == PH_TRUST_ALL)
        return SQLITE_OK;
    bool explore = level == PH_TRUST_EXPLORE;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_FUNCTION:
        return sqlite3_stricmp(b, "load_extension") && sqlite3_stricmp(b, "fts3_tokenizer")
                   ? SQLITE_OK : refuse(level, action, a, b);
    case SQLITE_PRAGMA:
        return pragma_reads(a, b) ? SQLITE_OK : refuse(level, action, a, b);
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
        /* The schema table itself: SQLite's own bookkeeping (declaring a
         * table-valued function such as json_each), which it never lets a
         * statement change directly; the CREATE or DROP that goes with it
         * is judged by its own action. */
        if (a && (sqlite3_stricmp(a, "sqlite_master") == 0 || sqlite3_stricmp(a, "sqlite_temp_master") == 0))
            return SQLITE_OK;
        return explore && dbname && strcmp(dbname, "temp") == 0 ? SQLITE_OK : refuse(level, action, a, b);
    case SQLITE_REINDEX:   /* also what filling a new index asks */
        return explore && dbname && strcmp(dbname, "temp") == 0 ? SQLITE_OK : refuse(level, action, a, b);
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_VIEW:
    case SQLITE_DROP_TEMP_INDEX:
        if (explore && reserved_name(a)) {
            snprintf(refusal, sizeof refusal, "'%s' is the name of a table or view of pyhunt's; choose another name", a);
            return SQLITE_DENY;
        }
        return explore ? SQLITE_OK : refuse(level, action, a, b);
    default:
        return refuse(level, action, a, b);
    }
}

/* What every connection gets: the authorizer, a schema that is not trusted
 * to call functions with side effects, and the busy timeout. */
static void configure(sqlite3 *db) {
    sqlite3_set_authorizer(db, authorize, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_busy_timeout(db, PH_DB_BUSY_MS);
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

/* file_first_id(FILE_ID), file_last_id(FILE_ID): the range of fact ids a
 * file owns (db.h). NULL for a NULL argument. */
static void fn_file_id_range(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    sqlite3_int64 f = sqlite3_value_int64(argv[0]);
    sqlite3_result_int64(ctx, sqlite3_user_data(ctx) ? ph_db_last_id(f) : ph_db_first_id(f));
}

int ph_db_load_library(sqlite3 *db, PhDiags *diags) {
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    static int last = 1;
    sqlite3_create_function(db, "file_first_id", 1, flags, NULL, fn_file_id_range, NULL, NULL);
    sqlite3_create_function(db, "file_last_id", 1, flags, &last, fn_file_id_range, NULL, NULL);
    sqlite3_create_function(db, "regexp", 2, flags, NULL, fn_regexp, NULL, NULL);
    sqlite3_create_function(db, "has_name", 2, flags, NULL, fn_has_name, NULL, NULL);
    sqlite3_create_function(db, "shares_name", 2, flags, NULL, fn_shares_name, NULL, NULL);
    /* The API catalogue (schema/catalogue.c): a TEMP table the views join. */
    int crc = ph_catalogue_load_builtin(db, diags);
    if (crc != SQLITE_OK)
        return crc;
    for (const PhEmbedded *e = ph_embedded; e->path; e++)
        if (ph_str_starts(e->path, "schema/views/") && ph_str_ends(e->path, ".sql")) {
            int rc = ph_db_exec_script(db, e->path, e->text, diags);
            if (rc != SQLITE_OK)
                return rc;
        }
    return SQLITE_OK;
}

int ph_db_derive(sqlite3 *db, bool changed_only, bool reset, PhDiags *diags) {
    const char *script = changed_only ? "schema/update.sql" : "schema/derive.sql";
    int rc = ph_db_exec_script(db, script, ph_db_embedded(script), diags);
    if (rc == SQLITE_OK && !reset && !changed_only)
        rc = ph_db_exec_script(db, "schema/statements.sql", ph_db_statement("cache_drop_interface"), diags);
    if (rc == SQLITE_OK)
        rc = reset ? ph_db_exec_script(db, "schema/statements.sql", ph_db_statement("cache_reset"), diags)
                   : ph_db_exec_script(db, "schema/stale.sql", ph_db_embedded("schema/stale.sql"), diags);
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
    configure(db);
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

/* Keys of the meta table pyhunt writes; any other row is someone else's. */
static const char *const meta_keys[] = {"schema_version", "tool_version", "root", "library_version"};

/* Are the schema objects of db exactly those pyhunt creates, and its meta
 * rows pyhunt's? When not, `why` says what differs. */
static bool made_by_pyhunt(sqlite3 *db, char *why, size_t n) {
    pthread_once(&reference_once, build_reference);
    sqlite3_stmt *st = NULL;
    *why = 0;
    size_t i = 0;
    int rc = sqlite3_prepare_v2(db, ph_db_statement("schema_objects"), -1, &st, NULL);
    while (rc == SQLITE_OK && !*why && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char *row = object_row(st);
        if (i >= reference.objects.len || strcmp(row, reference.objects.items[i]) != 0) {
            bool known = false;
            for (size_t k = 0; k < reference.objects.len && !known; k++)
                known = strcmp(row, reference.objects.items[k]) == 0;
            if (!known)
                snprintf(why, n, "the database holds %s '%s', which pyhunt did not create",
                         (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
            else
                snprintf(why, n, "the database lacks objects of pyhunt's schema");
        }
        free(row);
        i++;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK && rc != SQLITE_DONE && !*why)
        snprintf(why, n, "the database cannot be read: %s", sqlite3_errmsg(db));
    if (!*why && i != reference.objects.len)
        snprintf(why, n, "the database lacks objects of pyhunt's schema");
    sqlite3_finalize(st);
    st = NULL;
    if (!*why && sqlite3_prepare_v2(db, ph_db_statement("meta_keys"), -1, &st, NULL) == SQLITE_OK) {
        while (!*why && sqlite3_step(st) == SQLITE_ROW) {
            const char *key = (const char *)sqlite3_column_text(st, 0);
            bool ours = false;
            for (size_t k = 0; k < sizeof meta_keys / sizeof meta_keys[0] && key; k++)
                ours |= strcmp(key, meta_keys[k]) == 0;
            if (!ours)
                snprintf(why, n, "the database's meta table holds a row pyhunt did not write ('%s')", key ? key : "NULL");
        }
    }
    sqlite3_finalize(st);
    return !*why;
}

/* Is the folder holding path pyhunt's own (.pyhunt)? */
static bool in_pyhunt_folder(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        return false;
    const char *start = slash;
    while (start > path && start[-1] != '/')
        start--;
    return (size_t)(slash - start) == 7 && strncmp(start, ".pyhunt", 7) == 0;
}

/* A database that is not (or no longer) what pyhunt made: rebuilt when it is
 * pyhunt's to replace and the caller writes, else an error. */
static PhDbStatus damaged(const char *path, bool readonly, bool has_meta, const char *why, PhDiags *diags) {
    bool ours = has_meta || in_pyhunt_folder(path);
    if (ours && !readonly) {
        ph_diags_add(diags, PH_NOTE, path, 0, 0, 0, NULL, "%s; rebuilding it (it holds only derived data)", why);
        return PH_DB_DAMAGED;
    }
    if (ours)
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "%s; 'pyhunt extract' rebuilds it", why);
    else
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "%s; refusing to overwrite it", why);
    return PH_DB_ERROR;
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
    if (!S_ISREG(sb.st_mode)) {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot open database: not a regular file");
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
    /* Language features that let ordinary SQL corrupt a file stay off. */
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    char *v = read_version(db, &rc);
    PhDbStatus status = PH_DB_OK;
    char why[256];
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL,
                     "database is locked by another process (is another pyhunt running?)");
        status = PH_DB_ERROR;
    } else if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
        snprintf(why, sizeof why, "%s", rc == SQLITE_NOTADB ? "not an SQLite database" : "the database file is damaged");
        status = damaged(path, readonly, false, why, diags);
    } else if (rc == SQLITE_OK || rc == SQLITE_ERROR) {
        if (!v)   /* readable SQLite, but no meta table or version: someone else's file */
            status = damaged(path, readonly, false, "not a pyhunt database (no meta table)", diags);
        else if (strcmp(v, ph_db_version()) != 0)
            status = PH_DB_STALE;
        else if (!made_by_pyhunt(db, why, sizeof why))
            status = damaged(path, readonly, true, why, diags);
    } else {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot read database: %s", sqlite3_errmsg(db));
        status = PH_DB_ERROR;
    }
    free(v);
    if (status == PH_DB_OK && !readonly) {
        if (sqlite3_db_readonly(db, "main") == 1) {
            ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL,
                         "the database is read-only (%s); pyhunt needs to write it", access(path, W_OK) == 0
                             ? "its folder cannot be written" : "its permissions");
            status = PH_DB_ERROR;
        } else {
            sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL, NULL);
        }
    }
    if (status == PH_DB_OK && ph_db_load_library(db, diags) != SQLITE_OK)
        status = PH_DB_ERROR;
    if (status != PH_DB_OK) {
        sqlite3_close(db);
        return status;
    }
    *out = db;
    return PH_DB_OK;
}

static int write_meta(sqlite3 *db, const char *key, const char *value) {
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The folder of path ("." for a bare name). Caller frees. */
static char *folder_of(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ph_xstrdup(".");
    return slash == path ? ph_xstrdup("/") : ph_xstrndup(path, (size_t)(slash - path));
}

/* `to` relative to the folder `from` when `from` lies inside `to` (the
 * database within the tree: "..", "../.."), else NULL. Both absolute. */
static char *relative_up(const char *from, const char *to) {
    size_t n = strlen(to);
    while (n > 1 && to[n - 1] == '/')
        n--;
    if (strncmp(from, to, n) != 0 || (from[n] != '/' && from[n] != 0 && !(n == 1 && to[0] == '/')))
        return NULL;
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendall(s, ".");
    for (const char *p = from + (n == 1 ? 0 : n); *p; p++)
        if (*p == '/' && p[1] && p[1] != '/')
            sqlite3_str_appendall(s, sqlite3_str_length(s) == 1 ? "." : "/..");
    char *r = sqlite3_str_finish(s);
    char *out = ph_xstrdup(r);
    sqlite3_free(r);
    return out;
}

int ph_db_set_root(sqlite3 *db, const char *db_path, const char *root) {
    if (!root || !*root || strcmp(db_path, ":memory:") == 0)
        return write_meta(db, "root", root ? root : "");
    char *dir = folder_of(db_path);
    char dir_abs[PATH_MAX], root_abs[PATH_MAX];
    char *stored = NULL;
    if (realpath(dir, dir_abs) && realpath(root, root_abs)) {
        struct stat sb;
        bool is_file = stat(root_abs, &sb) == 0 && !S_ISDIR(sb.st_mode);
        char *parent = is_file ? folder_of(root_abs) : NULL;
        char *up = relative_up(dir_abs, parent ? parent : root_abs);
        if (up && parent)
            stored = ph_xasprintf("%s/%s", up, strrchr(root_abs, '/') + 1);
        else
            stored = up ? ph_xstrdup(up) : ph_xstrdup(root_abs);
        free(up);
        free(parent);
    }
    int rc = write_meta(db, "root", stored ? stored : root);
    free(stored);
    free(dir);
    return rc;
}

/* dir joined with rel, "x/.." pairs folded away. Caller frees. */
static char *join_path(const char *dir, const char *rel) {
    PhVec(char *) parts = {0};
    char *buf = ph_xasprintf("%s/%s", dir, rel);
    bool absolute = buf[0] == '/';
    for (char *save = NULL, *p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
        if (strcmp(p, ".") == 0)
            continue;
        if (strcmp(p, "..") == 0 && parts.len && strcmp(parts.items[parts.len - 1], "..") != 0)
            parts.len--;
        else if (!(strcmp(p, "..") == 0 && absolute))
            ph_vec_push(&parts, p);
    }
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (size_t i = 0; i < parts.len; i++)
        sqlite3_str_appendf(s, "%s%s", i || absolute ? "/" : "", parts.items[i]);
    char *r = sqlite3_str_finish(s);
    char *out = ph_xstrdup(r ? r : absolute ? "/" : ".");
    sqlite3_free(r);
    free(parts.items);
    free(buf);
    return out;
}

char *ph_db_root(sqlite3 *db, const char *db_path) {
    sqlite3_stmt *st = NULL;
    char *root = NULL;
    if (sqlite3_prepare_v2(db, ph_db_statement("meta_value"), -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, "root", -1, SQLITE_STATIC);
        const char *v = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
        if (v && *v) {
            char *dir = folder_of(db_path);
            root = v[0] == '/' ? ph_xstrdup(v) : join_path(dir, v);
            free(dir);
        }
    }
    sqlite3_finalize(st);
    return root;
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
                     "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-65536;", NULL, NULL, NULL);
    /* (an error here is the disk's, not the embedded schema's: say it once, below) */
    rc = ph_db_exec_script(db, "schema/tables.sql", ph_db_embedded("schema/tables.sql"), NULL);
    if (rc == SQLITE_OK)
        rc = write_meta(db, "schema_version", ph_db_version());
    if (rc == SQLITE_OK)
        rc = write_meta(db, "tool_version", PH_TOOL_VERSION);
    if (rc == SQLITE_OK)
        rc = ph_db_set_root(db, path, root);
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
