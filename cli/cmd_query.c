/*
 * query: `pyhunt query 'SQL' [PATH]` or `-f FILE`: ad-hoc SQL over the facts
 * of PATH, every statement's rows printed in the chosen mode. Without a
 * tree it reads the nearest existing database upwards and never makes one.
 * Errors point into the SQL with a caret, and exit 3.
 */
#include "cli.h"
#include "db.h"
#include "grid.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Run every statement of sql, printing results. Returns 0, or -1 after a
 * diagnostic naming `origin` and the line and column of the error. */
static int run_sql(sqlite3 *db, const char *origin, const char *sql, const char *mode, PhDiags *d) {
    const char *p = sql;
    while (*p) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(db, p, -1, &st, &tail) != SQLITE_OK) {
            int off = sqlite3_error_offset(db);
            if (off >= 0) {
                ph_diags_add_at(d, PH_ERROR, origin, sql, (size_t)(p - sql) + (size_t)off, 1, 0, ph_db_errmsg(db));
            } else {   /* no position: the line where the statement starts */
                int line = 1;
                for (const char *q = sql; q < p; q++)
                    line += *q == '\n';
                ph_diags_add(d, PH_ERROR, origin, line, 0, 0, NULL, "%s", ph_db_errmsg(db));
            }
            return -1;
        }
        if (!st)
            break;
        int n = sqlite3_column_count(st);
        const char **names = ph_xcalloc((size_t)n + 1, sizeof(char *));
        const char **vals = ph_xcalloc((size_t)n + 1, sizeof(char *));
        PhCellKind *kinds = ph_xcalloc((size_t)n + 1, sizeof(PhCellKind));
        for (int i = 0; i < n; i++)
            names[i] = sqlite3_column_name(st, i);
        PhGrid *g = n ? ph_grid_begin(mode, stdout, n, names) : NULL;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            for (int i = 0; i < n; i++) {
                int t = sqlite3_column_type(st, i);
                kinds[i] = t == SQLITE_NULL ? PH_CELL_NULL : (t == SQLITE_INTEGER || t == SQLITE_FLOAT) ? PH_CELL_NUMBER : PH_CELL_TEXT;
                vals[i] = (const char *)sqlite3_column_text(st, i);
                if (!vals[i])
                    vals[i] = "";
            }
            if (g)
                ph_grid_row(g, vals, kinds);
        }
        ph_grid_end(g);
        free(names);
        free(vals);
        free(kinds);
        if (rc != SQLITE_DONE) {
            ph_diags_add(d, PH_ERROR, origin, 0, 0, 0, NULL, "%s", ph_db_errmsg(db));
            sqlite3_finalize(st);
            return -1;
        }
        sqlite3_finalize(st);
        p = tail;
    }
    return 0;
}

typedef struct QueryOptions {
    const char *file, *format, *path, *db;
    PhStrList exclude, context_patterns;
    bool no_extract;
    PhExtractOptions xo;
    PhConfigRef cfg;
} QueryOptions;

static const PhOption query_options[] = {
    {.name = "file", .short_name = 'f', .kind = PH_OPT_PATH, .value = "FILE", .offset = offsetof(QueryOptions, file),
     .help = "read the SQL from FILE (a rule file works too)"},
    {.name = "format", .kind = PH_OPT_ENUM, .value = "MODE", .words = PH_WORDS(PH_GRID_MODES), .def = "table",
     .offset = offsetof(QueryOptions, format), .help = "how rows print"},
    {.name = "path", .kind = PH_OPT_PATH, .value = "PATH", .offset = offsetof(QueryOptions, path),
     .help = "the audited tree, as the PATH argument"},
    PH_OPTS_EXTRACT(QueryOptions),
    PH_OPTS_CONFIG(QueryOptions),
    PH_OPT_CONTEXT_PATTERN(QueryOptions),
    {.name = "no-extract", .kind = PH_OPT_FLAG, .offset = offsetof(QueryOptions, no_extract),
     .help = "query PATH's database as it is, without bringing it up to date"},
    {0},
};

/* The nearest .pyhunt/facts.db from the working directory upwards, or NULL.
 * Caller frees with free(). */
static char *find_db_upwards(void) {
    char dir[PATH_MAX];
    if (!getcwd(dir, sizeof dir))
        return NULL;
    for (;;) {
        char *db = ph_xasprintf("%s/.pyhunt/facts.db", strcmp(dir, "/") == 0 ? "" : dir);
        struct stat st;
        if (stat(db, &st) == 0 && S_ISREG(st.st_mode))
            return db;
        free(db);
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            return NULL;
        *slash = 0;
    }
}

static int cmd_query(void *opts, int argc, char **argv) {
    QueryOptions *o = opts;
    /* Operands: the SQL unless -f gave it, then the tree. */
    const char *sql_arg = o->file || argc == 0 ? NULL : argv[0];
    int first_path = o->file ? 0 : 1;
    if (!o->file && argc == 0)
        return ph_cli_usage_error(&ph_query_command, "give the SQL as an argument or with -f FILE");
    if (argc > first_path + 1)
        return ph_cli_usage_error(&ph_query_command, "unexpected argument '%s'", argv[first_path + 1]);
    const char *root = argc > first_path ? argv[first_path] : NULL;
    if (root && o->path && strcmp(root, o->path) != 0)
        return ph_cli_usage_error(&ph_query_command, "two trees: '%s' and --path '%s'", root, o->path);
    if (!root)
        root = o->path;
    char *found = NULL, *project = NULL;
    bool no_extract = o->no_extract;
    if (root) {
        char *tree[] = {(char *)root};
        if (ph_cli_config(&ph_query_command, o, tree, 1) != 0)
            return PH_EXIT_USAGE;
        root = project = ph_cli_root(&o->cfg, tree, 1, false);
    } else {
        /* No tree: a database that exists, as it is; never one made here. */
        no_extract = true;
        if (!o->db && !(found = find_db_upwards())) {
            fprintf(stderr, "pyhunt: no fact database (.pyhunt/facts.db) here or in a parent directory; "
                            "name the tree to extract: pyhunt query 'SQL' PATH\n");
            return PH_EXIT_USAGE;
        }
    }
    char *sql;
    if (o->file) {
        size_t len;
        sql = ph_read_file(o->file, &len);
        if (!sql) {
            fprintf(stderr, "pyhunt: cannot read %s: %s\n", o->file, strerror(errno));
            free(found);
            free(project);
            return PH_EXIT_USAGE;
        }
    } else {
        sql = ph_xstrdup(sql_arg);
    }
    o->xo.excludes = o->exclude.items;
    o->xo.n_excludes = o->exclude.len;
    PhContextPattern *patterns = NULL;   /* the configuration's, so that the facts are audit's */
    int input_errors = 0;
    bool bad = ph_cli_context_patterns(&ph_query_command, &o->context_patterns, &o->xo, &patterns) != 0;
    sqlite3 *db = bad ? NULL
                               : ph_cli_open_db(root ? root : ".", found ? found : o->db, &o->xo, no_extract,
                                                &input_errors, NULL);
    free(patterns);
    free(found);
    free(project);
    if (!db) {
        free(sql);
        return PH_EXIT_USAGE;
    }
    PhDiags *d = ph_diags_new();
    PhTrust trust = ph_db_trust(PH_TRUST_EXPLORE);   /* the facts cannot change (db.h) */
    int rc = run_sql(db, o->file ? o->file : "query", sql, o->format, d);
    ph_db_trust(trust);
    ph_cli_print_diags(d);
    ph_diags_free(d);
    ph_db_close(db);
    free(sql);
    return rc == 0 ? PH_EXIT_CLEAN : PH_EXIT_QUERY;
}

const PhCommand ph_query_command = {
    .name = "query",
    .run = cmd_query,
    .usage = "['SQL' | -f FILE] [PATH] [options]",
    .summary = "run SQL against the fact database",
    .options = query_options,
    .opts_size = sizeof(QueryOptions),
    .max_args = 2,
    .operands = "  SQL                 statements to run, each one's rows printed\n"
                "  PATH                the audited tree: its database, PATH/.pyhunt/facts.db,\n"
                "                      brought up to date first; without PATH or --db, the\n"
                "                      nearest .pyhunt/facts.db from the working directory\n"
                "                      upwards, as it is (none there is an error)\n",
};
