/*
 * util: allocation that aborts on failure, the arena, file reading, hashing,
 * and small string helpers (edit distance for "did you mean", UTF-8
 * checks, file names quoted for printing).
 */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void oom(void) {
    fputs("pyhunt: out of memory\n", stderr);
    abort();
}

void *ph_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *ph_xcalloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *ph_xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *ph_xstrdup(const char *s) { return ph_xstrndup(s, strlen(s)); }

char *ph_xstrndup(const char *s, size_t n) {
    char *p = ph_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *ph_xasprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = ph_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* The arena hands out memory from 64 KiB chunks; a request larger than a
 * chunk gets a chunk of its own. */
typedef struct Chunk {
    struct Chunk *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
} Chunk;

struct PhArena {
    Chunk *head;
};

PhArena *ph_arena_new(void) { return ph_xcalloc(1, sizeof(PhArena)); }

void ph_arena_free(PhArena *self) {
    if (!self)
        return;
    for (Chunk *c = self->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(self);
}

void *ph_arena_alloc(PhArena *self, size_t n) {
    n = (n + 7) & ~(size_t)7;
    Chunk *c = self->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > 65536 ? n : 65536;
        c = ph_xmalloc(sizeof(Chunk) + size);
        c->used = 0;
        c->size = size;
        c->next = self->head;
        self->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *ph_arena_strndup(PhArena *self, const char *s, size_t n) {
    char *p = ph_arena_alloc(self, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *ph_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = ph_xmalloc(cap + 1);
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            if (ferror(f)) {
                int e = errno ? errno : EIO;
                fclose(f);
                free(buf);
                errno = e;
                return NULL;
            }
            break;
        }
        cap *= 2;
        buf = ph_xrealloc(buf, cap + 1);
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

char *ph_read_regular(const char *path, size_t max, size_t *len) {
    /* stat before open: opening a device can act (a tape rewinds, a tty
     * becomes the controlling terminal), and opening a FIFO waits for a
     * writer. O_NONBLOCK and the fstat close the race of a swap in between. */
    if (max > SIZE_MAX / 4)
        max = SIZE_MAX / 4;
    struct stat st;
    if (stat(path, &st) != 0)
        return NULL;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    int err = 0;
    if (fstat(fd, &st) != 0)
        err = errno;
    else if (!S_ISREG(st.st_mode))
        err = EINVAL;
    else if ((uint64_t)st.st_size > max)
        err = EFBIG;
    size_t cap = err ? 0 : (size_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1, n = 0;
    char *buf = err ? NULL : ph_xmalloc(cap + 1);
    /* The file may grow while it is read: read one byte past max to know. */
    while (!err) {
        if (n == cap) {
            if (cap > max) {
                err = EFBIG;
                break;
            }
            cap = cap * 2 < max + 1 ? cap * 2 : max + 1;
            buf = ph_xrealloc(buf, cap + 1);
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            err = errno;
        else if (got == 0)
            break;
        else
            n += (size_t)got;
    }
    close(fd);
    if (err) {
        free(buf);
        errno = err;
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

uint64_t ph_hash64(const void *data, size_t n) {
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

bool ph_str_starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ph_str_ends(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int ph_str_distance(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    int *d = ph_xcalloc((n + 1) * (m + 1), sizeof(int));
#define D(i, j) d[(i) * (m + 1) + (j)]
    for (size_t i = 0; i <= n; i++)
        D(i, 0) = (int)i;
    for (size_t j = 0; j <= m; j++)
        D(0, j) = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int best = D(i - 1, j - 1) + cost;
            if (D(i - 1, j) + 1 < best)
                best = D(i - 1, j) + 1;
            if (D(i, j - 1) + 1 < best)
                best = D(i, j - 1) + 1;
            if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && D(i - 2, j - 2) + 1 < best)
                best = D(i - 2, j - 2) + 1;
            D(i, j) = best;
        }
    int r = D(n, m);
#undef D
    free(d);
    return r;
}

const char *ph_str_closest(const char *word, const char *const *words, size_t n) {
    const char *best = NULL;
    int limit = strlen(word) <= 4 ? 1 : 2, bd = limit + 1;
    for (size_t i = 0; i < n; i++) {
        int d = ph_str_distance(word, words[i]);
        if (d < bd)
            bd = d, best = words[i];
    }
    return best;
}

size_t ph_utf8_decode(const char *s, size_t n, uint32_t *code) {
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (u[0] < 0x80) {
        *code = u[0];
        return 1;
    }
    size_t need;
    unsigned min, cp;
    if ((u[0] & 0xE0) == 0xC0)
        need = 1, min = 0x80, cp = u[0] & 0x1F;
    else if ((u[0] & 0xF0) == 0xE0)
        need = 2, min = 0x800, cp = u[0] & 0x0F;
    else if ((u[0] & 0xF8) == 0xF0)
        need = 3, min = 0x10000, cp = u[0] & 0x07;
    else
        return 0;
    if (need >= n)
        return 0;
    for (size_t k = 1; k <= need; k++) {
        if ((u[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (u[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *code = cp;
    return need + 1;
}

size_t ph_utf8_char(const char *s, size_t n) {
    uint32_t cp;
    return ph_utf8_decode(s, n, &cp);
}

char *ph_quote_name(const char *name) {
    size_t n = strlen(name);
    bool plain = !ph_str_starts(name, "::");
    for (size_t i = 0; i < n && plain;) {
        unsigned char c = (unsigned char)name[i];
        size_t k = ph_utf8_char(name + i, n - i);
        plain = k > 0 && c >= 0x20 && c != 0x7F && c != '"' && c != '\\';
        i += k ? k : 1;
    }
    if (plain)
        return ph_xstrdup(name);
    char *out = ph_xmalloc(4 * n + 3), *o = out;   /* each byte takes at most \ooo */
    *o++ = '"';
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)name[i];
        size_t k = ph_utf8_char(name + i, n - i);
        const char *named = strchr("\a\b\t\n\v\f\r\"\\", c);
        if (c && named) {
            *o++ = '\\';
            *o++ = "abtnvfr\"\\"[named - "\a\b\t\n\v\f\r\"\\"];
        } else if (k == 0 || c < 0x20 || c == 0x7F) {
            o += sprintf(o, "\\%03o", c);
        } else {
            memcpy(o, name + i, k);
            o += k;
            i += k;
            continue;
        }
        i++;
    }
    *o++ = '"';
    *o = 0;
    return out;
}

double ph_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char **ph_split_words(const char *s, int *argc) {
    PhVec(char *) v = {0};
    for (;;) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            break;
        char *w = ph_xmalloc(strlen(s) + 1);
        size_t n = 0;
        while (*s && !isspace((unsigned char)*s)) {
            if (*s == '\'' || *s == '"') {
                char q = *s++;
                while (*s && *s != q)
                    w[n++] = *s++;
                if (*s)
                    s++;
            } else {
                w[n++] = *s++;
            }
        }
        w[n] = 0;
        ph_vec_push(&v, w);
    }
    ph_vec_push(&v, NULL);
    *argc = (int)v.len - 1;
    return v.items;
}

void ph_words_free(char **words) {
    for (char **p = words; p && *p; p++)
        free(*p);
    free(words);
}
