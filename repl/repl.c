/*
 * repl: the input loop. Input is a stack of sources: stdin (the terminal or
 * a script), then any file .read pushes on it, read to its end before the
 * line after that .read. A line that starts with a dot while no statement
 * is pending is a dot-command (dot.c); anything else is gathered into a
 * statement until sqlite3_complete() says it is whole (split.c tells which),
 * then run (sql.c). The session itself, its sources and Ctrl-C are
 * session.c's; this file reads, dispatches and keeps the worst status.
 */
#include "internal.h"
#include "db.h"
#include "split.h"

#include <stdlib.h>
#include <string.h>

#define PROMPT "pyhunt> "
#define CONTINUE "   ...> "

/* Keep the worst error; tell the caller whether to stop (bail). */
static bool failed(PhRepl *r, int rc) {
    if (rc > r->status)
        r->status = rc;
    return r->o.bail;
}

/* Run the statement gathered in src: 0 or the error's status. */
static int run_pending(PhRepl *r, PhReplSource *src) {
    char *sql = sqlite3_str_finish(src->pending);
    src->pending = NULL;
    ph_repl_remember(r, sql);
    int rc = ph_repl_run_sql(r, sql, src->name, src->start);
    sqlite3_free(sql);
    return rc;
}

/* Read and run `base` and every source pushed over it, each to its end.
 * Returns 0, an error status (with bail: the first one, and the sources
 * still open are dropped), or PH_REPL_LEAVE after .quit. */
static int process(PhRepl *r, PhReplSource *base) {
    ph_repl_enter_source(r, base);
    PhReplSource *below = base->up;
    int rc = 0;
    while (r->src != below) {
        PhReplSource *src = r->src;
        char *line;
        PhReplIn s = ph_repl_read(r, src->pending ? CONTINUE : PROMPT, &line);
        if (s == PH_REPL_IN_EOF) {
            /* End of input inside a statement: run what there is (the
             * sqlite3 shell does too); a missing ';' is no error, a cut
             * one is. */
            int q = src->pending ? run_pending(r, src) : 0;
            ph_repl_pop_source(r);
            if (q && failed(r, q)) {
                rc = q;
                break;
            }
            continue;
        }
        if (s == PH_REPL_IN_INTERRUPT) {   /* Ctrl-C at the prompt: forget the pending statement */
            sqlite3_free(sqlite3_str_finish(src->pending));
            src->pending = NULL;
            continue;
        }
        bool fresh = !src->pending;
        const char *dot = NULL;
        PhSplit k = ph_repl_split(&src->pending, line, &dot);
        if (k == PH_SPLIT_DOT) {
            ph_repl_remember(r, dot);
            int d = ph_repl_dot(r, dot);
            free(line);
            if (d == PH_REPL_LEAVE || (d && failed(r, d))) {
                rc = d;
                break;
            }
            continue;
        }
        free(line);
        if (fresh && src->pending)
            src->start = src->line;
        if (k != PH_SPLIT_STATEMENT)
            continue;
        int q = run_pending(r, src);
        if (q && failed(r, q)) {
            rc = q;
            break;
        }
    }
    while (r->src != below)
        ph_repl_pop_source(r);
    return rc;
}

static char **complete_cb(void *ctx, const char *line, size_t start, size_t end) {
    PhRepl *r = ctx;
    const char *prior = r->src && r->src->pending ? sqlite3_str_value(r->src->pending) : NULL;
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
    volatile sig_atomic_t *interrupted = ph_repl_catch_sigint(r, true);
    char *history = NULL;
    if (r->tty) {
        const char *home = getenv("HOME");
        history = home && *home ? ph_xasprintf("%s/.pyhunt_history", home) : NULL;
        ph_edit_open(history, complete_cb, r, interrupted);
    }
    if (r->interactive)
        banner(r);
    PhReplSource src = {.f = r->tty ? NULL : stdin, .name = "stdin"};
    int rc = process(r, &src);
    if (r->tty)
        ph_edit_close();
    free(history);
    if (ph_repl_close_output(r) != 0 && rc <= 0)
        rc = PH_REPL_USAGE;
    ph_repl_catch_sigint(r, false);
    if (rc > 0)
        return rc;
    return r->tty ? PH_REPL_OK : r->status;   /* a person at a terminal saw the errors */
}
