/*
 * diag: diagnostics as data. Library code never prints; it records a
 * diagnostic (path, 1-based line and column, message) and the front end
 * renders it once, as compilers do:
 *
 *     app/views.py:12:5: error: invalid UTF-8 byte 0xE9
 *        12 | name = "caf\xe9"
 *           |     ^~~~
 *
 * A diagnostic without a position renders as `pyhunt: error: message`.
 */
#ifndef PH_DIAG_H
#define PH_DIAG_H

#include <stdio.h>
#include <stdbool.h>

typedef enum { PH_NOTE, PH_WARNING, PH_ERROR } PhSeverity;

typedef struct PhDiag {
    PhSeverity severity;
    char *path;          /* NULL when the diagnostic has no file */
    int line, col;       /* 1-based; 0 when unknown */
    int end_col;         /* exclusive end on the same line; 0 = one caret */
    char *message;
    char *source_line;   /* the text of `line`, for the caret display; may be NULL */
} PhDiag;

typedef struct PhDiags PhDiags;

PhDiags *ph_diags_new(void);                 /* caller frees with ph_diags_free() */
void ph_diags_free(PhDiags *self);           /* NULL is a no-op */

/* Record a diagnostic. path and source_line are copied; source_line may be
 * NULL. */
void ph_diags_add(PhDiags *self, PhSeverity sev, const char *path, int line, int col,
                  int end_col, const char *source_line, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* An error at byte `at` of `text`, whose first line is line `first_line` of
 * `path`: the line and column of that byte, its source line shown with a
 * caret `width` bytes wide (0: one). */
void ph_diags_add_at(PhDiags *self, PhSeverity sev, const char *path, const char *text, size_t at,
                     int first_line, int width, const char *message);

int ph_diags_count(const PhDiags *self, PhSeverity at_least);
size_t ph_diags_len(const PhDiags *self);
const PhDiag *ph_diags_at(const PhDiags *self, size_t i);   /* borrowed, valid until the next add or free */

/* Render every diagnostic to `out` in the order recorded; with `color`, the
 * severity word and the caret are colored. */
void ph_diags_print(const PhDiags *self, FILE *out, bool color);
void ph_diag_print(const PhDiag *d, FILE *out, bool color);

/* ---------------------------------------------------------------------------
 * Source excerpts: the one renderer of a source line and the span marked
 * under it, for diagnostics, the findings of the text report and the
 * REPL's .show.
 *
 *        12 | name = "caf\351"
 *           |        ^~~~~~~~~
 *
 * Columns count characters (code points). What the line holds is shown so
 * that the marker stays under its characters and the terminal is never
 * driven: a tab is four blanks (as rustc shows it), a wide character (CJK,
 * most emoji) takes two columns and a combining one none (wcwidth() of the
 * C.UTF-8 locale), a control character or a byte that is not UTF-8 is
 * printed as \ooo, a character that cannot be printed or that reorders text
 * (the bidirectional controls of "Trojan Source") as \u{XXXX}; each is as
 * wide as it prints. */

/* Digits of the line-number gutter of diagnostics and findings, so that
 * their excerpts line up (a wider number widens its own line). */
#define PH_DIAG_GUTTER 5

typedef struct PhSourceLine {
    const char *lead;      /* before the gutter ("> " marks a line in .show); its width in blanks
                              on the marker line; NULL: none */
    int width;             /* digits of the gutter; 0: PH_DIAG_GUTTER */
    int line;              /* the line number shown */
    const char *text;      /* the line, without its line end (a final '\r' is dropped) */
    int from, to;          /* the characters marked, 1-based, `to` exclusive; from 0: no marker
                              line; to 0: up to the end of the text; to <= from: one mark at from */
    bool caret;            /* the marker starts with '^'; false: '~' only (the rest of a span) */
    const char *on, *off;  /* around the marker (color); NULL: nothing */
} PhSourceLine;

/* Print one source line and, when it marks a span, the marker line under it. */
void ph_diag_source(FILE *out, const PhSourceLine *l);

/* Characters (code points; a byte that is not UTF-8 counts as one) in
 * text, and the 1-based column of its first non-blank character. */
int ph_diag_chars(const char *text);
int ph_diag_indent(const char *text);

#endif
