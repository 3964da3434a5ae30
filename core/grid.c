/*
 * grid: result-set rendering. Table-like modes buffer rows to size columns;
 * streaming modes (json, csv, line) print as rows come.
 */
#include "grid.h"
#include "report.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

typedef enum { M_TABLE, M_BOX, M_JSON, M_CSV, M_MARKDOWN, M_LINE } Mode;

static const char *const mode_names[] = {PH_GRID_MODES};

struct PhGrid {
    Mode mode;
    FILE *out;
    int ncols;
    char **names;
    PhVec(char *) cells;        /* buffered rows, ncols each; NULL = SQL NULL */
    PhVec(PhCellKind) kinds;
    long rows;
};

const char *ph_grid_modes(void) { return "table box json csv markdown line"; }

PhGrid *ph_grid_begin(const char *mode, FILE *out, int ncols, const char *const *names) {
    int m = -1;
    for (int i = 0; i < 6; i++)
        if (strcmp(mode, mode_names[i]) == 0)
            m = i;
    if (m < 0)
        return NULL;
    PhGrid *g = ph_xcalloc(1, sizeof *g);
    g->mode = (Mode)m;
    g->out = out;
    g->ncols = ncols;
    g->names = ph_xcalloc((size_t)ncols + 1, sizeof(char *));
    for (int i = 0; i < ncols; i++)
        g->names[i] = ph_xstrdup(names[i]);
    if (g->mode == M_CSV)
        for (int i = 0; i < ncols; i++)
            fprintf(out, "%s%s", i ? "," : "", names[i]);
    if (g->mode == M_CSV)
        fputc('\n', out);
    return g;
}

static void csv_cell(FILE *out, const char *v) {
    if (!v)
        return;
    if (!strpbrk(v, ",\"\n\r")) {
        fputs(v, out);
        return;
    }
    putc('"', out);
    for (; *v; v++) {
        if (*v == '"')
            putc('"', out);
        putc(*v, out);
    }
    putc('"', out);
}

void ph_grid_row(PhGrid *self, const char *const *values, const PhCellKind *kinds) {
    FILE *out = self->out;
    switch (self->mode) {
    case M_JSON:
        fputs(self->rows ? ",\n{" : "[{", out);
        for (int i = 0; i < self->ncols; i++) {
            if (i)
                fputc(',', out);
            ph_json_string(out, self->names[i]);
            fputc(':', out);
            if (kinds[i] == PH_CELL_NULL)
                fputs("null", out);
            else if (kinds[i] == PH_CELL_NUMBER)
                fputs(values[i], out);
            else
                ph_json_string(out, values[i]);
        }
        fputc('}', out);
        break;
    case M_CSV:
        for (int i = 0; i < self->ncols; i++) {
            if (i)
                fputc(',', out);
            csv_cell(out, kinds[i] == PH_CELL_NULL ? NULL : values[i]);
        }
        fputc('\n', out);
        break;
    case M_LINE: {
        int w = 0;
        for (int i = 0; i < self->ncols; i++)
            if ((int)strlen(self->names[i]) > w)
                w = (int)strlen(self->names[i]);
        if (self->rows)
            fputc('\n', out);
        for (int i = 0; i < self->ncols; i++)
            fprintf(out, "%*s = %s\n", w, self->names[i], kinds[i] == PH_CELL_NULL ? "" : values[i]);
        break;
    }
    default:
        for (int i = 0; i < self->ncols; i++) {
            ph_vec_push(&self->cells, kinds[i] == PH_CELL_NULL ? NULL : ph_xstrdup(values[i]));
            ph_vec_push(&self->kinds, kinds[i]);
        }
    }
    self->rows++;
}

/* Display width of UTF-8 text: code points (no East Asian width table). */
static int width(const char *s) {
    int w = 0;
    for (; s && *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void rule(FILE *out, const int *w, int n, const char *l, const char *m, const char *r, const char *h) {
    fputs(l, out);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < w[i] + 2; k++)
            fputs(h, out);
        fputs(i + 1 < n ? m : r, out);
    }
    fputc('\n', out);
}

static void cells_line(FILE *out, const int *w, int n, char *const *v, const PhCellKind *kinds, const char *sep) {
    fputs(sep, out);
    for (int i = 0; i < n; i++) {
        const char *s = v[i] ? v[i] : "";
        /* one line per cell: newlines shown as spaces */
        int pad = w[i] - width(s);
        bool right = kinds && kinds[i] == PH_CELL_NUMBER;
        fputc(' ', out);
        if (right)
            fprintf(out, "%*s", pad, "");
        for (const char *c = s; *c; c++)
            fputc(*c == '\n' || *c == '\r' ? ' ' : *c, out);
        if (!right)
            fprintf(out, "%*s", pad, "");
        fputc(' ', out);
        fputs(sep, out);
    }
    fputc('\n', out);
}

long ph_grid_end(PhGrid *self) {
    if (!self)
        return 0;
    FILE *out = self->out;
    int n = self->ncols;
    long rows = self->rows;
    if (self->mode == M_JSON) {
        fputs(rows ? "]\n" : "[]\n", out);
    } else if (self->mode == M_TABLE || self->mode == M_BOX || self->mode == M_MARKDOWN) {
        int *w = ph_xcalloc((size_t)n + 1, sizeof(int));
        for (int i = 0; i < n; i++)
            w[i] = width(self->names[i]);
        for (size_t k = 0; k < self->cells.len; k++) {
            int cw = width(self->cells.items[k]);
            if (cw > w[k % (size_t)n])
                w[k % (size_t)n] = cw;
        }
        if (self->mode == M_TABLE) {
            rule(out, w, n, "+", "+", "+", "-");
            cells_line(out, w, n, self->names, NULL, "|");
            rule(out, w, n, "+", "+", "+", "-");
            for (long r = 0; r < rows; r++)
                cells_line(out, w, n, self->cells.items + r * n, self->kinds.items + r * n, "|");
            rule(out, w, n, "+", "+", "+", "-");
        } else if (self->mode == M_BOX) {
            rule(out, w, n, "┌", "┬", "┐", "─");
            cells_line(out, w, n, self->names, NULL, "│");
            rule(out, w, n, "├", "┼", "┤", "─");
            for (long r = 0; r < rows; r++)
                cells_line(out, w, n, self->cells.items + r * n, self->kinds.items + r * n, "│");
            rule(out, w, n, "└", "┴", "┘", "─");
        } else {
            cells_line(out, w, n, self->names, NULL, "|");
            fputc('|', out);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < w[i] + 2; k++)
                    fputc('-', out);
                fputc('|', out);
            }
            fputc('\n', out);
            for (long r = 0; r < rows; r++)
                cells_line(out, w, n, self->cells.items + r * n, self->kinds.items + r * n, "|");
        }
        free(w);
    }
    for (size_t k = 0; k < self->cells.len; k++)
        free(self->cells.items[k]);
    free(self->cells.items);
    free(self->kinds.items);
    for (int i = 0; i < n; i++)
        free(self->names[i]);
    free(self->names);
    free(self);
    return rows;
}
