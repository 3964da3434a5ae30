/*
 * toml: a TOML document as values. tree-sitter-toml parses the text (no
 * TOML parser is written here); this module turns its syntax tree into
 * tables, arrays and scalars under TOML's rules: strings decoded (escapes,
 * literal and multi-line forms), dotted keys and [table] headers building
 * nested tables, [[array]] tables, and the errors TOML defines (a key
 * defined twice, a table header repeated, an inline table extended). What
 * the values mean is the caller's business (config.c).
 *
 * Every value and key keeps where it was written (a byte offset and length
 * in the document's text) so that callers can point a diagnostic at it.
 */
#ifndef PH_TOML_H
#define PH_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"

typedef enum {
    PH_TOML_STRING,
    PH_TOML_INTEGER,
    PH_TOML_FLOAT,
    PH_TOML_BOOLEAN,
    PH_TOML_DATETIME,      /* offset or local date-time, date or time: `text` as written */
    PH_TOML_ARRAY,
    PH_TOML_TABLE
} PhTomlKind;

typedef struct PhTomlValue PhTomlValue;

/* A key of a table, decoded ("a b" for "a b" or 'a b'). */
typedef struct PhTomlKey {
    const char *name;      /* NUL-terminated; `len` bytes (a quoted key may hold NUL) */
    size_t len;
    uint32_t at, width;    /* where it was first written */
} PhTomlKey;

struct PhTomlValue {
    PhTomlKind kind;
    uint32_t at, width;    /* the value's bytes in the text; a table: where it was first named */
    const char *text;      /* STRING: decoded UTF-8, `len` bytes, NUL-terminated; INTEGER, FLOAT,
                              BOOLEAN, DATETIME: as written; NULL for arrays and tables */
    size_t len;
    int64_t integer;       /* INTEGER: the value; BOOLEAN: 0 or 1 */
    PhTomlValue **items;   /* ARRAY: the items; TABLE: the values, in the order first written */
    PhTomlKey *keys;       /* TABLE: keys[i] names items[i] */
    size_t n, cap;
    unsigned depth;        /* tables and arrays around it: 0 for the document, at most PH_TOML_MAX_DEPTH */
    unsigned flags;        /* how the table or array was made (toml.c's business) */
};

typedef struct PhToml PhToml;

/* Parse `len` bytes of `text` (the file `path`, for diagnostics). Returns
 * the document, or NULL after one located error (`path:line:col`): text
 * that is not UTF-8, a syntax error, a TOML rule broken, nesting deeper
 * than PH_TOML_MAX_DEPTH. Caller frees with ph_toml_free(). */
PhToml *ph_toml_parse(const char *path, const char *text, size_t len, PhDiags *diags);
void ph_toml_free(PhToml *self);          /* NULL is a no-op */

enum { PH_TOML_MAX_DEPTH = 64 };          /* tables and arrays, however they nest */

/* The top-level table. Borrowed, valid until ph_toml_free(). */
const PhTomlValue *ph_toml_root(const PhToml *self);
/* The document's text and file name, for diagnostics. Borrowed, valid until ph_toml_free(). */
const char *ph_toml_text(const PhToml *self);
const char *ph_toml_path(const PhToml *self);

/* The value of `key` in `table`, or NULL when it has none or `table` is not
 * a table. Borrowed, valid until ph_toml_free(). */
const PhTomlValue *ph_toml_get(const PhTomlValue *table, const char *key);

/* "a string", "an array", ...: for messages. Static. */
const char *ph_toml_kind_name(PhTomlKind kind);

/* Add a diagnostic pointing at bytes [at, at + width) of the document. */
void ph_toml_diag(const PhToml *self, PhDiags *diags, PhSeverity sev, uint32_t at, uint32_t width,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
