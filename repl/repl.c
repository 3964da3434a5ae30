/*
 * repl: the REPL's state, its input loop and SQL execution.
 *
 * Input is a stack of sources (stdin, then any file .read from it). A line
 * that starts with a dot while no statement is pending is a dot-command
 * (dot.c); anything else is gathered into a statement until
 * sqlite3_complete() says it is whole (split.c tells which), then run, each
 * result printed with the grid formatter in the current .mode. The locations of the last
 * result's rows (its file_id, line, col, end_line, end_col columns) are kept
 * for .show.
 *
 * SIGINT: while a statement or rule runs, the handler calls
 * sqlite3_interrupt(); at the prompt, edit.c drops the line and this file
 * drops the pending statement; in a script with nothing running it ends
 * the process as SIGINT normally does.
 */
#include "internal.h"
#include "db.h"
#include "grid.h"
#include "split.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROMPT "pyhunt> "
#define CONTINUE "   ...> "

static volatile sig_atomic_t sigint_seen;      /* set by the handler; edit.c clears it */
static sqlite3 *volatile running_db;           /* the connection Ctrl-C interrupts */
static volatile sig_atomic_t sigint_kills;     /* a script: Ctrl-C between statements ends it */

static void on_sigint(int sig) {
    sigint_seen = 1;
    sqlite3 *db = running_db;
    if (db) {
        sqlite3_interrupt(db);
    } else if (sigint_kills) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

void ph_repl_running(sqlite3 *db) { running_db = db; }

bool ph_repl_interrupted(bool clear) {
    bool seen = sigint_seen;
    if (clear)
        sigint_seen = 0;
    return seen;
}

/* ---------------------------------------------------------------------------
 * Messages.
 */

/* A message about the command being run. Read from a script or a file, it
 * names the line the command is on; typed at the terminal, it needs no
 * place. */
static void message(PhRepl *r, PhSeverity sev, const char *fmt, va_list ap) {
    char m[2048];
    vsnprintf(m, sizeof m, fmt, ap);
    PhDiags *d = ph_diags_new();
    bool placed = r->src && r->src->f;
    ph_diags_add(d, sev, placed ? r->src->name : NULL, placed ? r->src->line : 0, 0, 0, NULL, "%s", m);
    ph_repl_print_diags(r, d);
    ph_diags_free(d);
}

void ph_repl_error(PhRepl *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    message(r, PH_ERROR, fmt, ap);
    va_end(ap);
}

void ph_repl_warn(PhRepl *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    message(r, PH_WARNING, fmt, ap);
    va_end(ap);
}

void ph_repl_print_diags(PhRepl *r, const PhDiags *d) {
    fflush(r->out);
    fflush(stdout);
    ph_diags_print(d, stderr, r->color);
}

/* ---------------------------------------------------------------------------
 * Opening, rules, reloading.
 */

static char *dup_or_null(const char *s) { return s ? ph_xstrdup(s) : NULL; }

/* The rule set's catalogue files, into the database just opened. */
static void attach(PhRepl *r) {
    PhDiags *d = ph_diags_new();
    ph_rules_attach(r->rules, r->db, d);
    ph_repl_print_diags(r, d);
    ph_diags_free(d);
}

void ph_repl_load_rules(PhRepl *r) {
    ph_rules_free(r->rules);
    PhDiags *d = ph_diags_new();
    const char *dirs[1] = {r->rules_dir};
    struct stat sb;   /* --queries DIR need not exist yet: .save creates it */
    bool have = r->rules_dir && stat(r->rules_dir, &sb) == 0;
    r->rules = ph_rules_load(r->root, dirs, have ? 1 : 0, d);   /* the good files stay loaded */
    ph_repl_print_diags(r, d);
    ph_diags_free(d);
    if (r->db)
        attach(r);
}

PhRepl *ph_repl_open(const PhReplOptions *opts) {
    PhRepl *r = ph_xcalloc(1, sizeof *r);
    r->o = *opts;
    r->o.root = r->root_opt = dup_or_null(opts->root);
    r->o.db_path = r->db_opt = dup_or_null(opts->db_path);
    r->o.rules_dir = r->rules_dir = dup_or_null(opts->rules_dir);
    r->out = stdout;
    snprintf(r->mode, sizeof r->mode, "table");
    r->tty = isatty(STDIN_FILENO);
    r->interactive = opts->interactive || r->tty;
    r->color = isatty(STDERR_FILENO) && !getenv("NO_COLOR");
    r->db = opts->open_db(r->o.root, r->o.db_path, opts->extract, NULL);
    if (!r->db) {
        ph_repl_close(r);
        return NULL;
    }
    if (r->o.root) {
        r->root = ph_xstrdup(r->o.root);
    } else {   /* --db alone: the tree the database describes, wherever we are */
        char *path = r->o.db_path ? ph_xstrdup(r->o.db_path) : ph_extract_default_db(".");
        r->root = ph_db_root(r->db, path);
        free(path);
    }
    ph_repl_load_rules(r);
    return r;
}

void ph_repl_close(PhRepl *self) {
    if (!self)
        return;
    ph_output_discard(self->output);
    ph_db_close(self->db);
    ph_rules_free(self->rules);
    free(self->root_opt);
    free(self->db_opt);
    free(self->rules_dir);
    free(self->root);
    free(self->last_sql);
    free(self->rows.items);
    ph_schemadoc_free();
    free(self);
}

int ph_repl_reopen(PhRepl *r, PhExtractStats *stats) {
    struct stat sb;
    if (!r->root || stat(r->root, &sb) != 0) {
        ph_repl_error(r, "cannot reload: the source tree %s%s%s is not there", r->root ? "'" : "",
                      r->root ? r->root : "(unknown)", r->root ? "'" : "");
        return PH_REPL_USAGE;
    }
    ph_db_close(r->db);
    r->db = r->o.open_db(r->root, r->o.db_path, true, stats);
    if (!r->db) {
        /* Extraction failed (and said why): go on with the database as it
         * was, if it can still be opened. */
        r->db = r->o.open_db(r->root, r->o.db_path, false, NULL);
        if (r->db)
            attach(r);
        return PH_REPL_USAGE;
    }
    attach(r);
    ph_repl_rows_reset(r, false, false);
    return 0;
}

void ph_repl_rows_reset(PhRepl *r, bool have_result, bool have_loc) {
    r->rows.len = 0;
    r->have_result = have_result;
    r->rows_have_loc = have_loc;
}

/* ---------------------------------------------------------------------------
 * SQL.
 */

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

/* ---------------------------------------------------------------------------
 * Input.
 */

typedef enum { IN_LINE, IN_EOF, IN_INTERRUPT } InStatus;

/* One line of the current source, without its line end. */
static InStatus read_line(PhRepl *r, const char *prompt, char **line) {
    PhReplSource *src = r->src;
    *line = NULL;
    fflush(r->out);
    if (!src->f) {
        PhEditStatus s = ph_edit_read(prompt, line);
        if (s == PH_EDIT_LINE)
            src->line++;
        return s == PH_EDIT_LINE ? IN_LINE : s == PH_EDIT_EOF ? IN_EOF : IN_INTERRUPT;
    }
    if (r->interactive && src->up == NULL) {
        fputs(prompt, stdout);
        fflush(stdout);
    }
    size_t cap = 0;
    ssize_t n = getline(line, &cap, src->f);
    if (n < 0) {
        free(*line);
        *line = NULL;
        if (r->interactive && src->up == NULL)
            fputc('\n', stdout);
        return IN_EOF;
    }
    while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
        (*line)[--n] = 0;
    src->line++;
    return IN_LINE;
}

char *ph_repl_ask(PhRepl *r, const char *question) {
    char *line;
    return read_line(r, question, &line) == IN_LINE ? line : NULL;
}

/* Keep the worst error; tell the caller whether to stop (bail). */
static bool failed(PhRepl *r, int rc) {
    if (rc > r->status)
        r->status = rc;
    return r->o.bail;
}

/* History entries are one line: a statement typed on several lines comes
 * back joined, each line break and the indentation after it one space. */
void ph_repl_remember(PhRepl *r, const char *entry) {
    if (!r->tty || r->src->f)
        return;
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (const char *c = entry; *c; c++) {
        if (*c != '\n') {
            sqlite3_str_appendchar(s, 1, *c);
            continue;
        }
        while (c[1] == ' ' || c[1] == '\t')
            c++;
        if (c[1])
            sqlite3_str_appendchar(s, 1, ' ');
    }
    char *e = sqlite3_str_finish(s);
    ph_edit_history_add(e);
    sqlite3_free(e);
}

int ph_repl_process(PhRepl *r, PhReplSource *src) {
    src->up = r->src;
    r->src = src;
    sqlite3_str *buf = NULL;   /* the statement being gathered */
    sqlite3_str *outer = r->pending;
    int start = 0, rc = 0;
    for (;;) {
        char *line;
        r->pending = buf;
        InStatus s = read_line(r, buf ? CONTINUE : PROMPT, &line);
        if (s == IN_EOF)
            break;
        if (s == IN_INTERRUPT) {   /* Ctrl-C at the prompt: forget the pending statement */
            sqlite3_free(sqlite3_str_finish(buf));
            buf = NULL;
            continue;
        }
        bool fresh = !buf;
        const char *dot = NULL;
        PhSplit k = ph_repl_split(&buf, line, &dot);
        if (k == PH_SPLIT_DOT) {
            ph_repl_remember(r, dot);
            int d = ph_repl_dot(r, dot);
            free(line);
            if (d == PH_REPL_LEAVE) {
                rc = PH_REPL_LEAVE;
                break;
            }
            if (d && failed(r, d)) {
                rc = d;
                break;
            }
            continue;
        }
        free(line);
        if (fresh && buf)
            start = src->line;
        if (k != PH_SPLIT_STATEMENT)
            continue;
        char *sql = sqlite3_str_finish(buf);
        buf = NULL;
        ph_repl_remember(r, sql);
        int q = ph_repl_run_sql(r, sql, src->name, start);
        sqlite3_free(sql);
        if (q && failed(r, q)) {
            rc = q;
            break;
        }
    }
    if (buf) {
        /* End of input inside a statement: run what there is (the sqlite3
         * shell does too); a missing ';' is no error, a cut one is. */
        char *sql = sqlite3_str_finish(buf);
        if (rc == 0) {
            int q = ph_repl_run_sql(r, sql, src->name, start);
            if (q && failed(r, q))
                rc = q;
        }
        sqlite3_free(sql);
    }
    r->pending = outer;
    r->src = src->up;
    return rc;
}

/* ---------------------------------------------------------------------------
 * The session.
 */

static char **complete_cb(void *ctx, const char *line, size_t start, size_t end) {
    PhRepl *r = ctx;
    const char *prior = r->pending ? sqlite3_str_value(r->pending) : NULL;
    return ph_repl_candidates(r, prior ? prior : "", line, start, end);
}

static void banner(PhRepl *r) {
    int files = 0, functions = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, ph_db_statement("counts"), -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        files = sqlite3_column_int(st, 0);
        functions = sqlite3_column_int(st, 2);
    }
    sqlite3_finalize(st);
    size_t rules = ph_rules_len(r->rules);
    printf("pyhunt %s: %d file%s, %d function%s, %zu rule%s. Enter SQL ending with ';', or .help\n",
           PH_TOOL_VERSION, files, files == 1 ? "" : "s", functions, functions == 1 ? "" : "s", rules,
           rules == 1 ? "" : "s");
}

int ph_repl_loop(PhRepl *r) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;   /* no SA_RESTART: Ctrl-C must break select() and read() */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    sigint_kills = !r->interactive;
    char *history = NULL;
    if (r->tty) {
        const char *home = getenv("HOME");
        history = home && *home ? ph_xasprintf("%s/.pyhunt_history", home) : NULL;
        ph_edit_open(history, complete_cb, r, &sigint_seen);
    }
    if (r->interactive)
        banner(r);
    PhReplSource src = {r->tty ? NULL : stdin, "stdin", 0, NULL};
    int rc = ph_repl_process(r, &src);
    if (r->tty)
        ph_edit_close();
    free(history);
    if (ph_repl_close_output(r) != 0 && rc <= 0)
        rc = PH_REPL_USAGE;
    sigaction(SIGINT, &old, NULL);
    running_db = NULL;
    if (rc > 0)
        return rc;
    return r->tty ? PH_REPL_OK : r->status;   /* a person at a terminal saw the errors */
}
