/*
 * audit: `pyhunt audit [PATH...]`: incremental extraction of the project
 * the paths belong to, every selected rule, one report on the paths. The
 * exit code tells CI what happened (see PhExit). The project and what is
 * reported are project.c's; the configuration file's values arrive in the
 * options (config.c).
 *
 * Everything a format shows is gathered here, before formatting: the source
 * line of each location, the counts and the imported libraries of the
 * markdown report (named statements audit_surface, audit_arch), the call
 * each finding points at (finding_call), and, with --diff, the lines changed
 * since a git ref (gitdiff.c). The formats themselves only print.
 */
#include "cli.h"
#include "db.h"
#include "gitdiff.h"
#include "output.h"
#include "report.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The source line of each finding (and related location), for reports that
 * show code. Each file is read once (regular files only, within the
 * extractor's size cap), and its line starts indexed once: many findings in
 * one large file cost no rescan from its top. */
static void attach_snippets(PhFindings *fs, const char *root) {
    char *cur_path = NULL, *text = NULL;
    PhVec(size_t) starts = {0};   /* byte offset of each line of text, line 1 first */
    for (size_t i = 0; i < fs->len; i++) {
        PhFinding *f = &fs->items[i];
        for (size_t k = 0; k <= f->nrelated; k++) {
            PhLocation *l = k == 0 ? &f->loc : &f->related[k - 1];
            if (!cur_path || strcmp(cur_path, l->path) != 0) {
                free(cur_path);
                free(text);
                cur_path = ph_xstrdup(l->path);
                char *abs = strcmp(root, l->path) == 0 || !*root ? ph_xstrdup(l->path)
                                                                  : ph_xasprintf("%s/%s", root, l->path);
                /* a root that is a file: the path is its base name */
                if (access(abs, R_OK) != 0 && ph_str_ends(root, l->path)) {
                    free(abs);
                    abs = ph_xstrdup(root);
                }
                size_t len = 0;
                text = ph_read_regular(abs, PH_MAX_FILE_BYTES, &len);
                free(abs);
                starts.len = 0;
                for (size_t at = 0; text && at <= len;) {
                    ph_vec_push(&starts, at);
                    const char *nl = memchr(text + at, '\n', len - at);
                    at = nl ? (size_t)(nl - text) + 1 : len + 1;
                }
            }
            if (!text || l->line < 1 || (size_t)l->line > starts.len)
                continue;
            const char *p = text + starts.items[l->line - 1];
            const char *e = p;
            while (*e && *e != '\n' && *e != '\r')
                e++;
            l->snippet = ph_xstrndup(p, (size_t)(e - p));
        }
    }
    free(starts.items);
    free(cur_path);
    free(text);
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

/* The markdown report's counts and imported libraries. */
static void gather_arch(sqlite3 *db, PhArch *a) {
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
}

/* The call at each finding and its async equivalent. Caller frees with
 * free_info(). */
static PhFindingInfo *gather_info(sqlite3 *db, const PhFindings *fs) {
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

static void free_info(PhFindingInfo *info, size_t n) {
    for (size_t i = 0; info && i < n; i++) {
        free(info[i].callee);
        free(info[i].resolved);
        free(info[i].alternative);
    }
    free(info);
}

static bool is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory that findings' paths are relative to: the root, or the
 * directory of a file root. Caller frees with free(). */
static char *root_dir(const char *root) {
    if (is_dir(root))
        return ph_xstrdup(root);
    const char *slash = strrchr(root, '/');
    if (!slash)
        return ph_xstrdup(".");
    return slash == root ? ph_xstrdup("/") : ph_xstrndup(root, (size_t)(slash - root));
}

/* What names a finding's file from the working directory: "" for ".",
 * "src/" for src, "/abs/" for /abs. Caller frees with free(). */
static char *path_prefix(const char *root) {
    char *dir = root_dir(root);
    const char *d = dir;
    while (d[0] == '.' && d[1] == '/')
        d += 2;
    size_t n = strlen(d);
    while (n > 1 && d[n - 1] == '/')
        n--;
    char *p = strcmp(d, ".") == 0 || n == 0 ? ph_xstrdup("")
              : strcmp(d, "/") == 0         ? ph_xstrdup("/")
                                            : ph_xasprintf("%.*s/", (int)n, d);
    free(dir);
    return p;
}

/* file:///working/directory/ with unsafe bytes percent-encoded, or NULL.
 * Caller frees with free(). */
static char *cwd_uri(void) {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return NULL;
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendall(s, "file://");
    for (const unsigned char *p = (const unsigned char *)cwd; *p; p++)
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            sqlite3_str_appendchar(s, 1, (char)*p);
        else
            sqlite3_str_appendf(s, "%%%02X", *p);
    if (cwd[strlen(cwd) - 1] != '/')
        sqlite3_str_appendchar(s, 1, '/');
    char *t = sqlite3_str_finish(s);
    char *uri = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    return uri;
}

static bool changed(const PhFinding *f, void *changes) {
    return ph_changes_has(changes, f->loc.path, f->loc.line);
}

static int by_seconds(const void *a, const void *b) {
    const PhRuleTime *x = a, *y = b;
    if (x->seconds != y->seconds)
        return x->seconds > y->seconds ? -1 : 1;
    return strcmp(x->rule->id, y->rule->id);
}

/* --timings: the phases, then every rule slowest first with its share of
 * the whole run. Sorts times. */
static void print_timings(const PhExtractStats *st, double extract, double rules, double report, PhRuleTime *times,
                          size_t n) {
    double total = extract + rules + report, sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += times[i].seconds;
    fprintf(stderr, "pyhunt: total %.3fs: extract %.3fs (facts %.3fs, indexes %.3fs, derived relations %.3fs), "
                    "rules %.3fs (queries %.3fs together), report %.3fs\n",
            total, extract, st->t_facts, st->t_indexes, st->t_derive, rules, sum, report);
    qsort(times, n, sizeof *times, by_seconds);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "pyhunt: rule %-8s %8.3fs %5.1f%%%s\n", times[i].rule->id, times[i].seconds,
                total > 0 ? 100 * times[i].seconds / total : 0, times[i].cached ? "  (cached)" : "");
}

typedef struct AuditOptions {
    const char *format, *output, *min_severity, *diff, *db, *baseline;
    PhStrList select, extend_select, ignore, queries, exclude, contexts, context_patterns;
    bool exit_zero, strict, no_color, no_cache, show_settings, quiet, timings;
    PhExtractOptions xo;
    PhConfigRef cfg;
} AuditOptions;

static const PhOption audit_options[] = {
    {.name = "format", .kind = PH_OPT_ENUM, .value = "FORMAT", .words = PH_WORDS("text", "json", "sarif", "markdown", "github"),
     .def = "text", .offset = offsetof(AuditOptions, format), .help = "report format"},
    {.name = "output", .kind = PH_OPT_PATH, .value = "FILE", .offset = offsetof(AuditOptions, output),
     .help = "write the report to FILE, which is replaced only once the whole report is written ('-': "
             "standard output; markdown's default: YYYY-MM-DD-pyhunt-audit.md)"},
    {.name = "select", .kind = PH_OPT_IDS, .value = "IDS", .offset = offsetof(AuditOptions, select),
     .resets = "extend-select ignore",
     .help = "only these rules: ids or prefixes (PH1,PH301), or ALL for every rule; replaces the configuration's "
             "select, extend-select and ignore"},
    {.name = "extend-select", .kind = PH_OPT_IDS, .flags = PH_OPT_EXTEND, .value = "IDS",
     .offset = offsetof(AuditOptions, extend_select), .help = "these rules too, besides those --select names"},
    {.name = "ignore", .kind = PH_OPT_IDS, .flags = PH_OPT_EXTEND, .value = "IDS",
     .offset = offsetof(AuditOptions, ignore), .help = "skip these rules"},
    {.name = "contexts", .kind = PH_OPT_WORDS, .value = "LIST",
     .words = PH_WORDS("all", "code", "test", "example", "script"), .offset = offsetof(AuditOptions, contexts),
     .help = "report findings in files of these contexts (default: each rule's own; correctness rules in all, "
             "the others in code)"},
    {.name = "min-severity", .kind = PH_OPT_ENUM, .value = "SEV", .words = PH_WORDS("P1", "P2", "P3"),
     .offset = offsetof(AuditOptions, min_severity), .help = "only findings at SEV or worse"},
    {.name = "exit-zero", .kind = PH_OPT_FLAG, .offset = offsetof(AuditOptions, exit_zero),
     .help = "exit 0 even with findings"},
    {.name = "strict", .kind = PH_OPT_FLAG, .offset = offsetof(AuditOptions, strict),
     .help = "exit 2 when a file could not be extracted (unreadable, binary, too large or too deeply nested)"},
    {.name = "diff", .kind = PH_OPT_STRING, .value = "BASE", .offset = offsetof(AuditOptions, diff),
     .help = "only findings on lines changed since the git revision BASE"},
    {.name = "queries", .kind = PH_OPT_PATH, .flags = PH_OPT_REPEAT | PH_OPT_EXTEND, .value = "DIR",
     .offset = offsetof(AuditOptions, queries), .help = "add the rules in DIR"},
    {.name = "baseline", .kind = PH_OPT_PATH, .flags = PH_OPT_FILE_ONLY, .value = "FILE",
     .offset = offsetof(AuditOptions, baseline), .help = "the baseline file"},
    PH_OPTS_EXTRACT(AuditOptions),
    PH_OPTS_CONFIG(AuditOptions),
    PH_OPT_CONTEXT_PATTERN(AuditOptions),
    {.name = "show-settings", .kind = PH_OPT_FLAG, .offset = offsetof(AuditOptions, show_settings),
     .help = "print the settings in force, where each came from, and the rules that would run; audit nothing"},
    {.name = "no-color", .kind = PH_OPT_FLAG, .offset = offsetof(AuditOptions, no_color),
     .help = "plain text even on a terminal"},
    {.name = "no-cache", .kind = PH_OPT_FLAG, .offset = offsetof(AuditOptions, no_cache),
     .help = "run every rule, even over facts it already ran on"},
    {.name = "timings", .kind = PH_OPT_FLAG, .offset = offsetof(AuditOptions, timings),
     .help = "print the time of every phase and every rule, slowest first, to standard error"},
    {.name = "quiet", .kind = PH_OPT_FLAG, .offset = offsetof(AuditOptions, quiet),
     .help = "no progress line on a terminal"},
    {0},
};

/* Every item of --select, --extend-select and --ignore names a rule, and
 * together they leave one at least. Returns 0, or PH_EXIT_USAGE after
 * naming the item. */
static int check_selection(PhRuleSet *rules, const AuditOptions *o) {
    const PhStrList *lists[3] = {&o->select, &o->extend_select, &o->ignore};
    const char *option[3] = {"--select", "--extend-select", "--ignore"};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < lists[k]->len; i++) {
            const char *item = lists[k]->items[i];
            if (ph_rules_names_any(rules, item))
                continue;
            const char *near = ph_rules_nearest(rules, item);
            if (near)
                return ph_cli_usage_error("audit", "%s: no rule is or starts with '%s'; did you mean '%s'?", option[k],
                                          item, near);
            return ph_cli_usage_error("audit", "%s: no rule is or starts with '%s'; 'pyhunt rules' lists them",
                                      option[k], item);
        }
    /* extend-select widens select, or the default set (every rule that is
     * not opt-in) when select names nothing */
    PhStrList sel = {0};
    if (o->extend_select.len) {
        for (size_t i = 0; i < o->select.len; i++)
            ph_strlist_push(&sel, o->select.items[i]);
        for (size_t i = 0; !o->select.len && i < ph_rules_len(rules); i++)
            if (!ph_rules_at(rules, i)->opt_in)
                ph_strlist_push(&sel, ph_rules_at(rules, i)->id);
        for (size_t i = 0; i < o->extend_select.len; i++)
            ph_strlist_push(&sel, o->extend_select.items[i]);
    }
    const PhStrList *chosen = o->extend_select.len ? &sel : &o->select;
    ph_rules_filter(rules, chosen->items, chosen->len, o->ignore.items, o->ignore.len);
    bool any_selected = chosen->len > 0;
    ph_strlist_free(&sel);
    if (ph_rules_len(rules) == 0 && any_selected && !o->ignore.len)
        /* each item names a rule, so each named only opt-in ones, by a prefix */
        return ph_cli_usage_error("audit", "no rule left to run: a prefix does not select opt-in rules; name them "
                                           "by id, or --select ALL");
    if (ph_rules_len(rules) == 0)
        return ph_cli_usage_error("audit", "no rule left to run: --ignore removes every rule%s",
                                  o->select.len ? " that --select names" : "");
    return 0;
}

/* Audit the project at root, reporting on `paths` (relative to the
 * working directory, as given). */
static int audit_root(AuditOptions *o, const char *root, char **paths, int npaths) {
    const PhReportFormat *fmt = ph_report_format(o->format);
    bool markdown = strcmp(fmt->name, "markdown") == 0;
    o->xo.excludes = o->exclude.items;
    o->xo.n_excludes = o->exclude.len;
    PhContextSet contexts = 0;   /* 0: each rule's own */
    for (size_t i = 0; i < o->contexts.len; i++) {
        PhContextSet one;
        ph_context_set_parse(o->contexts.items[i], &one, NULL, NULL);   /* a word of the table */
        contexts |= one;
    }
    PhContextPattern *patterns = NULL;
    if (ph_cli_context_patterns("audit", &o->context_patterns, &o->xo, &patterns) != 0)
        return PH_EXIT_USAGE;

    int status = PH_EXIT_CLEAN;
    PhRuleSet *rules = ph_cli_load_rules(root, o->queries.items, o->queries.len, &status);
    if (!rules) {
        free(patterns);
        return status;
    }
    status = ph_cli_config_check_rules(&o->cfg, rules);
    if (!status)
        status = check_selection(rules, o);
    if (!status && o->show_settings) {
        char *db = o->db ? ph_xstrdup(o->db) : ph_extract_default_db(root);
        ph_cli_show_settings(&ph_audit_command, o, root, db, paths, npaths, rules, stdout);
        free(db);
        free(patterns);
        ph_rules_free(rules);
        return PH_EXIT_CLEAN;
    }
    if (status) {
        free(patterns);
        ph_rules_free(rules);
        return status;
    }
    if (o->baseline)   /* read by --baseline, which is not there yet */
        fprintf(stderr, "pyhunt: warning: baseline '%s' is not applied: this pyhunt has no baselines yet\n",
                o->baseline);
    char date[16];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d", localtime(&now));
    const char *fixed_date = getenv("PYHUNT_DATE");   /* reproducible reports (tests) */
    if (fixed_date && *fixed_date)
        snprintf(date, sizeof date, "%s", fixed_date);
    char *default_out = !o->output && markdown ? ph_xasprintf("%s-pyhunt-audit.md", date) : NULL;
    const char *output = default_out ? default_out : o->output;
    char *err = NULL;
    PhOutput *out = ph_output_open(output, &err);
    if (!out) {
        fprintf(stderr, "pyhunt: %s\n", err);
        free(err);
        free(default_out);
        free(patterns);
        ph_rules_free(rules);
        return PH_EXIT_USAGE;
    }

    int input_errors = 0;
    PhExtractStats st;
    PhProgress progress;
    ph_progress_init(&progress, o->quiet);
    ph_progress_phase(&progress, "files parsed");
    o->xo.on_progress = ph_progress_step;
    o->xo.progress_arg = &progress;
    double t_start = ph_now();
    sqlite3 *db = ph_cli_open_db(root, o->db, &o->xo, false, &input_errors, &st);
    double t_extracted = ph_now();
    free(patterns);
    /* The whole tree was extracted (cross-file facts stay right); --diff
     * only narrows what is reported. */
    PhChanges *changes = NULL;
    if (db && o->diff) {
        char *dir = root_dir(root);
        changes = ph_changes_git(dir, o->diff);
        free(dir);
        if (!changes) {
            ph_db_close(db);
            db = NULL;
        }
    }
    if (!db || ph_cli_attach_catalogues(rules, db) != 0) {
        ph_db_close(db);
        ph_output_discard(out);
        free(default_out);
        ph_rules_free(rules);
        return PH_EXIT_USAGE;
    }
    PhFindings fs;
    memset(&fs, 0, sizeof fs);
    PhDiags *d = ph_diags_new();
    char *db_path = o->db ? ph_xstrdup(o->db) : ph_extract_default_db(root);
    PhRuleTime *times = ph_xcalloc(ph_rules_len(rules), sizeof *times);
    ph_progress_phase(&progress, "rules run");
    PhRunOptions ro = {.cached = !o->no_cache, .jobs = o->xo.jobs, .db_path = db_path,
                       .progress = ph_progress_step, .arg = &progress};
    bool query_error = ph_rules_run_all(db, rules, &ro, &fs, times, d) != 0;
    ph_progress_end(&progress);
    double t_ruled = ph_now();
    free(db_path);
    ph_cli_print_diags(d);
    ph_diags_free(d);
    if (o->min_severity)
        ph_findings_min_severity(&fs, o->min_severity);
    char **rel = ph_cli_under_root(root, paths, npaths);
    ph_cli_warn_unaudited(db, paths, rel);
    ph_cli_report_scope(&fs, &o->cfg, rel);
    ph_words_free(rel);
    int dropped = changes ? ph_cli_keep_findings(&fs, changed, changes) : 0;
    ph_changes_free(changes);
    /* Last, so that left_out counts what --contexts all would add to this very report. */
    ph_findings_contexts(&fs, contexts);
    ph_findings_sort(&fs);
    attach_snippets(&fs, root);

    int files = 0;
    long lines = 0;
    sqlite3_stmt *cs;
    if (sqlite3_prepare_v2(db, ph_db_statement("counts"), -1, &cs, NULL) == SQLITE_OK && sqlite3_step(cs) == SQLITE_ROW) {
        files = sqlite3_column_int(cs, 0);
        lines = sqlite3_column_int64(cs, 1);
    }
    sqlite3_finalize(cs);
    PhArch arch;
    memset(&arch, 0, sizeof arch);
    PhFindingInfo *info = NULL;
    if (markdown) {
        gather_arch(db, &arch);
        info = gather_info(db, &fs);
    }
    char *prefix = path_prefix(root);
    char *base_uri = strcmp(fmt->name, "sarif") == 0 ? cwd_uri() : NULL;
    FILE *f = ph_output_file(out);
    PhReport r = {
        .root = root,
        .rules = rules,
        .findings = &fs,
        .info = info,
        .files = files,
        .lines = lines,
        .excludes = o->exclude.items,
        .n_excludes = o->exclude.len,
        .arch = markdown ? &arch : NULL,
        .date = date,
        .min_severity = o->min_severity,
        .diff_base = o->diff,
        .diff_dropped = dropped,
        .contexts = contexts,
        .path_prefix = prefix,
        .base_uri = base_uri,
        .color = f == stdout && isatty(1) && !o->no_color && !getenv("NO_COLOR"),
    };
    fmt->emit(f, &r);
    bool to_file = f != stdout;
    bool written = ph_output_close(out, &err) == 0;
    if (o->timings)
        print_timings(&st, t_extracted - t_start, t_ruled - t_extracted, ph_now() - t_ruled, times, ph_rules_len(rules));
    free(times);
    if (!written)
        fprintf(stderr, "pyhunt: %s\n", err);
    else if (to_file)
        fprintf(stderr, "pyhunt: wrote %s (%zu finding%s)\n", output, fs.len, fs.len == 1 ? "" : "s");
    free(err);
    free(default_out);
    free(prefix);
    free(base_uri);
    free_info(info, fs.len);
    ph_arch_free(&arch);
    if (query_error)
        status = PH_EXIT_QUERY;
    else if (!written || (o->strict && input_errors))
        status = PH_EXIT_USAGE;
    else
        status = fs.len && !o->exit_zero ? PH_EXIT_FINDINGS : PH_EXIT_CLEAN;
    ph_findings_free(&fs);
    ph_rules_free(rules);
    ph_db_close(db);
    return status;
}

static int cmd_audit(void *opts, int argc, char **argv) {
    AuditOptions *o = opts;
    if (o->diff && (!*o->diff || o->diff[0] == '-'))
        return ph_cli_usage_error("audit", "--diff takes a git revision (a branch, tag or commit), not '%s'", o->diff);
    static char *here[] = {"."};
    if (argc == 0) {
        argc = 1;
        argv = here;
    }
    /* every path is there before anything is extracted */
    PhDiags *d = ph_diags_new();
    for (int i = 0; i < argc; i++)
        if (access(argv[i], F_OK) != 0)
            ph_diags_add(d, PH_ERROR, argv[i], 0, 0, 0, NULL, "cannot audit: %s", strerror(errno));
    int status = ph_diags_len(d) ? PH_EXIT_USAGE : 0;
    ph_cli_print_diags(d);
    ph_diags_free(d);
    if (!status)
        status = ph_cli_config(&ph_audit_command, o, argv, argc);
    if (status)
        return status;
    char *root = ph_cli_root(&o->cfg, argv, argc, true);
    status = audit_root(o, root, argv, argc);
    free(root);
    return status;
}

const PhCommand ph_audit_command = {
    .name = "audit",
    .run = cmd_audit,
    .usage = "[PATH...] [options]",
    .summary = "extract (incrementally), run every rule, report findings",
    .options = audit_options,
    .opts_size = sizeof(AuditOptions),
    .max_args = -1,
    .operands = "  PATH                files and directories to report on (default .); the\n"
                "                      whole project they belong to is extracted (README:\n"
                "                      'Many paths, and pre-commit')\n",
};
