/*
 * session: the state of a REPL session and the services its commands use.
 * Opening the database (through the front end's opener) and the rules,
 * reloading, messages placed on the line they are about, Ctrl-C (while a
 * statement or rule runs the handler calls sqlite3_interrupt(); at the
 * prompt edit.c drops the line; in a script with nothing running it ends
 * the process as SIGINT normally does), and the stack of input sources
 * with the line reader. The input loop (repl.c), the dot-commands (dot.c),
 * SQL (sql.c) and completion (complete.c) stand on it; it calls none of
 * them.
 */
#include "internal.h"
#include "db.h"
#include "schemadoc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t sigint_seen;      /* set by the handler; edit.c clears it */
static sqlite3 *volatile running_db;           /* the connection Ctrl-C interrupts */
static volatile sig_atomic_t sigint_kills;     /* a script: Ctrl-C between statements ends it */
static struct sigaction sigint_before;        /* the handler the session replaced */

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

volatile sig_atomic_t *ph_repl_catch_sigint(PhRepl *r, bool on) {
    if (on) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint;   /* no SA_RESTART: Ctrl-C must break select() and read() */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &sigint_before);
        sigint_kills = !r->interactive;
    } else {
        sigaction(SIGINT, &sigint_before, NULL);
        running_db = NULL;
    }
    return &sigint_seen;
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
 * Names.
 */

void ph_repl_names_free(char **names, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

char **ph_repl_table_names(PhRepl *r, size_t *n) {
    PhVec(char *) names = {0};
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, ph_db_statement("tables"), -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 0);
            /* sorted: a TEMP object named as a table of main comes next to it */
            if (!names.len || strcmp(names.items[names.len - 1], name) != 0)
                ph_vec_push(&names, ph_xstrdup(name));
        }
    sqlite3_finalize(st);
    *n = names.len;
    return names.items;
}

/* ---------------------------------------------------------------------------
 * Input.
 */

void ph_repl_push_source(PhRepl *r, FILE *f, const char *name) {
    PhReplSource *s = ph_xcalloc(1, sizeof *s);
    s->f = f;
    s->name = s->owned_name = ph_xstrdup(name);
    ph_repl_enter_source(r, s);
    r->depth++;
}

void ph_repl_enter_source(PhRepl *r, PhReplSource *src) {
    src->up = r->src;
    r->src = src;
}

void ph_repl_pop_source(PhRepl *r) {
    PhReplSource *s = r->src;
    r->src = s->up;
    sqlite3_free(sqlite3_str_finish(s->pending));
    s->pending = NULL;
    if (!s->owned_name)
        return;   /* the loop's own source (stdin) */
    fclose(s->f);
    free(s->owned_name);
    free(s);
    r->depth--;
}

PhReplIn ph_repl_read(PhRepl *r, const char *prompt, char **line) {
    PhReplSource *src = r->src;
    *line = NULL;
    fflush(r->out);
    if (!src->f) {
        PhEditStatus s = ph_edit_read(prompt, line);
        if (s == PH_EDIT_LINE)
            src->line++;
        return s == PH_EDIT_LINE ? PH_REPL_IN_LINE : s == PH_EDIT_EOF ? PH_REPL_IN_EOF : PH_REPL_IN_INTERRUPT;
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
        return PH_REPL_IN_EOF;
    }
    while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
        (*line)[--n] = 0;
    src->line++;
    return PH_REPL_IN_LINE;
}

char *ph_repl_ask(PhRepl *r, const char *question) {
    char *line;
    return ph_repl_read(r, question, &line) == PH_REPL_IN_LINE ? line : NULL;
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

