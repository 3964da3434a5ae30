/*
 * diff: Myers' O(ND) shortest edit script over the lines of two texts,
 * after their common first and last lines are set aside, and the script
 * printed as unified hunks. The search keeps every round's furthest
 * points to walk the script back, so it costs memory in the square of the
 * number of edits: past MAX_EDITS edits the middle is shown as one
 * replacement (all of its old lines, then all of its new ones), which is
 * still a correct diff, only not the shortest.
 */
#include "diff.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_EDITS 2000

typedef struct Line {
    const char *s;
    size_t n;              /* with its '\n', when it has one */
} Line;

typedef PhVec(Line) Lines;

/* One step of the script: ' ' a line of both, '-' of a only, '+' of b
 * only; a and b are the 0-based lines of each text at that step (for a
 * line of one text only, the other's is the next line it has). */
typedef struct Op {
    char kind;
    long a, b;
} Op;

typedef PhVec(Op) Ops;

static Lines split(const char *t) {
    Lines l = {0};
    for (const char *p = t ? t : ""; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
        ph_vec_push(&l, ((Line){p, n}));
        p += n;
    }
    return l;
}

static bool same(Line x, Line y) { return x.n == y.n && memcmp(x.s, y.s, x.n) == 0; }

static void push(Ops *ops, char kind, long a, long b) { ph_vec_push(ops, ((Op){kind, a, b})); }

/* The script from a[0..n) to b[0..m), appended to ops with a0 and b0
 * added to its line numbers. */
static void script(const Line *a, long n, const Line *b, long m, long a0, long b0, Ops *ops) {
    long cap = n + m < MAX_EDITS ? n + m : MAX_EDITS;
    long *v = ph_xcalloc((size_t)(2 * cap + 3), sizeof *v);   /* furthest x on diagonal k, at v[k + cap + 1] */
    long **trace = ph_xcalloc((size_t)cap + 1, sizeof *trace);   /* v of round d, k in [-d, d] */
    long found = -1, rounds = 0;
    for (long d = 0; d <= cap && found < 0; d++, rounds++) {
        for (long k = -d; k <= d; k += 2) {
            long *at = v + cap + 1;
            long x = k == -d || (k != d && at[k - 1] < at[k + 1]) ? at[k + 1] : at[k - 1] + 1;
            long y = x - k;
            while (x < n && y < m && same(a[x], b[y]))
                x++, y++;
            at[k] = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
        trace[d] = ph_xcalloc((size_t)(2 * d + 1), sizeof **trace);
        memcpy(trace[d], v + cap + 1 - d, (size_t)(2 * d + 1) * sizeof **trace);
    }
    if (found < 0) {
        for (long i = 0; i < n; i++)
            push(ops, '-', a0 + i, b0);
        for (long j = 0; j < m; j++)
            push(ops, '+', a0 + n, b0 + j);
    } else {
        Ops rev = {0};
        long x = n, y = m;
        for (long d = found; d > 0; d--) {
            const long *p = trace[d - 1] + (d - 1);   /* p[k] for k in [-(d-1), d-1] */
            long k = x - y;
            long pk = k == -d || (k != d && p[k - 1] < p[k + 1]) ? k + 1 : k - 1;
            long px = p[pk], py = px - pk;
            for (; x > px && y > py; x--, y--)
                push(&rev, ' ', a0 + x - 1, b0 + y - 1);
            if (pk == k + 1)
                push(&rev, '+', a0 + x, b0 + y - 1);
            else
                push(&rev, '-', a0 + x - 1, b0 + y);
            x = px;
            y = py;
        }
        for (; x > 0 && y > 0; x--, y--)
            push(&rev, ' ', a0 + x - 1, b0 + y - 1);
        for (size_t i = rev.len; i-- > 0;)
            ph_vec_push(ops, rev.items[i]);
        free(rev.items);
    }
    for (long d = 0; d < rounds; d++)
        free(trace[d]);
    free(trace);
    free(v);
}

/* "-5" for one line, "-5,3", or "-4,0" for none (the line before). */
static void range(FILE *out, char sign, long start, long count) {
    if (count == 1)
        fprintf(out, "%c%ld", sign, start + 1);
    else
        fprintf(out, "%c%ld,%ld", sign, count ? start + 1 : start, count);
}

static void print_line(FILE *out, const char *indent, char kind, Line l) {
    bool nl = l.n && l.s[l.n - 1] == '\n';
    fprintf(out, "%s%c%.*s\n", indent, kind, (int)(l.n - nl), l.s);
    if (!nl)
        fprintf(out, "%s\\ No newline at end of file\n", indent);
}

bool ph_diff_print(FILE *out, const char *indent, const char *a_name, const char *a, const char *b_name,
                   const char *b, int context) {
    indent = indent ? indent : "";
    Lines la = split(a), lb = split(b);
    long n = (long)la.len, m = (long)lb.len, head = 0, tail = 0;
    while (head < n && head < m && same(la.items[head], lb.items[head]))
        head++;
    while (tail < n - head && tail < m - head && same(la.items[n - 1 - tail], lb.items[m - 1 - tail]))
        tail++;
    bool differ = head < n - tail || head < m - tail;
    if (differ) {
        Ops ops = {0};
        for (long i = 0; i < head; i++)
            push(&ops, ' ', i, i);
        script(la.items + head, n - head - tail, lb.items + head, m - head - tail, head, head, &ops);
        for (long i = tail; i > 0; i--)
            push(&ops, ' ', n - i, m - i);
        fprintf(out, "%s--- %s\n%s+++ %s\n", indent, a_name, indent, b_name);
        long len = (long)ops.len;
        for (long i = 0; i < len;) {
            if (ops.items[i].kind == ' ') {
                i++;
                continue;
            }
            /* A hunk: changes whose gaps are at most twice the context. */
            long last = i;
            for (long j = i + 1; j < len && j - last - 1 <= 2 * context; j++)
                if (ops.items[j].kind != ' ')
                    last = j;
            long from = i > context ? i - context : 0, to = last + context + 1 < len ? last + context + 1 : len;
            long na = 0, nb = 0;
            for (long j = from; j < to; j++) {
                na += ops.items[j].kind != '+';
                nb += ops.items[j].kind != '-';
            }
            fprintf(out, "%s@@ ", indent);
            range(out, '-', ops.items[from].a, na);
            putc(' ', out);
            range(out, '+', ops.items[from].b, nb);
            fputs(" @@\n", out);
            for (long j = from; j < to; j++) {
                const Op *o = &ops.items[j];
                print_line(out, indent, o->kind, o->kind == '+' ? lb.items[o->b] : la.items[o->a]);
            }
            i = to;
        }
        free(ops.items);
    }
    free(la.items);
    free(lb.items);
    return differ;
}
