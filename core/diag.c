/*
 * diag: recording and rendering diagnostics. Rendering lives here so that
 * every front end shows a problem the same way.
 */
#include "diag.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
        /* The source line, tabs kept so the caret lines up under them. */
        int w = fprintf(out, "%5d | ", d->line) - 2;
        fprintf(out, "%s\n%*s| ", d->source_line, w, "");
        const char *s = d->source_line;
        int i = 1;
        for (; i < d->col && *s; i++, s++)
            putc(*s == '\t' ? '\t' : ' ', out);
        fputs(on, out);
        putc('^', out);
        for (i++; i < d->end_col; i++)
            putc('~', out);
        fprintf(out, "%s\n", off);
    }
}

void ph_diags_print(const PhDiags *self, FILE *out, bool color) {
    for (size_t i = 0; i < self->v.len; i++)
        ph_diag_print(&self->v.items[i], out, color);
}

void ph_diags_add_at(PhDiags *self, PhSeverity sev, const char *path, const char *text, size_t at,
                     int first_line, int width, const char *message) {
    int line = first_line, col = 1;
    const char *ls = text;
    for (size_t i = 0; i < at && text[i]; i++) {
        if (text[i] == '\n')
            line++, col = 1, ls = text + i + 1;
        else
            col++;
    }
    const char *le = strchr(ls, '\n');
    char *src = ph_xstrndup(ls, le ? (size_t)(le - ls) : strlen(ls));
    ph_diags_add(self, sev, path, line, col, width > 0 ? col + width : 0, src, "%s", message);
    free(src);
}
