/*
 * util: the leaf module every other one may use. Allocation that never
 * returns NULL (out of memory aborts here, in one place, as in tree-sitter and
 * Redis), a bump arena for per-file facts, growable arrays, and small string
 * helpers. It knows nothing of SQL, Python or terminals.
 */
#ifndef PH_UTIL_H
#define PH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Allocation. Never NULL: on failure they print "pyhunt: out of memory" and
 * abort. Memory from them is freed with free(). */
void *ph_xmalloc(size_t n);
void *ph_xcalloc(size_t count, size_t size);
void *ph_xrealloc(void *p, size_t n);
char *ph_xstrdup(const char *s);
char *ph_xstrndup(const char *s, size_t n);
/* printf into fresh memory; caller frees with free(). */
char *ph_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable array of T: `PhVec(int) v = {0}; ph_vec_push(&v, 3); free(v.items);` */
#define PhVec(T) struct { T *items; size_t len, cap; }
#define ph_vec_push(v, x) do { \
        if ((v)->len == (v)->cap) { \
            (v)->cap = (v)->cap ? (v)->cap * 2 : 8; \
            (v)->items = ph_xrealloc((v)->items, (v)->cap * sizeof *(v)->items); \
        } \
        (v)->items[(v)->len++] = (x); \
    } while (0)

/* Bump allocator: many small allocations freed together. */
typedef struct PhArena PhArena;
PhArena *ph_arena_new(void);                 /* caller frees with ph_arena_free() */
void ph_arena_free(PhArena *self);           /* NULL is a no-op */
void *ph_arena_alloc(PhArena *self, size_t n);       /* zeroed, 8-aligned; valid until ph_arena_free */
char *ph_arena_strndup(PhArena *self, const char *s, size_t n); /* valid until ph_arena_free */

/* Whole file into memory; *len gets its size. Returns NULL and sets errno
 * on failure. Caller frees with free(). The buffer is NUL-terminated. */
char *ph_read_file(const char *path, size_t *len);

/* A regular file into memory, at most `max` bytes, never blocking: a FIFO,
 * device, socket or directory is not opened for reading. Returns NULL and
 * sets errno on failure: EINVAL when path is not a regular file, EFBIG
 * when it holds more than max bytes. Caller frees with free(); the buffer
 * is NUL-terminated and *len gets its size. */
char *ph_read_regular(const char *path, size_t max, size_t *len);

/* 64-bit FNV-1a of a byte range. */
uint64_t ph_hash64(const void *data, size_t n);

/* Split a command line into words: blanks separate, '...' and "..." quote
 * (no escapes). Returns a NULL-terminated array and sets *argc; the caller
 * frees it with ph_words_free(). */
char **ph_split_words(const char *s, int *argc);
void ph_words_free(char **words);          /* NULL is a no-op */

bool ph_str_starts(const char *s, const char *prefix);
bool ph_str_ends(const char *s, const char *suffix);

/* Edit distance between two words, ignoring case: Levenshtein plus swapped
 * neighbours ("shwo" is 1 from "show"). */
int ph_str_distance(const char *a, const char *b);
/* The word of `words` nearest to `word`, for "did you mean": within 1 edit
 * for words of up to 4 characters, 2 for longer ones; NULL when none is that
 * close. Borrowed from `words`. */
const char *ph_str_closest(const char *word, const char *const *words, size_t n);

/* Length of the valid UTF-8 character that starts `s` (at most `n` bytes):
 * 1 to 4, or 0 when the bytes there are not UTF-8 (overlong forms and
 * surrogates included). */
size_t ph_utf8_char(const char *s, size_t n);
/* The same, and the character's code point in *code (left alone when the
 * bytes are not UTF-8). */
size_t ph_utf8_decode(const char *s, size_t n, uint32_t *code);

/* A file name as pyhunt prints it in text: unchanged when it is plain, else
 * in double quotes with C escapes, in git's quoted style (which git reads
 * back), valid UTF-8 left as it is. A name is quoted when it holds a control
 * character, '"', '\\' or bytes that are not UTF-8 (each such byte becomes
 * \ooo in octal), or when it starts with "::", which GitHub Actions would
 * read as a workflow command at the start of a log line. Caller frees with
 * free(). */
char *ph_quote_name(const char *name);

/* Monotonic clock in seconds. */
double ph_now(void);

#endif
