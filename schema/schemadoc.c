/*
 * schemadoc: the schema's sources read as data. Each source is scanned for
 * `CREATE [TEMP] TABLE|VIEW name` at the start of a line; the statement ends
 * where sqlite3_complete() first says it is whole, so a ';' in a string or a
 * comment never cuts it. The documentation follows the sources' own
 * conventions:
 *
 *   - a table documents each column with the `-- comment` after it on its
 *     line (continued on `--` lines below it; one comment after several
 *     columns on one line documents them all);
 *   - a view is headed by a comment block, its signature `name(cols)` on
 *     the first line, then what it means; its columns are the names of its
 *     CREATE VIEW name(...) list.
 *
 * Everything lives in one arena, freed by ph_schemadoc_free().
 */
#include "schemadoc.h"
#include "embedded.h"
#include "util.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static PhArena *arena;
static PhVec(PhSchemaObject) objects;
static PhVec(const char *) sources;

static bool is_word(char c) { return isalnum((unsigned char)c) || c == '_'; }

static char *trimmed(const char *s, size_t n) {
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return ph_arena_strndup(arena, s, n);
}

/* Append `more` to a column's documentation, after a space. */
static void extend(PhSchemaColumn *c, const char *more) {
    if (!*more)
        return;
    if (!c->doc || !*c->doc) {
        c->doc = more;
        return;
    }
    size_t a = strlen(c->doc), b = strlen(more);
    char *t = ph_arena_alloc(arena, a + b + 2);
    memcpy(t, c->doc, a);
    t[a] = ' ';
    memcpy(t + a + 1, more, b + 1);
    c->doc = t;
}

typedef PhVec(PhSchemaColumn) Columns;

/* The columns of a CREATE TABLE body, from the line after "name(" to the
 * end of the statement. Each code line names one or more columns (up to a
 * top-level comma; constraints name none); its comment documents all of
 * them, and comment-only lines below continue it. */
static void table_columns(const char *p, const char *end, Columns *out) {
    static const char *const constraints[] = {"PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT"};
    size_t first = out->len;   /* the columns of the previous code line: [first, out->len) */
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = eol ? eol : end;
        const char *next = eol ? eol + 1 : end;
        const char *s = p;
        while (s < line_end && isspace((unsigned char)*s))
            s++;
        const char *dash = NULL;
        for (const char *c = s; c + 1 < line_end && !dash; c++)
            if (c[0] == '-' && c[1] == '-')
                dash = c;
        const char *comment = dash ? trimmed(dash + 2, (size_t)(line_end - dash - 2)) : "";
        if (dash == s) {   /* continuation of the previous line's comment */
            for (size_t i = first; i < out->len; i++)
                extend(&out->items[i], comment);
            p = next;
            continue;
        }
        first = out->len;
        const char *code_end = dash ? dash : line_end;
        for (const char *c = s; c < code_end;) {
            while (c < code_end && (isspace((unsigned char)*c) || *c == ','))
                c++;
            const char *w = c;
            while (c < code_end && is_word(*c))
                c++;
            bool constraint = false;
            for (size_t k = 0; k < sizeof constraints / sizeof *constraints; k++)
                constraint |= (size_t)(c - w) == strlen(constraints[k]) && strncmp(w, constraints[k], (size_t)(c - w)) == 0;
            if (c > w && !constraint) {
                PhSchemaColumn col = {ph_arena_strndup(arena, w, (size_t)(c - w)), *comment ? comment : NULL};
                ph_vec_push(out, col);
            }
            int depth = 0;   /* the rest of this definition, up to a top-level comma */
            while (c < code_end && (depth > 0 || *c != ',')) {
                depth += *c == '(';
                depth -= *c == ')';
                c++;
            }
        }
        p = next;
    }
}

/* The names of a view's column list, `(a, b, c)` at p. */
static void view_columns(const char *p, const char *end, Columns *out) {
    if (p >= end || *p != '(')
        return;
    for (p++; p < end && *p != ')';) {
        while (p < end && (isspace((unsigned char)*p) || *p == ','))
            p++;
        const char *w = p;
        while (p < end && is_word(*p))
            p++;
        if (p == w)
            break;
        PhSchemaColumn col = {ph_arena_strndup(arena, w, (size_t)(p - w)), NULL};
        ph_vec_push(out, col);
    }
}

/* Start of the comment block that ends on the line before `create` (no
 * blank line between), or `create` itself when there is none. */
static const char *block_start(const char *text, const char *create) {
    const char *start = create;
    while (start > text) {
        const char *ls = start - 1;   /* the '\n' ending the line above */
        while (ls > text && ls[-1] != '\n')
            ls--;
        if (!ph_str_starts(ls, "--"))
            break;
        start = ls;
    }
    return start;
}

/* The block [start, create) without its `--` marks; a view's first line is
 * dropped when it is the signature `name(`. NULL for no block. */
static const char *description(const char *start, const char *create, const char *name, bool view) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    size_t n = strlen(name);
    for (const char *p = start; p < create;) {
        const char *eol = strchr(p, '\n');
        const char *t = p + 2;
        if (*t == ' ')
            t++;
        bool signature = view && p == start && strncmp(t, name, n) == 0 && t[n] == '(';
        if (!signature)
            sqlite3_str_appendf(s, "%s%.*s", sqlite3_str_length(s) ? "\n" : "", (int)(eol - t), t);
        p = eol + 1;
    }
    char *t = sqlite3_str_finish(s);
    const char *d = t ? ph_arena_strndup(arena, t, strlen(t)) : NULL;
    sqlite3_free(t);
    return d;
}

/* End of the statement that starts at p: just after the first ';' that
 * makes it complete, or the end of the text. */
static const char *statement_end(const char *p) {
    for (const char *semi = strchr(p, ';'); semi; semi = strchr(semi + 1, ';')) {
        char *sql = ph_xstrndup(p, (size_t)(semi + 1 - p));
        bool whole = sqlite3_complete(sql);
        free(sql);
        if (whole)
            return semi + 1;
    }
    return p + strlen(p);
}

/* `CREATE [TEMP] TABLE|VIEW [IF NOT EXISTS] ` at p: the name after it, or
 * NULL (an index, a trigger). *view says which. */
static const char *created_name(const char *p, bool *view) {
    p += strlen("CREATE ");
    if (ph_str_starts(p, "TEMP "))
        p += strlen("TEMP ");
    *view = ph_str_starts(p, "VIEW ");
    if (!*view && !ph_str_starts(p, "TABLE "))
        return NULL;
    p += *view ? strlen("VIEW ") : strlen("TABLE ");
    if (ph_str_starts(p, "IF NOT EXISTS "))
        p += strlen("IF NOT EXISTS ");
    return p;
}

static void read_source(const char *path) {
    const char *text = ph_db_embedded(path);
    int line = 1;
    for (const char *p = text; p && *p;) {
        bool view;
        const char *name = ph_str_starts(p, "CREATE ") ? created_name(p, &view) : NULL;
        if (!name) {
            const char *eol = strchr(p, '\n');
            p = eol ? eol + 1 : p + strlen(p);
            line++;
            continue;
        }
        size_t n = 0;
        while (is_word(name[n]))
            n++;
        const char *end = statement_end(p), *start = block_start(text, p);
        PhSchemaObject o = {.name = ph_arena_strndup(arena, name, n), .view = view, .path = path, .line = line,
                            .text = start, .text_len = (size_t)(end - start)};
        o.description = start < p ? description(start, p, o.name, view) : NULL;
        Columns cols = {0};
        if (view) {
            view_columns(name + n, end, &cols);
        } else {
            const char *body = memchr(name + n, '\n', (size_t)(end - (name + n)));
            if (body)
                table_columns(body + 1, end, &cols);
        }
        PhSchemaColumn *kept = ph_arena_alloc(arena, (cols.len ? cols.len : 1) * sizeof *kept);
        if (cols.len)
            memcpy(kept, cols.items, cols.len * sizeof *kept);
        free(cols.items);
        o.columns = kept;
        o.ncolumns = cols.len;
        ph_vec_push(&objects, o);
        for (; p < end; p++)
            line += *p == '\n';
    }
}

static void load(void) {
    if (arena)
        return;
    arena = ph_arena_new();
    ph_vec_push(&sources, "schema/tables.sql");
    ph_vec_push(&sources, "schema/catalogue.sql");
    for (const PhEmbedded *e = ph_embedded; e->path; e++)
        if (ph_str_starts(e->path, "schema/views/") && ph_str_ends(e->path, ".sql"))
            ph_vec_push(&sources, e->path);
    for (size_t i = 0; i < sources.len; i++)
        read_source(sources.items[i]);
}

size_t ph_schemadoc_count(void) {
    load();
    return objects.len;
}

const PhSchemaObject *ph_schemadoc_at(size_t i) {
    load();
    return i < objects.len ? &objects.items[i] : NULL;
}

const PhSchemaObject *ph_schemadoc_find(const char *name) {
    load();
    for (size_t i = 0; i < objects.len; i++)
        if (strcmp(objects.items[i].name, name) == 0)
            return &objects.items[i];
    return NULL;
}

const char *ph_schemadoc_column(const char *table, const char *column) {
    const PhSchemaObject *o = ph_schemadoc_find(table);
    for (size_t i = 0; o && i < o->ncolumns; i++)
        if (strcmp(o->columns[i].name, column) == 0)
            return o->columns[i].doc;
    return NULL;
}

const char *ph_schemadoc_source(size_t i) {
    load();
    return i < sources.len ? sources.items[i] : NULL;
}

void ph_schemadoc_free(void) {
    ph_arena_free(arena);
    arena = NULL;
    free(objects.items);
    free(sources.items);
    memset(&objects, 0, sizeof objects);
    memset(&sources, 0, sizeof sources);
}
