/*
 * diag: recording and rendering diagnostics, and the one renderer of
 * source excerpts (a line and the span marked under it) that diagnostics,
 * the text report and the REPL's .show share. Rendering lives here so that
 * every front end shows a problem, and a finding, the same way.
 */
#define _XOPEN_SOURCE 700   /* wcwidth() */
#include "diag.h"
#include "util.h"

#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

struct PhDiags {
    PhVec(PhDiag) v;
};

PhDiags *ph_diags_new(void) { return ph_xcalloc(1, sizeof(PhDiags)); }

void ph_diags_free(PhDiags *self) {
    if (!self)
        return;
    for (size_t i = 0; i < self->v.len; i++) {
        free(self->v.items[i].path);
        free(self->v.items[i].message);
        free(self->v.items[i].source_line);
    }
    free(self->v.items);
    free(self);
}

void ph_diags_add(PhDiags *self, PhSeverity sev, const char *path, int line, int col,
                  int end_col, const char *source_line, const char *fmt, ...) {
    PhDiag d = {sev, path ? ph_xstrdup(path) : NULL, line, col, end_col, NULL,
                source_line ? ph_xstrdup(source_line) : NULL};
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    d.message = ph_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(d.message, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ph_vec_push(&self->v, d);
}

int ph_diags_count(const PhDiags *self, PhSeverity at_least) {
    int n = 0;
    for (size_t i = 0; i < self->v.len; i++)
        n += self->v.items[i].severity >= at_least;
    return n;
}

size_t ph_diags_len(const PhDiags *self) { return self->v.len; }

const PhDiag *ph_diags_at(const PhDiags *self, size_t i) { return &self->v.items[i]; }

static const char *sev_name(PhSeverity s) {
    return s == PH_ERROR ? "error" : s == PH_WARNING ? "warning" : "note";
}

void ph_diag_print(const PhDiag *d, FILE *out, bool color) {
    const char *on = "", *off = "";
    if (color) {
        on = d->severity == PH_ERROR ? "\033[1;31m" : d->severity == PH_WARNING ? "\033[1;35m" : "\033[1;36m";
        off = "\033[0m";
    }
    /* A file name cannot start a line of its own or a workflow command. */
    char *path = d->path ? ph_quote_name(d->path) : NULL;
    if (!path)
        fprintf(out, "pyhunt: %s%s%s: %s\n", on, sev_name(d->severity), off, d->message);
    else if (d->line <= 0)
        fprintf(out, "%s: %s%s%s: %s\n", path, on, sev_name(d->severity), off, d->message);
    else if (d->col <= 0)
        fprintf(out, "%s:%d: %s%s%s: %s\n", path, d->line, on, sev_name(d->severity), off, d->message);
    else
        fprintf(out, "%s:%d:%d: %s%s%s: %s\n", path, d->line, d->col, on, sev_name(d->severity),
                off, d->message);
    free(path);
    if (d->source_line && d->line > 0 && d->col > 0) {
        PhSourceLine l = {.line = d->line, .text = d->source_line, .from = d->col,
                          .to = d->end_col > d->col ? d->end_col : d->col + 1, .caret = true, .on = on, .off = off};
        ph_diag_source(out, &l);
    }
}

void ph_diags_print(const PhDiags *self, FILE *out, bool color) {
    for (size_t i = 0; i < self->v.len; i++)
        ph_diag_print(&self->v.items[i], out, color);
}

/* Characters (a byte that is not UTF-8 counts as one) in text[from, to),
 * stopping at a line end. */
static int chars_between(const char *text, size_t from, size_t to) {
    int n = 0;
    for (size_t i = from; i < to && text[i] && text[i] != '\n'; n++) {
        size_t k = ph_utf8_char(text + i, to - i);
        i += k ? k : 1;
    }
    return n;
}

void ph_diags_add_at(PhDiags *self, PhSeverity sev, const char *path, const char *text, size_t at,
                     int first_line, int width, const char *message) {
    int line = first_line;
    const char *ls = text;
    for (size_t i = 0; i < at && text[i]; i++)
        if (text[i] == '\n')
            line++, ls = text + i + 1;
    size_t start = (size_t)(ls - text);
    int col = 1 + chars_between(text, start, at);   /* columns count characters */
    int chars = width > 0 ? chars_between(text, at, at + (size_t)width) : 0;
    const char *le = strchr(ls, '\n');
    char *src = ph_xstrndup(ls, le ? (size_t)(le - ls) : strlen(ls));
    ph_diags_add(self, sev, path, line, col, chars > 0 ? col + chars : 0, src, "%s", message);
    free(src);
}

/* ---------------------------------------------------------------------------
 * Source excerpts.
 */

/* Columns a printable code point takes on a terminal: wcwidth() in the
 * C.UTF-8 locale (whatever the user's locale is), -1 when it cannot be
 * printed. Without that locale every character is one column wide. */
static int code_width(uint32_t cp) {
    static locale_t utf8;
    static bool tried;
    if (!tried) {
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
        tried = true;
    }
    if (!utf8)
        return 1;
    locale_t was = uselocale(utf8);
    int w = wcwidth((wchar_t)cp);
    uselocale(was);
    return w;
}

/* The bidirectional embeddings, overrides and isolates, which reorder how
 * the rest of a line reads ("Trojan Source", CVE-2021-42574). */
static bool reorders(uint32_t cp) { return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069); }

/* The character at s (n bytes left) as shown: its printed form into buf
 * (NUL-terminated), its width in columns into *width. Returns the bytes it
 * takes in s. */
static size_t shown(const char *s, size_t n, char buf[16], int *width) {
    uint32_t cp = 0;
    size_t k = ph_utf8_decode(s, n, &cp);
    if (k == 0 || cp < 0x20 || cp == 0x7F) {
        if (k && cp == '\t')
            snprintf(buf, 16, "    ");
        else
            snprintf(buf, 16, "\\%03o", (unsigned char)*s);
        *width = (int)strlen(buf);
        return k ? k : 1;
    }
    int w = cp < 0x80 ? 1 : reorders(cp) ? -1 : code_width(cp);
    if (w < 0) {
        snprintf(buf, 16, "\\u{%x}", (unsigned)cp);
        *width = (int)strlen(buf);
    } else {
        memcpy(buf, s, k);
        buf[k] = 0;
        *width = w;
    }
    return k;
}

void ph_diag_source(FILE *out, const PhSourceLine *l) {
    const char *lead = l->lead ? l->lead : "", *on = l->on ? l->on : "", *off = l->off ? l->off : "";
    const char *text = l->text ? l->text : "";
    size_t n = strlen(text);
    if (n && text[n - 1] == '\r')
        n--;
    int width = l->width > 0 ? l->width : PH_DIAG_GUTTER;
    fprintf(out, "%s%*d | ", lead, width, l->line);
    int gutter = snprintf(NULL, 0, "%*d", width, l->line);
    /* The marker is built beside the text, character by character. */
    PhVec(char) mark = {0};
    int end = l->to == 0 ? INT_MAX : l->to > l->from ? l->to : l->from + 1, ch = 1, marks = 0;
    for (size_t i = 0; i < n; ch++) {
        char buf[16];
        int w;
        i += shown(text + i, n - i, buf, &w);
        fputs(buf, out);
        if (l->from <= 0 || ch >= end)
            continue;
        for (int k = 0; k < w; k++) {
            char c = ch < l->from ? ' ' : l->caret && marks == 0 ? '^' : '~';
            marks += c != ' ';
            ph_vec_push(&mark, c);
        }
    }
    fputc('\n', out);
    if (l->from <= 0) {
        free(mark.items);
        return;
    }
    /* A span past the end of the text (an error at the end of a line) or of
     * characters without width still shows one mark at least. */
    for (; ch < end && (ch < l->from || marks == 0 || l->to != 0); ch++) {
        char c = ch < l->from ? ' ' : l->caret && marks == 0 ? '^' : '~';
        marks += c != ' ';
        ph_vec_push(&mark, c);
    }
    ph_vec_push(&mark, '\0');
    size_t blanks = strspn(mark.items, " ");
    fprintf(out, "%*s%*s | %.*s%s%s%s\n", (int)strlen(lead), "", gutter, "", (int)blanks, mark.items, on,
            mark.items + blanks, off);
    free(mark.items);
}

int ph_diag_chars(const char *text) { return text ? chars_between(text, 0, strlen(text)) : 0; }

int ph_diag_indent(const char *text) {
    int col = 1;
    for (const char *p = text ? text : ""; *p == ' ' || *p == '\t'; p++)
        col++;
    return col;
}
