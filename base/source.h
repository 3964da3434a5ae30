/*
 * source: a Python file's bytes and the one place where tree-sitter's
 * zero-based byte positions become pyhunt's 1-based line and character
 * columns. Also what turns a file's bytes into the text the parser reads
 * (PEP 263 encodings, line endings) and the checks that decide whether bytes
 * are Python text at all (binary content, invalid UTF-8).
 */
#ifndef PH_SOURCE_H
#define PH_SOURCE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include "diag.h"

typedef struct PhPos {
    int line, col;       /* 1-based; col counts characters */
} PhPos;

typedef struct PhSource {
    const char *text;    /* borrowed */
    size_t len;
    bool ascii;          /* no byte >= 0x80: columns are byte offsets + 1 */
    uint32_t *line_start;/* byte offset of each line, built on first need */
    uint32_t nlines;
    uint32_t *chars;     /* not ascii: characters before each 64-byte block, built on first need */
} PhSource;

void ph_source_init(PhSource *self, const char *text, size_t len);
void ph_source_fini(PhSource *self);

/* Convert a zero-based (row, byte column) point. Constant time. */
PhPos ph_source_pos(PhSource *self, uint32_t row, uint32_t byte_col);

/* Position of a byte offset. */
PhPos ph_source_pos_at(PhSource *self, size_t offset);

/* Number of lines (a final line without newline counts). */
int ph_source_lines(const PhSource *self);

/* Text of 1-based `line` without its newline; *n gets its length. Borrowed,
 * valid while the text is. */
const char *ph_source_line(PhSource *self, int line, size_t *n);

/* Add a diagnostic at byte `offset`: path:line:col and the source line,
 * shown only when it is text and cut when it is long (a diagnostic never
 * copies a whole 50 MB line). */
void ph_source_diag(PhSource *self, PhDiags *diags, PhSeverity sev, const char *path, size_t offset,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Make a file's bytes the text pyhunt parses, in place (*text is a
 * ph_xmalloc'd buffer, NUL-terminated, that may be replaced; the caller still
 * frees it with free()):
 *   - a PEP 263 declaration (`# -*- coding: latin-1 -*-` on line 1, or on
 *     line 2 below a comment or blank line) is honoured: the text is decoded
 *     to UTF-8 with iconv, so that columns count the file's characters; an
 *     encoding iconv does not know is a located warning and the bytes are
 *     read as UTF-8; a UTF-8 byte order mark is dropped;
 *   - a lone CR ends a line, as in Python (CRLF stays: tree-sitter reads it);
 *   - bytes that are not UTF-8 after that are a warning at the first one,
 *     and each is read as U+FFFD (as Python's errors='replace' would), so
 *     that every text stored in the facts is UTF-8.
 * Problems go to diags under `path`. */
void ph_source_prepare(char **text, size_t *len, const char *path, PhDiags *diags);

/* Offset of the first bracket that opens nesting level limit + 1 (strings
 * and comments skipped), or -1. A cheap look before parsing: tree-sitter
 * takes about 650 bytes per level of nesting, so a 2 MB file of brackets
 * would cost it most of a gigabyte and seconds before the walk refused it. */
long ph_source_deep_brackets(const char *text, size_t len, int limit);

/* Offset of the first byte that is not valid UTF-8, or -1. */
long ph_source_invalid_utf8(const char *text, size_t len);

/* Does the text look binary (a NUL byte in its first 8 KiB)? */
bool ph_source_is_binary(const char *text, size_t len);

#endif
