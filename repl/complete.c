/*
 * complete: what Tab offers. For a dot-command, its name, then what its row
 * of the table says its arguments are (tables, rule ids, file paths, fixed
 * words). For SQL: after FROM, JOIN and friends the tables and views; after
 * `alias.` the columns of the table the statement binds to that alias;
 * elsewhere the columns of the tables the statement names first, then every
 * table and view, every other column and SQL keywords. The statement is read
 * with a small tokenizer: enough to find table names and aliases, not a
 * parser. It is the same code for libedit and for `--complete TEXT`.
 */
#include "internal.h"
#include "db.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef PhVec(char *) List;

/* Add a copy of s unless it is there already. */
static void add(List *l, const char *s) {
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i], s) == 0)
            return;
    ph_vec_push(l, ph_xstrdup(s));
}

static bool has_prefix(const char *s, const char *prefix, size_t n) { return sqlite3_strnicmp(s, prefix, (int)n) == 0; }

static char **finish(List *l) {
    ph_vec_push(l, NULL);
    return l->items;
}

/* ---------------------------------------------------------------------------
 * Argument words.
 */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Paths that start with `word`; directories end with '/'. */
static void file_candidates(List *out, const char *word) {
    const char *slash = strrchr(word, '/');
    char *dir = slash ? ph_xstrndup(word, (size_t)(slash - word + 1)) : ph_xstrdup("");
    const char *base = slash ? slash + 1 : word;
    DIR *d = opendir(*dir ? dir : ".");
    if (!d) {
        free(dir);
        return;
    }
    List found = {0};
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || (e->d_name[0] == '.' && base[0] != '.'))
            continue;
        if (strncmp(e->d_name, base, strlen(base)) != 0)
            continue;
        char *full = ph_xasprintf("%s%s", dir, e->d_name);
        struct stat st;
        bool is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
        ph_vec_push(&found, is_dir ? ph_xasprintf("%s/", full) : ph_xstrdup(full));
        free(full);
    }
    closedir(d);
    if (found.len)
        qsort(found.items, found.len, sizeof(char *), cmp_str);
    for (size_t i = 0; i < found.len; i++) {
        add(out, found.items[i]);
        free(found.items[i]);
    }
    free(found.items);
    free(dir);
}

static void argument(PhRepl *r, List *out, const PhDotCommand *c, const char *word) {
    size_t n = strlen(word);
    switch (c->complete) {
    case PH_ARG_NONE:
        break;
    case PH_ARG_COMMAND:
        for (const PhDotCommand *k = ph_repl_dots; k->name; k++)
            if (has_prefix(k->name, word, n))
                add(out, k->name);
        break;
    case PH_ARG_TABLE: {
        size_t nt;
        char **t = ph_repl_table_names(r, &nt);
        for (size_t i = 0; i < nt; i++)
            if (has_prefix(t[i], word, n))
                add(out, t[i]);
        ph_repl_names_free(t, nt);
        break;
    }
    case PH_ARG_RULE:
        for (size_t i = 0; i < ph_rules_len(r->rules); i++)
            if (has_prefix(ph_rules_at(r->rules, i)->id, word, n))
                add(out, ph_rules_at(r->rules, i)->id);
        break;
    case PH_ARG_FILE:
        file_candidates(out, word);
        break;
    case PH_ARG_WORDS:
        for (const char *p = c->words; *p;) {
            size_t k = strcspn(p, " ");
            char *w = ph_xstrndup(p, k);
            if (has_prefix(w, word, n))
                add(out, w);
            free(w);
            p += k;
            while (*p == ' ')
                p++;
        }
        break;
    }
}

/* ---------------------------------------------------------------------------
 * SQL.
 */

static const char *const keywords[] = {
    "SELECT", "FROM", "WHERE", "JOIN", "LEFT", "INNER", "CROSS", "ON", "USING", "AS", "AND", "OR", "NOT", "IN",
    "IS", "NULL", "LIKE", "GLOB", "REGEXP", "BETWEEN", "EXISTS", "DISTINCT", "GROUP", "BY", "ORDER", "ASC", "DESC",
    "HAVING", "LIMIT", "OFFSET", "UNION", "ALL", "EXCEPT", "INTERSECT", "CASE", "WHEN", "THEN", "ELSE", "END",
    "WITH", "RECURSIVE", "VALUES", "CREATE", "TEMP", "VIEW", "TABLE", "DROP", "EXPLAIN", "QUERY", "PLAN",
    "count", "min", "max", "sum", "total", "avg", "group_concat", "coalesce", "ifnull", "length", "substr",
    "instr", "lower", "upper", "trim", "replace", "printf", "json_extract", "json_each", "has_name",
    "shares_name", NULL,
};

/* Words that end a FROM list or cannot be an alias. */
static const char *const clause_words[] = {
    "WHERE", "ON", "USING", "GROUP", "ORDER", "LIMIT", "HAVING", "SELECT", "UNION", "EXCEPT", "INTERSECT",
    "WINDOW", "JOIN", "LEFT", "RIGHT", "FULL", "INNER", "OUTER", "CROSS", "NATURAL", "AS", "SET", "VALUES",
    "FROM", "AND", "OR", "NOT", "WHEN", "THEN", "ELSE", "END", "CASE", NULL,
};

static bool is_one_of(const char *w, const char *const *set) {
    for (size_t i = 0; set[i]; i++)
        if (sqlite3_stricmp(w, set[i]) == 0)
            return true;
    return false;
}

typedef struct Token {
    char *text;     /* a word (quotes removed), or one punctuation character; NULL for strings */
    bool word;
} Token;

typedef PhVec(Token) Tokens;

static void tokens_free(Tokens *t) {
    for (size_t i = 0; i < t->len; i++)
        free(t->items[i].text);
    free(t->items);
}

/* Words, quoted names and punctuation of s; comments and literals skipped. */
static Tokens tokenize(const char *s) {
    Tokens t = {0};
    while (*s) {
        if (isspace((unsigned char)*s)) {
            s++;
        } else if (s[0] == '-' && s[1] == '-') {
            s += strcspn(s, "\n");
        } else if (s[0] == '/' && s[1] == '*') {
            const char *e = strstr(s + 2, "*/");
            s = e ? e + 2 : s + strlen(s);
        } else if (*s == '\'') {
            const char *e = strchr(s + 1, '\'');
            s = e ? e + 1 : s + strlen(s);
            Token k = {NULL, false};
            ph_vec_push(&t, k);
        } else if (*s == '"' || *s == '`' || *s == '[') {
            char close = *s == '[' ? ']' : *s;
            const char *e = strchr(s + 1, close);
            size_t n = e ? (size_t)(e - s - 1) : strlen(s + 1);
            Token k = {ph_xstrndup(s + 1, n), true};
            ph_vec_push(&t, k);
            s = e ? e + 1 : s + 1 + n;
        } else if (isalnum((unsigned char)*s) || *s == '_' || (unsigned char)*s >= 0x80) {
            const char *b = s;
            while (isalnum((unsigned char)*s) || *s == '_' || *s == '$' || (unsigned char)*s >= 0x80)
                s++;
            Token k = {ph_xstrndup(b, (size_t)(s - b)), true};
            ph_vec_push(&t, k);
        } else {
            Token k = {ph_xstrndup(s, 1), false};
            ph_vec_push(&t, k);
            s++;
        }
    }
    return t;
}

typedef struct Binding {
    char *name;     /* the alias, or the table's own name */
    char *table;
} Binding;

typedef PhVec(Binding) Bindings;

static bool tok_is(const Token *k, const char *w) { return k->text && sqlite3_stricmp(k->text, w) == 0; }

/* The tables a statement reads, with their aliases: after FROM (a comma
 * list) and JOIN, `table [AS] alias`. Only names that are tables or views. */
static Bindings bindings(const Tokens *t, char **tables, size_t ntables) {
    Bindings b = {0};
    for (size_t i = 0; i < t->len; i++) {
        bool from = tok_is(&t->items[i], "FROM");
        if (!from && !tok_is(&t->items[i], "JOIN"))
            continue;
        for (size_t j = i + 1; j < t->len;) {
            Token *k = &t->items[j];
            if (!k->word || is_one_of(k->text, clause_words))
                break;
            bool known = false;
            for (size_t n = 0; n < ntables && !known; n++)
                known = sqlite3_stricmp(tables[n], k->text) == 0;
            j++;
            if (j < t->len && tok_is(&t->items[j], "AS"))
                j++;
            const char *alias = k->text;
            if (j < t->len && t->items[j].word && !is_one_of(t->items[j].text, clause_words))
                alias = t->items[j++].text;
            if (known) {
                Binding x = {ph_xstrdup(alias), ph_xstrdup(k->text)};
                ph_vec_push(&b, x);
            }
            if (!from || j >= t->len || !tok_is(&t->items[j], ","))
                break;
            j++;
        }
    }
    return b;
}

static void bindings_free(Bindings *b) {
    for (size_t i = 0; i < b->len; i++) {
        free(b->items[i].name);
        free(b->items[i].table);
    }
    free(b->items);
}

/* Is the word being completed in a place for a table name? It is after
 * FROM, JOIN, INTO, UPDATE or TABLE, or after a comma of a FROM list. */
static bool wants_table(const Tokens *before) {
    if (!before->len)
        return false;
    const Token *last = &before->items[before->len - 1];
    static const char *const lead[] = {"FROM", "JOIN", "INTO", "UPDATE", "TABLE", NULL};
    if (last->text && last->word && is_one_of(last->text, lead))
        return true;
    if (!tok_is(last, ","))
        return false;
    int depth = 0;   /* the comma's clause: the nearest FROM or clause word at its level */
    for (size_t i = before->len - 1; i-- > 0;) {
        const Token *k = &before->items[i];
        if (tok_is(k, ")"))
            depth++;
        else if (tok_is(k, "("))
            depth--;
        if (depth < 0)
            return false;
        if (depth == 0 && k->word && k->text && is_one_of(k->text, clause_words))
            return tok_is(k, "FROM");
    }
    return false;
}

/* Columns of one table, appended to out as prefix + column when they start
 * with `word`. */
static void columns(PhRepl *r, List *out, const char *table, const char *prefix, const char *word) {
    sqlite3_stmt *st = NULL;
    size_t n = strlen(word);
    if (sqlite3_prepare_v2(r->db, ph_db_statement("columns"), -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        if (has_prefix(c, word, n)) {
            char *w = ph_xasprintf("%s%s", prefix, c);
            add(out, w);
            free(w);
        }
    }
    sqlite3_finalize(st);
}

static void sql_candidates(PhRepl *r, List *out, const char *statement, const char *before, const char *word) {
    size_t ntables;
    char **tables = ph_repl_table_names(r, &ntables);
    Tokens all = tokenize(statement), pre = tokenize(before);
    Bindings b = bindings(&all, tables, ntables);
    size_t n = strlen(word);
    const char *dot = strrchr(word, '.');
    if (dot) {
        /* alias.column: the table bound to the alias, or a table named so */
        char *qual = ph_xstrndup(word, (size_t)(dot - word));
        const char *table = NULL;
        for (size_t i = 0; i < b.len && !table; i++)
            if (sqlite3_stricmp(b.items[i].name, qual) == 0)
                table = b.items[i].table;
        for (size_t i = 0; i < ntables && !table; i++)
            if (sqlite3_stricmp(tables[i], qual) == 0)
                table = tables[i];
        if (table) {
            char *prefix = ph_xasprintf("%s.", qual);
            columns(r, out, table, prefix, dot + 1);
            free(prefix);
        }
        free(qual);
    } else if (wants_table(&pre)) {
        for (size_t i = 0; i < ntables; i++)
            if (has_prefix(tables[i], word, n))
                add(out, tables[i]);
    } else {
        for (size_t i = 0; i < b.len; i++)
            columns(r, out, b.items[i].table, "", word);
        for (size_t i = 0; i < ntables; i++)
            if (has_prefix(tables[i], word, n))
                add(out, tables[i]);
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(r->db, ph_db_statement("all_columns"), -1, &st, NULL) == SQLITE_OK)
            while (sqlite3_step(st) == SQLITE_ROW) {
                const char *c = (const char *)sqlite3_column_text(st, 1);
                if (has_prefix(c, word, n))
                    add(out, c);
            }
        sqlite3_finalize(st);
        bool upper = n && isupper((unsigned char)word[0]);
        for (size_t i = 0; keywords[i]; i++) {
            if (!has_prefix(keywords[i], word, n))
                continue;
            char *k = ph_xstrdup(keywords[i]);
            for (char *c = k; *c; c++)
                *c = (char)(upper ? toupper((unsigned char)*c) : tolower((unsigned char)*c));
            add(out, k);
            free(k);
        }
    }
    bindings_free(&b);
    tokens_free(&all);
    tokens_free(&pre);
    ph_repl_names_free(tables, ntables);
}

char **ph_repl_candidates(PhRepl *r, const char *prior, const char *line, size_t start, size_t end) {
    List out = {0};
    char *word = ph_xstrndup(line + start, end - start);
    const char *t = line;
    while (*t == ' ' || *t == '\t')
        t++;
    if (!*prior && *t == '.') {
        size_t cmd_start = (size_t)(t - line), cmd_len = strcspn(t, " \t");
        if (start <= cmd_start) {
            for (const PhDotCommand *c = ph_repl_dots; c->name; c++) {
                char *dotted = ph_xasprintf(".%s", c->name);
                if (has_prefix(dotted, word, strlen(word)))
                    add(&out, dotted);
                free(dotted);
            }
        } else {
            char *name = ph_xstrndup(t, cmd_len);
            const PhDotCommand *c = ph_repl_dot_find(name);
            if (c)
                argument(r, &out, c, word);
            free(name);
        }
    } else {
        char *statement = ph_xasprintf("%s%s", prior, line);
        char *before = ph_xasprintf("%s%.*s", prior, (int)start, line);
        sql_candidates(r, &out, statement, before, word);
        free(statement);
        free(before);
    }
    free(word);
    return finish(&out);
}

void ph_repl_complete(PhRepl *self, const char *text, FILE *out) {
    size_t end = strlen(text), start = end;
    while (start > 0 && !strchr(ph_edit_word_breaks, text[start - 1]))
        start--;
    char **c = ph_repl_candidates(self, "", text, start, end);
    for (size_t i = 0; c[i]; i++) {
        fprintf(out, "%s\n", c[i]);
        free(c[i]);
    }
    free(c);
}
