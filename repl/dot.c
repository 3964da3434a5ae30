/*
 * dot: the dot-command table and its handlers. One row per command (name,
 * handler, usage, summary, details, argument count, what Tab completes);
 * dispatch, argument checks, .help, completion (complete.c) and "did you
 * mean" all read the table, so a new command is one row and one function.
 *
 * Results go to r->out (.output moves them); errors go to stderr as
 * diagnostics; the few confirmations (.save, .reload) go to stdout.
 */
#include "internal.h"
#include "db.h"
#include "grid.h"
#include "report.h"
#include "schemadoc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_READ_DEPTH 16
#define SHOW_CONTEXT 2       /* lines shown before and after a .show span */
#define SHOW_SPAN 8          /* longer spans show their first and last lines only */

/* ---------------------------------------------------------------------------
 * Small helpers.
 */

static bool is_on(const char *s) { return strcmp(s, "on") == 0; }

/* "on"/"off" into *flag; an error for anything else. */
static int set_flag(PhRepl *r, const char *cmd, const char *arg, bool *flag) {
    if (strcmp(arg, "on") != 0 && strcmp(arg, "off") != 0) {
        ph_repl_error(r, ".%s takes on or off, not '%s'", cmd, arg);
        return PH_REPL_USAGE;
    }
    *flag = is_on(arg);
    return 0;
}

/* Words laid out in columns down then across, 80 characters wide (as the
 * sqlite3 shell's .tables). */
static void print_columns(FILE *out, char **words, size_t n) {
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (strlen(words[i]) > w)
            w = strlen(words[i]);
    w += 2;
    size_t per_line = w < 80 ? 80 / w : 1, lines = (n + per_line - 1) / per_line;
    for (size_t l = 0; l < lines; l++) {
        for (size_t c = 0; c < per_line; c++) {
            size_t i = c * lines + l;
            if (i >= n)
                break;
            bool last = c + 1 == per_line || (c + 1) * lines + l >= n;
            if (last)
                fputs(words[i], out);
            else
                fprintf(out, "%-*s", (int)w, words[i]);
        }
        fputc('\n', out);
    }
}

/* ---------------------------------------------------------------------------
 * .help
 */

/* .help: every row of the table, or one command's usage, summary and
 * details. */
static int cmd_help(PhRepl *r, int argc, char **argv) {
    FILE *out = r->out;
    if (argc > 1) {
        const PhDotCommand *c = ph_repl_dot_find(argv[1]);
        if (!c) {
            ph_repl_error(r, "no command '%s'; .help lists them", argv[1]);
            return PH_REPL_USAGE;
        }
        fprintf(out, "usage: .%s%s%s\n\n%s.\n", c->name, *c->usage ? " " : "", c->usage, c->summary);
        if (c->details)
            fprintf(out, "\n%s\n", c->details);
        return 0;
    }
    for (const PhDotCommand *c = ph_repl_dots; c->name; c++) {
        char *head = ph_xasprintf(".%s%s%s", c->name, *c->usage ? " " : "", c->usage);
        fprintf(out, "%-24s %s\n", head, c->summary);
        free(head);
    }
    fputs("\nEnter SQL ending with ';' (it may span lines). Tab completes; Ctrl-C cancels the input\n"
          "or stops a running query; Ctrl-D leaves. '.help CMD' says more about a command.\n",
          out);
    return 0;
}

/* ---------------------------------------------------------------------------
 * .tables, .schema
 */

/* .tables [PATTERN]: the names matching the LIKE pattern, tables then
 * views. */
static int cmd_tables(PhRepl *r, int argc, char **argv) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, ph_db_statement("tables"), -1, &st, NULL) != SQLITE_OK) {
        ph_repl_error(r, "%s", sqlite3_errmsg(r->db));
        return PH_REPL_QUERY;
    }
    PhVec(char *) tables = {0};
    PhVec(char *) views = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (argc > 1 && sqlite3_strlike(argv[1], name, 0) != 0)
            continue;
        if (strcmp((const char *)sqlite3_column_text(st, 1), "view") == 0)
            ph_vec_push(&views, ph_xstrdup(name));
        else
            ph_vec_push(&tables, ph_xstrdup(name));
    }
    sqlite3_finalize(st);
    if (tables.len) {
        fputs("-- tables (facts)\n", r->out);
        print_columns(r->out, tables.items, tables.len);
    }
    if (views.len) {
        fputs("-- views (library predicates)\n", r->out);
        print_columns(r->out, views.items, views.len);
    }
    ph_repl_names_free(tables.items, tables.len);
    ph_repl_names_free(views.items, views.len);
    return 0;
}

typedef struct Column {
    char *name, *type;
    const char *doc;
} Column;

/* The columns of a table or view, with their declared types. */
static size_t columns_of(PhRepl *r, const char *table, Column **out) {
    PhVec(Column) v = {0};
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, ph_db_statement("columns"), -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *type = (const char *)sqlite3_column_text(st, 1);
            Column c = {ph_xstrdup((const char *)sqlite3_column_text(st, 0)),
                        ph_xasprintf("%s%s%s", type ? type : "", sqlite3_column_int(st, 3) ? " PRIMARY KEY" : "",
                                     sqlite3_column_int(st, 2) ? " NOT NULL" : ""),
                        NULL};
            c.doc = ph_schemadoc_column(table, c.name);
            ph_vec_push(&v, c);
        }
    }
    sqlite3_finalize(st);
    *out = v.items;
    return v.len;
}

static void columns_free(Column *c, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(c[i].name);
        free(c[i].type);
    }
    free(c);
}

/* One table or view, its columns aligned and each followed by its
 * documentation: what the database holds, told with the schema's own
 * comments (schemadoc.h). */
static void schema_one(PhRepl *r, const char *name, bool view) {
    FILE *out = r->out;
    Column *cols;
    size_t n = columns_of(r, name, &cols);
    const PhSchemaObject *o = ph_schemadoc_find(name);   /* NULL: a TEMP object of the user's */
    if (o) {
        const char *d = o->description;
        for (const char *p = d; p && *p;) {
            const char *e = strchr(p, '\n');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            fprintf(out, "-- %.*s\n", (int)len, p);
            p = e ? e + 1 : p + len;
        }
    }
    fprintf(out, "CREATE %s%s(\n", view ? "VIEW " : "TABLE ", name);
    int wn = 0, wt = 0;
    for (size_t i = 0; i < n; i++) {
        if ((int)strlen(cols[i].name) > wn)
            wn = (int)strlen(cols[i].name);
        if ((int)strlen(cols[i].type) > wt)
            wt = (int)strlen(cols[i].type);
    }
    for (size_t i = 0; i < n; i++) {
        char *tc = ph_xasprintf("%s%s", cols[i].type, i + 1 < n ? "," : "");
        if (cols[i].doc)
            fprintf(out, "  %-*s %-*s  -- %s\n", wn, cols[i].name, wt + 1, tc, cols[i].doc);
        else if (*cols[i].type)
            fprintf(out, "  %-*s %s\n", wn, cols[i].name, tc);
        else
            fprintf(out, "  %s%s\n", cols[i].name, tc);
        free(tc);
    }
    fputs(");\n", out);
    columns_free(cols, n);
}

/* .schema [TABLE]: one table or view in full, or a line for each; an
 * unknown name gets "did you mean". */
static int cmd_schema(PhRepl *r, int argc, char **argv) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, ph_db_statement("tables"), -1, &st, NULL) != SQLITE_OK) {
        ph_repl_error(r, "%s", sqlite3_errmsg(r->db));
        return PH_REPL_QUERY;
    }
    PhVec(char *) names = {0};
    bool found = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        bool view = strcmp((const char *)sqlite3_column_text(st, 1), "view") == 0;
        if (argc > 1) {
            ph_vec_push(&names, ph_xstrdup(name));
            if (strcmp(name, argv[1]) == 0) {
                schema_one(r, name, view);
                found = true;
            }
            continue;
        }
        /* No argument: one line per table and view, its columns listed. */
        Column *cols;
        size_t n = columns_of(r, name, &cols);
        fprintf(r->out, "%s%s(", view ? "VIEW " : "", name);
        for (size_t i = 0; i < n; i++)
            fprintf(r->out, "%s%s", i ? ", " : "", cols[i].name);
        fputs(")\n", r->out);
        columns_free(cols, n);
    }
    sqlite3_finalize(st);
    int rc = 0;
    if (argc > 1 && !found) {
        const char *near = ph_str_closest(argv[1], (const char *const *)names.items, names.len);
        if (near)
            ph_repl_error(r, "no table or view '%s'; did you mean '%s'?", argv[1], near);
        else
            ph_repl_error(r, "no table or view '%s'; .tables lists them", argv[1]);
        rc = PH_REPL_USAGE;
    }
    ph_repl_names_free(names.items, names.len);
    return rc;
}

/* ---------------------------------------------------------------------------
 * .rules, .explain, .run
 */

static bool rule_matches(const PhRule *rule, const char *pat) {
    if (strpbrk(pat, "*?["))
        return sqlite3_strglob(pat, rule->id) == 0 || sqlite3_strglob(pat, rule->name) == 0;
    size_t n = strlen(pat);
    if (strncasecmp(rule->id, pat, n) == 0)
        return true;
    const char *fields[] = {rule->name, rule->tags};
    for (size_t i = 0; i < 2; i++)
        for (const char *p = fields[i]; p && *p; p++)
            if (strncasecmp(p, pat, n) == 0)
                return true;
    return false;
}

/* .rules [PATTERN]: the rule set as a grid in the current mode. */
static int cmd_rules(PhRepl *r, int argc, char **argv) {
    const char *names[] = {"id", "severity", "name", "default", "contexts", "source"};
    PhGrid *g = ph_grid_begin(r->mode, r->out, 6, names);
    for (size_t i = 0; i < ph_rules_len(r->rules); i++) {
        const PhRule *rule = ph_rules_at(r->rules, i);
        if (argc > 1 && !rule_matches(rule, argv[1]))
            continue;
        char *contexts = ph_context_set_text(rule->contexts);
        const char *v[] = {rule->id, rule->severity, rule->name, rule->opt_in ? "opt-in" : "on", contexts,
                           rule->builtin ? "built-in" : rule->path};
        PhCellKind k[] = {PH_CELL_TEXT, PH_CELL_TEXT, PH_CELL_TEXT, PH_CELL_TEXT, PH_CELL_TEXT, PH_CELL_TEXT};
        ph_grid_row(g, v, k);
        free(contexts);
    }
    ph_grid_end(g);
    return 0;
}

/* A rule by id; an error naming the closest id when there is none. */
static const PhRule *find_rule(PhRepl *r, const char *id) {
    const PhRule *rule = ph_rules_find(r->rules, id);
    if (rule)
        return rule;
    size_t n = ph_rules_len(r->rules);
    const char **ids = ph_xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        ids[i] = ph_rules_at(r->rules, i)->id;
    const char *near = ph_str_closest(id, ids, n);
    if (near)
        ph_repl_error(r, "no rule '%s'; did you mean '%s'?", id, near);
    else
        ph_repl_error(r, "no rule '%s'; .rules lists them", id);
    free(ids);
    return NULL;
}

static void print_indented(FILE *out, const char *text, const char *pad) {
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        fprintf(out, "%s%.*s\n", n ? pad : "", (int)n, p);
        p = e ? e + 1 : p + n;
    }
}

/* The SQL of a rule file: what follows its header of comments. */
static const char *rule_body(const PhRule *rule) {
    const char *p = rule->sql;
    while (*p) {
        const char *s = p;
        while (*s == ' ' || *s == '\t' || *s == '\r')
            s++;
        if (*s != '\n' && !(s[0] == '-' && s[1] == '-') && *s)
            return p;
        const char *e = strchr(p, '\n');
        if (!e)
            return p + strlen(p);
        p = e + 1;
    }
    return p;
}

/* .explain ID: what `pyhunt rules --explain` says, plus the rule's file
 * and its SQL without the header. */
static int cmd_explain(PhRepl *r, int argc, char **argv) {
    const PhRule *rule = find_rule(r, argv[1]);
    if (!rule)
        return PH_REPL_USAGE;
    FILE *out = r->out;
    fprintf(out, "%s %s [%s]", rule->id, rule->name, rule->severity);
    if (rule->precision)
        fprintf(out, "  precision: %s", rule->precision);
    if (rule->tags)
        fprintf(out, "  tags: %s", rule->tags);
    fprintf(out, "\nFile:    %s%s\n", rule->path, rule->builtin ? " (built-in)" : "");
    char *contexts = ph_context_set_text(rule->contexts);
    fprintf(out, "Runs:    %s; reports in %s files\n", rule->opt_in ? "opt-in (audit --select ID or ALL)" : "by default",
            strcmp(contexts, "all") == 0 ? "every context's" : contexts);
    free(contexts);
    fprintf(out, "Message: %s\n", rule->message);
    if (*rule->fix)
        fprintf(out, "Fix:     %s\n", rule->fix);
    if (rule->description) {
        fputc('\n', out);
        print_indented(out, rule->description, "");
    }
    const char *labels[] = {"Bad:", "Good:", "Not flagged:"};
    const char *texts[] = {rule->bad, rule->good, rule->accepted};
    for (int i = 0; i < 3; i++)
        if (texts[i]) {
            fprintf(out, "\n%s\n", labels[i]);
            print_indented(out, texts[i], "    ");
        }
    fputs("\nSQL:\n", out);
    const char *body = rule_body(rule);
    print_indented(out, body, "  ");
    return 0;
}

/* .run ID...: the rules named (exactly, else by prefix) run in catalogue
 * order, their findings sorted and printed by the text report of `audit`,
 * from the same report model;
 * the findings' locations become the rows .show N reads. PH_REPL_QUERY
 * when a rule's SQL fails (the others still run). */
static int cmd_run(PhRepl *r, int argc, char **argv) {
    /* The rules named, in catalogue order; an id may be a prefix (PH1). */
    size_t n = ph_rules_len(r->rules);
    bool *pick = ph_xcalloc(n + 1, sizeof(bool));
    int rc = 0;
    for (int a = 1; a < argc; a++) {
        bool any = false;
        for (size_t i = 0; i < n; i++)
            if (ph_rules_match(argv[a], ph_rules_at(r->rules, i)->id) &&
                (strcasecmp(argv[a], ph_rules_at(r->rules, i)->id) == 0 || !ph_rules_find(r->rules, argv[a])))
                pick[i] = any = true;
        if (!any && !find_rule(r, argv[a]))
            rc = PH_REPL_USAGE;
    }
    if (rc) {
        free(pick);
        return rc;
    }
    PhFindings fs;
    memset(&fs, 0, sizeof fs);
    PhDiags *d = ph_diags_new();
    ph_repl_interrupted(true);
    for (size_t i = 0; i < n; i++) {
        if (!pick[i])
            continue;
        ph_repl_running(r->db);
        if (ph_rules_run(r->db, ph_rules_at(r->rules, i), true, &fs, d) != 0)
            rc = PH_REPL_QUERY;
        ph_repl_running(NULL);
        if (ph_repl_interrupted(true)) {   /* Ctrl-C stops the whole run, not one rule */
            rc = PH_REPL_QUERY;
            break;
        }
    }
    free(pick);
    ph_repl_print_diags(r, d);
    ph_diags_free(d);
    PhReport rep = {
        .root = r->root ? r->root : ".",
        .rules = r->rules,
        .findings = &fs,
        .color = r->out == stdout && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"),
        .explain = ".explain ",
    };
    ph_report_prepare(&fs, r->db, rep.root, PH_MAX_FILE_BYTES);
    ph_report_gather(&rep, r->db, 0);
    ph_report_text(r->out, &rep);
    ph_report_release(&rep);
    /* .show N shows finding N */
    ph_repl_rows_reset(r, true, true);
    for (size_t i = 0; i < fs.len; i++) {
        const PhLocation *l = &fs.items[i].loc;
        PhReplLoc loc = {l->file_id, l->line, l->col, l->end_line, l->end_col};
        ph_vec_push(&r->rows, loc);
    }
    ph_findings_free(&fs);
    return rc;
}

/* ---------------------------------------------------------------------------
 * .show
 */

/* .show N [LINES]: the file of row N (files.path under the root the
 * database was built from), the row's lines marked with '>' and its span
 * underlined (a long span shows its first and last lines), LINES of
 * context around. */
static int cmd_show(PhRepl *r, int argc, char **argv) {
    char *end;
    long n = strtol(argv[1], &end, 10);
    if (*end || n < 1) {
        ph_repl_error(r, ".show takes a row number (1, 2, ...), not '%s'", argv[1]);
        return PH_REPL_USAGE;
    }
    long context = SHOW_CONTEXT;
    if (argc > 2) {
        context = strtol(argv[2], &end, 10);
        if (*end || context < 0) {
            ph_repl_error(r, ".show takes a number of context lines, not '%s'", argv[2]);
            return PH_REPL_USAGE;
        }
    }
    if (!r->have_result) {
        ph_repl_error(r, "no result yet: run a query first");
        return PH_REPL_USAGE;
    }
    if (!r->rows_have_loc) {
        ph_repl_error(r, "the last result has no location: .show needs file_id and line columns (col, "
                         "end_line, end_col too to underline)");
        return PH_REPL_USAGE;
    }
    if ((size_t)n > r->rows.len) {
        ph_repl_error(r, "no row %ld: the last result has %zu row%s", n, r->rows.len,
                      r->rows.len == 1 ? "" : "s");
        return PH_REPL_USAGE;
    }
    PhReplLoc l = r->rows.items[n - 1];
    if (l.file_id <= 0 || l.line <= 0) {
        ph_repl_error(r, "row %ld has no file_id or line", n);
        return PH_REPL_USAGE;
    }
    /* the file, relative to the root the database was built from */
    char *rel = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, ph_db_statement("file_path"), -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, l.file_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            rel = ph_xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (!rel) {
        ph_repl_error(r, "row %ld: no file with id %lld", n, (long long)l.file_id);
        return PH_REPL_USAGE;
    }
    struct stat sb;
    const char *root = r->root ? r->root : ".";
    char *path = stat(root, &sb) == 0 && !S_ISDIR(sb.st_mode) ? ph_xstrdup(root) : ph_xasprintf("%s/%s", root, rel);
    size_t len;
    char *text = ph_read_file(path, &len);
    if (!text) {
        ph_repl_error(r, "cannot read %s: %s", path, strerror(errno));
        free(path);
        free(rel);
        return PH_REPL_USAGE;
    }
    PhVec(char *) lines = {0};
    for (char *p = text; *p;) {
        char *e = strchr(p, '\n');
        if (e) {
            *e = 0;
            if (e > p && e[-1] == '\r')
                e[-1] = 0;
        }
        ph_vec_push(&lines, p);
        p = e ? e + 1 : p + strlen(p);
    }
    int rc = 0;
    if ((size_t)l.line > lines.len) {
        ph_repl_error(r, "%s has %zu lines, fewer than %d: it changed since extraction (.reload updates the "
                         "database)", rel, lines.len, l.line);
        rc = PH_REPL_USAGE;
    } else {
        FILE *out = r->out;
        int last = l.end_line >= l.line ? l.end_line : l.line;
        if ((size_t)last > lines.len)
            last = (int)lines.len;
        long from = l.line - context, to = last + context;
        if (from < 1)
            from = 1;
        if (to > (long)lines.len)
            to = (long)lines.len;
        int w = snprintf(NULL, 0, "%ld", to);
        if (l.col > 0)
            fprintf(out, "%s:%d:%d\n", rel, l.line, l.col);
        else
            fprintf(out, "%s:%d\n", rel, l.line);
        for (long k = from; k <= to; k++) {
            bool in_span = k >= l.line && k <= last;
            if (in_span && last - l.line > SHOW_SPAN && k == l.line + SHOW_SPAN / 2) {
                fprintf(out, "  %*s | ... (%ld more lines)\n", w, "", (long)(last - k));
                k = last - 1;
                continue;
            }
            const char *t = lines.items[k - 1];
            /* the span underlined on its lines, later ones from their first non-blank */
            PhSourceLine sl = {.lead = in_span ? "> " : "  ", .width = w, .line = (int)k, .text = t};
            if (in_span && l.col) {
                sl.from = k == l.line ? l.col : ph_diag_indent(t);
                sl.to = k == last && l.end_line == last && l.end_col > 0 ? l.end_col : 0;
                sl.caret = k == l.line;
            }
            ph_diag_source(out, &sl);
        }
    }
    free(lines.items);
    free(text);
    free(path);
    free(rel);
    return rc;
}

/* ---------------------------------------------------------------------------
 * .save, .edit
 */

/* mkdir -p */
static int make_dirs(const char *dir) {
    char *p = ph_xstrdup(dir);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0777);
            *s = '/';
        }
    int rc = mkdir(p, 0777) == 0 || errno == EEXIST ? 0 : -1;
    free(p);
    return rc;
}

/* The last query as a rule needs file_id, line and col, and must only
 * read. Returns its column names as "a, b, c" (caller frees) or NULL after
 * an error. */
static char *check_rule_query(PhRepl *r) {
    sqlite3_stmt *st = NULL;
    PhTrust trust = ph_db_trust(PH_TRUST_EXPLORE);   /* as it ran */
    int prc = sqlite3_prepare_v2(r->db, r->last_sql, -1, &st, NULL);
    ph_db_trust(trust);
    if (prc != SQLITE_OK || !st) {
        ph_repl_error(r, "the last query no longer compiles: %s", ph_db_errmsg(r->db));
        sqlite3_finalize(st);
        return NULL;
    }
    int n = sqlite3_column_count(st);
    bool has[3] = {false, false, false};
    const char *need[3] = {"file_id", "line", "col"};
    sqlite3_str *cols = sqlite3_str_new(NULL);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(st, i);
        sqlite3_str_appendf(cols, "%s%s", i ? ", " : "", name);
        for (int k = 0; k < 3; k++)
            has[k] |= strcmp(name, need[k]) == 0;
    }
    bool readonly = sqlite3_stmt_readonly(st);
    sqlite3_finalize(st);
    char *list = sqlite3_str_finish(cols);
    char *out = ph_xstrdup(list ? list : "");
    sqlite3_free(list);
    if (!readonly) {
        ph_repl_error(r, "a rule must only read: the last query changes the database");
    } else if (!has[0] || !has[1] || !has[2]) {
        ph_repl_error(r, "a rule must return the columns file_id, line and col; the last query returns: %s", out);
    } else {
        return out;
    }
    free(out);
    return NULL;
}

/* Ask a question; trimmed answer, or NULL (after an error) when the input
 * ended. */
static char *answer(PhRepl *r, const char *question) {
    char *a = ph_repl_ask(r, question);
    if (!a) {
        ph_repl_error(r, ".save cancelled: no answer to '%s'", question);
        return NULL;
    }
    char *t = a;
    while (isspace((unsigned char)*t))
        t++;
    size_t n = strlen(t);
    while (n && isspace((unsigned char)t[n - 1]))
        n--;
    char *out = ph_xstrndup(t, n);
    free(a);
    return out;
}

/* .save ID [NAME]: the last query with a metadata header, written to
 * RULES_DIR/ID-NAME.sql after asking for what the header needs, then the
 * rules reloaded. Refuses built-in ids and ids another file of the folder
 * holds; saving the same id and name again replaces the file. The header
 * is checked by the rule loader itself before anything is written. */
static int cmd_save(PhRepl *r, int argc, char **argv) {
    const char *id = argv[1];
    if (!r->last_sql) {
        ph_repl_error(r, "no query to save yet: run one first");
        return PH_REPL_USAGE;
    }
    if (!ph_rules_valid_id(id)) {
        ph_repl_error(r, "'%s' is not a rule id: capitals then digits, like TEAM1", id);
        return PH_REPL_USAGE;
    }
    const PhRule *old = ph_rules_find(r->rules, id);
    if (old && old->builtin) {
        ph_repl_error(r, "%s is a built-in rule; choose another id", old->id);
        return PH_REPL_USAGE;
    }
    /* --queries DIR, else the project's folder, else the user's: where
     * every command looks (rules.h) */
    char *dir = r->rules_dir ? ph_xstrdup(r->rules_dir) : r->root ? ph_rules_dir_project(r->root) : ph_rules_dir_user();
    if (!dir) {
        ph_repl_error(r, "no rules folder: give --queries DIR");
        return PH_REPL_USAGE;
    }
    char *cols = check_rule_query(r);
    if (!cols) {
        free(dir);
        return PH_REPL_USAGE;
    }
    int rc = PH_REPL_USAGE;
    char *name = NULL, *sev = NULL, *msg = NULL, *path = NULL, *text = NULL;
    name = argc > 2 ? ph_xstrdup(argv[2]) : answer(r, "name (words-with-dashes): ");
    if (!name)
        goto out;
    for (char *c = name; *c; c++)
        *c = *c == ' ' ? '-' : (char)tolower((unsigned char)*c);
    if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(name)) {
        ph_repl_error(r, "'%s' is not a rule name: letters, digits and dashes", name);
        goto out;
    }
    if (!(sev = answer(r, "severity (P1, P2, P3) [P2]: ")))
        goto out;
    if (!*sev) {
        free(sev);
        sev = ph_xstrdup("P2");
    }
    sev[0] = (char)toupper((unsigned char)sev[0]);
    if (ph_severity_rank(sev) > 3) {
        ph_repl_error(r, "severity '%s' is not P1, P2 or P3", sev);
        goto out;
    }
    if (!(msg = answer(r, "message ({column} is a column's value): ")))
        goto out;
    if (!*msg) {
        ph_repl_error(r, "a rule needs a message");
        goto out;
    }
    /* {placeholders} the query does not return stay as written: say so */
    for (const char *p = strchr(msg, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e)
            break;
        char *hay = ph_xasprintf(", %s,", cols), *needle = ph_xasprintf(", %.*s,", (int)(e - p - 1), p + 1);
        if (!strstr(hay, needle))
            ph_repl_warn(r, "the message names {%.*s}, which the query does not return (it returns %s)",
                         (int)(e - p - 1), p + 1, cols);
        free(hay);
        free(needle);
    }
    path = ph_xasprintf("%s/%s-%s.sql", dir, id, name);
    if (old && strcmp(old->path, path) != 0) {
        ph_repl_error(r, "rule %s exists already in %s; choose another id", old->id, old->path);
        goto out;
    }
    text = ph_xasprintf("-- @id %s\n-- @name %s\n-- @severity %s\n-- @message %s\n\n%s;\n", id, name, sev, msg,
                        r->last_sql);
    /* the rule loader has the last word on the header */
    PhRuleSet *check = ph_rules_new();
    PhDiags *d = ph_diags_new();
    int ok = ph_rules_add(check, path, text, false, d);
    ph_repl_print_diags(r, d);
    ph_diags_free(d);
    ph_rules_free(check);
    if (ok != 0)
        goto out;
    if (make_dirs(dir) != 0) {
        ph_repl_error(r, "cannot create %s: %s", dir, strerror(errno));
        goto out;
    }
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        ph_repl_error(r, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    ph_repl_load_rules(r);
    fflush(r->out);
    printf("%s %s %s %s; .run %s runs it\n", old ? "replaced" : "saved", id, old ? "in" : "to", path, id);
    rc = 0;
out:
    free(dir);
    free(cols);
    free(name);
    free(sev);
    free(msg);
    free(path);
    free(text);
    return rc;
}

/* .edit: the last query in a temporary .sql file, the editor run on it
 * through the shell (so EDITOR may carry arguments), and what it saved run
 * as SQL, which makes it the last query. */
static int cmd_edit(PhRepl *r, int argc, char **argv) {
    const char *editor = getenv("VISUAL");
    if (!editor || !*editor)
        editor = getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    const char *tmpdir = getenv("TMPDIR");
    char *path = ph_xasprintf("%s/pyhunt-edit-XXXXXX.sql", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemps(path, 4);
    if (fd < 0) {
        ph_repl_error(r, "cannot create a file to edit: %s", strerror(errno));
        free(path);
        return PH_REPL_USAGE;
    }
    FILE *f = fdopen(fd, "w");
    if (r->last_sql)
        fprintf(f, "%s;\n", r->last_sql);
    fclose(f);
    char *cmd = ph_xasprintf("%s '%s'", editor, path);
    fflush(stdout);
    fflush(r->out);
    int st = system(cmd);
    free(cmd);
    int rc = 0;
    size_t len;
    char *text = NULL;
    if (st != 0) {
        ph_repl_error(r, "%s exited with status %d; nothing run", editor, WIFEXITED(st) ? WEXITSTATUS(st) : st);
        rc = PH_REPL_USAGE;
    } else if (!(text = ph_read_file(path, &len))) {
        ph_repl_error(r, "cannot read %s: %s", path, strerror(errno));
        rc = PH_REPL_USAGE;
    } else if (strspn(text, " \t\r\n;") == len) {
        ph_repl_error(r, "the query is empty; nothing run");
        rc = PH_REPL_USAGE;
    } else {
        if (r->interactive)
            fputs(text, stdout);
        ph_repl_remember(r, text);   /* Up brings the edited query back */
        rc = ph_repl_run_sql(r, text, "edit", 1);
    }
    free(text);
    unlink(path);
    free(path);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Settings, input and output, the session.
 */

/* .mode [MODE]: one of the grid's modes, or the current one printed. */
static int cmd_mode(PhRepl *r, int argc, char **argv) {
    if (argc < 2) {
        fprintf(r->out, "%s\n", r->mode);
        return 0;
    }
    const char *modes = ph_grid_modes();
    size_t n = strlen(argv[1]);
    for (const char *p = modes; (p = strstr(p, argv[1])); p++)
        if ((p == modes || p[-1] == ' ') && (p[n] == ' ' || !p[n]) && n < sizeof r->mode) {
            snprintf(r->mode, sizeof r->mode, "%s", argv[1]);
            return 0;
        }
    ph_repl_error(r, "unknown mode '%s' (%s)", argv[1], modes);
    return PH_REPL_USAGE;
}

static int cmd_timer(PhRepl *r, int argc, char **argv) { return set_flag(r, argv[0], argv[1], &r->timer); }

static int cmd_eqp(PhRepl *r, int argc, char **argv) { return set_flag(r, argv[0], argv[1], &r->eqp); }

/* .read FILE: the file as a nested source, read to its end (by the input
 * loop, repl.c) before the line after this one; its errors name it. */
static int cmd_read(PhRepl *r, int argc, char **argv) {
    if (r->depth >= MAX_READ_DEPTH) {
        ph_repl_error(r, "too many nested .read (is %s reading itself?)", argv[1]);
        return PH_REPL_USAGE;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        ph_repl_error(r, "cannot read %s: %s", argv[1], strerror(errno));
        return PH_REPL_USAGE;
    }
    ph_repl_push_source(r, f, argv[1]);
    return 0;
}

/* .output [FILE|stdout]: where results go from now on. A file is written
 * whole or not at all (base/output.c): it appears when output goes
 * elsewhere or the session ends. */
static int cmd_output(PhRepl *r, int argc, char **argv) {
    PhOutput *next = NULL;
    if (argc > 1 && strcmp(argv[1], "stdout") != 0) {
        char *err;
        if (!(next = ph_output_open(argv[1], &err))) {
            ph_repl_error(r, "%s", err);
            free(err);
            return PH_REPL_USAGE;
        }
    }
    int rc = ph_repl_close_output(r);
    r->output = next;
    r->out = next ? ph_output_file(next) : stdout;
    return rc;
}

int ph_repl_close_output(PhRepl *r) {
    char *err;
    int rc = ph_output_close(r->output, &err);
    r->output = NULL;
    r->out = stdout;
    if (rc == 0)
        return 0;
    ph_repl_error(r, "%s", err);
    free(err);
    if (r->status < PH_REPL_USAGE)
        r->status = PH_REPL_USAGE;
    return PH_REPL_USAGE;
}

/* .reload: incremental extraction of the root, the database reopened. */
static int cmd_reload(PhRepl *r, int argc, char **argv) {
    PhExtractStats st;
    memset(&st, 0, sizeof st);
    int rc = ph_repl_reopen(r, &st);
    if (!r->db) {
        ph_repl_error(r, "the database cannot be opened again; leaving");
        r->status = PH_REPL_USAGE;
        return PH_REPL_LEAVE;
    }
    if (rc == 0)
        printf("reloaded %s: %d file%s re-extracted, %d unchanged, %d removed\n", r->root, st.parsed,
               st.parsed == 1 ? "" : "s", st.unchanged, st.removed);
    return rc;
}

static int cmd_quit(PhRepl *r, int argc, char **argv) { return PH_REPL_LEAVE; }

const PhDotCommand ph_repl_dots[] = {
    {"edit", cmd_edit, "", "open the last query in $EDITOR; run it when saved",
     "The editor is $VISUAL, else $EDITOR, else vi. Saving an empty file runs nothing.", 0, 0, PH_ARG_NONE, NULL},
    {"eqp", cmd_eqp, "on|off", "show each query's plan before its results", NULL, 1, 1, PH_ARG_WORDS, "on off"},
    {"exit", cmd_quit, "", "leave (as .quit)", NULL, 0, 0, PH_ARG_NONE, NULL},
    {"explain", cmd_explain, "ID", "a rule's metadata and its SQL", NULL, 1, 1, PH_ARG_RULE, NULL},
    {"help", cmd_help, "[CMD]", "list the commands, or say more about one", NULL, 0, 1, PH_ARG_COMMAND, NULL},
    {"mode", cmd_mode, "[MODE]", "how results print: table, box, json, csv, markdown, line", NULL, 0, 1,
     PH_ARG_WORDS, "table box json csv markdown line"},
    {"output", cmd_output, "[FILE|stdout]", "send results to FILE (or back to stdout)", NULL, 0, 1, PH_ARG_FILE,
     NULL},
    {"quit", cmd_quit, "", "leave (Ctrl-D too)", NULL, 0, 0, PH_ARG_NONE, NULL},
    {"read", cmd_read, "FILE", "run the commands and SQL in FILE", NULL, 1, 1, PH_ARG_FILE, NULL},
    {"reload", cmd_reload, "", "re-extract the files changed since the database was built", NULL, 0, 0,
     PH_ARG_NONE, NULL},
    {"rules", cmd_rules, "[PATTERN]", "list the rules (PATTERN: an id prefix, a word of the name or tags, a glob)",
     NULL, 0, 1, PH_ARG_RULE, NULL},
    {"run", cmd_run, "ID [ID...]", "run rules and print their findings as 'pyhunt audit' does",
     "An ID may be a prefix: '.run PH1' runs PH101, PH102, ... Then '.show N' shows finding N.", 1, -1,
     PH_ARG_RULE, NULL},
    {"save", cmd_save, "ID [NAME]", "save the last query as a rule in the user rules folder",
     "Asks for the name (unless given), the severity and the message, reading the answers\n"
     "from the input, so scripts can save rules too. The query must return file_id, line\n"
     "and col. The folder is --queries DIR, else the project's ROOT/.pyhunt-rules, which\n"
     "'pyhunt audit', 'pyhunt rules' and the REPL all read (see README, user rules).",
     1, 2, PH_ARG_NONE, NULL},
    {"schema", cmd_schema, "[TABLE]", "the columns of a table or view, each with its documentation", NULL, 0, 1,
     PH_ARG_TABLE, NULL},
    {"show", cmd_show, "N [LINES]", "the source behind row N of the last result, its span underlined",
     "The result needs file_id and line columns (col, end_line and end_col underline the\n"
     "span). LINES of context are shown around it (default 2).",
     1, 2, PH_ARG_NONE, NULL},
    {"tables", cmd_tables, "[PATTERN]", "list the tables and views (PATTERN as in LIKE)", NULL, 0, 1, PH_ARG_TABLE,
     NULL},
    {"timer", cmd_timer, "on|off", "print how long each statement takes", NULL, 1, 1, PH_ARG_WORDS, "on off"},
    {NULL, NULL, NULL, NULL, NULL, 0, 0, PH_ARG_NONE, NULL},
};

const PhDotCommand *ph_repl_dot_find(const char *name) {
    if (*name == '.')
        name++;
    for (const PhDotCommand *c = ph_repl_dots; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int ph_repl_dot(PhRepl *r, const char *line) {
    int argc;
    char **argv = ph_split_words(line + 1, &argc);
    int rc = 0;
    const PhDotCommand *c = argc ? ph_repl_dot_find(argv[0]) : NULL;
    if (!c) {
        const char *word = argc ? argv[0] : "";
        PhVec(const char *) names = {0};
        for (const PhDotCommand *k = ph_repl_dots; k->name; k++)
            ph_vec_push(&names, k->name);
        const char *best = ph_str_closest(word, names.items, names.len);
        free(names.items);
        if (best)
            ph_repl_error(r, "unknown command '.%s'; did you mean '.%s'?", word, best);
        else
            ph_repl_error(r, "unknown command '.%s'; .help lists the commands", word);
        rc = PH_REPL_USAGE;
    } else if (argc - 1 < c->min_args || (c->max_args >= 0 && argc - 1 > c->max_args)) {
        ph_repl_error(r, "usage: .%s%s%s", c->name, *c->usage ? " " : "", c->usage);
        rc = PH_REPL_USAGE;
    } else {
        rc = c->run(r, argc, argv);
        fflush(r->out);
    }
    ph_words_free(argv);
    return rc;
}
