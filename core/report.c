/*
 * report: the format table, the text and JSON formats, and what several
 * formats share (JSON strings, a rule's documentation, the architecture
 * record). SARIF, markdown and GitHub annotations live in report_*.c beside
 * this file.
 */
#include "report.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const PhReportFormat ph_report_formats[] = {
    {"text", "path:line:col: RULE [SEV] message, then a summary by rule", ph_report_text},
    {"json", "an array of finding objects", ph_report_json},
    {"sarif", "SARIF 2.1.0, for code-scanning services", ph_report_sarif},
    {"markdown", "an audit report for a pull request or an audit file", ph_report_markdown},
    {"github", "GitHub Actions workflow annotations", ph_report_github},
    {"gitlab", "a GitLab code quality report (Code Climate JSON)", ph_report_gitlab},
    {NULL, NULL, NULL},
};

const PhReportFormat *ph_report_format(const char *name) {
    for (const PhReportFormat *f = ph_report_formats; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

char *ph_report_left_out(const PhFindings *fs) {
    int left = ph_findings_left_out(fs), told = 0, parts = 0;
    if (!left)
        return NULL;
    for (int c = 0; c < PH_CTX_COUNT; c++)
        parts += fs->left_out[c] > 0;
    sqlite3_str *s = sqlite3_str_new(NULL);
    /* Contexts in the order a reader looks for them: tests first. */
    static const PhContext order[PH_CTX_COUNT] = {PH_CTX_TEST, PH_CTX_EXAMPLE, PH_CTX_SCRIPT, PH_CTX_CODE};
    for (int k = 0; k < PH_CTX_COUNT; k++) {
        int n = fs->left_out[order[k]];
        if (!n)
            continue;
        told++;
        const char *sep = told == 1 ? "" : told == parts ? " and " : ", ";
        sqlite3_str_appendf(s, "%s%d%s in %s files", sep, n, told == 1 ? (n == 1 ? " finding" : " findings") : "",
                            ph_context_name(order[k]));
    }
    char *t = sqlite3_str_finish(s);
    char *out = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    return out;
}

void ph_json_string(FILE *out, const char *s) {
    putc('"', out);
    const char *p = s ? s : "";
    for (size_t n = strlen(p); *p;) {
        unsigned char c = (unsigned char)*p;
        size_t k = ph_utf8_char(p, n);
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (k == 0)
                fputs("\\ufffd", out);   /* a byte that is not UTF-8: U+FFFD, as Python's errors="replace" */
            else if (c < 0x20)
                fprintf(out, "\\u%04x", c);
            else
                fwrite(p, 1, k, out);
        }
        k = k ? k : 1;
        p += k;
        n -= k;
    }
    putc('"', out);
}

void ph_report_name(FILE *out, const char *prefix, const char *path) {
    char *whole = prefix && *prefix ? ph_xasprintf("%s%s", prefix, path) : NULL;
    char *q = ph_quote_name(whole ? whole : path);
    fputs(q, out);
    free(q);
    free(whole);
}

void ph_report_line_text(FILE *out, const char *s) {
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\r')
            fputs("\\r", out);
        else if ((*p < 0x20 && *p != '\t') || *p == 0x7F)
            fprintf(out, "\\%03o", *p);
        else
            putc(*p, out);
    }
}

const char *ph_report_trimmed(const PhLocation *loc, size_t *n) {
    const char *s = loc->snippet ? loc->snippet : "";
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    *n = len;
    return s;
}

const char *ph_report_block(const char *text, size_t *n) {
    const char *s = text ? text : "";
    /* Skip whole blank lines at the start, keeping the first line's indentation. */
    for (const char *p = s;; p++) {
        if (*p == '\n')
            s = p + 1;
        else if (*p != ' ' && *p != '\t' && *p != '\r')
            break;
    }
    size_t len = strlen(s);
    while (len && strchr(" \t\r\n", s[len - 1]))
        len--;
    *n = len;
    return s;
}

size_t ph_report_first_sentence(const char *text) {
    static const char *const abbreviations[] = {"e.g", "i.e", "etc", "vs", "cf", NULL};
    for (const char *p = text; *p; p++) {
        if (p[0] == '\n' && p[1] == '\n')
            return (size_t)(p - text);
        if (p[0] != '.' || p == text || p[-1] == '.' || (p[1] && p[1] != ' ' && p[1] != '\n'))
            continue;
        const char *w = p;   /* the word the period ends */
        while (w > text && w[-1] != ' ' && w[-1] != '\n' && w[-1] != '(')
            w--;
        bool abbreviation = false;
        for (const char *const *a = abbreviations; *a; a++)
            abbreviation |= (size_t)(p - w) == strlen(*a) && strncmp(w, *a, (size_t)(p - w)) == 0;
        if (!abbreviation)
            return (size_t)(p - text) + 1;
    }
    return strlen(text);
}

/* The architecture record: kinds by name, in the order of PhArchKind. */
static const char *const arch_kinds[PH_ARCH_KINDS] = {"framework", "loop", "async_io", "sync_io", "retry", "breaker"};

int ph_arch_kind(const char *name) {
    for (int k = 0; k < PH_ARCH_KINDS; k++)
        if (name && strcmp(arch_kinds[k], name) == 0)
            return k;
    return -1;
}

void ph_arch_add(PhArch *self, PhArchKind kind, const char *label, int files) {
    size_t n = self->len[kind];
    self->items[kind] = ph_xrealloc(self->items[kind], (n + 1) * sizeof(PhArchItem));
    self->items[kind][n].label = ph_xstrdup(label);
    self->items[kind][n].files = files;
    self->len[kind] = n + 1;
}

void ph_arch_free(PhArch *self) {
    if (!self)
        return;
    for (int k = 0; k < PH_ARCH_KINDS; k++) {
        for (size_t i = 0; i < self->len[k]; i++)
            free(self->items[k][i].label);
        free(self->items[k]);
    }
    memset(self, 0, sizeof *self);
}

/* A rule's documentation in markdown, without a heading: what `pyhunt rules
 * --format markdown` shows under each rule and SARIF's help.markdown. */
char *ph_report_rule_markdown(const PhRule *r) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    if (r->description)
        sqlite3_str_appendf(s, "%s\n\n", r->description);
    sqlite3_str_appendf(s, "**Message:** %s  \n**Fix:** %s\n", r->message, r->fix);
    const char *examples[2] = {r->bad, r->good}, *heads[2] = {"Bad", "Good"};
    for (int k = 0; k < 2; k++) {
        size_t n;
        const char *code = ph_report_block(examples[k], &n);
        if (n)
            sqlite3_str_appendf(s, "\n%s:\n\n```python\n%.*s\n```\n", heads[k], (int)n, code);
    }
    if (r->accepted)
        sqlite3_str_appendf(s, "\nNot flagged: %s\n", r->accepted);
    if (r->autofix)
        sqlite3_str_appendf(s, "\nSafe fix (`audit --fix`): %s\n", r->autofix);
    char *t = sqlite3_str_finish(s);
    char *out = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    return out;
}

/* Rule id, path, the finding's source line without surrounding blanks, and
 * how many earlier findings of the same rule in the same file have the same
 * line text (so two identical lines stay apart). No line number goes in.
 * Findings are sorted by path, so the earlier ones of a file are just
 * before. */
uint64_t ph_report_fingerprint(const PhFindings *fs, size_t i) {
    const PhFinding *f = &fs->items[i];
    size_t n;
    const char *text = ph_report_trimmed(&f->loc, &n);
    int occurrence = 0;
    for (size_t j = i; j-- > 0 && strcmp(fs->items[j].loc.path, f->loc.path) == 0;) {
        const PhFinding *g = &fs->items[j];
        size_t m;
        const char *other = ph_report_trimmed(&g->loc, &m);
        occurrence += g->rule == f->rule && m == n && memcmp(other, text, n) == 0;
    }
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendf(s, "%s%c%s%c%.*s%c%d", f->rule->id, 0, f->loc.path, 0, (int)n, text, 0, occurrence);
    int len = sqlite3_str_length(s);
    char *key = sqlite3_str_finish(s);
    uint64_t h = ph_hash64(key, (size_t)len);
    sqlite3_free(key);
    return h;
}

void ph_report_text(FILE *out, const PhReport *r) {
    const PhFindings *fs = r->findings;
    const char *bold = r->color ? "\033[1m" : "", *off = r->color ? "\033[0m" : "";
    for (size_t i = 0; i < fs->len; i++) {
        const PhFinding *f = &fs->items[i];
        const char *sc = !r->color ? "" : f->severity[1] == '1' ? "\033[31m" : f->severity[1] == '2' ? "\033[33m" : "\033[36m";
        fputs(bold, out);
        ph_report_name(out, NULL, f->loc.path);
        fprintf(out, ":%d:%d:%s %s%s [%s]%s ", f->loc.line, f->loc.col, off, sc, f->rule->id, f->severity, off);
        ph_report_line_text(out, f->message);
        fputc('\n', out);
        for (size_t k = 0; k < f->nrelated; k++) {
            const PhLocation *l = &f->related[k];
            fputs("    ", out);
            ph_report_name(out, NULL, l->path);
            fprintf(out, ":%d:%d: ", l->line, l->col);
            ph_report_line_text(out, l->message);
            fputc('\n', out);
        }
    }
    char *left = ph_report_left_out(fs);
    if (!fs->len) {
        fprintf(out, "No findings in %d files (%ld lines).\n", r->files, r->lines);
        if (left)
            fprintf(out, "Not shown: %s (%s shows them).\n", left, PH_REPORT_SHOW_ALL);
        free(left);
        return;
    }
    /* Summary by rule, in catalogue order. */
    fputc('\n', out);
    size_t nfiles = 0;
    for (size_t i = 0; i < fs->len; i++)
        nfiles += i == 0 || strcmp(fs->items[i].loc.path, fs->items[i - 1].loc.path) != 0;
    for (size_t k = 0; k < ph_rules_len(r->rules); k++) {
        const PhRule *rule = ph_rules_at(r->rules, k);
        int n = 0;
        for (size_t i = 0; i < fs->len; i++)
            n += fs->items[i].rule == rule;
        if (n)
            fprintf(out, "%6d  %s %-34s %s\n", n, rule->id, rule->name, rule->severity);
    }
    fprintf(out, "%zu finding%s in %zu file%s (%d files, %ld lines scanned", fs->len, fs->len == 1 ? "" : "s",
            nfiles, nfiles == 1 ? "" : "s", r->files, r->lines);
    if (fs->suppressed)
        fprintf(out, "; %d suppressed by noqa", fs->suppressed);
    fputs(").\n", out);
    if (left)
        fprintf(out, "Not shown: %s (%s shows them).\n", left, PH_REPORT_SHOW_ALL);
    free(left);
}

static void json_location(FILE *out, const PhLocation *l, bool with_message) {
    fputs("{\"path\": ", out);
    ph_json_string(out, l->path);
    fprintf(out, ", \"line\": %d, \"col\": %d, \"end_line\": %d, \"end_col\": %d", l->line, l->col, l->end_line,
            l->end_col);
    if (with_message) {
        fputs(", \"message\": ", out);
        ph_json_string(out, l->message);
    }
    fputc('}', out);
}

void ph_report_json(FILE *out, const PhReport *r) {
    const PhFindings *fs = r->findings;
    fputs("{\n  \"findings\": [", out);
    for (size_t i = 0; i < fs->len; i++) {
        const PhFinding *f = &fs->items[i];
        fputs(i ? ",\n    {" : "\n    {", out);
        fputs("\"rule\": ", out);
        ph_json_string(out, f->rule->id);
        fputs(", \"name\": ", out);
        ph_json_string(out, f->rule->name);
        fputs(", \"severity\": ", out);
        ph_json_string(out, f->severity);
        fputs(", \"context\": ", out);
        ph_json_string(out, ph_context_name(f->context));
        fputs(", \"path\": ", out);
        ph_json_string(out, f->loc.path);
        fprintf(out, ", \"line\": %d, \"col\": %d, \"end_line\": %d, \"end_col\": %d", f->loc.line, f->loc.col,
                f->loc.end_line, f->loc.end_col);
        fputs(", \"message\": ", out);
        ph_json_string(out, f->message);
        fputs(", \"fix\": ", out);
        ph_json_string(out, f->fix);
        fputs(", \"related\": [", out);
        for (size_t k = 0; k < f->nrelated; k++) {
            if (k)
                fputs(", ", out);
            json_location(out, &f->related[k], true);
        }
        fputs("]}", out);
    }
    fputs(fs->len ? "\n  ],\n  \"left_out\": {" : "],\n  \"left_out\": {", out);
    for (int c = 0; c < PH_CTX_COUNT; c++)
        fprintf(out, "%s\"%s\": %d", c ? ", " : "", ph_context_name((PhContext)c), fs->left_out[c]);
    fprintf(out, "},\n  \"left_out_shown_by\": \"%s\",\n  \"suppressed\": %d\n}\n", PH_REPORT_SHOW_ALL,
            fs->suppressed);
}
