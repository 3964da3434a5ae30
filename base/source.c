/*
 * source: positions, the text the parser reads, and text checks.
 *
 * Columns count characters. For a file with bytes >= 0x80 a position is
 * found in constant time from two indexes built on first need: where each
 * line starts, and how many characters come before each 64-byte block (so
 * that a position on a 50 MB line does not count the line from its start).
 */
#include "source.h"
#include "util.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 64

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
    free(self->chars);
    self->line_start = NULL;
    self->chars = NULL;
}

static void index_lines(PhSource *self) {
    if (self->line_start)
        return;
    size_t cap = 1024, n = 0;
    uint32_t *v = ph_xmalloc(cap * sizeof *v);
    v[n++] = 0;
    for (const char *p = self->text, *end = self->text + self->len; (p = memchr(p, '\n', (size_t)(end - p)));) {
        p++;
        if (n == cap)
            v = ph_xrealloc(v, (cap *= 2) * sizeof *v);
        v[n++] = (uint32_t)(p - self->text);
    }
    self->line_start = v;
    self->nlines = (uint32_t)n;
}

/* A character is every byte that is not a UTF-8 continuation byte. */
static uint32_t count_chars(const unsigned char *s, size_t n) {
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += (s[i] & 0xC0) != 0x80;
    return c;
}

/* Characters before byte offset `off`. */
static uint32_t chars_before(PhSource *self, size_t off) {
    if (off > self->len)
        off = self->len;
    if (self->ascii)
        return (uint32_t)off;
    const unsigned char *s = (const unsigned char *)self->text;
    if (!self->chars) {
        size_t nblocks = self->len / BLOCK + 1;
        self->chars = ph_xmalloc(nblocks * sizeof *self->chars);
        uint32_t c = 0;
        for (size_t b = 0; b < nblocks; b++) {
            self->chars[b] = c;
            size_t start = b * BLOCK;
            c += count_chars(s + start, start + BLOCK <= self->len ? BLOCK : self->len - start);
        }
    }
    size_t b = off / BLOCK;
    return self->chars[b] + count_chars(s + b * BLOCK, off - b * BLOCK);
}

PhPos ph_source_pos(PhSource *self, uint32_t row, uint32_t byte_col) {
    PhPos p = {(int)row + 1, (int)byte_col + 1};
    if (self->ascii)
        return p;
    index_lines(self);
    if (row >= self->nlines)
        return p;
    size_t start = self->line_start[row];
    p.col = (int)(chars_before(self, start + byte_col) - chars_before(self, start)) + 1;
    return p;
}

PhPos ph_source_pos_at(PhSource *self, size_t offset) {
    index_lines(self);
    if (offset > self->len)
        offset = self->len;
    size_t lo = 0, hi = self->nlines;   /* the last line starting at or before offset */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (self->line_start[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return ph_source_pos(self, (uint32_t)lo, (uint32_t)(offset - self->line_start[lo]));
}

int ph_source_lines(const PhSource *self) {
    int n = 0;
    for (const char *p = self->text, *end = self->text + self->len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
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

/* Longest source line a diagnostic shows whole, and how much of a longer
 * one it shows (when the column falls in that part). */
#define SNIPPET_MAX 400
#define SNIPPET_CUT 240

/* The source line to show under a diagnostic at `offset`, or NULL: text
 * only, invalid UTF-8 bytes as '?', long lines cut. Caller frees with free(). */
static char *snippet(PhSource *self, size_t offset) {
    PhPos pos = ph_source_pos_at(self, offset);
    size_t n;
    const char *line = ph_source_line(self, pos.line, &n);
    size_t at = offset - (size_t)(line - self->text);
    bool cut = n > SNIPPET_MAX;
    if (memchr(line, 0, n) || (cut && at >= SNIPPET_CUT - 10))
        return NULL;
    if (cut) {
        n = SNIPPET_CUT;
        while (n && ((unsigned char)line[n] & 0xC0) == 0x80)
            n--;
    }
    char *copy = ph_xmalloc(n + 4);
    memcpy(copy, line, n);
    copy[n] = 0;
    for (long bad; (bad = ph_source_invalid_utf8(copy, n)) >= 0;)
        copy[bad] = '?';
    if (cut)
        memcpy(copy + n, "\xE2\x80\xA6", 4);   /* … */
    return copy;
}

void ph_source_diag(PhSource *self, PhDiags *diags, PhSeverity sev, const char *path, size_t offset,
                    const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    PhPos pos = ph_source_pos_at(self, offset);
    char *line = snippet(self, offset);
    ph_diags_add(diags, sev, path, pos.line, pos.col, 0, line, "%s", msg);
    free(line);
}

/* ---------------------------------------------------------------------------
 * Encodings (PEP 263).
 */

/* End of the line starting at `from` (its '\n' or '\r', or len). */
static size_t line_end(const char *t, size_t len, size_t from) {
    while (from < len && t[from] != '\n' && t[from] != '\r')
        from++;
    return from;
}

static bool is_name_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
           ch == '_' || ch == '.';
}

/* The encoding name of a coding declaration in t[a, b): CPython's
 * `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`. */
static bool coding_in_line(const char *t, size_t a, size_t b, size_t *name, size_t *name_len) {
    while (a < b && (t[a] == ' ' || t[a] == '\t' || t[a] == '\f'))
        a++;
    if (a == b || t[a] != '#')
        return false;
    for (size_t i = a + 1; i + 7 <= b; i++) {
        if (memcmp(t + i, "coding", 6) != 0 || (t[i + 6] != ':' && t[i + 6] != '='))
            continue;
        size_t s = i + 7;
        while (s < b && (t[s] == ' ' || t[s] == '\t'))
            s++;
        size_t e = s;
        while (e < b && is_name_char(t[e]))
            e++;
        if (e > s) {
            *name = s;
            *name_len = e - s;
            return true;
        }
    }
    return false;
}

/* Is t[a, b) blank or only a comment? */
static bool blank_or_comment(const char *t, size_t a, size_t b) {
    while (a < b && (t[a] == ' ' || t[a] == '\t' || t[a] == '\f'))
        a++;
    return a == b || t[a] == '#';
}

/* The coding declaration of line 1, or of line 2 when line 1 is blank or a
 * comment (as CPython reads it). */
static bool find_coding(const char *t, size_t len, size_t *name, size_t *name_len) {
    size_t e1 = line_end(t, len, 0);
    if (coding_in_line(t, 0, e1, name, name_len))
        return true;
    if (!blank_or_comment(t, 0, e1) || e1 == len)
        return false;
    size_t s2 = e1 + 1 + (t[e1] == '\r' && e1 + 1 < len && t[e1 + 1] == '\n');
    return coding_in_line(t, s2, line_end(t, len, s2), name, name_len);
}

/* Python's spelling of an encoding as iconv's, lower-cased with '_' as '-'
 * (Python's own normalisation) and the few names iconv spells otherwise. */
static void iconv_name(const char *name, size_t n, char *out, size_t cap) {
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        char ch = name[i];
        out[k++] = ch == '_' ? '-' : (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    out[k] = 0;
    static const char *const aliases[][2] = {
        {"latin-1", "latin1"}, {"iso-latin-1", "latin1"}, {"mac-roman", "macintosh"},
        {"macroman", "macintosh"}, {"iso2022-jp", "iso-2022-jp"}, {"iso2022-kr", "iso-2022-kr"},
        {"utf-8-sig", "utf-8"}, {"u8", "utf-8"}, {"utf", "utf-8"}, {"utf8", "utf-8"},
        {"cp65001", "utf-8"},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(out, aliases[i][0]) == 0) {
            snprintf(out, cap, "%s", aliases[i][1]);
            return;
        }
}

/* Grow *buf (cap bytes, `used` in use) so that `need` more bytes fit. */
static void reserve(char **buf, size_t *cap, size_t used, size_t need) {
    if (used + need + 1 <= *cap)
        return;
    while (used + need + 1 > *cap)
        *cap *= 2;
    *buf = ph_xrealloc(*buf, *cap);
}

/* in[0, n) decoded from `enc` to UTF-8, or NULL when iconv does not know
 * `enc`. A byte that is not text in `enc` becomes U+FFFD; *bad gets the
 * output offset of the first one, or -1. Caller frees with free(). */
static char *decode(const char *in, size_t n, const char *enc, size_t *out_len, long *bad) {
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = n + n / 2 + 16, used = 0;
    char *out = ph_xmalloc(cap);
    char *ip = (char *)in;
    size_t il = n;
    *bad = -1;
    bool flushing = false;   /* input all converted: end a stateful encoding's shift state */
    for (;;) {
        char *op = out + used;
        size_t ol = cap - used - 1;
        size_t r = flushing ? iconv(cd, NULL, NULL, &op, &ol) : iconv(cd, &ip, &il, &op, &ol);
        int err = errno;
        used = (size_t)(op - out);
        if (r != (size_t)-1) {
            if (flushing)
                break;
            flushing = true;
            continue;
        }
        if (err == E2BIG) {
            reserve(&out, &cap, used, cap);
            continue;
        }
        if (flushing)
            break;
        /* EILSEQ, EINVAL: a byte that is not text in this encoding */
        if (*bad < 0)
            *bad = (long)used;
        reserve(&out, &cap, used, 3);
        memcpy(out + used, "\xEF\xBF\xBD", 3);
        used += 3;
        ip++;
        il--;
    }
    iconv_close(cd);
    out[used] = 0;
    *out_len = used;
    return out;
}

static char *replace_invalid(const char *text, size_t len, size_t from, size_t *out_len);

/* Honour a coding declaration: *text replaced by its UTF-8 decoding. */
static void apply_coding(char **text, size_t *len, bool bom, const char *path, PhDiags *diags) {
    size_t at, n;
    if (!find_coding(*text, *len, &at, &n))
        return;
    char enc[64];
    iconv_name(*text + at, n, enc, sizeof enc);
    if (strcmp(enc, "utf-8") == 0)
        return;
    PhSource src;
    ph_source_init(&src, *text, *len);
    if (bom) {
        ph_source_diag(&src, diags, PH_WARNING, path, at,
                       "coding declaration '%.*s' after a UTF-8 byte order mark; read as UTF-8", (int)n, *text + at);
    } else if (ph_str_starts(enc, "utf-16") || ph_str_starts(enc, "utf-32") || ph_str_starts(enc, "utf16") ||
               ph_str_starts(enc, "utf32")) {
        ph_source_diag(&src, diags, PH_WARNING, path, at,
                       "encoding '%.*s' cannot encode Python source (not ASCII-compatible); read as UTF-8", (int)n,
                       *text + at);
    } else {
        size_t dlen;
        long bad;
        char *d = decode(*text, *len, enc, &dlen, &bad);
        if (!d) {
            ph_source_diag(&src, diags, PH_WARNING, path, at, "unknown encoding '%.*s'; read as UTF-8", (int)n,
                           *text + at);
        } else {
            if (bad >= 0) {
                PhSource ds;
                ph_source_init(&ds, d, dlen);
                ph_source_diag(&ds, diags, PH_WARNING, path, (size_t)bad,
                               "bytes that are not %.*s text; facts extracted with them replaced", (int)n,
                               *text + at);
                ph_source_fini(&ds);
            }
            free(*text);
            *text = d;
            *len = dlen;
        }
    }
    ph_source_fini(&src);
}

void ph_source_prepare(char **text, size_t *len, const char *path, PhDiags *diags) {
    char *t = *text;
    bool bom = *len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0;
    if (bom) {
        memmove(t, t + 3, *len - 3 + 1);
        *len -= 3;
    }
    apply_coding(text, len, bom, path, diags);
    t = *text;
    size_t n = *len;
    for (char *p = t, *end = t + n; (p = memchr(p, '\r', (size_t)(end - p))); p++)
        if (p + 1 == end || p[1] != '\n')
            *p = '\n';
    long bad = ph_source_invalid_utf8(t, n);
    if (bad >= 0) {
        unsigned char byte = (unsigned char)t[bad];
        *text = replace_invalid(t, n, (size_t)bad, len);
        free(t);
        PhSource src;
        ph_source_init(&src, *text, *len);
        ph_source_diag(&src, diags, PH_WARNING, path, (size_t)bad,
                       "invalid UTF-8 byte 0x%02X; facts extracted with such bytes read as U+FFFD", byte);
        ph_source_fini(&src);
    }
}

/* The end of the string literal whose quote is at t[i] (past its closing
 * quote, or at the end of the line of an unterminated one-line string). */
static size_t skip_string(const char *t, size_t len, size_t i) {
    char q = t[i];
    bool triple = i + 2 < len && t[i + 1] == q && t[i + 2] == q;
    for (i += triple ? 3 : 1; i < len; i++) {
        if (t[i] == '\\')
            i++;
        else if (!triple && t[i] == '\n')
            return i;
        else if (t[i] == q && (!triple || (i + 2 < len && t[i + 1] == q && t[i + 2] == q)))
            return i + (triple ? 3 : 1);
    }
    return len;
}

long ph_source_deep_brackets(const char *text, size_t len, int limit) {
    int depth = 0;
    for (size_t i = 0; i < len;) {
        char ch = text[i];
        if (ch == '#') {
            const char *nl = memchr(text + i, '\n', len - i);
            i = nl ? (size_t)(nl - text) : len;
        } else if (ch == '\'' || ch == '"') {
            i = skip_string(text, len, i);
        } else {
            if (ch == '(' || ch == '[' || ch == '{') {
                if (++depth > limit)
                    return (long)i;
            } else if ((ch == ')' || ch == ']' || ch == '}') && depth > 0) {
                depth--;
            }
            i++;
        }
    }
    return -1;
}

/* Length of the valid UTF-8 sequence at s[i], or 0. */
static size_t utf8_len(const unsigned char *s, size_t len, size_t i) {
    unsigned c = s[i];
    if (c < 0x80)
        return 1;
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
        return 0;
    }
    unsigned cp = c & (0x3F >> need);
    for (size_t k = 1; k <= need; k++) {
        if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return need + 1;
}

long ph_source_invalid_utf8(const char *text, size_t len) {
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0, n; i < len; i += n)
        if (!(n = utf8_len(s, len, i)))
            return (long)i;
    return -1;
}

/* text with every byte that does not start valid UTF-8 (from `from` on)
 * replaced by U+FFFD, as Python's errors='replace' reads it. Caller frees
 * with free(). */
static char *replace_invalid(const char *text, size_t len, size_t from, size_t *out_len) {
    const unsigned char *s = (const unsigned char *)text;
    size_t cap = len + len / 2 + 16, used = from;
    char *out = ph_xmalloc(cap);
    memcpy(out, text, from);
    for (size_t i = from, n; i < len; i += n ? n : 1) {
        n = utf8_len(s, len, i);
        reserve(&out, &cap, used, 4);
        if (n) {
            memcpy(out + used, text + i, n);
            used += n;
        } else {
            memcpy(out + used, "\xEF\xBF\xBD", 3);
            used += 3;
        }
    }
    out[used] = 0;
    *out_len = used;
    return out;
}

bool ph_source_is_binary(const char *text, size_t len) {
    size_t n = len < 8192 ? len : 8192;
    return memchr(text, 0, n) != NULL;
}
