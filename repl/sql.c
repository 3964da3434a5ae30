/*
 * sql: SQL typed in the REPL or read from a script, run one statement at a
 * time under the EXPLORE trust level (db.h): each result printed with the
 * grid formatter in the current .mode, the locations of its rows (its
 * file_id, line, col, end_line, end_col columns) kept for .show, an error
 * shown with a caret under the token it names, .eqp's query plan drawn
 * before the rows and .timer's time after them.
 */
#include "internal.h"
#include "db.h"
#include "grid.h"

#include <stdlib.h>
#include <string.h>

/* Length of the token at `s`, for the caret's underline: a word, a quoted
 * name or string, or one character. */
static int token_len(const char *s) {
    if (!*s)
        return 1;
    if (*s == '\'' || *s == '"' || *s == '`' || *s == '[') {
        char close = *s == '[' ? ']' : *s;
        const char *e = strchr(s + 1, close);
        const char *nl = strchr(s, '\n');
        if (e && (!nl || e < nl))
            return (int)(e - s) + 1;
        return 1;
    }
    int n = 0;
    while (s[n] && (s[n] == '_' || s[n] == '$' || s[n] == '.' || (s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'z') ||
                    (s[n] >= 'A' && s[n] <= 'Z') || (unsigned char)s[n] >= 0x80))
        n++;
    return n ? n : 1;
}

/* A diagnostic at byte `at` of `sql`, which starts on line `first_line` of
 * `origin`: the line shown with a caret under the token (at < 0: no
 * position, the statement's first line is named). */
static void sql_error(PhRepl *r, const char *origin, int first_line, const char *sql, long at, const char *msg) {
    PhDiags *d = ph_diags_new();
    if (at < 0) {
        const char *s = sql;   /* name the line where the statement starts */
        int line = first_line;
        while (*s && strchr(" \t\r\n", *s))
            line += *s++ == '\n';
        ph_diags_add(d, PH_ERROR, origin, line, 0, 0, NULL, "%s", msg);
    } else {
        ph_diags_add_at(d, PH_ERROR, origin, sql, (size_t)at, first_line, token_len(sql + at), msg);
    }
    ph_repl_print_diags(r, d);
    ph_diags_free(d);
}

typedef struct PlanRow {
    int id, parent;
    char *detail;
} PlanRow;

static void plan_tree(FILE *out, PlanRow *rows, size_t n, int parent, const char *prefix) {
    for (size_t i = 0; i < n; i++) {
        if (rows[i].parent != parent)
            continue;
        bool last = true;
        for (size_t k = i + 1; k < n; k++)
            if (rows[k].parent == parent)
                last = false;
        fprintf(out, "%s%s%s\n", prefix, last ? "`--" : "|--", rows[i].detail);
        char *sub = ph_xasprintf("%s%s", prefix, last ? "   " : "|  ");
        plan_tree(out, rows, n, rows[i].id, sub);
        free(sub);
    }
}

/* .eqp: the query plan of one statement, drawn as the sqlite3 shell does.
 * SQLite before 3.43 has no sqlite3_stmt_explain(), so the statement is
 * prepared again behind EXPLAIN QUERY PLAN (the user's own SQL, not a
 * value: nothing to bind). */
static void print_plan(PhRepl *r, const char *stmt, size_t len) {
    char *sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %.*s", (int)len, stmt);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) == SQLITE_OK && st) {
        PhVec(PlanRow) rows = {0};
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *d = (const char *)sqlite3_column_text(st, 3);
            PlanRow p = {sqlite3_column_int(st, 0), sqlite3_column_int(st, 1), ph_xstrdup(d ? d : "")};
            ph_vec_push(&rows, p);
        }
        if (rows.len) {
            fputs("QUERY PLAN\n", r->out);
            plan_tree(r->out, rows.items, rows.len, 0, "");
        }
        for (size_t i = 0; i < rows.len; i++)
            free(rows.items[i].detail);
        free(rows.items);
    }
    sqlite3_finalize(st);
    sqlite3_free(sql);
}

static int find_column(sqlite3_stmt *st, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (sqlite3_stricmp(sqlite3_column_name(st, i), name) == 0)
            return i;
    return -1;
}

/* Step one prepared statement, printing its rows and keeping their
 * locations. Returns the final sqlite3_step() code. */
static int print_rows(PhRepl *r, sqlite3_stmt *st, const char *text, size_t len) {
    int n = sqlite3_column_count(st);
    if (n == 0) {
        ph_repl_running(r->db);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
        ph_repl_running(NULL);
        return rc;
    }
    const char **names = ph_xcalloc((size_t)n, sizeof(char *));
    const char **vals = ph_xcalloc((size_t)n, sizeof(char *));
    PhCellKind *kinds = ph_xcalloc((size_t)n, sizeof(PhCellKind));
    for (int i = 0; i < n; i++)
        names[i] = sqlite3_column_name(st, i);
    int c_file = find_column(st, n, "file_id"), c_line = find_column(st, n, "line");
    int c_col = find_column(st, n, "col"), c_eline = find_column(st, n, "end_line");
    int c_ecol = find_column(st, n, "end_col");
    ph_repl_rows_reset(r, true, c_file >= 0 && c_line >= 0);
    free(r->last_sql);
    r->last_sql = ph_xstrndup(text, len);
    PhGrid *g = NULL;   /* begun at the first row: a failed query prints no empty table */
    int rc;
    ph_repl_running(r->db);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!g)
            g = ph_grid_begin(r->mode, r->out, n, names);
        for (int i = 0; i < n; i++) {
            int t = sqlite3_column_type(st, i);
            kinds[i] = t == SQLITE_NULL ? PH_CELL_NULL
                       : (t == SQLITE_INTEGER || t == SQLITE_FLOAT) ? PH_CELL_NUMBER
                                                                    : PH_CELL_TEXT;
            vals[i] = (const char *)sqlite3_column_text(st, i);
            if (!vals[i])
                vals[i] = "";
        }
        ph_grid_row(g, vals, kinds);
        PhReplLoc l = {0, 0, 0, 0, 0};
        if (r->rows_have_loc) {
            l.file_id = sqlite3_column_int64(st, c_file);
            l.line = sqlite3_column_int(st, c_line);
            l.col = c_col >= 0 ? sqlite3_column_int(st, c_col) : 0;
            l.end_line = c_eline >= 0 ? sqlite3_column_int(st, c_eline) : 0;
            l.end_col = c_ecol >= 0 ? sqlite3_column_int(st, c_ecol) : 0;
        }
        ph_vec_push(&r->rows, l);
    }
    ph_repl_running(NULL);
    if (!g && rc == SQLITE_DONE)
        g = ph_grid_begin(r->mode, r->out, n, names);
    ph_grid_end(g);   /* what came before an error or Ctrl-C is still shown */
    free(names);
    free(vals);
    free(kinds);
    return rc;
}

/* The statement text [p, tail) without surrounding blanks and its ';'. */
static void trim_statement(const char **p, size_t *len) {
    const char *s = *p, *e = *p + *len;
    while (s < e && strchr(" \t\r\n", *s))
        s++;
    while (e > s && strchr(" \t\r\n;", e[-1]))
        e--;
    *p = s;
    *len = (size_t)(e - s);
}

/* ph_repl_run_sql() without the trust level: SQL typed by the user may
 * read everything and write only TEMP objects of its own (db.h). */
static int run_sql(PhRepl *r, const char *sql, const char *origin, int first_line) {
    const char *p = sql;
    while (*p) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(r->db, p, -1, &st, &tail) != SQLITE_OK) {
            int off = sqlite3_error_offset(r->db);
            sql_error(r, origin, first_line, sql, off >= 0 ? (long)(p - sql) + off : -1, ph_db_errmsg(r->db));
            return PH_REPL_QUERY;
        }
        if (!st)
            break;   /* only comments were left */
        const char *text = p;
        size_t len = (size_t)(tail - p);
        trim_statement(&text, &len);
        if (r->eqp)
            print_plan(r, text, len);
        double t0 = ph_now();
        int rc = print_rows(r, st, text, len);
        if (rc != SQLITE_DONE) {
            const char *msg = rc == SQLITE_INTERRUPT ? "interrupted" : ph_db_errmsg(r->db);
            if (rc == SQLITE_INTERRUPT && r->tty)
                fputc('\n', stdout);   /* after the ^C the terminal echoed */
            char *m = ph_xstrdup(msg);
            sqlite3_finalize(st);
            /* where the statement starts */
            int line = first_line;
            for (const char *c = sql; c < text; c++)
                line += *c == '\n';
            PhDiags *d = ph_diags_new();
            ph_diags_add(d, PH_ERROR, origin, line, 0, 0, NULL, "%s", m);
            ph_repl_print_diags(r, d);
            ph_diags_free(d);
            free(m);
            return PH_REPL_QUERY;
        }
        sqlite3_finalize(st);
        if (r->timer)
            fprintf(r->out, "Run time: %.3f s\n", ph_now() - t0);
        fflush(r->out);
        p = tail;
    }
    return 0;
}

int ph_repl_run_sql(PhRepl *r, const char *sql, const char *origin, int first_line) {
    PhTrust trust = ph_db_trust(PH_TRUST_EXPLORE);
    int rc = run_sql(r, sql, origin, first_line);
    ph_db_trust(trust);
    return rc;
}
