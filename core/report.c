/*
 * report: the JSON format, and what several formats share (JSON strings,
 * names, fingerprints, notes on what was left out, a rule's documentation,
 * the architecture record). The text formats, SARIF, markdown, GitHub
 * annotations, GitLab's code quality report and the rule catalogue as JSON
 * live in report_*.c beside this file, over these helpers; the table of
 * formats, above them all, in report_formats.c.
 */
#include "report.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

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

char *ph_report_baseline_note(const PhReport *r) {
    const PhBaselineCounts *b = &r->baseline;
    if (!b->path)
        return NULL;
    char *name = ph_quote_name(b->path);
    char *note = ph_xasprintf("Baseline %s: %d finding%s matched (not shown); %d of its entries no longer match%s%s.",
                              name, b->matched, b->matched == 1 ? "" : "s", b->unmatched,
                              b->unmatched == 1 ? "es" : "",
                              b->unmatched ? " (--write-baseline records today's findings)" : "");
    free(name);
    return note;
}

void ph_report_fingerprint(const PhFinding *f, char out[PH_FINGERPRINT_SIZE]) {
    snprintf(out, PH_FINGERPRINT_SIZE, "%016llx", (unsigned long long)f->fingerprint);
}

char *ph_report_uri_encode(const char *path) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            sqlite3_str_appendchar(s, 1, (char)*p);
        else
            sqlite3_str_appendf(s, "%%%02X", *p);
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

void ph_report_name(FILE *out, const char *path) {
    char *q = ph_quote_name(path);
    fputs(q, out);
    free(q);
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
        char fp[PH_FINGERPRINT_SIZE];
        ph_report_fingerprint(f, fp);
        fprintf(out, ", \"line\": %d, \"col\": %d, \"end_line\": %d, \"end_col\": %d", f->loc.line, f->loc.col,
                f->loc.end_line, f->loc.end_col);
        fputs(", \"message\": ", out);
        ph_json_string(out, f->message);
        fputs(", \"fix\": ", out);
        ph_json_string(out, f->fix);
        fprintf(out, ", \"fingerprint\": \"%s\"", fp);
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
    fprintf(out, "},\n  \"left_out_shown_by\": \"%s\",\n", PH_REPORT_SHOW_ALL);
    if (r->baseline.path) {
        fputs("  \"baseline\": {\"path\": ", out);
        ph_json_string(out, r->baseline.path);
        fprintf(out, ", \"matched\": %d, \"unmatched\": %d},\n", r->baseline.matched, r->baseline.unmatched);
    }
    fprintf(out, "  \"suppressed\": %d\n}\n", fs->suppressed);
}
