/*
 * fix: applying the edits of safe fixes to a file's bytes, and their
 * unified diff (see fix.h).
 *
 * Every accepted edit is a byte span of the original text and its
 * replacement; spans never overlap, so the new text is the original copied
 * span by span with the replacements in between. That is the same as
 * applying the edits from the end of the file backwards: no edit moves the
 * offsets of another. The diff is computed from the spans too (the lines
 * they touch, grouped into hunks), not by comparing the two texts.
 */
#include "fix.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

enum { CONTEXT = 3 };      /* lines of context around each change, as diff -u */

typedef struct Span {
    size_t start, end;     /* bytes of the original, end exclusive */
    const char *text;      /* replacement, borrowed from the PhEdit offered */
    size_t len;
} Span;

struct PhFix {
    const char *text;
    size_t len;
    size_t *starts;        /* byte offset of each line; starts[nstarts-1] may be len (after a final newline) */
    size_t nstarts;
    size_t lines;          /* lines that hold bytes: nstarts, less the empty one after a final newline */
    PhFixChars chars;
    PhVec(Span) spans;     /* accepted, sorted by start */
    size_t fixes;
};

const char *ph_fix_status_text(PhFixStatus s) {
    switch (s) {
    case PH_FIX_OK: return "applied";
    case PH_FIX_OVERLAP: return "it overlaps the fix of another finding, applied first";
    case PH_FIX_CHANGED: return "the text there is not what the rule read";
    case PH_FIX_OUTSIDE: return "an edit lies outside the file";
    }
    return "?";
}

PhFix *ph_fix_new(const char *text, size_t len, PhFixChars chars) {
    PhFix *x = ph_xcalloc(1, sizeof *x);
    x->text = text;
    x->len = len;
    x->chars = chars;
    size_t cap = 64;
    x->starts = ph_xmalloc(cap * sizeof *x->starts);
    x->starts[x->nstarts++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') {
            if (x->nstarts == cap)
                x->starts = ph_xrealloc(x->starts, (cap *= 2) * sizeof *x->starts);
            x->starts[x->nstarts++] = i + 1;
        }
    x->lines = x->starts[x->nstarts - 1] == len ? x->nstarts - 1 : x->nstarts;
    return x;
}

void ph_fix_free(PhFix *self) {
    if (!self)
        return;
    free(self->starts);
    free(self->spans.items);
    free(self);
}

size_t ph_fix_count(const PhFix *self) { return self->fixes; }

/* End of line i (0-based): the offset of its '\n', or len. */
static size_t line_end(const PhFix *x, size_t i) { return i + 1 < x->nstarts ? x->starts[i + 1] - 1 : x->len; }

/* The byte offset of (line, col), counting characters as x->chars says;
 * false when the position is not in the file. The end of a line (before
 * its '\n') is a position. */
static bool offset_of(const PhFix *x, int line, int col, size_t *out) {
    if (line < 1 || (size_t)line > x->nstarts || col < 1)
        return false;
    size_t p = x->starts[line - 1], end = line_end(x, (size_t)line - 1);
    if (line == 1 && x->chars == PH_FIX_UTF8 && end >= 3 && memcmp(x->text, "\xEF\xBB\xBF", 3) == 0)
        p = 3;
    for (int c = 1; c < col; c++) {
        if (p >= end)
            return false;
        size_t n = x->chars == PH_FIX_UTF8 ? ph_utf8_char(x->text + p, end - p) : 1;
        p += n ? n : 1;
    }
    *out = p;
    return true;
}

static bool conflict(const Span *a, const Span *b) {
    return a->start == b->start || (a->start < b->end && b->start < a->end);
}

static int cmp_span(const void *a, const void *b) {
    const Span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

PhFixStatus ph_fix_offer(PhFix *self, const PhEdit *edits, size_t n) {
    Span *mine = ph_xcalloc(n ? n : 1, sizeof *mine);
    PhFixStatus st = PH_FIX_OK;
    for (size_t i = 0; i < n && st == PH_FIX_OK; i++) {
        const PhEdit *e = &edits[i];
        Span *s = &mine[i];
        if (!offset_of(self, e->line, e->col, &s->start) || !offset_of(self, e->end_line, e->end_col, &s->end) ||
            s->end < s->start) {
            st = PH_FIX_OUTSIDE;
            break;
        }
        size_t olen = strlen(e->old);
        if (olen != s->end - s->start || memcmp(self->text + s->start, e->old, olen) != 0)
            st = PH_FIX_CHANGED;
        s->text = e->text;
        s->len = strlen(e->text);
    }
    for (size_t i = 0; i < n && st == PH_FIX_OK; i++) {
        for (size_t k = 0; k < i && st == PH_FIX_OK; k++)
            if (conflict(&mine[i], &mine[k]))
                st = PH_FIX_OVERLAP;
        for (size_t k = 0; k < self->spans.len && st == PH_FIX_OK; k++)
            if (conflict(&mine[i], &self->spans.items[k]))
                st = PH_FIX_OVERLAP;
    }
    if (st == PH_FIX_OK) {
        for (size_t i = 0; i < n; i++)
            ph_vec_push(&self->spans, mine[i]);
        qsort(self->spans.items, self->spans.len, sizeof(Span), cmp_span);
        self->fixes++;
    }
    free(mine);
    return st;
}

/* The bytes from..to of the original with the accepted spans inside them
 * replaced, appended to s. Spans must lie wholly inside or outside. */
static void rewrite(const PhFix *x, size_t from, size_t to, sqlite3_str *s) {
    size_t p = from;
    for (size_t i = 0; i < x->spans.len; i++) {
        const Span *sp = &x->spans.items[i];
        if (sp->start < from || sp->end > to)
            continue;
        sqlite3_str_append(s, x->text + p, (int)(sp->start - p));
        sqlite3_str_append(s, sp->text, (int)sp->len);
        p = sp->end;
    }
    sqlite3_str_append(s, x->text + p, (int)(to - p));
}

char *ph_fix_apply(const PhFix *self, size_t *len) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    rewrite(self, 0, self->len, s);
    *len = (size_t)sqlite3_str_length(s);
    char *t = sqlite3_str_finish(s);
    char *out = ph_xmalloc(*len + 1);
    memcpy(out, t ? t : "", *len);
    out[*len] = 0;
    sqlite3_free(t);
    return out;
}

/* ---------------------------------------------------------------------------
 * The diff.
 */

/* The 0-based line holding byte `off`. */
static size_t line_of(const PhFix *x, size_t off) {
    size_t lo = 0, hi = x->nstarts;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Lines that changed together: old lines first..last (0-based) become the
 * rewritten bytes of that range. */
typedef struct Block {
    size_t first, last;
} Block;

/* Bytes of lines first..last, each with its newline. */
static size_t lines_start(const PhFix *x, size_t first) { return x->starts[first]; }
static size_t lines_end(const PhFix *x, size_t last) {
    return last + 1 < x->nstarts ? x->starts[last + 1] : x->len;
}

/* How many lines a run of bytes holds (a last one without newline counts). */
static int count_lines(const char *s, size_t n) {
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k + (n && s[n - 1] != '\n');
}

/* Each line of s (n bytes) with a prefix character; a last line without a
 * newline gets diff's marker. */
static void print_lines(FILE *out, char prefix, const char *s, size_t n) {
    for (size_t p = 0; p < n;) {
        const char *nl = memchr(s + p, '\n', n - p);
        size_t k = nl ? (size_t)(nl - (s + p)) : n - p;
        putc(prefix, out);
        fwrite(s + p, 1, k, out);
        fputs(nl ? "\n" : "\n\\ No newline at end of file\n", out);
        p += k + (nl != NULL);
    }
}

/* "-5" for one line, "-5,3", or "-4,0" for none (the line before). */
static void range(FILE *out, char sign, size_t start, int count) {
    if (count == 1)
        fprintf(out, "%c%zu", sign, start + 1);
    else
        fprintf(out, "%c%zu,%d", sign, count ? start + 1 : start, count);
}

void ph_fix_diff(const PhFix *self, const char *path, FILE *out) {
    if (!self->spans.len)
        return;
    /* Blocks: the lines each span touches, merged when they touch or are
     * next to each other. A span that ends where a line starts took that
     * line's newline away, so the line is part of the change. */
    PhVec(Block) blocks = {0};
    for (size_t i = 0; i < self->spans.len; i++) {
        const Span *sp = &self->spans.items[i];
        size_t first = line_of(self, sp->start), last = line_of(self, sp->end);
        if (last >= self->lines && self->lines)
            last = self->lines - 1;
        if (first > last)
            first = last;
        if (blocks.len && first <= blocks.items[blocks.len - 1].last + 1) {
            Block *b = &blocks.items[blocks.len - 1];
            if (last > b->last)
                b->last = last;
        } else {
            ph_vec_push(&blocks, ((Block){first, last}));
        }
    }
    if (path[0] == '/')   /* as diff -u names files; a relative name gets git's a/ and b/ */
        fprintf(out, "--- %s\n+++ %s\n", path, path);
    else
        fprintf(out, "--- a/%s\n+++ b/%s\n", path, path);
    long delta = 0;    /* new lines minus old lines, over the blocks printed so far */
    for (size_t b = 0; b < blocks.len;) {
        /* A hunk: blocks whose gaps are at most twice the context. */
        size_t e = b;
        while (e + 1 < blocks.len && blocks.items[e + 1].first - blocks.items[e].last - 1 <= 2 * CONTEXT)
            e++;
        size_t from = blocks.items[b].first > CONTEXT ? blocks.items[b].first - CONTEXT : 0;
        size_t to = blocks.items[e].last + CONTEXT < self->lines ? blocks.items[e].last + CONTEXT
                    : self->lines ? self->lines - 1 : 0;
        /* The new side of each block, and the counts of the header. */
        sqlite3_str **news = ph_xcalloc(e - b + 1, sizeof *news);
        int old_count = 0, new_count = 0;
        size_t prev = from;
        for (size_t k = b; k <= e; k++) {
            const Block *bl = &blocks.items[k];
            size_t s0 = lines_start(self, bl->first), s1 = lines_end(self, bl->last);
            news[k - b] = sqlite3_str_new(NULL);
            rewrite(self, s0, s1, news[k - b]);
            int ctx = count_lines(self->text + lines_start(self, prev), s0 - lines_start(self, prev));
            int olds = count_lines(self->text + s0, s1 - s0);
            int nw = count_lines(sqlite3_str_value(news[k - b]) ? sqlite3_str_value(news[k - b]) : "",
                                 (size_t)sqlite3_str_length(news[k - b]));
            old_count += ctx + olds;
            new_count += ctx + nw;
            prev = bl->last + 1;
        }
        /* context after the last block: lines prev..to */
        size_t tail0 = prev < self->nstarts ? self->starts[prev] : self->len;
        size_t tail1 = prev <= to && self->lines ? lines_end(self, to) : tail0;
        int tail = count_lines(self->text + tail0, tail1 - tail0);
        old_count += tail;
        new_count += tail;
        fputs("@@ ", out);
        range(out, '-', from, old_count);
        putc(' ', out);
        range(out, '+', (size_t)((long)from + delta), new_count);
        fputs(" @@\n", out);
        prev = from;
        for (size_t k = b; k <= e; k++) {
            const Block *bl = &blocks.items[k];
            size_t s0 = lines_start(self, bl->first), s1 = lines_end(self, bl->last);
            size_t c0 = lines_start(self, prev);
            print_lines(out, ' ', self->text + c0, s0 - c0);
            print_lines(out, '-', self->text + s0, s1 - s0);
            const char *nt = sqlite3_str_value(news[k - b]);
            size_t nn = (size_t)sqlite3_str_length(news[k - b]);
            print_lines(out, '+', nt ? nt : "", nn);
            delta += count_lines(nt ? nt : "", nn) - count_lines(self->text + s0, s1 - s0);
            prev = bl->last + 1;
            sqlite3_free(sqlite3_str_finish(news[k - b]));
        }
        print_lines(out, ' ', self->text + tail0, tail1 - tail0);
        free(news);
        b = e + 1;
    }
    free(blocks.items);
}
