/*
 * report_text: the formats for people at a terminal.
 *
 *   text (full, the default), in the manner of Ruff's full output and of
 *   compilers: each finding's header line, its source line(s) with line
 *   numbers and a caret span under the offending code, each step of its
 *   chain with its location and source, the fix, and the command that
 *   explains the rule:
 *
 *       shop/api.py:22:12: PH109 [P3] asyncio.get_event_loop() inside async def get_order: ...
 *          22 |     loop = asyncio.get_event_loop()
 *             |            ^~~~~~~~~~~~~~~~~~~~~~~~
 *             = fix: call asyncio.get_running_loop(), which cannot create a second loop by accident
 *             = help: pyhunt rules --explain PH109
 *
 *   concise: the header lines only, chain steps indented under them;
 *   statistics: the counts by rule (Ruff's --statistics layout).
 *
 * Both finding formats end with the same summary (the count of each rule,
 * the totals) and notes on what was left out. Source lines are drawn by the
 * diagnostics' renderer (diag.h), so findings and errors look alike.
 */
#include "report.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Source lines longer than this many characters are not shown. */
enum { LONG_LINE = 500 };

/* ANSI colors, or "" when off. */
typedef struct Paint {
    const char *bold, *off, *severity;
} Paint;

static Paint paint(const PhReport *r, const char *severity) {
    if (!r->color)
        return (Paint){"", "", ""};
    int rank = ph_severity_rank(severity);
    return (Paint){"\033[1m", "\033[0m", rank == 1 ? "\033[31m" : rank == 2 ? "\033[33m" : "\033[36m"};
}

/* path:line:col: RULE [SEV] message */
static void header(FILE *out, const PhReport *r, const PhFinding *f) {
    Paint p = paint(r, f->severity);
    fputs(p.bold, out);
    ph_report_name(out, f->loc.path);
    fprintf(out, ":%d:%d:%s %s%s [%s]%s ", f->loc.line, f->loc.col, p.off, p.severity, f->rule->id, f->severity,
            p.off);
    ph_report_line_text(out, f->message);
    fputc('\n', out);
}

/* path:line:col: message, for a step of a chain. */
static void step(FILE *out, const PhLocation *l) {
    fputs("    ", out);
    ph_report_name(out, l->path);
    fprintf(out, ":%d:%d: ", l->line, l->col);
    ph_report_line_text(out, l->message);
    fputc('\n', out);
}

/* The source of a location with its span marked: its first line from the
 * span's column, and for a span over several lines its last line up to the
 * end column, with "..." for the lines between. Nothing when the source
 * could not be read. */
static void excerpt(FILE *out, const PhLocation *l, const Paint *p) {
    if (!l->snippet || l->line <= 0)
        return;
    /* a minified or generated line would fill the terminal: named, not shown */
    int chars = ph_diag_chars(l->snippet);
    if (chars > LONG_LINE) {
        fprintf(out, "%*d | (a line of %d characters, not shown)\n", PH_DIAG_GUTTER, l->line, chars);
        return;
    }
    const char *on = p->severity, *off = *p->severity ? p->off : "";
    bool last = l->end_snippet && l->end_line > l->line && l->end_col > ph_diag_indent(l->end_snippet);
    PhSourceLine first = {.line = l->line, .text = l->snippet, .from = l->col > 0 ? l->col : 0,
                          .to = l->end_line > l->line ? 0 : l->end_col, .caret = true, .on = on, .off = off};
    ph_diag_source(out, &first);
    if (!last)
        return;
    if (l->end_line > l->line + 1)
        fprintf(out, "%*s |\n", PH_DIAG_GUTTER, "...");
    PhSourceLine end = {.line = l->end_line, .text = l->end_snippet, .from = ph_diag_indent(l->end_snippet),
                        .to = l->end_col, .on = on, .off = off};
    ph_diag_source(out, &end);
}

/* "= word: text" under the gutter. */
static void note(FILE *out, const Paint *p, const char *word, const char *text) {
    fprintf(out, "%*s %s=%s %s: ", PH_DIAG_GUTTER, "", p->bold, p->off, word);
    ph_report_line_text(out, text);
    fputc('\n', out);
}

/* ---------------------------------------------------------------------------
 * Statistics and the summary.
 */

typedef struct Stat {
    const PhRule *rule;
    int count;
    size_t order;          /* place in the catalogue: ties keep it */
} Stat;

static int cmp_stat(const void *a, const void *b) {
    const Stat *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The rules with findings, in catalogue order, or most findings first
 * (`by_count`). Caller frees with free(). */
static Stat *stats(const PhReport *r, bool by_count, size_t *n) {
    size_t nrules = ph_rules_len(r->rules);
    Stat *s = ph_xcalloc(nrules + 1, sizeof *s);
    *n = 0;
    for (size_t k = 0; k < nrules; k++) {
        const PhRule *rule = ph_rules_at(r->rules, k);
        int count = 0;
        for (size_t i = 0; i < r->findings->len; i++)
            count += r->findings->items[i].rule == rule;
        if (count)
            s[(*n)++] = (Stat){rule, count, k};
    }
    if (by_count)
        qsort(s, *n, sizeof *s, cmp_stat);
    return s;
}

/* Ruff's --statistics rows: the count right-aligned, the rule id and its
 * name, separated by tabs. */
static void statistics_rows(FILE *out, const PhReport *r) {
    size_t n;
    Stat *s = stats(r, true, &n);
    int cw = 1, iw = 1;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(NULL, 0, "%d", s[i].count), l = (int)strlen(s[i].rule->id);
        cw = w > cw ? w : cw;
        iw = l > iw ? l : iw;
    }
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%*d\t%-*s\t%s\n", cw, s[i].count, iw, s[i].rule->id, s[i].rule->name);
    free(s);
}

void ph_report_notes(FILE *out, const PhReport *r) {
    char *left = ph_report_left_out(r->findings);
    if (left)
        fprintf(out, "Not shown: %s (%s shows them).\n", left, PH_REPORT_SHOW_ALL);
    free(left);
    char *base = ph_report_baseline_note(r);
    if (base)
        fprintf(out, "%s\n", base);
    free(base);
}

static void summary(FILE *out, const PhReport *r) {
    const PhFindings *fs = r->findings;
    if (!fs->len) {
        fprintf(out, "No findings in %d files (%ld lines).\n", r->files, r->lines);
        ph_report_notes(out, r);
        return;
    }
    /* by rule, in catalogue order, with the rule's severity */
    fputc('\n', out);
    size_t n;
    Stat *s = stats(r, false, &n);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%6d  %s %-34s %s\n", s[i].count, s[i].rule->id, s[i].rule->name, s[i].rule->severity);
    free(s);
    size_t nfiles = 0;
    for (size_t i = 0; i < fs->len; i++)
        nfiles += i == 0 || strcmp(fs->items[i].loc.path, fs->items[i - 1].loc.path) != 0;
    fprintf(out, "%zu finding%s in %zu file%s (%d files, %ld lines scanned", fs->len, fs->len == 1 ? "" : "s",
            nfiles, nfiles == 1 ? "" : "s", r->files, r->lines);
    if (fs->suppressed)
        fprintf(out, "; %d suppressed by noqa", fs->suppressed);
    fputs(").\n", out);
    ph_report_notes(out, r);
}

/* ---------------------------------------------------------------------------
 * The formats.
 */

void ph_report_text(FILE *out, const PhReport *r) {
    const PhFindings *fs = r->findings;
    for (size_t i = 0; i < fs->len; i++) {
        const PhFinding *f = &fs->items[i];
        Paint p = paint(r, f->severity);
        if (i)
            fputc('\n', out);
        header(out, r, f);
        excerpt(out, &f->loc, &p);
        for (size_t k = 0; k < f->nrelated; k++) {
            const PhLocation *l = &f->related[k];
            step(out, l);
            /* a step at the finding's own place (PH102 starts its chain there) shows no second excerpt */
            if (l->line != f->loc.line || l->col != f->loc.col || strcmp(l->path, f->loc.path) != 0)
                excerpt(out, l, &p);
        }
        if (*f->fix)
            note(out, &p, "fix", f->fix);
        char *explain = ph_xasprintf("%s%s", r->explain ? r->explain : "pyhunt rules --explain ", f->rule->id);
        note(out, &p, "help", explain);
        free(explain);
    }
    summary(out, r);
}

void ph_report_concise(FILE *out, const PhReport *r) {
    const PhFindings *fs = r->findings;
    for (size_t i = 0; i < fs->len; i++) {
        header(out, r, &fs->items[i]);
        for (size_t k = 0; k < fs->items[i].nrelated; k++)
            step(out, &fs->items[i].related[k]);
    }
    summary(out, r);
}

void ph_report_statistics(FILE *out, const PhReport *r) {
    statistics_rows(out, r);
    ph_report_notes(out, r);
}

void ph_report_statistics_json(FILE *out, const PhReport *r) {
    size_t n;
    Stat *s = stats(r, true, &n);
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n  {\"rule\": " : "\n  {\"rule\": ", out);
        ph_json_string(out, s[i].rule->id);
        fputs(", \"name\": ", out);
        ph_json_string(out, s[i].rule->name);
        fputs(", \"severity\": ", out);
        ph_json_string(out, s[i].rule->severity);
        fprintf(out, ", \"count\": %d}", s[i].count);
    }
    fputs(n ? "\n]\n" : "]\n", out);
    free(s);
}
