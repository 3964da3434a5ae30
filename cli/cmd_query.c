/*
 * query: `pyhunt query 'SQL'` or `-f FILE`: ad-hoc SQL over the facts, every
 * statement's rows printed in the chosen mode. Errors point into the SQL
 * with a caret, and exit 3.
 */
#include "cli.h"
#include "db.h"
#include "grid.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

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

int ph_cmd_query(int argc, char **argv) {
    static const struct option opts[] = {
        {"file", required_argument, 0, 'f'}, {"format", required_argument, 0, 'F'},
        {"path", required_argument, 0, 'p'}, {"db", required_argument, 0, 'd'},
        {"no-extract", no_argument, 0, 'n'}, {0, 0, 0, 0},
    };
    const char *file = NULL, *mode = "table", *root = ".", *db_path = NULL;
    bool no_extract = false;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "f:", opts, NULL)) != -1;) {
        switch (c) {
        case 'f': file = optarg; break;
        case 'F': mode = optarg; break;
        case 'p': root = optarg; break;
        case 'd': db_path = optarg; break;
        case 'n': no_extract = true; break;
        default: return ph_cli_usage_error("query", "bad option");
        }
    }
    if (!file && optind >= argc)
        return ph_cli_usage_error("query", "give the SQL as an argument or with -f FILE");
    if (file && optind < argc)
        return ph_cli_usage_error("query", "give the SQL either as an argument or with -f FILE, not both");
    if (strstr(ph_grid_modes(), mode) == NULL)
        return ph_cli_usage_error("query", "unknown format '%s' (%s)", mode, ph_grid_modes());
    char *sql;
    if (file) {
        size_t len;
        sql = ph_read_file(file, &len);
        if (!sql) {
            fprintf(stderr, "pyhunt: cannot read %s: %s\n", file, strerror(errno));
            return PH_EXIT_USAGE;
        }
    } else {
        sql = ph_xstrdup(argv[optind]);
    }
    /* --db alone means: query that database as it is */
    if (db_path && root && strcmp(root, ".") == 0)
        no_extract = true;
    PhExtractOptions xo;
    memset(&xo, 0, sizeof xo);
    int input_errors;
    sqlite3 *db = ph_cli_open_db(root, db_path, &xo, no_extract, &input_errors, NULL);
    if (!db) {
        free(sql);
        return PH_EXIT_USAGE;
    }
    PhDiags *d = ph_diags_new();
    PhTrust trust = ph_db_trust(PH_TRUST_EXPLORE);   /* the facts cannot change (db.h) */
    int rc = run_sql(db, file ? file : "query", sql, mode, d);
    ph_db_trust(trust);
    ph_cli_print_diags(d);
    ph_diags_free(d);
    ph_db_close(db);
    free(sql);
    return rc == 0 ? PH_EXIT_CLEAN : PH_EXIT_QUERY;
}
