/*
 * toml: tree-sitter-toml's syntax tree made into TOML values (toml.h).
 *
 * The grammar checks the syntax (which characters a bare key, a number or
 * a date may hold, where newlines go); this file applies what a grammar
 * cannot: string escapes and the trimming rules of multi-line strings,
 * integers in range, and the table rules of TOML 1.0. A table is made in
 * one of four ways, kept in its flags: by a [header] (EXPLICIT), as a
 * prefix of a header ([a.b] makes `a` with no flag, and a later [a] may
 * still define it), by a dotted key (DOTTED: `a.b = 1` in a section), or
 * inline (INLINE, which nothing may extend; a static array is INLINE
 * too). [[a]] makes an array of tables (AOT).
 *
 * Keys are found through one hash index over (table, key) pairs for the
 * whole document, so a table of many keys costs linear time, not
 * quadratic. Nothing here recurses deeper than PH_TOML_MAX_DEPTH.
 */
#include "toml.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_toml(void);

enum { EXPLICIT = 1, DOTTED = 2, INLINE = 4, AOT = 8 };

typedef struct Slot {
    const PhTomlValue *table;   /* NULL: free */
    size_t index;               /* of the key in table->keys */
} Slot;

struct PhToml {
    PhArena *arena;
    char *path, *text;          /* in the arena */
    size_t len;
    PhTomlValue *root;
    Slot *slots;                /* open addressing, at most half full */
    size_t nslots, used;
    PhDiags *diags;             /* while parsing */
    bool failed;                /* an error was reported: every step gives up */
};

const char *ph_toml_kind_name(PhTomlKind kind) {
    static const char *const names[] = {"a string",       "an integer", "a float", "a boolean",
                                        "a date or time", "an array",   "a table"};
    return names[kind];
}

static void vdiag(const PhToml *self, PhDiags *diags, PhSeverity sev, uint32_t at, uint32_t width, const char *fmt,
                  va_list ap) {
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *msg = ph_xmalloc((size_t)n + 1);
    vsnprintf(msg, (size_t)n + 1, fmt, again);
    va_end(again);
    /* the caret stays on the first line of a value that spans several */
    uint32_t w = 0;
    while (w < width && at + w < self->len && self->text[at + w] != '\n' && self->text[at + w] != '\r')
        w++;
    ph_diags_add_at(diags, sev, self->path, self->text, at, 1, (int)w, msg);
    free(msg);
}

void ph_toml_diag(const PhToml *self, PhDiags *diags, PhSeverity sev, uint32_t at, uint32_t width, const char *fmt,
                  ...) {
    va_list ap;
    va_start(ap, fmt);
    vdiag(self, diags, sev, at, width, fmt, ap);
    va_end(ap);
}

/* The first error of a parse is reported; the steps after it give up. */
static bool fail(PhToml *doc, uint32_t at, uint32_t width, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static bool fail(PhToml *doc, uint32_t at, uint32_t width, const char *fmt, ...) {
    if (!doc->failed) {
        doc->failed = true;
        va_list ap;
        va_start(ap, fmt);
        vdiag(doc, doc->diags, PH_ERROR, at, width, fmt, ap);
        va_end(ap);
    }
    return false;
}

static uint32_t node_at(TSNode n) { return ts_node_start_byte(n); }
static uint32_t node_width(TSNode n) { return ts_node_end_byte(n) - ts_node_start_byte(n); }

static bool node_is(TSNode n, const char *type) { return strcmp(ts_node_type(n), type) == 0; }

/* The named children of n that are not comments, in order: the i-th. */
static bool nth_child(TSNode n, uint32_t i, TSNode *out) {
    uint32_t count = ts_node_named_child_count(n);
    for (uint32_t k = 0; k < count; k++) {
        TSNode c = ts_node_named_child(n, k);
        if (node_is(c, "comment"))
            continue;
        if (i-- == 0) {
            *out = c;
            return true;
        }
    }
    return false;
}

/* A value inside `parent` (NULL for the document), or NULL after an error
 * when it would be nested too deeply. */
static PhTomlValue *new_value(PhToml *doc, const PhTomlValue *parent, PhTomlKind kind, uint32_t at, uint32_t width) {
    unsigned depth = parent ? parent->depth + 1 : 0;
    if (depth > PH_TOML_MAX_DEPTH) {
        fail(doc, at, width, "invalid TOML: tables and arrays nested more than %d levels deep", PH_TOML_MAX_DEPTH);
        return NULL;
    }
    PhTomlValue *v = ph_arena_alloc(doc->arena, sizeof *v);
    v->kind = kind;
    v->at = at;
    v->width = width;
    v->depth = depth;
    return v;
}

/* ---------------------------------------------------------------------------
 * The key index.
 */

static size_t slot_hash(const PhTomlValue *table, const char *key, size_t len) {
    uintptr_t p = (uintptr_t)table;
    return (size_t)(ph_hash64(key, len) ^ (uint64_t)(p * 0x9E3779B97F4A7C15ULL));
}

static const PhTomlKey *slot_key(const Slot *s) { return &s->table->keys[s->index]; }

static Slot *slot_find(const PhToml *doc, const PhTomlValue *table, const char *key, size_t len) {
    if (!doc->nslots)
        return NULL;
    for (size_t i = slot_hash(table, key, len) & (doc->nslots - 1);; i = (i + 1) & (doc->nslots - 1)) {
        Slot *s = &doc->slots[i];
        if (!s->table)
            return s;
        const PhTomlKey *k = slot_key(s);
        if (s->table == table && k->len == len && memcmp(k->name, key, len) == 0)
            return s;
    }
}

static void index_grow(PhToml *doc) {
    Slot *old = doc->slots;
    size_t n = doc->nslots;
    doc->nslots = n ? n * 2 : 64;
    doc->slots = ph_xcalloc(doc->nslots, sizeof(Slot));
    for (size_t i = 0; i < n; i++)
        if (old[i].table) {
            const PhTomlKey *k = slot_key(&old[i]);
            *slot_find(doc, old[i].table, k->name, k->len) = old[i];
        }
    free(old);
}

static PhTomlValue *table_get(const PhToml *doc, const PhTomlValue *table, const char *key, size_t len) {
    Slot *s = slot_find(doc, table, key, len);
    return s && s->table ? table->items[s->index] : NULL;
}

static void push_item(PhToml *doc, PhTomlValue *v, PhTomlValue *item, const PhTomlKey *key) {
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        PhTomlValue **items = ph_arena_alloc(doc->arena, cap * sizeof *items);
        if (v->n)
            memcpy(items, v->items, v->n * sizeof *items);
        v->items = items;
        if (key) {
            PhTomlKey *keys = ph_arena_alloc(doc->arena, cap * sizeof *keys);
            if (v->n)
                memcpy(keys, v->keys, v->n * sizeof *keys);
            v->keys = keys;
        }
        v->cap = cap;
    }
    if (key)
        v->keys[v->n] = *key;
    v->items[v->n++] = item;
}

static void table_add(PhToml *doc, PhTomlValue *table, const PhTomlKey *key, PhTomlValue *value) {
    if (2 * (doc->used + 1) > doc->nslots)
        index_grow(doc);
    push_item(doc, table, value, key);
    Slot *s = slot_find(doc, table, key->name, key->len);
    s->table = table;
    s->index = table->n - 1;
    doc->used++;
}

/* ---------------------------------------------------------------------------
 * Strings.
 */

static void put_utf8(sqlite3_str *s, unsigned cp) {
    char b[4];
    int n;
    if (cp < 0x80)
        b[0] = (char)cp, n = 1;
    else if (cp < 0x800)
        b[0] = (char)(0xC0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        b[0] = (char)(0xE0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[2] = (char)(0x80 | (cp & 0x3F)),
        n = 3;
    else
        b[0] = (char)(0xF0 | cp >> 18), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    sqlite3_str_append(s, b, n);
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* The string written at [at, end) of the text, in any of TOML's four forms,
 * decoded into the arena: *out, *len. Escapes are checked here (the grammar
 * accepts \uD800, which is no character). */
static bool decode_string(PhToml *doc, uint32_t at, uint32_t end, const char **out, size_t *len) {
    const char *t = doc->text;
    bool literal = t[at] == '\'';
    bool multi = end - at >= 6 && t[at + 1] == t[at] && t[at + 2] == t[at];
    uint32_t q = multi ? 3 : 1;
    uint32_t p = at + q, e = end - q;
    if (multi) {   /* a newline right after the opening quotes is not part of the string */
        if (p < e && t[p] == '\n')
            p++;
        else if (p + 1 < e && t[p] == '\r' && t[p + 1] == '\n')
            p += 2;
    }
    sqlite3_str *s = sqlite3_str_new(NULL);
    while (p < e) {
        if (multi && t[p] == '\r' && p + 1 < e && t[p + 1] == '\n') {
            p++;   /* a CRLF newline is "\n", as Python's tomllib reads it */
            continue;
        }
        if (literal || t[p] != '\\') {
            uint32_t k = p;
            while (k < e && (literal || t[k] != '\\') && !(multi && t[k] == '\r'))
                k++;
            if (k == p)
                k++;   /* a lone CR */
            sqlite3_str_append(s, t + p, (int)(k - p));
            p = k;
            continue;
        }
        char c = t[p + 1];
        const char *simple = strchr("btnfr\"\\", c);
        if (c && simple) {
            static const char map[] = "\b\t\n\f\r\"\\";
            sqlite3_str_appendchar(s, 1, map[simple - "btnfr\"\\"]);
            p += 2;
        } else if (c == 'u' || c == 'U') {
            uint32_t digits = c == 'u' ? 4 : 8;
            unsigned cp = 0;
            bool ok = p + 2 + digits <= e;
            for (uint32_t k = 0; ok && k < digits; k++) {
                char h = t[p + 2 + k];
                int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                                   : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                ok = d >= 0 && cp <= 0x0FFFFFFF;
                cp = cp << 4 | (unsigned)(d < 0 ? 0 : d);
            }
            if (!ok || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                sqlite3_free(sqlite3_str_finish(s));
                return fail(doc, p, 2 + digits, "invalid TOML: '\\%c' escape of no Unicode character", c);
            }
            put_utf8(s, cp);
            p += 2 + digits;
        } else if (multi && (is_blank(c) || c == '\n' || c == '\r')) {
            /* a line-ending backslash: the newline and the blanks after it go */
            uint32_t k = p + 1;
            while (k < e && is_blank(t[k]))
                k++;
            if (k >= e || (t[k] != '\n' && t[k] != '\r')) {
                sqlite3_free(sqlite3_str_finish(s));
                return fail(doc, p, 2, "invalid TOML: unknown escape '\\%c'", c);
            }
            while (k < e && (is_blank(t[k]) || t[k] == '\n' || t[k] == '\r'))
                k++;
            p = k;
        } else {
            sqlite3_free(sqlite3_str_finish(s));
            return fail(doc, p, 2, "invalid TOML: unknown escape '\\%c'", c ? c : ' ');
        }
    }
    *len = (size_t)sqlite3_str_length(s);
    char *r = sqlite3_str_finish(s);
    *out = ph_arena_strndup(doc->arena, r ? r : "", *len);
    sqlite3_free(r);
    return true;
}

/* ---------------------------------------------------------------------------
 * Keys.
 */

typedef struct Keys {
    PhTomlKey k[PH_TOML_MAX_DEPTH];
    size_t n;
} Keys;

static bool decode_key(PhToml *doc, TSNode n, PhTomlKey *out) {
    out->at = node_at(n);
    out->width = node_width(n);
    if (node_is(n, "bare_key")) {
        out->len = out->width;
        out->name = ph_arena_strndup(doc->arena, doc->text + out->at, out->len);
        return true;
    }
    return decode_string(doc, out->at, ts_node_end_byte(n), &out->name, &out->len);
}

/* The last named child of n that is not a comment; false when there is none. */
static bool last_child(TSNode n, TSNode *out) {
    for (uint32_t k = ts_node_named_child_count(n); k-- > 0;) {
        TSNode c = ts_node_named_child(n, k);
        if (!node_is(c, "comment")) {
            *out = c;
            return true;
        }
    }
    return false;
}

/* The parts of a key (`a`, `"a b"`, `a.b.c`), left to right. dotted_key
 * nests to the left (((a . b) . c)), so the chain is walked, not recursed. */
static bool read_keys(PhToml *doc, TSNode n, Keys *out) {
    TSNode parts[PH_TOML_MAX_DEPTH];
    size_t count = 0;
    while (node_is(n, "dotted_key")) {
        TSNode right, left;
        if (count == PH_TOML_MAX_DEPTH - 1)
            return fail(doc, node_at(n), 1, "a key of more than %d parts", PH_TOML_MAX_DEPTH);
        if (!last_child(n, &right) || !nth_child(n, 0, &left))
            return fail(doc, node_at(n), 1, "invalid TOML: a key is missing");
        parts[count++] = right;
        n = left;
    }
    parts[count++] = n;
    out->n = count;
    for (size_t i = 0; i < count; i++)
        if (!decode_key(doc, parts[count - 1 - i], &out->k[i]))
            return false;
    return true;
}

/* ---------------------------------------------------------------------------
 * Values.
 */

/* An integer as the grammar accepted it (sign, 0x/0o/0b, underscores),
 * within 64 bits as TOML requires. */
static bool read_integer(PhToml *doc, PhTomlValue *v) {
    const char *t = doc->text + v->at, *e = t + v->width;
    bool neg = *t == '-';
    if (*t == '-' || *t == '+')
        t++;
    unsigned base = 10;
    if (e - t > 2 && t[0] == '0' && strchr("xob", t[1])) {
        base = t[1] == 'x' ? 16 : t[1] == 'o' ? 8 : 2;
        t += 2;
    }
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, n = 0;
    for (; t < e; t++) {
        if (*t == '_')
            continue;
        unsigned d = *t >= '0' && *t <= '9' ? (unsigned)(*t - '0') : (unsigned)((*t | 0x20) - 'a' + 10);
        if (n > (limit - d) / base)
            return fail(doc, v->at, v->width, "invalid TOML: integer out of the 64-bit range");
        n = n * base + d;
    }
    v->integer = neg ? (int64_t)(0 - n) : (int64_t)n;
    return true;
}

static bool assign_pair(PhToml *doc, PhTomlValue *table, TSNode pair);

/* The value written at node n, inside `parent`; NULL after an error. */
static PhTomlValue *read_value(PhToml *doc, const PhTomlValue *parent, TSNode n) {
    static const struct {
        const char *type;
        PhTomlKind kind;
    } kinds[] = {{"string", PH_TOML_STRING},         {"integer", PH_TOML_INTEGER},
                 {"float", PH_TOML_FLOAT},           {"boolean", PH_TOML_BOOLEAN},
                 {"offset_date_time", PH_TOML_DATETIME}, {"local_date_time", PH_TOML_DATETIME},
                 {"local_date", PH_TOML_DATETIME},   {"local_time", PH_TOML_DATETIME},
                 {"array", PH_TOML_ARRAY},           {"inline_table", PH_TOML_TABLE}};
    const char *type = ts_node_type(n);
    size_t k = 0, nk = sizeof kinds / sizeof *kinds;
    while (k < nk && strcmp(kinds[k].type, type) != 0)
        k++;
    if (k == nk) {
        fail(doc, node_at(n), node_width(n), "invalid TOML: a value is missing");
        return NULL;
    }
    PhTomlValue *v = new_value(doc, parent, kinds[k].kind, node_at(n), node_width(n));
    if (!v)
        return NULL;
    bool ok = true;
    switch (v->kind) {
    case PH_TOML_STRING:
        ok = decode_string(doc, v->at, v->at + v->width, &v->text, &v->len);
        break;
    case PH_TOML_ARRAY: {
        TSNode item;
        for (uint32_t i = 0; ok && nth_child(n, i, &item); i++) {
            PhTomlValue *x = read_value(doc, v, item);
            if (x)
                push_item(doc, v, x, NULL);
            ok = x != NULL;
        }
        v->flags = INLINE;
        break;
    }
    case PH_TOML_TABLE: {
        TSNode pair;
        for (uint32_t i = 0; ok && nth_child(n, i, &pair); i++)
            ok = assign_pair(doc, v, pair);
        v->flags = EXPLICIT | INLINE;   /* after its own pairs: `{a.b = 1, a.c = 2}` is one table a */
        break;
    }
    default:
        v->len = v->width;
        v->text = ph_arena_strndup(doc->arena, doc->text + v->at, v->len);
        if (v->kind == PH_TOML_INTEGER)
            ok = read_integer(doc, v);
        else if (v->kind == PH_TOML_BOOLEAN)
            v->integer = v->text[0] == 't';
        break;
    }
    return ok ? v : NULL;
}

/* `a.b.c = value` inside `table`: the tables a and a.b are made (or, when a
 * dotted key of the same section made them, reused), then c is set, once. */
static bool assign_pair(PhToml *doc, PhTomlValue *table, TSNode pair) {
    TSNode keyn, valn;
    if (!nth_child(pair, 0, &keyn) || !nth_child(pair, 1, &valn))
        return fail(doc, node_at(pair), node_width(pair), "invalid TOML: a key or its value is missing");
    Keys ks;
    if (!read_keys(doc, keyn, &ks))
        return false;
    PhTomlValue *t = table;
    for (size_t i = 0; i + 1 < ks.n; i++) {
        const PhTomlKey *k = &ks.k[i];
        PhTomlValue *x = table_get(doc, t, k->name, k->len);
        if (!x) {
            if (!(x = new_value(doc, t, PH_TOML_TABLE, k->at, k->width)))
                return false;
            x->flags = DOTTED;
            table_add(doc, t, k, x);
        } else if (x->kind != PH_TOML_TABLE) {
            return fail(doc, k->at, k->width, "invalid TOML: '%s' is already %s", k->name, ph_toml_kind_name(x->kind));
        } else if (!(x->flags & DOTTED) || (x->flags & INLINE)) {
            return fail(doc, k->at, k->width, "invalid TOML: table '%s' is defined elsewhere; a dotted key cannot add to it",
                        k->name);
        }
        t = x;
    }
    const PhTomlKey *last = &ks.k[ks.n - 1];
    if (table_get(doc, t, last->name, last->len))
        return fail(doc, last->at, last->width, "invalid TOML: key '%s' is defined twice", last->name);
    PhTomlValue *v = read_value(doc, t, valn);
    if (!v)
        return false;
    table_add(doc, t, last, v);
    return true;
}

/* The table a [header] (or, with `array`, a [[header]]) opens. */
static PhTomlValue *open_section(PhToml *doc, TSNode keyn, bool array) {
    Keys ks;
    if (!read_keys(doc, keyn, &ks))
        return NULL;
    PhTomlValue *t = doc->root;
    for (size_t i = 0; i + 1 < ks.n; i++) {
        const PhTomlKey *k = &ks.k[i];
        PhTomlValue *x = table_get(doc, t, k->name, k->len);
        if (!x) {
            if (!(x = new_value(doc, t, PH_TOML_TABLE, k->at, k->width)))
                return NULL;
            table_add(doc, t, k, x);
        } else if (x->kind == PH_TOML_ARRAY && (x->flags & AOT)) {
            x = x->items[x->n - 1];
        } else if (x->kind != PH_TOML_TABLE || (x->flags & INLINE)) {
            fail(doc, k->at, k->width, "invalid TOML: '%s' is already %s%s", k->name, ph_toml_kind_name(x->kind),
                 x->kind == PH_TOML_TABLE ? ", written inline" : "");
            return NULL;
        }
        t = x;
    }
    const PhTomlKey *k = &ks.k[ks.n - 1];
    PhTomlValue *x = table_get(doc, t, k->name, k->len);
    if (array) {
        if (!x) {
            if (!(x = new_value(doc, t, PH_TOML_ARRAY, k->at, k->width)))
                return NULL;
            x->flags = AOT;
            table_add(doc, t, k, x);
        } else if (x->kind != PH_TOML_ARRAY || !(x->flags & AOT)) {
            fail(doc, k->at, k->width, "invalid TOML: '%s' is already %s, not an array of tables", k->name,
                 ph_toml_kind_name(x->kind));
            return NULL;
        }
        PhTomlValue *elem = new_value(doc, x, PH_TOML_TABLE, k->at, k->width);
        if (!elem)
            return NULL;
        elem->flags = EXPLICIT;
        push_item(doc, x, elem, NULL);
        return elem;
    }
    if (!x) {
        if (!(x = new_value(doc, t, PH_TOML_TABLE, k->at, k->width)))
            return NULL;
        x->flags = EXPLICIT;
        table_add(doc, t, k, x);
        return x;
    }
    if (x->kind == PH_TOML_TABLE && !(x->flags & (EXPLICIT | DOTTED | INLINE))) {
        x->flags |= EXPLICIT;
        return x;
    }
    if (x->kind == PH_TOML_TABLE)
        fail(doc, k->at, k->width, "invalid TOML: table '%s' is defined twice", k->name);
    else
        fail(doc, k->at, k->width, "invalid TOML: '%s' is already %s", k->name, ph_toml_kind_name(x->kind));
    return NULL;
}

/* A key/value pair of a section ends its line (tree-sitter-toml's scanner
 * lets `a = 1 b = 2` through). */
static bool ends_line(PhToml *doc, TSNode pair) {
    uint32_t p = ts_node_end_byte(pair);
    while (p < doc->len && is_blank(doc->text[p]))
        p++;
    if (p >= doc->len || doc->text[p] == '\n' || doc->text[p] == '#' ||
        (doc->text[p] == '\r' && p + 1 < doc->len && doc->text[p + 1] == '\n'))
        return true;
    return fail(doc, p, 1, "invalid TOML: expected the end of the line");
}

/* The document: pairs of the root table, then sections and their pairs. */
static bool build(PhToml *doc, TSNode root) {
    uint32_t count = ts_node_named_child_count(root);
    for (uint32_t i = 0; i < count && !doc->failed; i++) {
        TSNode c = ts_node_named_child(root, i);
        if (node_is(c, "pair")) {
            if (ends_line(doc, c))
                assign_pair(doc, doc->root, c);
            continue;
        }
        bool array = node_is(c, "table_array_element");
        if (!array && !node_is(c, "table"))
            continue;   /* comments */
        TSNode keyn, pair;
        if (!nth_child(c, 0, &keyn))
            return fail(doc, node_at(c), 1, "invalid TOML: a table header without a name");
        PhTomlValue *section = open_section(doc, keyn, array);
        for (uint32_t k = 1; section && nth_child(c, k, &pair); k++)
            if (!ends_line(doc, pair) || !assign_pair(doc, section, pair))
                break;
    }
    return !doc->failed;
}

/* ---------------------------------------------------------------------------
 * Syntax errors: the first ERROR or MISSING node, in document order.
 */

/* What the grammar would have taken in parse state `state`, in words:
 * "']' or '.'", "a value". Caller frees with free(); NULL when nothing
 * can be named. */
static char *expected(TSStateId state) {
    static const struct {
        const char *symbol, *words;
    } names[] = {{"_inline_value", "a value"},   {"bare_key", "a key"}, {"]", "']'"}, {"]]", "']]'"},
                 {".", "'.'"},                   {"=", "'='"},          {",", "','"}, {"}", "'}'"},
                 {"_line_ending_or_eof", "the end of the line"},     {"end", "the end of the file"}};
    enum { N = sizeof names / sizeof *names };
    bool seen[N] = {false};
    TSLookaheadIterator *it = ts_lookahead_iterator_new(tree_sitter_toml(), state);
    while (it && ts_lookahead_iterator_next(it)) {
        const char *sym = ts_lookahead_iterator_current_symbol_name(it);
        for (size_t i = 0; i < N; i++)
            seen[i] |= strcmp(sym, names[i].symbol) == 0;
    }
    ts_lookahead_iterator_delete(it);
    if (seen[0])
        seen[1] = false;   /* a value may be a quoted string: not a key there */
    size_t count = 0, k = 0;
    for (size_t i = 0; i < N; i++)
        count += seen[i];
    if (!count || count > 3)   /* a state that takes almost anything says nothing */
        return NULL;
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (size_t i = 0; i < N; i++)
        if (seen[i]) {
            k++;
            sqlite3_str_appendf(s, "%s%s", k == 1 ? "" : k == count ? " or " : ", ", names[i].words);
        }
    char *t = sqlite3_str_finish(s);
    char *r = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    return r;
}

/* A syntax error at an ERROR or MISSING node. Inside an ERROR, the
 * children keep the parse state they met: the first child that no state
 * took (its state, or the state after it, is 0) is where the parser
 * stopped, and the last known state before it says what it wanted there.
 * With no such child it stopped where the ERROR ends. */
static bool report_syntax(PhToml *doc, TSNode n) {
    enum { NONE = 0, UNKNOWN = 0xFFFF };   /* no state; a node whose state was not kept */
    uint32_t at = node_at(n);
    TSStateId want = NONE;
    if (ts_node_is_missing(n)) {
        want = ts_node_parse_state(n);
    } else {
        uint32_t count = ts_node_child_count(n), i = 0;
        for (; i < count; i++) {
            TSNode c = ts_node_child(n, i);
            TSStateId st = ts_node_parse_state(c), next = ts_node_next_parse_state(c);
            if (st == NONE || next == NONE) {
                if (st != NONE && st != UNKNOWN)
                    want = st;
                break;
            }
            want = next;
        }
        if (i > 0)
            at = i < count ? node_at(ts_node_child(n, i)) : ts_node_end_byte(n);
        else
            want = NONE;
    }
    bool know = want != NONE && want != UNKNOWN;
    char *words = know ? expected(want) : NULL;
    if (ts_node_is_missing(n) && !words) {
        const char *type = ts_node_type(n);
        words = strstr(type, "key") ? ph_xstrdup("a key") : ph_xasprintf("'%s'", type);
    }
    /* the token where it went wrong, up to a blank, at most 16 ASCII bytes */
    uint32_t w = 0;
    while (w < 16 && at + w < doc->len) {
        unsigned char ch = (unsigned char)doc->text[at + w];
        if (ch <= ' ' || ch >= 0x7F)
            break;
        w++;
    }
    bool r;
    if (words)
        r = fail(doc, at, w ? w : 1, "invalid TOML: expected %s%s", words, at >= doc->len ? " before the end of the file" : "");
    else if (at >= doc->len)
        r = fail(doc, at, 1, "invalid TOML: unexpected end of the file");
    else if (doc->text[at] == '\n' || doc->text[at] == '\r')
        r = fail(doc, at, 1, "invalid TOML: unexpected end of the line");
    else if (w)
        r = fail(doc, at, w, "invalid TOML: unexpected '%.*s'", (int)w, doc->text + at);
    else if ((unsigned char)doc->text[at] < 0x20 || doc->text[at] == 0x7F)
        r = fail(doc, at, 1, "invalid TOML: control character 0x%02X (write it as an escape, \\u%04X)",
                 (unsigned char)doc->text[at], (unsigned char)doc->text[at]);
    else
        r = fail(doc, at, 1, "invalid TOML: unexpected character");
    free(words);
    return r;
}

static bool check_syntax(PhToml *doc, TSNode root) {
    if (!ts_node_has_error(root))
        return true;
    TSTreeCursor cur = ts_tree_cursor_new(root);
    bool ok = true;
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&cur);
        if (ts_node_is_missing(n) || ts_node_is_error(n)) {
            /* the innermost error is the most precise */
            for (bool deeper = true; deeper;) {
                deeper = false;
                for (uint32_t i = 0; i < ts_node_child_count(n) && !deeper; i++) {
                    TSNode c = ts_node_child(n, i);
                    if (ts_node_is_error(c) || ts_node_is_missing(c))
                        n = c, deeper = true;
                }
            }
            ok = report_syntax(doc, n);
            break;
        }
        if (ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&cur))
            continue;
        bool moved = false;
        while (!(moved = ts_tree_cursor_goto_next_sibling(&cur)))
            if (!ts_tree_cursor_goto_parent(&cur))
                break;
        if (!moved)
            break;
    }
    ts_tree_cursor_delete(&cur);
    return ok;
}

static bool check_utf8(PhToml *doc) {
    for (size_t i = 0; i < doc->len;) {
        size_t k = ph_utf8_char(doc->text + i, doc->len - i);
        if (!k)
            return fail(doc, (uint32_t)i, 1, "invalid TOML: byte 0x%02X is not UTF-8", (unsigned char)doc->text[i]);
        i += k;
    }
    return true;
}

/* ---------------------------------------------------------------------------
 * The document.
 */

PhToml *ph_toml_parse(const char *path, const char *text, size_t len, PhDiags *diags) {
    PhToml *doc = ph_xcalloc(1, sizeof *doc);
    doc->arena = ph_arena_new();
    doc->path = ph_arena_strndup(doc->arena, path, strlen(path));
    doc->text = ph_arena_strndup(doc->arena, text, len);
    doc->len = len;
    doc->diags = diags;
    doc->root = new_value(doc, NULL, PH_TOML_TABLE, 0, 0);
    doc->root->flags = EXPLICIT;
    bool ok = len <= UINT32_MAX ? check_utf8(doc) : fail(doc, 0, 0, "a TOML file of 4 GB or more");
    /* tree-sitter would skip a byte order mark; Python's tomllib (and so pip) refuses one */
    if (ok && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        ok = fail(doc, 0, 3, "invalid TOML: a byte order mark (save the file as UTF-8 without one)");
    if (ok) {
        TSParser *parser = ts_parser_new();
        TSTree *tree = NULL;
        if (ts_parser_set_language(parser, tree_sitter_toml()))
            tree = ts_parser_parse_string_encoding(parser, NULL, doc->text, (uint32_t)len, TSInputEncodingUTF8);
        ok = tree ? check_syntax(doc, ts_tree_root_node(tree)) && build(doc, ts_tree_root_node(tree))
                  : fail(doc, 0, 0, "tree-sitter could not parse the file");
        ts_tree_delete(tree);
        ts_parser_delete(parser);
    }
    free(doc->slots);
    doc->slots = NULL;
    doc->nslots = doc->used = 0;
    doc->diags = NULL;
    if (!ok) {
        ph_toml_free(doc);
        return NULL;
    }
    return doc;
}

void ph_toml_free(PhToml *self) {
    if (!self)
        return;
    ph_arena_free(self->arena);
    free(self->slots);
    free(self);
}

const PhTomlValue *ph_toml_root(const PhToml *self) { return self->root; }
const char *ph_toml_text(const PhToml *self) { return self->text; }
const char *ph_toml_path(const PhToml *self) { return self->path; }

const PhTomlValue *ph_toml_get(const PhTomlValue *table, const char *key) {
    if (!table || table->kind != PH_TOML_TABLE)
        return NULL;
    size_t len = strlen(key);
    for (size_t i = 0; i < table->n; i++)
        if (table->keys[i].len == len && memcmp(table->keys[i].name, key, len) == 0)
            return table->items[i];
    return NULL;
}
