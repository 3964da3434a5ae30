/*
 * audit: `pyhunt audit [PATH]`: incremental extraction, every selected rule,
 * one report. The exit code tells CI what happened (see PhExit).
 */
#include "cli.h"
#include "db.h"
#include "report.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The source line of each finding (and related location), for reports that
 * show code. Each file is read once. */
static void attach_snippets(PhFindings *fs, const char *root) {
    char *cur_path = NULL, *text = NULL;
    size_t len = 0;
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
                text = ph_read_file(abs, &len);
                free(abs);
            }
            if (!text)
                continue;
            const char *p = text;
            for (int line = 1; line < l->line && p; line++) {
                p = strchr(p, '\n');
                if (p)
                    p++;
            }
            if (!p)
                continue;
            const char *e = p;
            while (*e && *e != '\n' && *e != '\r')
                e++;
            l->snippet = ph_xstrndup(p, (size_t)(e - p));
        }
    }
    free(cur_path);
    free(text);
}

int ph_cmd_audit(int argc, char **argv) {
    static const struct option opts[] = {
        {"format", required_argument, 0, 'f'},  {"output", required_argument, 0, 'o'},
        {"select", required_argument, 0, 's'},  {"ignore", required_argument, 0, 'i'},
        {"min-severity", required_argument, 0, 'm'}, {"exit-zero", no_argument, 0, 'z'},
        {"diff", required_argument, 0, 'D'},    {"queries", required_argument, 0, 'Q'},
        {"db", required_argument, 0, 'd'},      {"exclude", required_argument, 0, 'x'},
        {"jobs", required_argument, 0, 'j'},    {"no-color", no_argument, 0, 'C'},
        {0, 0, 0, 0},
    };
    const char *format = "text", *output = NULL, *select = NULL, *ignore = NULL, *min_sev = NULL, *db_path = NULL;
    const char *diff_base = NULL;
    bool exit_zero = false, no_color = false;
    PhStrList queries = {0}, excludes = {0};
    PhExtractOptions xo;
    memset(&xo, 0, sizeof xo);
    int status = PH_EXIT_CLEAN;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case 's': select = optarg; break;
        case 'i': ignore = optarg; break;
        case 'm': min_sev = optarg; break;
        case 'z': exit_zero = true; break;
        case 'D': diff_base = optarg; break;
        case 'Q': ph_strlist_push(&queries, optarg); break;
        case 'd': db_path = optarg; break;
        case 'x': ph_strlist_push(&excludes, optarg); break;
        case 'j': xo.jobs = atoi(optarg); break;
        case 'C': no_color = true; break;
        default: status = ph_cli_usage_error("audit", "bad option"); goto out;
        }
    }
    const PhReportFormat *fmt = ph_report_format(format);
    if (!fmt) {
        status = ph_cli_usage_error("audit", "unknown format '%s' (text, json, sarif, markdown, github)", format);
        goto out;
    }
    if (min_sev && ph_severity_rank(min_sev) > 3) {
        status = ph_cli_usage_error("audit", "--min-severity takes P1, P2 or P3, not '%s'", min_sev);
        goto out;
    }
    if (argc - optind > 1) {
        status = ph_cli_usage_error("audit", "one PATH at most");
        goto out;
    }
    if (diff_base) {
        status = ph_cli_usage_error("audit", "--diff is not available in this build");
        goto out;
    }
    const char *root = optind < argc ? argv[optind] : ".";
    xo.excludes = excludes.items;
    xo.n_excludes = excludes.len;

    PhRuleSet *rules = ph_cli_load_rules(queries.items, queries.len);
    if (!rules) {
        status = PH_EXIT_QUERY;
        goto out;
    }
    ph_rules_filter(rules, select, ignore);
    int input_errors = 0;
    PhExtractStats st;
    sqlite3 *db = ph_cli_open_db(root, db_path, &xo, false, &input_errors, &st);
    if (!db) {
        ph_rules_free(rules);
        status = PH_EXIT_USAGE;
        goto out;
    }
    PhFindings fs;
    memset(&fs, 0, sizeof fs);
    PhDiags *d = ph_diags_new();
    bool query_error = false;
    for (size_t i = 0; i < ph_rules_len(rules); i++)
        query_error |= ph_rules_run(db, ph_rules_at(rules, i), &fs, d) != 0;
    ph_cli_print_diags(d);
    ph_diags_free(d);
    if (min_sev)
        ph_findings_min_severity(&fs, min_sev);
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

    char date[16];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d", localtime(&now));
    char *default_out = NULL;
    if (!output && strcmp(format, "markdown") == 0)
        output = default_out = ph_xasprintf("%s-pyhunt-audit.md", date);
    FILE *out = stdout;
    if (output && !(out = fopen(output, "w"))) {
        fprintf(stderr, "pyhunt: cannot write %s: %s\n", output, strerror(errno));
        out = NULL;
    }
    if (out) {
        PhReport r = {root, rules, &fs, files, lines, excludes.items, excludes.len, NULL, date,
                      out == stdout && isatty(1) && !no_color && !getenv("NO_COLOR")};
        fmt->emit(out, &r);
        if (out != stdout) {
            fclose(out);
            fprintf(stderr, "pyhunt: wrote %s (%zu findings)\n", output, fs.len);
        }
    }
    free(default_out);
    if (query_error)
        status = PH_EXIT_QUERY;
    else if (input_errors || !out)
        status = PH_EXIT_USAGE;
    else
        status = fs.len && !exit_zero ? PH_EXIT_FINDINGS : PH_EXIT_CLEAN;
    ph_findings_free(&fs);
    ph_rules_free(rules);
    ph_db_close(db);
out:
    free(queries.items);
    free(excludes.items);
    return status;
}
