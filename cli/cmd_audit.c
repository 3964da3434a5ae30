/*
 * audit: `pyhunt audit [PATH...]`: incremental extraction of the project
 * the paths belong to, every selected rule, one report on the paths. The
 * exit code tells CI what happened (see PhExit). The project and what is
 * reported are project.c's; the configuration file's values arrive in the
 * options (config.c).
 *
 * It runs the rules and narrows their findings as the options say (a
 * baseline, --min-severity, the configuration's per-file-ignores and the
 * paths named, --diff with the lines changed since a git ref from
 * gitdiff.c, contexts); the report model (core/report_model.c) gathers what
 * the chosen format shows, and the format prints it. With --fix it applies
 * the safe fixes of the findings so narrowed (fix.c), re-extracts and runs
 * the rules again, the same way; --fix-diff prints those fixes instead of
 * the report.
 */
#include "baseline.h"
#include "cli.h"
#include "db.h"
#include "gitdiff.h"
#include "output.h"
#include "report.h"
#include "util.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
    const char *format, *output, *min_severity, *diff, *db, *baseline, *write_baseline;
    PhStrList select, extend_select, ignore, queries, exclude, contexts, context_patterns;
    bool exit_zero, strict, no_color, no_cache, show_settings, statistics, quiet, timings, fix, fix_diff;
    int max_bytes;
    PhExtractOptions xo;
    PhConfigRef cfg;
} AuditOptions;

/* What --max-bytes is without it: under GitHub's 65,536-character limit
 * of a pull-request comment. */
enum { MARKDOWN_MAX_BYTES = 60000 };

static const PhOption audit_options[] = {
    {.name = "format", .kind = PH_OPT_ENUM, .value = "FORMAT",
     .words = PH_WORDS("text", "concise", "json", "sarif", "markdown", "github", "gitlab"), .def = "text",
     .offset = offsetof(AuditOptions, format), .help = "report format"},
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
    {.name = "baseline", .kind = PH_OPT_PATH, .value = "FILE", .offset = offsetof(AuditOptions, baseline),
     .help = "leave out the findings that the baseline FILE holds; say how many it matched and how many of its "
             "entries no longer match"},
    {.name = "write-baseline", .kind = PH_OPT_PATH, .value = "FILE", .offset = offsetof(AuditOptions, write_baseline),
     .help = "record today's findings in the baseline FILE (replaced whole), instead of printing a report"},
    {.name = "statistics", .kind = PH_OPT_FLAG, .offset = offsetof(AuditOptions, statistics),
     .help = "print the number of findings of each rule instead of the findings (text or json)"},
    {.name = "max-bytes", .kind = PH_OPT_INT, .value = "N", .min = 1, .max = 1 << 30,
     .offset = offsetof(AuditOptions, max_bytes),
     .help = "markdown: at most N bytes, keeping the most severe findings (default 60000, under GitHub's "
             "comment limit)"},
    {.name = "fix", .kind = PH_OPT_FLAG, .offset = offsetof(AuditOptions, fix),
     .help = "rewrite the source where a finding has a safe fix (a rule's @autofix), then report what remains"},
    {.name = "fix-diff", .kind = PH_OPT_FLAG, .offset = offsetof(AuditOptions, fix_diff),
     .help = "print the safe fixes as a unified diff instead of the report, and write nothing"},
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
                return ph_cli_usage_error(&ph_audit_command, "%s: no rule is or starts with '%s'; did you mean '%s'?", option[k],
                                          item, near);
            return ph_cli_usage_error(&ph_audit_command, "%s: no rule is or starts with '%s'; 'pyhunt rules' lists them",
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
        return ph_cli_usage_error(&ph_audit_command, "no rule left to run: a prefix does not select opt-in rules; name them "
                                           "by id, or --select ALL");
    if (ph_rules_len(rules) == 0)
        return ph_cli_usage_error(&ph_audit_command, "no rule left to run: --ignore removes every rule%s",
                                  o->select.len ? " that --select names" : "");
    return 0;
}

/* What one audit runs the rules with: once, and again after each pass of
 * --fix over the re-extracted files. */
typedef struct Audit {
    const AuditOptions *o;
    const PhRuleSet *rules;
    sqlite3 *db;                 /* reopened by each pass of --fix */
    PhBaseline *baseline;        /* --baseline, or NULL */
    PhChanges *changes;          /* --diff's changed lines, or NULL */
    char **paths;                /* the paths named, as given */
    int npaths;
    bool warned;                 /* the paths that hold no audited file were named */
    PhProgress *progress;        /* the progress line */
    PhRuleTime *times;           /* each rule's time in the last run (--timings) */
} Audit;

/* Run every rule into *fs, prepare the findings (sources, fingerprints)
 * and narrow them as the options say, in this order: the baseline (over
 * every finding, so that a finding the later steps leave out does not count
 * as gone from it), --min-severity, the configuration's per-file-ignores
 * and the paths named (`paths`, as given), --diff, and contexts last, so
 * that left_out counts what --contexts all would add to this very report.
 * Fills r's counts of what each left out. Returns false after a rule failed
 * (its diagnostics printed). */
static bool run_rules(Audit *a, PhFindings *fs, PhReport *r) {
    const AuditOptions *o = a->o;
    sqlite3 *db = a->db;
    memset(fs, 0, sizeof *fs);
    PhDiags *d = ph_diags_new();
    char *db_path = o->db ? ph_xstrdup(o->db) : ph_extract_default_db(r->root);
    ph_progress_phase(a->progress, "rules run");
    PhRunOptions ro = {.cached = !o->no_cache, .jobs = o->xo.jobs, .db_path = db_path,
                       .progress = ph_progress_step, .arg = a->progress};
    bool ok = ph_rules_run_all(db, a->rules, &ro, fs, a->times, d) == 0;
    ph_progress_end(a->progress);
    free(db_path);
    ph_cli_print_diags(d);
    ph_diags_free(d);
    ph_report_prepare(fs, db, r->root, o->xo.max_file_bytes ? o->xo.max_file_bytes : PH_MAX_FILE_BYTES);
    if (a->baseline)
        ph_baseline_apply(a->baseline, o->baseline, fs, a->rules, &r->baseline);
    if (o->min_severity)
        ph_findings_min_severity(fs, o->min_severity);
    char **rel = ph_cli_under_root(r->root, a->paths, a->npaths);
    if (!a->warned)
        ph_cli_warn_unaudited(db, a->paths, rel);
    a->warned = true;
    ph_cli_report_scope(fs, &o->cfg, rel);
    ph_words_free(rel);
    r->diff_dropped = a->changes ? ph_findings_keep(fs, changed, a->changes) : 0;
    ph_findings_contexts(fs, r->contexts);
    return ok;
}

/* Passes of --fix: a fix refused for overlapping one applied in the same
 * pass gets another chance once the file is re-extracted, as in Ruff. */
enum { FIX_PASSES = 10 };

/* --fix and --fix-diff over *fs, the report's findings (run_rules: the
 * baseline, the selection, the paths named and the contexts already
 * applied): print their fixes to `diff` (--fix-diff, one pass), or write
 * them, re-extract, and run the rules again into *fs and r, pass after
 * pass while a fix was left for overlapping one just applied. a->db is
 * reopened; NULL when it could not be (said). *query_error is set when a
 * rule failed in a later pass; *input_errors counts the last extraction's.
 * Returns what was fixed. */
static PhFixTotals fix_passes(Audit *a, PhFindings *fs, PhReport *r, FILE *diff, int *input_errors,
                              bool *query_error) {
    const AuditOptions *o = a->o;
    PhFixTotals fixed = {0};
    char *dir = ph_report_root_dir(r->root);
    for (int pass = 1;; pass++) {
        PhFixTotals t = {0};
        bool last = diff || pass == FIX_PASSES;
        ph_cli_fix(a->db, dir, fs, diff, last, &t);
        fixed.fixed += t.fixed;
        fixed.errors += t.errors;
        fixed.unparsable += t.unparsable;
        if (diff || !t.fixed)
            break;
        /* the fixed files are re-extracted, and the rules run over them */
        ph_findings_free(fs);
        ph_db_close(a->db);
        PhExtractStats st;
        ph_progress_phase(a->progress, "files parsed");
        a->db = ph_cli_open_db(r->root, o->db, &o->xo, false, input_errors, &st);
        if (!a->db || ph_cli_attach_catalogues(a->rules, a->db) != 0) {
            ph_db_close(a->db);
            a->db = NULL;
            memset(fs, 0, sizeof *fs);
            break;
        }
        *query_error = !run_rules(a, fs, r);
        if (last || !t.overlapped || *query_error)
            break;
    }
    free(dir);
    return fixed;
}

/* The emitter of --write-baseline. */
static void emit_baseline(FILE *out, const PhReport *r) { ph_baseline_write(out, r->findings); }

/* What the run prints: the baseline it writes, the statistics, or the
 * report in its format. NULL after saying that the options do not go
 * together. */
static const PhReportFormat *chosen_emitter(const AuditOptions *o) {
    static const PhReportFormat baseline = {"baseline", NULL, emit_baseline, 0},
                                statistics[2] = {{"statistics", NULL, ph_report_statistics, 0},
                                                 {"statistics", NULL, ph_report_statistics_json, 0}};
    const PhReportFormat *fmt = ph_report_format(o->format);
    bool markdown = strcmp(fmt->name, "markdown") == 0, json = strcmp(fmt->name, "json") == 0;
    if (o->max_bytes && !markdown) {
        ph_cli_usage_error(&ph_audit_command, "--max-bytes limits the markdown report; --format is %s", fmt->name);
        return NULL;
    }
    if (o->fix_diff && (o->write_baseline || o->statistics)) {
        ph_cli_usage_error(&ph_audit_command, "--fix-diff prints the fixes instead of a report; it does not go with %s",
                           o->write_baseline ? "--write-baseline" : "--statistics");
        return NULL;
    }
    if (o->write_baseline)
        return &baseline;
    if (o->statistics && !json && strcmp(fmt->name, "text") != 0 && strcmp(fmt->name, "concise") != 0) {
        ph_cli_usage_error(&ph_audit_command, "--statistics prints text or json, not %s", fmt->name);
        return NULL;
    }
    return o->statistics ? &statistics[json] : fmt;
}

/* Audit the project at root, reporting on `paths` (relative to the
 * working directory, as given). */
static int audit_root(AuditOptions *o, const char *root, char **paths, int npaths) {
    const PhReportFormat *fmt = chosen_emitter(o);
    if (!fmt)
        return PH_EXIT_USAGE;
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
    if (ph_cli_context_patterns(&ph_audit_command, &o->context_patterns, &o->xo, &patterns) != 0)
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
    /* A baseline is read before any work, and not when a new one is written. */
    PhBaseline *baseline = NULL;
    if (!status && o->baseline && !o->write_baseline) {
        PhDiags *d = ph_diags_new();
        baseline = ph_baseline_read(o->baseline, d);
        ph_cli_print_diags(d);
        ph_diags_free(d);
        status = baseline ? 0 : PH_EXIT_USAGE;
    }
    if (status) {
        free(patterns);
        ph_rules_free(rules);
        return status;
    }
    char date[16];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d", localtime(&now));
    const char *fixed_date = getenv("PYHUNT_DATE");   /* reproducible reports (tests) */
    if (fixed_date && *fixed_date)
        snprintf(date, sizeof date, "%s", fixed_date);
    char *default_out = !o->output && markdown && !o->fix_diff ? ph_xasprintf("%s-pyhunt-audit.md", date) : NULL;
    const char *output = o->write_baseline ? o->write_baseline : default_out ? default_out : o->output;
    char *err = NULL;
    PhOutput *out = ph_output_open(output, &err);
    if (!out) {
        fprintf(stderr, "pyhunt: %s\n", err);
        free(err);
        free(default_out);
        free(patterns);
        ph_baseline_free(baseline);
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
        char *dir = ph_report_root_dir(root);
        changes = ph_changes_git(dir, o->diff);
        free(dir);
        if (!changes) {
            ph_db_close(db);
            db = NULL;
        }
    }
    if (!db || ph_cli_attach_catalogues(rules, db) != 0) {
        ph_db_close(db);
        ph_changes_free(changes);
        ph_output_discard(out);
        free(default_out);
        ph_baseline_free(baseline);
        ph_rules_free(rules);
        return PH_EXIT_USAGE;
    }
    FILE *f = ph_output_file(out);
    PhFindings fs;
    PhReport r = {
        .root = root,
        .rules = rules,
        .findings = &fs,
        .excludes = o->exclude.items,
        .n_excludes = o->exclude.len,
        .date = date,
        .min_severity = o->min_severity,
        .diff_base = o->diff,
        .contexts = contexts,
        .max_bytes = markdown ? (size_t)(o->max_bytes ? o->max_bytes : MARKDOWN_MAX_BYTES) : 0,
        .color = f == stdout && isatty(1) && !o->no_color && !getenv("NO_COLOR"),
    };
    PhRuleTime *times = ph_xcalloc(ph_rules_len(rules) ? ph_rules_len(rules) : 1, sizeof *times);
    Audit a = {o, rules, db, baseline, changes, paths, npaths, false, &progress, times};
    bool query_error = !run_rules(&a, &fs, &r);
    double t_ruled = ph_now();
    PhFixTotals fixed = {0};
    if ((o->fix || o->fix_diff) && !query_error) {
        fixed = fix_passes(&a, &fs, &r, o->fix_diff ? f : NULL, &input_errors, &query_error);
        db = a.db;
        if (db && o->fix)
            fprintf(stderr, "pyhunt: %d fixed, %zu remaining\n", fixed.fixed, fs.len);
    }
    ph_changes_free(changes);
    ph_baseline_free(baseline);
    if (db && !o->fix_diff) {
        ph_report_gather(&r, db, fmt->needs);
        fmt->emit(f, &r);
        ph_report_release(&r);
    }
    bool to_file = f != stdout;
    bool written = db && ph_output_close(out, &err) == 0;
    if (o->timings)
        print_timings(&st, t_extracted - t_start, t_ruled - t_extracted, ph_now() - t_ruled, times, ph_rules_len(rules));
    free(times);
    if (!db)
        ph_output_discard(out);
    else if (!written)
        fprintf(stderr, "pyhunt: %s\n", err);
    else if (to_file && !o->fix_diff)
        fprintf(stderr, "pyhunt: wrote %s%s (%zu finding%s)\n", o->write_baseline ? "baseline " : "", output, fs.len,
                fs.len == 1 ? "" : "s");
    free(err);
    free(default_out);
    if (query_error || fixed.unparsable)
        status = PH_EXIT_QUERY;
    else if (!written || (o->strict && input_errors) || fixed.errors)
        status = PH_EXIT_USAGE;
    else if (o->fix_diff)
        /* the diff is the output: exit 1 when it is not empty (as Ruff's --diff) */
        status = fixed.fixed ? PH_EXIT_FINDINGS : PH_EXIT_CLEAN;
    else
        status = fs.len && !o->exit_zero && !o->write_baseline ? PH_EXIT_FINDINGS : PH_EXIT_CLEAN;
    ph_findings_free(&fs);
    ph_rules_free(rules);
    ph_db_close(db);
    return status;
}

static int cmd_audit(void *opts, int argc, char **argv) {
    AuditOptions *o = opts;
    if (o->diff && (!*o->diff || o->diff[0] == '-'))
        return ph_cli_usage_error(&ph_audit_command, "--diff takes a git revision (a branch, tag or commit), not '%s'", o->diff);
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
