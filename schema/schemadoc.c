/*
 * schemadoc: the schema's documentation as data, for .schema TABLE. The
 * tables are documented where they are defined: schema/tables.sql (and
 * schema/catalogue.sql for the catalogue) puts a `-- comment` after each
 * column (continued on `--` lines below it), and
 * each library view in schema/views*.sql is headed by a comment block.
 * This file reads those embedded texts once; it knows nothing else of the
 * schema (the columns themselves come from the database).
 */
#include "schemadoc.h"
#include "embedded.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct Doc {
    char *table, *column;   /* column NULL: a view's description */
    char *text;
} Doc;

static PhVec(Doc) docs;
static bool loaded;

static char *trimmed(const char *s, size_t n) {
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return ph_xstrndup(s, n);
}

/* Append `more` to a doc's text, after a space. */
static void extend(Doc *d, const char *more) {
    if (!*more)
        return;
    char *t = d->text && *d->text ? ph_xasprintf("%s %s", d->text, more) : ph_xstrdup(more);
    free(d->text);
    d->text = t;
}

/* One CREATE TABLE body, from the line after "name(" to ");". Each code
 * line names one or more columns; its comment documents all of them, and
 * comment-only lines below continue it. */
static const char *parse_table(const char *table, const char *p) {
    size_t first = docs.len;   /* the columns of the previous code line: [first, docs.len) */
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        const char *next = eol ? eol + 1 : p + n;
        const char *s = p;
        while (s < p + n && isspace((unsigned char)*s))
            s++;
        if (ph_str_starts(s, ");"))
            return next;
        const char *dash = NULL;
        for (const char *c = s; c + 1 < p + n; c++)
            if (c[0] == '-' && c[1] == '-') {
                dash = c;
                break;
            }
        char *comment = dash ? trimmed(dash + 2, (size_t)(p + n - dash - 2)) : ph_xstrdup("");
        if (dash == s) {            /* continuation of the previous line's comment */
            for (size_t i = first; i < docs.len; i++)
                extend(&docs.items[i], comment);
            free(comment);
            p = next;
            continue;
        }
        first = docs.len;
        const char *code_end = dash ? dash : p + n;
        for (const char *c = s; c < code_end;) {
            while (c < code_end && (isspace((unsigned char)*c) || *c == ','))
                c++;
            const char *w = c;
            while (c < code_end && (isalnum((unsigned char)*c) || *c == '_'))
                c++;
            if (c > w) {
                char *name = ph_xstrndup(w, (size_t)(c - w));
                static const char *const constraints[] = {"PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT"};
                bool constraint = false;
                for (size_t k = 0; k < sizeof constraints / sizeof *constraints; k++)
                    constraint |= strcmp(name, constraints[k]) == 0;
                if (constraint) {
                    free(name);
                } else {
                    Doc d = {ph_xstrdup(table), name, ph_xstrdup(comment)};
                    ph_vec_push(&docs, d);
                }
            }
            /* skip the rest of this column definition (up to a top-level comma) */
            int depth = 0;
            while (c < code_end && (depth > 0 || *c != ',')) {
                depth += *c == '(';
                depth -= *c == ')';
                c++;
            }
        }
        free(comment);
        p = next;
    }
    return p;
}

/* A view's comment block: the `--` lines right above its CREATE, the first
 * one (the signature, "name(cols)") dropped. */
static void parse_view(const char *text, const char *create, const char *name, size_t nlen) {
    const char *start = create;
    for (;;) {
        if (start == text)
            break;
        const char *prev = start - 1;   /* the '\n' ending the line above */
        const char *ls = prev;
        while (ls > text && ls[-1] != '\n')
            ls--;
        if (!ph_str_starts(ls, "--"))
            break;
        start = ls;
    }
    sqlite3_str *s = sqlite3_str_new(NULL);
    bool first = true;
    for (const char *p = start; p < create;) {
        const char *eol = strchr(p, '\n');
        const char *t = p + 2;
        if (*t == ' ')
            t++;
        bool signature = first && strncmp(t, name, nlen) == 0 && t[nlen] == '(';
        if (!signature)
            sqlite3_str_appendf(s, "%s%.*s", sqlite3_str_length(s) ? "\n" : "", (int)(eol - t), t);
        first = false;
        p = eol + 1;
    }
    char *t = sqlite3_str_finish(s);
    Doc d = {ph_xstrndup(name, nlen), NULL, ph_xstrdup(t ? t : "")};
    sqlite3_free(t);
    ph_vec_push(&docs, d);
}

/* The tables of one source: every `CREATE TABLE name(` (or `CREATE TEMP
 * TABLE`) at the start of a line. */
static void parse_tables(const char *t) {
    for (const char *p = t; p && (p = strstr(p, "CREATE "));) {
        const char *name = p + 7;
        if (ph_str_starts(name, "TEMP "))
            name += 5;
        const char *paren = strchr(name, '(');
        if (!ph_str_starts(name, "TABLE ") || !paren || (p != t && p[-1] != '\n')) {
            p = name;
            continue;
        }
        name += 6;
        char *table = trimmed(name, (size_t)(paren - name));
        const char *body = strchr(paren, '\n');
        p = body ? parse_table(table, body + 1) : paren + 1;
        free(table);
    }
}

static void load(void) {
    if (loaded)
        return;
    loaded = true;
    parse_tables(ph_db_embedded("schema/tables.sql"));
    parse_tables(ph_db_embedded("schema/catalogue.sql"));
    for (const PhEmbedded *e = ph_embedded; e->path; e++) {
        if (!ph_str_starts(e->path, "schema/views") || !ph_str_ends(e->path, ".sql"))
            continue;
        for (const char *p = e->text; (p = strstr(p, "CREATE ")); p++) {
            if (p != e->text && p[-1] != '\n')
                continue;
            const char *name = p + 7;
            if (ph_str_starts(name, "TEMP "))
                name += 5;
            if (!ph_str_starts(name, "VIEW "))
                continue;
            name += 5;
            size_t n = 0;
            while (isalnum((unsigned char)name[n]) || name[n] == '_')
                n++;
            parse_view(e->text, p, name, n);
        }
    }
}

const char *ph_schemadoc_column(const char *table, const char *column) {
    load();
    for (size_t i = 0; i < docs.len; i++)
        if (docs.items[i].column && strcmp(docs.items[i].table, table) == 0 &&
            strcmp(docs.items[i].column, column) == 0)
            return *docs.items[i].text ? docs.items[i].text : NULL;
    return NULL;
}

const char *ph_schemadoc_view(const char *view) {
    load();
    for (size_t i = 0; i < docs.len; i++)
        if (!docs.items[i].column && strcmp(docs.items[i].table, view) == 0)
            return *docs.items[i].text ? docs.items[i].text : NULL;
    return NULL;
}

void ph_schemadoc_free(void) {
    for (size_t i = 0; i < docs.len; i++) {
        free(docs.items[i].table);
        free(docs.items[i].column);
        free(docs.items[i].text);
    }
    free(docs.items);
    memset(&docs, 0, sizeof docs);
    loaded = false;
}
