/*
 * test: the test runner, in the binary (as `jq --run-tests`).
 *
 *   *.txt under a rules/ folder: rule corpora (tests/rules/README.md). Each
 *     case is extracted into an in-memory database and the file's rule is
 *     run; the findings must equal the expectations.
 *   Every rule's examples (documentation that runs): its @bad example must
 *     give a finding of that rule that reads right, its @good example none
 *     (run_examples below). They run with the rule's corpus file, for the
 *     rules of --queries folders, and for every loaded rule (user rules
 *     included) when no path is given.
 *   *.test: CLI tests in jq's style. Each case runs pyhunt (or a shell
 *     command) from the test file's folder and compares exit code, stdout
 *     and stderr exactly:
 *
 *         === title
 *         args: audit fixtures/app --format json
 *         --- exit 1
 *         --- stdout
 *         ...exact text...
 *         --- stderr
 *         ...exact text...
 *
 *     `sh: COMMAND` runs COMMAND with /bin/sh and $PYHUNT set to this
 *     binary (the command may go on over several lines, up to the first
 *     section); `--- stdin` feeds text. An omitted section is not checked.
 *     An sh: case that exits 77 is a SKIP (it could not run here: say why
 *     on its first line of stdout), counted apart from passed and failed.
 *     In expected output, {TMP} stands for the case's scratch directory.
 *     Blank lines at the end of a case's last section are separators, not
 *     expected output.
 *
 *   *.py fixtures (tests/rules/README.md): Python files whose lines carry
 *     `# expect: PH101` where a finding must start. The .py files of one
 *     folder are extracted together; each fixture is a case.
 *
 * A failing CLI case shows each section that differs as a unified diff
 * (want, then got; base/diff.c); a failing corpus case its unexpected and
 * missing findings, then a unified diff of its expectation lines against
 * those that would pass (what --update writes). With --update a failing case is rewritten instead
 * (UPDATE, not FAIL): the stdout, stderr and exit sections it has, or a
 * corpus case's expectation lines (those that matched kept as written),
 * every other byte of the file as it was, the file replaced whole or not
 * at all. What a section cannot hold (output without a final newline, a
 * line that would start a section) is not written, and the case fails.
 *
 * Ends with `N passed, N failed`; exits 1 if anything failed, 2 if no case
 * ran at all. A file named on the command line that is no test, a corpus
 * or .test file without cases, and a folder whose .py files carry no
 * expectation are failures, never "0 tests".
 */
#include "cli.h"
#include "db.h"
#include "diff.h"
#include "output.h"
#include "report.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct Runner {
    PhRuleSet *rules;
    const char *filter;
    bool verbose;
    int passed, failed;
    int skipped;           /* sh: cases that exited SKIP_EXIT: they could not run here */
    bool update;           /* --update: rewrite the expectations of failing cases */
    int updated;           /* cases whose expectations were rewritten */
    char self[PATH_MAX];
    PhVec(const PhRule *) examined;   /* rules whose examples ran */
} Runner;

/* An sh: case that exits 77 (automake's convention) could not run on this
 * machine (no permission to mount, say): it is reported as SKIP with the
 * first line of its output, neither passed nor failed. */
enum { SKIP_EXIT = 77 };

static char *slurp_lines(const char *text, size_t *nlines, char ***lines) {
    char *copy = ph_xstrdup(text);
    PhVec(char *) v = {0};
    for (char *p = copy; p;) {
        char *e = strchr(p, '\n');
        if (e)
            *e = 0;
        ph_vec_push(&v, p);
        p = e ? e + 1 : NULL;
    }
    if (v.len && !*v.items[v.len - 1])
        v.len--;   /* text ended with a newline */
    *lines = v.items;
    *nlines = v.len;
    return copy;
}

static void fail(Runner *r, const char *file, int line, const char *title) {
    r->failed++;
    printf("FAIL %s:%d: %s\n", file, line, title);
}

/* ---------------------------------------------------------------------------
 * --update: a test file rewritten where its failing cases expect something
 * else, every other byte kept. Cases record what to replace while they
 * run; the file is written once, whole or not at all, at its end.
 */

typedef struct Edit {
    size_t from, to;       /* bytes of the file replaced */
    char *text;            /* by this; owned */
} Edit;

typedef struct Rewrite {
    const char *file;
    const char *text;      /* the file as read; borrowed */
    size_t *starts;        /* byte offset of each line, and the length after the last */
    size_t nlines;
    PhVec(Edit) edits;
} Rewrite;

/* A rewrite of `text`, split as slurp_lines() splits it into n lines. */
static void rewrite_init(Rewrite *w, const char *file, const char *text, size_t n) {
    memset(w, 0, sizeof *w);
    w->file = file;
    w->text = text;
    w->nlines = n;
    w->starts = ph_xcalloc(n + 1, sizeof *w->starts);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        w->starts[i] = at;
        const char *e = strchr(text + at, '\n');
        at = e ? (size_t)(e - text) + 1 : strlen(text);
    }
    w->starts[n] = strlen(text);
}

/* Replace lines [from, to) by `text` (its own line ends included). */
static void rewrite_lines(Rewrite *w, size_t from, size_t to, const char *text) {
    Edit e = {w->starts[from], w->starts[to], ph_xstrdup(text)};
    ph_vec_push(&w->edits, e);
}

/* Replace what line i holds, keeping its line end. */
static void rewrite_line(Rewrite *w, size_t i, const char *text) {
    size_t end = w->starts[i + 1];
    while (end > w->starts[i] && (w->text[end - 1] == '\n' || w->text[end - 1] == '\r'))
        end--;
    Edit e = {w->starts[i], end, ph_xstrdup(text)};
    ph_vec_push(&w->edits, e);
}

/* File order; an insertion (an empty section filled) before the edit of
 * the line it stands before (the exit line after it). */
static int by_place(const void *a, const void *b) {
    const Edit *x = a, *y = b;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return x->to < y->to ? -1 : x->to > y->to;
}

/* Write the file with its edits, if it has any; a failure to write is a
 * failure of the run. Frees w. */
static void rewrite_finish(Runner *r, Rewrite *w) {
    if (w->edits.len) {
        qsort(w->edits.items, w->edits.len, sizeof *w->edits.items, by_place);
        char *err = NULL;
        PhOutput *o = ph_output_open(w->file, &err);
        if (o) {
            FILE *f = ph_output_file(o);
            size_t at = 0;
            for (size_t i = 0; i < w->edits.len; i++) {
                fwrite(w->text + at, 1, w->edits.items[i].from - at, f);
                fputs(w->edits.items[i].text, f);
                at = w->edits.items[i].to;
            }
            fputs(w->text + at, f);
        }
        if (!o || ph_output_close(o, &err) != 0) {
            printf("FAIL %s: cannot update: %s\n", w->file, err);
            r->failed++;
            free(err);
        }
    }
    for (size_t i = 0; i < w->edits.len; i++)
        free(w->edits.items[i].text);
    free(w->edits.items);
    free(w->starts);
}

/* The verdict of a failing case that --update rewrote. */
static void updated(Runner *r, const char *file, int line, const char *title) {
    r->updated++;
    printf("UPDATE %s:%d: %s\n", file, line, title);
}

/* A corpus or .test file with no `=== ` case is not a test: a failure
 * (and true). */
static bool no_cases(Runner *r, const char *file, char **lines, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (ph_str_starts(lines[i], "=== "))
            return false;
    r->failed++;
    printf("FAIL %s: no test case in it (a case starts with a line '=== TITLE')\n", file);
    return true;
}

/* ---------------------------------------------------------------------------
 * Rule corpora.
 */

typedef struct Expect {
    char path[300];
    int line, col;
    char rule[16];
    char sev[4];
    char text[256];
    bool matched;
    const char *written;   /* the expectation's line as the corpus writes it */
} Expect;

static bool parse_expect(const char *s, const char *default_path, Expect *e) {
    memset(e, 0, sizeof *e);
    while (*s == ' ')
        s++;
    const char *sp = strchr(s, ' ');
    if (!sp)
        return false;
    /* [path:]line:col */
    char loc[300];
    snprintf(loc, sizeof loc, "%.*s", (int)(sp - s), s);
    char *c2 = strrchr(loc, ':');
    if (!c2)
        return false;
    *c2 = 0;
    e->col = atoi(c2 + 1);
    char *c1 = strrchr(loc, ':');
    if (c1) {
        *c1 = 0;
        e->line = atoi(c1 + 1);
        snprintf(e->path, sizeof e->path, "%s", loc);
    } else {
        e->line = atoi(loc);
        snprintf(e->path, sizeof e->path, "%s", default_path);
    }
    s = sp + 1;
    while (*s == ' ')
        s++;
    int n = 0;
    while (s[n] && s[n] != ' ' && n < 15)
        n++;
    snprintf(e->rule, sizeof e->rule, "%.*s", n, s);
    s += n;
    while (*s == ' ')
        s++;
    if (s[0] == 'P' && s[1] >= '1' && s[1] <= '3' && (s[2] == ' ' || !s[2])) {
        snprintf(e->sev, sizeof e->sev, "%.2s", s);
        s += 2;
        while (*s == ' ')
            s++;
    }
    if (*s == '"') {
        const char *q = strrchr(s + 1, '"');
        if (!q)
            return false;
        snprintf(e->text, sizeof e->text, "%.*s", (int)(q - s - 1), s + 1);
    }
    return e->line > 0 && e->col > 0 && e->rule[0];
}

/* The expectation lines of findings fs (sorted), for --update: the line
 * of the expectation each matched (by[i] - 1; 0: none) as written, else a
 * new one, `[PATH:]LINE:COL RULE [SEVERITY]`. Caller frees with free(). */
static char *expectations(const PhFindings *fs, const Expect *want, const size_t *by, const char *first_path) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (size_t i = 0; i < fs->len; i++) {
        const PhFinding *f = &fs->items[i];
        if (by[i]) {
            sqlite3_str_appendf(s, "%s\n", want[by[i] - 1].written);
            continue;
        }
        bool own_path = strcmp(f->loc.path, first_path) != 0, own_sev = strcmp(f->severity, f->rule->severity) != 0;
        sqlite3_str_appendf(s, "%s%s%d:%d %s%s%s\n", own_path ? f->loc.path : "", own_path ? ":" : "", f->loc.line,
                            f->loc.col, f->rule->id, own_sev ? " " : "", own_sev ? f->severity : "");
    }
    char *t = sqlite3_str_finish(s);
    char *out = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    return out;
}

/* The expectation lines exp[0..nexp) that are not blank, each ended by a
 * newline: what expectations() gives for a case that passes. Caller frees
 * with free(). */
static char *written_expectations(char **exp, size_t nexp) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (size_t i = 0; i < nexp; i++)
        if (exp[i][strspn(exp[i], " \t\r")])
            sqlite3_str_appendf(s, "%s\n", exp[i]);
    char *t = sqlite3_str_finish(s);
    char *out = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    return out;
}

/* Replace the expectation lines exp[0..nexp) (exp[0] is line `at` of the
 * file) by `text`: the lines from the first to the last that is not blank,
 * or, when all are blank, right after the case's `---`. */
static void rewrite_expectations(Rewrite *w, size_t at, char **exp, size_t nexp, const char *text) {
    size_t first = nexp, last = 0;
    for (size_t i = 0; i < nexp; i++)
        if (exp[i][strspn(exp[i], " \t\r")]) {
            first = first < i ? first : i;
            last = i;
        }
    if (first == nexp)
        rewrite_lines(w, at, at, text);
    else
        rewrite_lines(w, at + first, at + last + 1, text);
}

/* One case of a corpus: src[0..nsrc) the source, exp[0..nexp) the expected
 * findings, which start on line `exp_at` of the file. With --update, a
 * failing case whose rule ran gets its expectations rewritten in w. */
static void run_case(Runner *r, const char *file, int case_line, const char *title, char **src, size_t nsrc,
                     char **exp, size_t nexp, size_t exp_at, const PhRule *rule, Rewrite *w) {
    /* Split the source into files at `#### path` lines; the implicit first
     * file, case.py, exists only if something precedes the first marker. */
    PhVec(PhMemFile) files = {0};
    const char *path = "case.py";
    bool implicit = true;
    sqlite3_str *cur = sqlite3_str_new(NULL);
    for (size_t i = 0; i <= nsrc; i++) {
        if (i < nsrc && !ph_str_starts(src[i], "#### ")) {
            sqlite3_str_appendf(cur, "%s\n", src[i]);
            continue;
        }
        char *text = sqlite3_str_finish(cur);
        if (!implicit || (text && *text) || (i == nsrc && files.len == 0)) {
            PhMemFile mf = {ph_xstrdup(path), ph_xstrdup(text ? text : ""), text ? strlen(text) : 0};
            ph_vec_push(&files, mf);
        }
        sqlite3_free(text);
        if (i == nsrc)
            break;
        path = src[i] + 5;
        implicit = false;
        cur = sqlite3_str_new(NULL);
    }

    PhVec(Expect) want = {0};
    bool bad = false;
    for (size_t i = 0; i < nexp; i++) {
        const char *s = exp[i];
        while (*s == ' ')
            s++;
        if (!*s)
            continue;
        Expect e;
        if (!parse_expect(s, files.len ? files.items[0].path : "case.py", &e)) {
            printf("FAIL %s:%d: %s: cannot read expectation '%s'\n", file, case_line, title, s);
            bad = true;
            continue;
        }
        e.written = exp[i];
        ph_vec_push(&want, e);
    }

    sqlite3 *db = ph_db_memory();
    PhDiags *d = ph_diags_new();
    ph_extract_memory(db, files.items, files.len, d);
    ph_rules_attach(r->rules, db, d);
    PhFindings fs;
    memset(&fs, 0, sizeof fs);
    int rc = rule ? ph_rules_run(db, rule, false, &fs, d) : -1;
    ph_findings_sort(&fs);
    size_t *by = ph_xcalloc(fs.len + 1, sizeof *by);   /* the expectation each finding matched, + 1 */
    bool ok = !bad && rc == 0;
    PhVec(char *) problems = {0};
    if (!rule)
        ph_vec_push(&problems, ph_xasprintf("  no rule for this corpus file"));
    if (rc != 0 && rule)
        for (size_t i = 0; i < ph_diags_len(d); i++)
            if (ph_diags_at(d, i)->severity == PH_ERROR)
                ph_vec_push(&problems, ph_xasprintf("  rule error: %s", ph_diags_at(d, i)->message));
    for (size_t i = 0; i < fs.len; i++) {
        PhFinding *f = &fs.items[i];
        bool found = false;
        for (size_t k = 0; k < want.len && !found; k++) {
            Expect *e = &want.items[k];
            if (e->matched || e->line != f->loc.line || e->col != f->loc.col || strcmp(e->rule, f->rule->id) ||
                strcmp(e->path, f->loc.path))
                continue;
            const char *sev = e->sev[0] ? e->sev : f->rule->severity;
            if (strcmp(sev, f->severity) != 0 || (e->text[0] && !strstr(f->message, e->text)))
                continue;
            e->matched = found = true;
            by[i] = k + 1;
        }
        if (!found) {
            ok = false;
            ph_vec_push(&problems, ph_xasprintf("  unexpected: %s:%d:%d %s %s \"%s\"", f->loc.path, f->loc.line,
                                                f->loc.col, f->rule->id, f->severity, f->message));
        }
    }
    for (size_t k = 0; k < want.len; k++)
        if (!want.items[k].matched) {
            Expect *e = &want.items[k];
            ok = false;
            ph_vec_push(&problems, ph_xasprintf("  missing:    %s:%d:%d %s%s%s%s%s%s", e->path, e->line, e->col,
                                                e->rule, e->sev[0] ? " " : "", e->sev, e->text[0] ? " \"" : "",
                                                e->text, e->text[0] ? "\"" : ""));
        }
    if (ok) {
        r->passed++;
        if (r->verbose)
            printf("ok   %s:%d: %s\n", file, case_line, title);
    } else {
        /* what the case should expect, when that can be told */
        char *text = rule && rc == 0 && !bad
                         ? expectations(&fs, want.items, by, files.len ? files.items[0].path : "case.py")
                         : NULL;
        if (w && text) {
            rewrite_expectations(w, exp_at, exp, nexp, text);
            updated(r, file, case_line, title);
        } else {
            fail(r, file, case_line, title);
        }
        for (size_t i = 0; i < problems.len; i++)
            printf("%s\n", problems.items[i]);
        if (text) {
            char *written = written_expectations(exp, nexp);
            printf("  expected findings differ:\n");
            ph_diff_print(stdout, "  ", "expected", written, "found", text, 3);
            free(written);
        }
        free(text);
    }
    for (size_t i = 0; i < problems.len; i++)
        free(problems.items[i]);
    free(problems.items);
    free(by);
    ph_findings_free(&fs);
    ph_diags_free(d);
    ph_db_close(db);
    for (size_t i = 0; i < files.len; i++) {
        free((char *)files.items[i].path);
        free((char *)files.items[i].text);
    }
    free(files.items);
    free(want.items);
}

/* ---------------------------------------------------------------------------
 * Rule examples. RULES.md: a finding is one line, claims nothing
 * unmeasured, and has every placeholder filled. The runner (core/rules.c)
 * makes messages one line and refuses placeholders that name no column;
 * what it cannot know, whether a filled message reads right, is checked
 * here on each rule's own @bad example.
 */

/* Why a finding's text (a message or a fix) reads wrong, or NULL. An empty
 * fill shows as a gap: "() blocks", "async def : use", "in  loop". Static. */
static const char *reads_wrong(const char *t) {
    size_t n = strlen(t);
    if (strchr(t, '{'))
        return "holds '{' (a placeholder left raw)";
    if (strpbrk(t, "\r\n"))
        return "holds a line break";
    if (n && (t[0] == ' ' || t[n - 1] == ' '))
        return "starts or ends with a blank (an empty name)";
    if (ph_str_starts(t, "()") || strstr(t, " ()") || strstr(t, "(()"))
        return "calls an empty name: '()'";
    if (strstr(t, "  "))
        return "has two blanks in a row (an empty name between them)";
    for (const char *p = t; (p = strpbrk(p, ":,;.)")); p++)
        if (p > t && p[-1] == ' ' && !(p[0] == '.' && p[1] == '.'))
            return "has a blank before punctuation (an empty name before it)";
    return NULL;
}

/* Does text claim a figure nobody measured ("~2x", "3x faster", "10 times
 * faster")? */
static bool claims_figure(const char *text) {
    static regex_t re;
    static bool ready;
    if (!ready) {
        ready = regcomp(&re,
                        "~[[:space:]]*[0-9{]|(^|[^[:alnum:]_{])[0-9]+(\\.[0-9]+)?x([^[:alnum:]_]|$)|"
                        "[0-9]+ times (faster|slower|quicker|less|more)",
                        REG_EXTENDED | REG_NOSUB) == 0;
        if (!ready)
            return false;
    }
    return text && regexec(&re, text, 0, NULL, 0) == 0;
}

/* Extract one example alone and run its rule. Findings go to fs, runner
 * diagnostics (errors, unfilled placeholders) to d. */
static void run_example(const PhRule *rule, const char *code, PhFindings *fs, PhDiags *d) {
    size_t n;
    const char *text = ph_report_block(code, &n);
    char *src = ph_xasprintf("%.*s\n", (int)n, text);
    PhMemFile mf = {"example.py", src, strlen(src)};
    sqlite3 *db = ph_db_memory();
    ph_extract_memory(db, &mf, 1, d);
    ph_rules_run(db, rule, false, fs, d);
    ph_db_close(db);
    free(src);
}

typedef PhVec(char *) Problems;   /* what is wrong with a case, one line each */

/* Report one example case: passed, or FAIL with its problems (freed). */
static void example_verdict(Runner *r, const PhRule *rule, const char *tag, const char *title, Problems *why) {
    char *full = ph_xasprintf("%s %s", rule->id, title);
    if (r->filter && !strstr(rule->path, r->filter) && !strstr(full, r->filter)) {
        /* not selected */
    } else if (!why->len) {
        r->passed++;
        if (r->verbose)
            printf("ok   %s:%d: %s\n", rule->path, ph_rules_tag_line(rule->sql, tag + 1), full);
    } else {
        fail(r, rule->path, ph_rules_tag_line(rule->sql, tag + 1), full);
        for (size_t i = 0; i < why->len; i++)
            printf("  %s\n", why->items[i]);
    }
    for (size_t i = 0; i < why->len; i++)
        free(why->items[i]);
    why->len = 0;
    free(full);
}

/* The two cases of a rule's examples, once per run. A rule without
 * examples has nothing to run, unless it is built in (they must have both). */
static void run_examples(Runner *r, const PhRule *rule) {
    for (size_t i = 0; i < r->examined.len; i++)
        if (r->examined.items[i] == rule)
            return;
    ph_vec_push(&r->examined, rule);
    Problems why = {0};
    const char *templates[3] = {rule->message, rule->fix, rule->description};
    const char *names[3] = {"@message", "@fix", "@description"};
    for (int k = 0; k < 3; k++)
        if (claims_figure(templates[k]))
            ph_vec_push(&why, ph_xasprintf("%s claims an unmeasured figure: %s", names[k], templates[k]));
    const char *codes[2] = {rule->bad, rule->good}, *tags[2] = {"@bad", "@good"};
    const char *titles[2] = {"@bad example gives a finding of its rule that reads right",
                             "@good example gives no finding of its rule"};
    for (int k = 0; k < 2; k++) {
        size_t n;
        ph_report_block(codes[k], &n);
        if (!n) {   /* a user rule may go without: nothing runs, nothing passes */
            if (rule->builtin) {
                ph_vec_push(&why, ph_xasprintf("the rule has no %s example", tags[k]));
                example_verdict(r, rule, "@id", titles[k], &why);
            }
            continue;
        }
        PhFindings fs;
        memset(&fs, 0, sizeof fs);
        PhDiags *d = ph_diags_new();
        run_example(rule, codes[k], &fs, d);
        for (size_t i = 0; i < ph_diags_len(d); i++)
            if (ph_diags_at(d, i)->severity != PH_NOTE)
                ph_vec_push(&why, ph_xasprintf("%s:%d: %s", ph_diags_at(d, i)->path ? ph_diags_at(d, i)->path : "",
                                               ph_diags_at(d, i)->line, ph_diags_at(d, i)->message));
        if (k == 0 && !fs.len)
            ph_vec_push(&why, ph_xasprintf("no finding: the example does not show what the rule finds"));
        for (size_t i = 0; i < fs.len; i++) {
            const PhFinding *f = &fs.items[i];
            if (k == 1) {
                ph_vec_push(&why, ph_xasprintf("unexpected: %d:%d \"%s\"", f->loc.line, f->loc.col, f->message));
                continue;
            }
            const char *texts[2] = {f->message, f->fix}, *what[2] = {"message", "fix"};
            for (int t = 0; t < 2; t++) {
                const char *bad = reads_wrong(texts[t]);
                if (bad || claims_figure(texts[t]))
                    ph_vec_push(&why, ph_xasprintf("the %s %s: \"%s\"", what[t], bad ? bad : "claims a figure",
                                                   texts[t]));
            }
        }
        ph_findings_free(&fs);
        ph_diags_free(d);
        example_verdict(r, rule, tags[k], titles[k], &why);
    }
    free(why.items);
}

/* Did rule come from one of the folders (its file is DIR/NAME.sql)? */
static bool from_folders(const PhRule *rule, const PhStrList *dirs) {
    for (size_t i = 0; i < dirs->len; i++) {
        size_t n = strlen(dirs->items[i]);
        if (strncmp(rule->path, dirs->items[i], n) == 0 && rule->path[n] == '/' && !strchr(rule->path + n + 1, '/'))
            return true;
    }
    return false;
}

static void run_corpus(Runner *r, const char *file) {
    size_t len;
    char *text = ph_read_file(file, &len);
    if (!text) {
        printf("FAIL %s: cannot read: %s\n", file, strerror(errno));
        r->failed++;
        return;
    }
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    char id[32];
    snprintf(id, sizeof id, "%.*s", (int)strcspn(base, "-."), base);
    const PhRule *rule = ph_rules_find(r->rules, id);
    char **lines;
    size_t n;
    char *buf = slurp_lines(text, &n, &lines);
    Rewrite w;
    rewrite_init(&w, file, text, n);
    if (!no_cases(r, file, lines, n) && rule)
        run_examples(r, rule);
    for (size_t i = 0; i < n;) {
        if (!ph_str_starts(lines[i], "=== ")) {
            i++;
            continue;
        }
        const char *title = lines[i] + 4;
        int case_line = (int)i + 1;
        size_t s = i + 1, sep = s;
        while (sep < n && strcmp(lines[sep], "---") != 0 && !ph_str_starts(lines[sep], "=== "))
            sep++;
        size_t e = sep < n && strcmp(lines[sep], "---") == 0 ? sep + 1 : sep;
        size_t end = e;
        while (end < n && !ph_str_starts(lines[end], "=== "))
            end++;
        bool selected = !r->filter || strstr(file, r->filter) || strstr(title, r->filter);
        if (selected) {
            if (sep >= n || strcmp(lines[sep], "---") != 0) {
                fail(r, file, case_line, title);
                printf("  case has no '---' line\n");
            } else {
                run_case(r, file, case_line, title, lines + s, sep - s, lines + e, end - e, e, rule,
                         r->update ? &w : NULL);
            }
        }
        i = end;
    }
    rewrite_finish(r, &w);
    free(lines);
    free(buf);
    free(text);
}

/* ---------------------------------------------------------------------------
 * CLI tests.
 */

static char *read_fd_file(const char *path) {
    size_t len;
    char *t = ph_read_file(path, &len);
    return t ? t : ph_xstrdup("");
}

/* Replace every `from` in s by `to`. Caller frees. */
static char *replace_all(const char *s, const char *from, const char *to) {
    sqlite3_str *o = sqlite3_str_new(NULL);
    size_t fl = strlen(from);
    for (const char *p = s; *p;) {
        const char *q = fl ? strstr(p, from) : NULL;
        if (!q) {
            sqlite3_str_appendall(o, p);
            break;
        }
        sqlite3_str_append(o, p, (int)(q - p));
        sqlite3_str_appendall(o, to);
        p = q + fl;
    }
    char *t = sqlite3_str_finish(o);
    char *out = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    return out;
}

/* Where a section of a case stands in its file (0-based lines), for
 * --update. */
typedef struct Section {
    size_t header;         /* its `--- NAME` line */
    size_t from, to;       /* its text: lines [from, to), blank lines that end the case left out */
    bool last;             /* it ends the case: a blank line at its end would be read as a separator */
} Section;

typedef struct CliCase {
    const char *title;
    int line;
    char *args, *sh;
    char *stdin_text, *want_out, *want_err;
    int want_exit;   /* -1: not checked */
    Section exit_at, out_at, err_at;
} CliCase;

/* Why `got` cannot be written as the text of section `at`, or NULL. Static. */
static const char *unwritable(const char *got, const Section *at) {
    size_t n = strlen(got);
    if (n && got[n - 1] != '\n')
        return "it does not end with a newline";
    for (const char *p = got; *p; p = strchr(p, '\n') + 1)
        if (ph_str_starts(p, "=== ") || ph_str_starts(p, "--- "))
            return "a line of it would start a case or a section";
    if (at->last && (strcmp(got, "\n") == 0 || (n >= 2 && got[n - 2] == '\n')))
        return "it ends with a blank line, which the last section of a case cannot hold";
    return NULL;
}

/* The lines telling how `got` differs from `want` (as the test writes it,
 * {TMP} and all: tmp in got is shown as {TMP}), a unified diff. Caller
 * frees with free(). */
static char *difference(const char *name, const char *want, const char *got, const char *tmp) {
    char *shown = replace_all(got, tmp, "{TMP}"), *text = NULL;
    size_t len;
    FILE *m = open_memstream(&text, &len);
    char *a = ph_xasprintf("%s wanted", name), *b = ph_xasprintf("%s got", name);
    fprintf(m, "  %s differs:\n", name);
    if (!ph_diff_print(m, "  ", a, want, b, shown, 3))   /* they differ only where the test says {TMP} */
        fprintf(m, "  (where {TMP} stands for %s)\n", tmp);
    fclose(m);
    free(a);
    free(b);
    free(shown);
    while (len && text[len - 1] == '\n')
        text[--len] = 0;
    return text;
}

/* --update of a failing case: its exit, stdout and stderr sections as the
 * run gave them (those it has: an omitted section stays omitted). Returns
 * NULL, or why it cannot be done (then nothing is changed): caller frees
 * with free(). */
static char *update_case(Rewrite *w, const CliCase *c, int code, char *const gots[2], const char *tmp) {
    const char *const names[2] = {"stdout", "stderr"}, *const wants[2] = {c->want_out, c->want_err};
    const Section *const ats[2] = {&c->out_at, &c->err_at};
    char *texts[2] = {NULL, NULL}, *why = NULL;
    for (int k = 0; k < 2 && !why; k++) {
        if (!wants[k])
            continue;
        texts[k] = replace_all(gots[k], tmp, "{TMP}");
        const char *problem = unwritable(texts[k], ats[k]);
        if (problem)
            why = ph_xasprintf("cannot update %s: %s", names[k], problem);
    }
    if (!why) {
        if (c->want_exit >= 0 && code != c->want_exit) {
            char line[32];
            snprintf(line, sizeof line, "--- exit %d", code);
            rewrite_line(w, c->exit_at.header, line);
        }
        for (int k = 0; k < 2; k++)
            if (texts[k] && strcmp(texts[k], wants[k]) != 0)
                rewrite_lines(w, ats[k]->from, ats[k]->to, texts[k]);
    }
    free(texts[0]);
    free(texts[1]);
    return why;
}

static void run_cli_case(Runner *r, const char *file, const char *dir, CliCase *c, Rewrite *w) {
    char tmpl[] = "/tmp/pyhunt-test-XXXXXX";
    char *tmp = mkdtemp(tmpl);
    if (!tmp) {
        fail(r, file, c->line, c->title);
        printf("  cannot create a scratch directory: %s\n", strerror(errno));
        return;
    }
    char *out_path = ph_xasprintf("%s/.stdout", tmp), *err_path = ph_xasprintf("%s/.stderr", tmp);
    char *in_path = ph_xasprintf("%s/.stdin", tmp);
    FILE *in = fopen(in_path, "w");
    if (in) {
        if (c->stdin_text)
            fputs(c->stdin_text, in);
        fclose(in);
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(127);
        int fi = open(in_path, O_RDONLY), fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        setenv("PYHUNT", r->self, 1);
        setenv("TMP", tmp, 1);
        setenv("NO_COLOR", "1", 1);
        unsetenv("EDITOR");
        /* the user's own rules folder is not part of any test */
        char *config = ph_xasprintf("%s/.config", tmp);
        setenv("XDG_CONFIG_HOME", config, 1);
        /* A case that hangs fails instead of stalling the run; slow runners
         * (valgrind) raise the limit with PYHUNT_TEST_TIMEOUT. */
        const char *limit = getenv("PYHUNT_TEST_TIMEOUT");
        alarm(limit && atoi(limit) > 0 ? (unsigned)atoi(limit) : 120);
        if (c->sh) {
            execl("/bin/sh", "sh", "-c", c->sh, (char *)NULL);
        } else {
            int argc;
            char **argv = ph_split_words(c->args, &argc);
            char **full = ph_xcalloc((size_t)argc + 2, sizeof(char *));
            full[0] = "pyhunt";
            for (int i = 0; i < argc; i++)
                full[i + 1] = replace_all(argv[i], "{TMP}", tmp);
            execv(r->self, full);
        }
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    char *got_out = read_fd_file(out_path), *got_err = read_fd_file(err_path);
    bool ok = true;
    PhVec(char *) why = {0};
    if (c->want_exit >= 0 && code != c->want_exit) {
        ok = false;
        ph_vec_push(&why, ph_xasprintf("  exit: want %d, got %d", c->want_exit, code));
    }
    const char *names[] = {"stdout", "stderr"};
    char *wants[] = {c->want_out, c->want_err}, *gots[] = {got_out, got_err};
    for (int k = 0; k < 2; k++) {
        if (!wants[k])
            continue;
        char *want = replace_all(wants[k], "{TMP}", tmp);
        if (strcmp(want, gots[k]) != 0) {
            ok = false;
            ph_vec_push(&why, difference(names[k], wants[k], gots[k], tmp));
        }
        free(want);
    }
    if (c->sh && code == SKIP_EXIT) {
        r->skipped++;
        printf("SKIP %s:%d: %s: %.*s\n", file, c->line, c->title, (int)strcspn(got_out, "\n"), got_out);
    } else if (ok) {
        r->passed++;
        if (r->verbose)
            printf("ok   %s:%d: %s\n", file, c->line, c->title);
    } else {
        char *cannot = w ? update_case(w, c, code, gots, tmp) : NULL;
        if (w && !cannot)
            updated(r, file, c->line, c->title);
        else
            fail(r, file, c->line, c->title);
        for (size_t i = 0; i < why.len; i++)
            printf("%s\n", why.items[i]);
        if (cannot)
            printf("  %s\n", cannot);
        free(cannot);
    }
    for (size_t i = 0; i < why.len; i++)
        free(why.items[i]);
    free(why.items);
    free(got_out);
    free(got_err);
    char *rm = ph_xasprintf("rm -rf '%s'", tmp);
    if (system(rm) != 0)
        printf("  note: could not remove %s\n", tmp);
    free(rm);
    free(out_path);
    free(err_path);
    free(in_path);
}

static void run_cli_file(Runner *r, const char *file) {
    size_t len;
    char *text = ph_read_file(file, &len);
    if (!text) {
        printf("FAIL %s: cannot read: %s\n", file, strerror(errno));
        r->failed++;
        return;
    }
    char *dir = ph_xstrdup(file);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        strcpy(dir, ".");
    char **lines;
    size_t n;
    char *buf = slurp_lines(text, &n, &lines);
    Rewrite w;
    rewrite_init(&w, file, text, n);
    no_cases(r, file, lines, n);
    for (size_t i = 0; i < n;) {
        if (!ph_str_starts(lines[i], "=== ")) {
            i++;
            continue;
        }
        CliCase c;
        memset(&c, 0, sizeof c);
        c.title = lines[i] + 4;
        c.line = (int)i + 1;
        c.want_exit = -1;
        i++;
        char **section = NULL;
        Section *at = NULL, ignored;
        sqlite3_str *acc = NULL;
        for (; i <= n; i++) {
            bool end = i == n || ph_str_starts(lines[i], "=== ");
            bool header = !end && ph_str_starts(lines[i], "--- ");
            if ((end || header) && acc) {
                /* blank lines before the next case separate cases */
                at->to = i;
                at->last = end;
                while (end && at->to > at->from && !lines[at->to - 1][0])
                    at->to--;
                for (size_t k = at->from; k < at->to; k++)
                    sqlite3_str_appendf(acc, "%s\n", lines[k]);
                char *t = sqlite3_str_finish(acc);
                *section = ph_xstrdup(t ? t : "");
                sqlite3_free(t);
                acc = NULL;
                section = NULL;
            }
            if (end)
                break;
            if (header) {
                const char *h = lines[i] + 4;
                at = &ignored;
                if (ph_str_starts(h, "exit ")) {
                    c.want_exit = atoi(h + 5);
                    c.exit_at.header = i;
                } else if (!strcmp(h, "stdout")) {
                    section = &c.want_out;
                    at = &c.out_at;
                } else if (!strcmp(h, "stderr")) {
                    section = &c.want_err;
                    at = &c.err_at;
                } else if (!strcmp(h, "stdin")) {
                    section = &c.stdin_text;
                }
                if (section) {
                    acc = sqlite3_str_new(NULL);
                    at->header = i;
                    at->from = i + 1;
                }
                continue;
            }
            if (acc)
                continue;   /* a line of the section: gathered when it ends */
            if (ph_str_starts(lines[i], "args:")) {
                c.args = ph_xstrdup(lines[i] + 5);
            } else if (ph_str_starts(lines[i], "sh:")) {
                c.sh = ph_xstrdup(lines[i] + 3);
            } else if (c.sh) {
                /* a shell command continues until the first section */
                char *more = ph_xasprintf("%s\n%s", c.sh, lines[i]);
                free(c.sh);
                c.sh = more;
            }
        }
        bool selected = !r->filter || strstr(file, r->filter) || strstr(c.title, r->filter);
        if (selected) {
            if (!c.args && !c.sh) {
                fail(r, file, c.line, c.title);
                printf("  case has no 'args:' or 'sh:' line\n");
            } else {
                run_cli_case(r, file, dir, &c, r->update ? &w : NULL);
            }
        }
        free(c.args);
        free(c.sh);
        free(c.stdin_text);
        free(c.want_out);
        free(c.want_err);
    }
    rewrite_finish(r, &w);
    free(lines);
    free(buf);
    free(text);
    free(dir);
}

/* ---------------------------------------------------------------------------
 * Python fixtures with inline expectations (tests/rules/README.md).
 */

typedef struct LineExpect {
    int line;
    char rule[16];
    char sev[4];     /* "" when not given */
    bool matched;
} LineExpect;

typedef struct Fixture {
    char *path;                  /* as collected */
    char *text;
    PhVec(LineExpect) want;
    PhVec(char *) checked;       /* rule ids compared in this file */
    bool bad;                    /* an expectation could not be read (reported) */
} Fixture;

static void add_checked(Fixture *f, const char *id) {
    for (size_t i = 0; i < f->checked.len; i++)
        if (strcmp(f->checked.items[i], id) == 0)
            return;
    ph_vec_push(&f->checked, ph_xstrdup(id));
}

/* The comma-separated `ID [P1-P3]` items after a marker on line `line`;
 * with `want`, each is an expected finding there, else only a rule to check. */
static void parse_items(Runner *r, Fixture *f, int line, const char *items, bool want) {
    char *copy = ph_xstrdup(items);
    for (char *save = NULL, *it = strtok_r(copy, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
        int argc;
        char **w = ph_split_words(it, &argc);
        bool ok = argc >= 1 && argc <= 2 && ph_rules_valid_id(w[0]) && strlen(w[0]) < 16 &&
                  (argc == 1 || ph_severity_rank(w[1]) <= 3);
        if (!ok) {
            printf("FAIL %s:%d: cannot read expectation '%s' (RULE or RULE P1..P3, comma-separated)\n", f->path,
                   line, it);
            f->bad = true;
        } else if (!ph_rules_find(r->rules, w[0])) {
            printf("FAIL %s:%d: no rule %s\n", f->path, line, w[0]);
            f->bad = true;
        } else {
            add_checked(f, w[0]);
            if (want) {
                LineExpect e = {line, "", "", false};
                snprintf(e.rule, sizeof e.rule, "%s", w[0]);
                if (argc == 2)
                    snprintf(e.sev, sizeof e.sev, "%s", w[1]);
                ph_vec_push(&f->want, e);
            }
        }
        ph_words_free(w);
    }
    free(copy);
}

/* Read the `# expect: ...` and `# pyhunt-test: ...` comments of a fixture. */
static void read_expectations(Runner *r, Fixture *f) {
    int line = 1;
    for (const char *p = f->text; *p; line++) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char *l = ph_xstrndup(p, n);
        const char *markers[] = {"# expect:", "# pyhunt-test:"};
        for (int k = 0; k < 2; k++)   /* a comment of its own: at the start or after a blank */
            for (char *m = strstr(l, markers[k]); m; m = strstr(m + 1, markers[k]))
                if (m == l || m[-1] == ' ' || m[-1] == '\t') {
                    parse_items(r, f, line, m + strlen(markers[k]), k == 0);
                    break;
                }
        free(l);
        p += n + (eol ? 1 : 0);
    }
}

/* One fixture's findings against its expectations. */
static void check_fixture(Runner *r, Fixture *f, const char *base, const PhFindings *fs) {
    PhVec(char *) problems = {0};
    for (size_t i = 0; i < fs->len; i++) {
        const PhFinding *x = &fs->items[i];
        bool checked = false;
        for (size_t k = 0; k < f->checked.len && !checked; k++)
            checked = strcmp(f->checked.items[k], x->rule->id) == 0;
        if (!checked || strcmp(x->loc.path, base) != 0)
            continue;
        bool found = false;
        for (size_t k = 0; k < f->want.len && !found; k++) {
            LineExpect *e = &f->want.items[k];
            if (e->matched || e->line != x->loc.line || strcmp(e->rule, x->rule->id) != 0 ||
                strcmp(e->sev[0] ? e->sev : x->rule->severity, x->severity) != 0)
                continue;
            e->matched = found = true;
        }
        if (!found)
            ph_vec_push(&problems, ph_xasprintf("  unexpected: %s:%d:%d %s %s \"%s\"", f->path, x->loc.line,
                                                x->loc.col, x->rule->id, x->severity, x->message));
    }
    for (size_t k = 0; k < f->want.len; k++)
        if (!f->want.items[k].matched)
            ph_vec_push(&problems, ph_xasprintf("  missing:    %s:%d %s%s%s", f->path, f->want.items[k].line,
                                                f->want.items[k].rule, f->want.items[k].sev[0] ? " " : "",
                                                f->want.items[k].sev));
    if (!problems.len && !f->bad) {
        r->passed++;
        if (r->verbose)
            printf("ok   %s\n", f->path);
    } else {
        r->failed++;
        printf("FAIL %s: inline expectations\n", f->path);
        for (size_t i = 0; i < problems.len; i++)
            printf("%s\n", problems.items[i]);
    }
    for (size_t i = 0; i < problems.len; i++)
        free(problems.items[i]);
    free(problems.items);
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The .py files paths[0..n), all of one folder: extracted together (each
 * module named after its file), every rule a fixture names run once, and
 * each fixture checked. A folder where no file carries an expectation is
 * not a test. */
static void run_fixtures(Runner *r, char **paths, size_t n) {
    Fixture *fx = ph_xcalloc(n, sizeof *fx);
    PhVec(PhMemFile) files = {0};
    size_t cases = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        fx[i].path = paths[i];
        fx[i].text = ph_read_file(paths[i], &len);
        if (!fx[i].text) {
            printf("FAIL %s: cannot read: %s\n", paths[i], strerror(errno));
            r->failed++;
            continue;
        }
        read_expectations(r, &fx[i]);
        PhMemFile mf = {base_name(paths[i]), fx[i].text, len};
        ph_vec_push(&files, mf);
        cases += fx[i].checked.len > 0 || fx[i].bad;
    }
    bool selected = !r->filter;
    for (size_t i = 0; i < n && !selected; i++)
        selected = strstr(paths[i], r->filter) != NULL;
    if (!cases && selected) {
        r->failed++;
        printf("FAIL %s: no '# expect: RULE' comment in %s: not a test fixture\n", paths[0],
               n == 1 ? "it" : "the .py files of its folder");
    } else if (selected) {
        sqlite3 *db = ph_db_memory();
        PhDiags *d = ph_diags_new();
        ph_extract_memory(db, files.items, files.len, d);
        ph_rules_attach(r->rules, db, d);
        PhFindings fs;
        memset(&fs, 0, sizeof fs);
        PhVec(char *) ran = {0};
        bool failed = false;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < fx[i].checked.len; k++) {
                bool done = false;
                for (size_t j = 0; j < ran.len && !done; j++)
                    done = strcmp(ran.items[j], fx[i].checked.items[k]) == 0;
                if (done)
                    continue;
                ph_vec_push(&ran, fx[i].checked.items[k]);
                failed |= ph_rules_run(db, ph_rules_find(r->rules, fx[i].checked.items[k]), false, &fs, d) != 0;
            }
        if (failed) {
            for (size_t i = 0; i < ph_diags_len(d); i++)
                if (ph_diags_at(d, i)->severity == PH_ERROR)
                    printf("FAIL %s: rule error: %s\n", paths[0], ph_diags_at(d, i)->message);
            r->failed++;
        }
        for (size_t i = 0; i < n; i++)
            if (fx[i].text && (fx[i].checked.len || fx[i].bad))
                check_fixture(r, &fx[i], base_name(paths[i]), &fs);
        free(ran.items);
        ph_findings_free(&fs);
        ph_diags_free(d);
        ph_db_close(db);
    }
    for (size_t i = 0; i < n; i++) {
        free(fx[i].text);
        free(fx[i].want.items);
        for (size_t k = 0; k < fx[i].checked.len; k++)
            free(fx[i].checked.items[k]);
        free(fx[i].checked.items);
    }
    free(fx);
    free(files.items);
}

/* ---------------------------------------------------------------------------
 * Discovery.
 */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef PhVec(char *) StrVec;

/* The files under path (itself, if a file), sorted, `fixtures` folders
 * left out (they are the data of .test files). Returns -1 when path cannot
 * be read. */
static int collect(const char *path, StrVec *out) {
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        ph_vec_push(out, ph_xstrdup(path));
        return 0;
    }
    DIR *d = opendir(path);
    if (!d)
        return -1;
    PhVec(char *) names = {0};
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            ph_vec_push(&names, ph_xstrdup(e->d_name));
    closedir(d);
    if (names.len)
        qsort(names.items, names.len, sizeof(char *), cmp_str);
    for (size_t i = 0; i < names.len; i++) {
        char *p = ph_xasprintf("%s/%s", path, names.items[i]);
        if (strcmp(names.items[i], "fixtures") != 0)
            collect(p, out);
        free(p);
        free(names.items[i]);
    }
    free(names.items);
    return 0;
}

/* What kind of test a file is, from its name; 0 for none. */
static char test_kind(const char *f) {
    if (ph_str_ends(f, ".txt") && strstr(f, "rules/"))
        return 'c';
    if (ph_str_ends(f, ".test"))
        return 't';
    return ph_str_ends(f, ".py") ? 'p' : 0;
}

static bool same_folder(const char *a, const char *b) {
    size_t la = (size_t)(base_name(a) - a), lb = (size_t)(base_name(b) - b);
    return la == lb && strncmp(a, b, la) == 0;
}

typedef struct TestOptions {
    PhStrList queries;
    const char *filter;
    bool verbose, update;
} TestOptions;

static const PhOption test_options[] = {
    {.name = "queries", .kind = PH_OPT_PATH, .flags = PH_OPT_REPEAT, .value = "DIR",
     .offset = offsetof(TestOptions, queries), .help = "test these user rules too"},
    {.name = "filter", .kind = PH_OPT_STRING, .value = "TEXT", .offset = offsetof(TestOptions, filter),
     .help = "only cases whose file or title contains TEXT"},
    {.name = "verbose", .short_name = 'v', .kind = PH_OPT_FLAG, .offset = offsetof(TestOptions, verbose),
     .help = "print every case"},
    {.name = "update", .kind = PH_OPT_FLAG, .offset = offsetof(TestOptions, update),
     .help = "rewrite what failing cases expect to what they got (the stdout, stderr and exit sections of .test "
             "files, the expected findings of rules/*.txt corpora), every other byte of the file kept"},
    {0},
};

static int cmd_test(void *opts, int argc, char **argv) {
    TestOptions *o = opts;
    Runner r;
    memset(&r, 0, sizeof r);
    r.filter = o->filter;
    r.verbose = o->verbose;
    r.update = o->update;
    ssize_t n = readlink("/proc/self/exe", r.self, sizeof r.self - 1);
    if (n <= 0) {
        fprintf(stderr, "pyhunt: cannot find my own executable\n");
        return PH_EXIT_USAGE;
    }
    r.self[n] = 0;
    int status = PH_EXIT_CLEAN;
    r.rules = ph_cli_load_rules(".", o->queries.items, o->queries.len, &status);
    if (!r.rules)
        return status;
    StrVec files = {0};
    int missing = 0;
    const char *const dflt[] = {"tests"};
    const char *const *args = argc ? (const char *const *)argv : dflt;
    int nargs = argc ? argc : 1;
    for (int i = 0; i < nargs; i++) {
        size_t before = files.len;
        if (collect(args[i], &files) != 0) {
            fprintf(stderr, "pyhunt: %s: error: cannot read: %s\n", args[i], strerror(errno));
            missing++;
        } else if (files.len == before + 1 && !test_kind(files.items[before])) {
            /* named on the command line, so meant as a test */
            printf("FAIL %s: not a test: tests are *.test files, rules/*.txt corpora and .py fixtures\n",
                   files.items[before]);
            r.failed++;
        }
    }
    double t0 = ph_now();
    size_t nfiles = files.len;
    bool *done = ph_xcalloc(files.len + 1, sizeof(bool));
    for (size_t i = 0; i < files.len; i++) {
        const char *f = files.items[i];
        if (done[i])
            continue;
        if (test_kind(f) == 'c') {
            run_corpus(&r, f);
        } else if (test_kind(f) == 't') {
            run_cli_file(&r, f);
        } else if (test_kind(f) == 'p') {
            /* the .py files of one folder are one extraction */
            PhVec(char *) group = {0};
            for (size_t k = i; k < files.len; k++)
                if (!done[k] && test_kind(files.items[k]) == 'p' && same_folder(files.items[k], f)) {
                    ph_vec_push(&group, files.items[k]);
                    done[k] = true;
                }
            run_fixtures(&r, group.items, group.len);
            free(group.items);
        }
    }
    free(done);
    for (size_t i = 0; i < files.len; i++)
        free(files.items[i]);
    free(files.items);
    /* The examples of every rule in the default run (the whole suite), and
     * of the rules of --queries folders, which are what is being tested. */
    for (size_t i = 0; i < ph_rules_len(r.rules); i++)
        if (argc == 0 || from_folders(ph_rules_at(r.rules, i), &o->queries))
            run_examples(&r, ph_rules_at(r.rules, i));
    free(r.examined.items);
    ph_rules_free(r.rules);
    if (r.skipped)
        printf("(%d skipped: they could not run here)\n", r.skipped);
    if (r.updated)
        printf("(%d updated: their expectations now say what they got; review the change with git diff)\n",
               r.updated);
    printf("(%zu test files in %.1fs)\n%d passed, %d failed\n", nfiles, ph_now() - t0, r.passed, r.failed);
    fflush(stdout);
    if (missing)
        return PH_EXIT_USAGE;
    if (r.passed + r.failed + r.skipped + r.updated == 0) {
        fprintf(stderr, "pyhunt: no test case ran%s\n", r.filter ? " (does --filter match any?)" : "");
        return PH_EXIT_USAGE;
    }
    return r.failed ? 1 : 0;
}

const PhCommand ph_test_command = {
    .name = "test",
    .run = cmd_test,
    .usage = "[DIR|FILE...] [options]",
    .summary = "run rule corpora and CLI tests (default: tests/)",
    .options = test_options,
    .opts_size = sizeof(TestOptions),
    .max_args = -1,
};
