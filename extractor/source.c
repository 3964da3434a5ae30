/*
 * source: positions and text checks.
 */
#include "source.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void ph_source_init(PhSource *self, const char *text, size_t len) {
    memset(self, 0, sizeof *self);
    self->text = text;
    self->len = len;
    self->ascii = true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] >= 0x80) {
            self->ascii = false;
            break;
        }
}

void ph_source_fini(PhSource *self) {
    free(self->line_start);
    self->line_start = NULL;
}

static void index_lines(PhSource *self) {
    if (self->line_start)
        return;
    size_t cap = 1024, n = 0;
    uint32_t *v = ph_xmalloc(cap * sizeof *v);
    v[n++] = 0;
    for (size_t i = 0; i < self->len; i++)
        if (self->text[i] == '\n') {
            if (n == cap)
                v = ph_xrealloc(v, (cap *= 2) * sizeof *v);
            v[n++] = (uint32_t)(i + 1);
        }
    self->line_start = v;
    self->nlines = (uint32_t)n;
}

PhPos ph_source_pos(PhSource *self, uint32_t row, uint32_t byte_col) {
    PhPos p = {(int)row + 1, (int)byte_col + 1};
    if (self->ascii)
        return p;
    index_lines(self);
    if (row >= self->nlines)
        return p;
    /* Count characters: every byte that is not a UTF-8 continuation byte. */
    const unsigned char *s = (const unsigned char *)self->text + self->line_start[row];
    int col = 1;
    for (uint32_t i = 0; i < byte_col; i++)
        col += (s[i] & 0xC0) != 0x80;
    p.col = col;
    return p;
}

int ph_source_lines(const PhSource *self) {
    int n = 0;
    for (size_t i = 0; i < self->len; i++)
        n += self->text[i] == '\n';
    if (self->len && self->text[self->len - 1] != '\n')
        n++;
    return n;
}

const char *ph_source_line(PhSource *self, int line, size_t *n) {
    index_lines(self);
    if (line < 1 || (uint32_t)line > self->nlines) {
        *n = 0;
        return "";
    }
    size_t start = self->line_start[line - 1];
    size_t end = start;
    while (end < self->len && self->text[end] != '\n' && self->text[end] != '\r')
        end++;
    *n = end - start;
    return self->text + start;
}

long ph_source_invalid_utf8(const char *text, size_t len) {
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned min;
        if ((c & 0xE0) == 0xC0) {
            need = 1;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            need = 2;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
            need = 3;
            min = 0x10000;
        } else {
            return (long)i;
        }
        unsigned cp = c & (0x3F >> need);
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                return (long)i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return (long)i;
        i += need + 1;
    }
    return -1;
}

bool ph_source_is_binary(const char *text, size_t len) {
    size_t n = len < 8192 ? len : 8192;
    return memchr(text, 0, n) != NULL;
}
