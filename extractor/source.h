/*
 * source: a Python file's bytes and the one place where tree-sitter's
 * zero-based byte positions become pyhunt's 1-based line and character
 * columns. Also the checks that decide whether bytes are Python text at all
 * (binary content, invalid UTF-8).
 */
#ifndef PH_SOURCE_H
#define PH_SOURCE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct PhPos {
    int line, col;       /* 1-based; col counts characters */
} PhPos;

typedef struct PhSource {
    const char *text;    /* borrowed */
    size_t len;
    bool ascii;          /* no byte >= 0x80: columns are byte offsets + 1 */
    uint32_t *line_start;/* byte offset of each line, built on first need */
    uint32_t nlines;
} PhSource;

void ph_source_init(PhSource *self, const char *text, size_t len);
void ph_source_fini(PhSource *self);

/* Convert a zero-based (row, byte column) point. */
PhPos ph_source_pos(PhSource *self, uint32_t row, uint32_t byte_col);

/* Number of lines (a final line without newline counts). */
int ph_source_lines(const PhSource *self);

/* Text of 1-based `line` without its newline; *n gets its length. Borrowed,
 * valid while the text is. */
const char *ph_source_line(PhSource *self, int line, size_t *n);

/* Offset of the first byte that is not valid UTF-8, or -1. */
long ph_source_invalid_utf8(const char *text, size_t len);

/* Does the text look binary (a NUL byte in its first 8 KiB)? */
bool ph_source_is_binary(const char *text, size_t len);

#endif
