/*
 * report_sarif: findings as a SARIF 2.1.0 log, for code-scanning services
 * (GitHub code scanning, the VS Code SARIF viewer, Azure DevOps).
 *
 * One run. tool.driver.rules lists every rule that ran, with its
 * documentation; each result points at its rule by id and index, carries
 * the finding's own level, its location, its related locations and, when
 * it has any, a code flow through them (the chain of a transitive call, the
 * awaits of a run, the loop around a query), and a partial fingerprint that
 * survives unrelated edits (the report model's, which baselines use too).
 * With a baseline, every result is "new" (baselineState) and the run says
 * how many the baseline matched.
 *
 * Paths: a result's uri is the finding's path relative to the project root
 * (as in every format), percent-encoded, with the uriBaseId %SRCROOT%,
 * which originalUriBaseIds maps to the project root's file URI. Columns
 * count Unicode code points and end columns are exclusive, as pyhunt's own.
 *
 * The output is checked by the official validator (tests/formats/sarif.test).
 */
#include "report.h"
#include "db.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The uriBaseId of every location: the audited root. */
#define PH_SARIF_ROOT "%SRCROOT%"

/* ---------------------------------------------------------------------------
 * A small JSON writer: nesting, commas and two-space indentation.
 */

typedef struct Jw {
    FILE *out;
    int depth;
    bool first[64];        /* per depth: nothing written at this level yet */
    bool after_key;        /* a key was written: the value follows on its line */
} Jw;

static void jw_sep(Jw *w) {
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        fputs(w->first[w->depth] ? "\n" : ",\n", w->out);
        fprintf(w->out, "%*s", 2 * w->depth, "");
    }
    w->first[w->depth] = false;
}

static void jw_open(Jw *w, char c) {
    jw_sep(w);
    putc(c, w->out);
    w->depth++;
    w->first[w->depth] = true;
}

static void jw_close(Jw *w, char c) {
    bool empty = w->first[w->depth];
    w->depth--;
    if (!empty)
        fprintf(w->out, "\n%*s", 2 * w->depth, "");
    putc(c, w->out);
}

static void jw_key(Jw *w, const char *k) {
    jw_sep(w);
    ph_json_string(w->out, k);
    fputs(": ", w->out);
    w->after_key = true;
}

static void jw_str(Jw *w, const char *s) {
    jw_sep(w);
    ph_json_string(w->out, s);
}

static void jw_strn(Jw *w, const char *s, size_t n) {
    char *t = ph_xstrndup(s, n);
    jw_str(w, t);
    free(t);
}

static void jw_int(Jw *w, long v) {
    jw_sep(w);
    fprintf(w->out, "%ld", v);
}

static void jw_kstr(Jw *w, const char *k, const char *v) {
    jw_key(w, k);
    jw_str(w, v);
}

static void jw_kint(Jw *w, const char *k, long v) {
    jw_key(w, k);
    jw_int(w, v);
}

static void jw_kbool(Jw *w, const char *k, bool v) {
    jw_key(w, k);
    jw_sep(w);
    fputs(v ? "true" : "false", w->out);
}

/* {"text": s} under key k. */
static void jw_message(Jw *w, const char *k, const char *s) {
    jw_key(w, k);
    jw_open(w, '{');
    jw_kstr(w, "text", s);
    jw_close(w, '}');
}

/* ---------------------------------------------------------------------------
 * SARIF pieces.
 */

static const char *level_of(const char *severity) {
    switch (ph_severity_rank(severity)) {
    case 1: return "error";
    case 2: return "warning";
    default: return "note";
    }
}

static void physical_location(Jw *w, const PhLocation *l, bool context) {
    char *uri = ph_report_uri_encode(l->path);
    jw_key(w, "physicalLocation");
    jw_open(w, '{');
    jw_key(w, "artifactLocation");
    jw_open(w, '{');
    jw_kstr(w, "uri", uri);
    jw_kstr(w, "uriBaseId", PH_SARIF_ROOT);
    jw_close(w, '}');
    free(uri);
    jw_key(w, "region");
    jw_open(w, '{');
    jw_kint(w, "startLine", l->line);
    if (l->col > 0)
        jw_kint(w, "startColumn", l->col);
    int end_line = l->end_line >= l->line ? l->end_line : l->line;
    jw_kint(w, "endLine", end_line);
    /* An empty or unknown span still covers one character. */
    if (l->col > 0)
        jw_kint(w, "endColumn", l->end_col > l->col || end_line > l->line ? l->end_col : l->col + 1);
    jw_close(w, '}');
    /* The whole line as context, when it is more than the region (SARIF
     * wants a proper superset). */
    int line_chars = ph_diag_chars(l->snippet);
    if (context && l->snippet && end_line == l->line && l->col > 0 && (l->col > 1 || l->end_col <= line_chars)) {
        jw_key(w, "contextRegion");
        jw_open(w, '{');
        jw_kint(w, "startLine", l->line);
        jw_kint(w, "endLine", l->line);
        jw_key(w, "snippet");
        jw_open(w, '{');
        jw_kstr(w, "text", l->snippet);
        jw_close(w, '}');
        jw_close(w, '}');
    }
    jw_close(w, '}');
}

/* A location object: physical location (with its line as context, unless
 * in a code flow, which repeats locations given already) plus an optional
 * message. */
static void location(Jw *w, const PhLocation *l, int id, const char *message, bool context) {
    jw_open(w, '{');
    if (id > 0)
        jw_kint(w, "id", id);
    physical_location(w, l, context);
    if (message && *message)
        jw_message(w, "message", message);
    jw_close(w, '}');
}

/* Text joined into one paragraph: single newlines become spaces. Caller frees. */
static char *one_paragraph(const char *text) {
    char *s = ph_xstrdup(text);
    for (char *p = s; *p; p++)
        if (*p == '\n' && p[1] != '\n' && (p == s || p[-1] != '\n'))
            *p = ' ';
    return s;
}

static void indent_into(sqlite3_str *s, const char *text, const char *pad) {
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        sqlite3_str_appendf(s, "%s%.*s\n", n ? pad : "", (int)n, p);
        p = e ? e + 1 : p + n;
    }
}

static void rule_descriptor(Jw *w, const PhRule *rule) {
    jw_open(w, '{');
    jw_kstr(w, "id", rule->id);
    jw_kstr(w, "name", rule->name);

    const char *d = rule->description ? rule->description : rule->fix;
    char *shortd = *d ? ph_xstrndup(d, ph_report_first_sentence(d)) : ph_xstrdup(rule->name);
    char *shortp = one_paragraph(shortd);
    jw_message(w, "shortDescription", shortp);
    char *full = one_paragraph(*d ? d : rule->name);
    char *fulltext = rule->accepted ? ph_xasprintf("%s Not flagged: %s", full, rule->accepted) : ph_xstrdup(full);
    char *fullp = one_paragraph(fulltext);
    jw_message(w, "fullDescription", fullp);
    free(shortd);
    free(shortp);
    free(full);
    free(fulltext);
    free(fullp);

    sqlite3_str *t = sqlite3_str_new(NULL);
    if (rule->description)
        sqlite3_str_appendf(t, "%s\n\n", rule->description);
    sqlite3_str_appendf(t, "Fix: %s\n", rule->fix);
    const char *examples[2] = {rule->bad, rule->good}, *heads[2] = {"Bad", "Good"};
    for (int k = 0; k < 2; k++) {
        size_t n;
        const char *code = ph_report_block(examples[k], &n);
        if (!n)
            continue;
        char *c = ph_xstrndup(code, n);
        sqlite3_str_appendf(t, "\n%s:\n", heads[k]);
        indent_into(t, c, "    ");
        free(c);
    }
    if (rule->accepted)
        sqlite3_str_appendf(t, "\nNot flagged: %s\n", rule->accepted);
    char *text = sqlite3_str_finish(t);
    char *md = ph_report_rule_markdown(rule);
    jw_key(w, "help");
    jw_open(w, '{');
    jw_kstr(w, "text", text ? text : "");
    jw_kstr(w, "markdown", md);
    jw_close(w, '}');
    sqlite3_free(text);
    free(md);

    jw_key(w, "defaultConfiguration");
    jw_open(w, '{');
    jw_kstr(w, "level", level_of(rule->severity));
    jw_close(w, '}');

    jw_key(w, "properties");
    jw_open(w, '{');
    jw_key(w, "tags");
    jw_open(w, '[');
    for (const char *p = rule->tags ? rule->tags : ""; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, " ,");
        if (n)
            jw_strn(w, p, n);
        p += n;
    }
    jw_close(w, ']');
    if (rule->precision)
        jw_kstr(w, "precision", rule->precision);
    jw_kstr(w, "problem.severity", ph_severity_rank(rule->severity) == 3 ? "recommendation" : level_of(rule->severity));
    jw_kstr(w, "pyhunt.severity", rule->severity);
    jw_close(w, '}');
    jw_close(w, '}');
}

static size_t rule_index(const PhRuleSet *rules, const PhRule *rule) {
    for (size_t k = 0; k < ph_rules_len(rules); k++)
        if (ph_rules_at(rules, k) == rule)
            return k;
    return 0;
}

static bool same_place(const PhLocation *a, const PhLocation *b) {
    return a->line == b->line && a->col == b->col && strcmp(a->path, b->path) == 0;
}

/* The chain as a code flow: each related location in order, preceded by
 * the finding itself unless one of them is at its place already (PH102
 * starts its chain at the call it reports). */
static void code_flow(Jw *w, const PhFinding *f) {
    bool has_self = false;
    for (size_t k = 0; k < f->nrelated; k++)
        has_self |= same_place(&f->related[k], &f->loc);
    jw_key(w, "codeFlows");
    jw_open(w, '[');
    jw_open(w, '{');
    jw_key(w, "threadFlows");
    jw_open(w, '[');
    jw_open(w, '{');
    jw_key(w, "locations");
    jw_open(w, '[');
    int order = 0;
    for (size_t k = has_self ? 1 : 0; k <= f->nrelated; k++) {
        const PhLocation *l = k == 0 ? &f->loc : &f->related[k - 1];
        jw_open(w, '{');
        jw_key(w, "location");
        location(w, l, 0, k == 0 ? f->message : l->message, false);
        jw_kint(w, "executionOrder", ++order);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_close(w, '}');
    jw_close(w, ']');
    jw_close(w, '}');
    jw_close(w, ']');
}

static void result(Jw *w, const PhReport *r, size_t i) {
    const PhFinding *f = &r->findings->items[i];
    jw_open(w, '{');
    jw_kstr(w, "ruleId", f->rule->id);
    jw_kint(w, "ruleIndex", (long)rule_index(r->rules, f->rule));
    jw_kstr(w, "level", level_of(f->severity));
    jw_message(w, "message", f->message);
    jw_key(w, "locations");
    jw_open(w, '[');
    location(w, &f->loc, 0, NULL, true);
    jw_close(w, ']');
    if (f->nrelated) {
        jw_key(w, "relatedLocations");
        jw_open(w, '[');
        for (size_t k = 0; k < f->nrelated; k++)
            location(w, &f->related[k], (int)k + 1, f->related[k].message, true);
        jw_close(w, ']');
        code_flow(w, f);
    }
    char fp[PH_FINGERPRINT_SIZE];
    ph_report_fingerprint(f, fp);
    jw_key(w, "partialFingerprints");
    jw_open(w, '{');
    jw_kstr(w, "pyhunt/v2", fp);
    jw_close(w, '}');
    if (r->baseline.path)
        jw_kstr(w, "baselineState", "new");
    jw_key(w, "properties");
    jw_open(w, '{');
    jw_kstr(w, "pyhunt.context", ph_context_name(f->context));
    if (ph_severity_rank(f->severity) != ph_severity_rank(f->rule->severity))
        jw_kstr(w, "pyhunt.severity", f->severity);
    jw_close(w, '}');
    jw_close(w, '}');
}

/* What the report leaves out (by contexts, by a baseline): notes for
 * people (viewers show tool execution notifications) and counts in the
 * run's property bag. */
static void left_out(Jw *w, const PhReport *r) {
    char *notes[2] = {NULL, NULL};
    char *text = ph_report_left_out(r->findings);
    if (text)
        notes[0] = ph_xasprintf("Not shown: %s (%s shows them).", text, PH_REPORT_SHOW_ALL);
    notes[1] = ph_report_baseline_note(r);
    if (!notes[0] && !notes[1])
        return;
    jw_key(w, "invocations");
    jw_open(w, '[');
    jw_open(w, '{');
    jw_kbool(w, "executionSuccessful", true);
    jw_key(w, "toolExecutionNotifications");
    jw_open(w, '[');
    for (int k = 0; k < 2; k++) {
        if (!notes[k])
            continue;
        jw_open(w, '{');
        jw_kstr(w, "level", "note");
        jw_message(w, "message", notes[k]);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_close(w, '}');
    jw_close(w, ']');
    jw_key(w, "properties");
    jw_open(w, '{');
    if (text) {
        jw_key(w, "pyhunt.leftOut");
        jw_open(w, '{');
        for (int c = 0; c < PH_CTX_COUNT; c++)
            jw_kint(w, ph_context_name((PhContext)c), r->findings->left_out[c]);
        jw_close(w, '}');
        jw_kstr(w, "pyhunt.leftOutShownBy", PH_REPORT_SHOW_ALL);
    }
    if (r->baseline.path) {
        jw_key(w, "pyhunt.baseline");
        jw_open(w, '{');
        jw_kstr(w, "path", r->baseline.path);
        jw_kint(w, "matched", r->baseline.matched);
        jw_kint(w, "unmatched", r->baseline.unmatched);
        jw_close(w, '}');
    }
    jw_close(w, '}');
    free(notes[0]);
    free(notes[1]);
    free(text);
}

void ph_report_sarif(FILE *out, const PhReport *r) {
    Jw w = {.out = out};
    jw_open(&w, '{');
    jw_kstr(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    jw_kstr(&w, "version", "2.1.0");
    jw_key(&w, "runs");
    jw_open(&w, '[');
    jw_open(&w, '{');

    jw_key(&w, "tool");
    jw_open(&w, '{');
    jw_key(&w, "driver");
    jw_open(&w, '{');
    jw_kstr(&w, "name", "pyhunt");
    jw_kstr(&w, "version", PH_TOOL_VERSION);
    jw_kstr(&w, "semanticVersion", PH_TOOL_VERSION);
    jw_key(&w, "rules");
    jw_open(&w, '[');
    for (size_t k = 0; k < ph_rules_len(r->rules); k++)
        rule_descriptor(&w, ph_rules_at(r->rules, k));
    jw_close(&w, ']');
    jw_close(&w, '}');
    jw_close(&w, '}');

    if (r->base_uri) {
        jw_key(&w, "originalUriBaseIds");
        jw_open(&w, '{');
        jw_key(&w, PH_SARIF_ROOT);
        jw_open(&w, '{');
        jw_kstr(&w, "uri", r->base_uri);
        jw_close(&w, '}');
        jw_close(&w, '}');
    }
    jw_kstr(&w, "columnKind", "unicodeCodePoints");

    jw_key(&w, "results");
    jw_open(&w, '[');
    for (size_t i = 0; i < r->findings->len; i++)
        result(&w, r, i);
    jw_close(&w, ']');
    left_out(&w, r);

    jw_close(&w, '}');
    jw_close(&w, ']');
    jw_close(&w, '}');
    putc('\n', out);
}
