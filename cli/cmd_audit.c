/*
 * audit: `pyhunt audit [PATH]`: incremental extraction, every selected rule,
 * one report. The exit code tells CI what happened (see PhExit).
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
#include "report.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Keep the findings whose line changed since BASE; returns how many went. */
static int keep_changed(PhFindings *fs, const PhChanges *changes) {
    size_t k = 0;
    int dropped = 0;
    for (size_t i = 0; i < fs->len; i++) {
        if (ph_changes_has(changes, fs->items[i].loc.path, fs->items[i].loc.line)) {
            fs->items[k++] = fs->items[i];
            continue;
        }
        /* A one-item list owns the dropped finding, so that rules.c frees it. */
        PhFindings one = {ph_xmalloc(sizeof(PhFinding)), 1, 1, 0};
        one.items[0] = fs->items[i];
        ph_findings_free(&one);
        dropped++;
    }
    fs->len = k;
    return dropped;
}

int ph_cmd_audit(int argc, char **argv) {
    static const struct option opts[] = {
        {"format", required_argument, 0, 'f'},  {"output", required_argument, 0, 'o'},
        {"select", required_argument, 0, 's'},  {"ignore", required_argument, 0, 'i'},
        {"min-severity", required_argument, 0, 'm'}, {"exit-zero", no_argument, 0, 'z'},
        {"diff", required_argument, 0, 'D'},    {"queries", required_argument, 0, 'Q'},
        {"db", required_argument, 0, 'd'},      {"exclude", required_argument, 0, 'x'},
        {"jobs", required_argument, 0, 'j'},    {"no-color", no_argument, 0, 'C'},
        {"no-cache", no_argument, 0, 'N'},      {0, 0, 0, 0},
    };
    const char *format = "text", *output = NULL, *select = NULL, *ignore = NULL, *min_sev = NULL, *db_path = NULL;
    const char *diff_base = NULL;
    bool exit_zero = false, no_color = false, no_cache = false;
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
        case 'N': no_cache = true; break;
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
    if (diff_base && (!*diff_base || diff_base[0] == '-')) {
        status = ph_cli_usage_error("audit", "--diff takes a git ref (a branch, tag or commit), not '%s'", diff_base);
        goto out;
    }
    if (argc - optind > 1) {
        status = ph_cli_usage_error("audit", "one PATH at most");
        goto out;
    }
    const char *root = optind < argc ? argv[optind] : ".";
    bool markdown = strcmp(fmt->name, "markdown") == 0;
    xo.excludes = excludes.items;
    xo.n_excludes = excludes.len;

    PhRuleSet *rules = ph_cli_load_rules(queries.items, queries.len, &status);
    if (!rules)
        goto out;
    ph_rules_filter(rules, select, ignore);
    int input_errors = 0;
    PhExtractStats st;
    sqlite3 *db = ph_cli_open_db(root, db_path, &xo, false, &input_errors, &st);
    if (!db || ph_cli_attach_catalogues(rules, db) != 0) {
        ph_rules_free(rules);
        ph_db_close(db);
        status = PH_EXIT_USAGE;
        goto out;
    }
    /* The whole tree was extracted (cross-file facts stay right); --diff
     * only narrows what is reported. */
    PhChanges *changes = NULL;
    if (diff_base) {
        char *dir = root_dir(root);
        changes = ph_changes_git(dir, diff_base);
        free(dir);
        if (!changes) {
            ph_rules_free(rules);
            ph_db_close(db);
            status = PH_EXIT_USAGE;
            goto out;
        }
    }
    PhFindings fs;
    memset(&fs, 0, sizeof fs);
    PhDiags *d = ph_diags_new();
    bool query_error = false;
    for (size_t i = 0; i < ph_rules_len(rules); i++)
        query_error |= ph_rules_run(db, ph_rules_at(rules, i), !no_cache, &fs, d) != 0;
    ph_cli_print_diags(d);
    ph_diags_free(d);
    if (min_sev)
        ph_findings_min_severity(&fs, min_sev);
    int dropped = changes ? keep_changed(&fs, changes) : 0;
    ph_changes_free(changes);
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

    char date[16];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d", localtime(&now));
    const char *fixed_date = getenv("PYHUNT_DATE");   /* reproducible reports (tests) */
    if (fixed_date && *fixed_date)
        snprintf(date, sizeof date, "%s", fixed_date);
    char *default_out = NULL;
    if (!output && markdown)
        output = default_out = ph_xasprintf("%s-pyhunt-audit.md", date);
    FILE *out = stdout;
    if (output && strcmp(output, "-") != 0 && !(out = fopen(output, "w"))) {
        fprintf(stderr, "pyhunt: cannot write %s: %s\n", output, strerror(errno));
        out = NULL;
    }
    if (out) {
        PhReport r = {
            .root = root,
            .rules = rules,
            .findings = &fs,
            .info = info,
            .files = files,
            .lines = lines,
            .excludes = excludes.items,
            .n_excludes = excludes.len,
            .arch = markdown ? &arch : NULL,
            .date = date,
            .min_severity = min_sev,
            .diff_base = diff_base,
            .diff_dropped = dropped,
            .path_prefix = prefix,
            .base_uri = base_uri,
            .color = out == stdout && isatty(1) && !no_color && !getenv("NO_COLOR"),
        };
        fmt->emit(out, &r);
        if (out != stdout) {
            fclose(out);
            fprintf(stderr, "pyhunt: wrote %s (%zu finding%s)\n", output, fs.len, fs.len == 1 ? "" : "s");
        }
    }
    free(default_out);
    free(prefix);
    free(base_uri);
    free_info(info, fs.len);
    ph_arch_free(&arch);
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
