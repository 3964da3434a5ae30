/*
 * embedded: the embedded texts by path, the named statements of
 * schema/statements.sql (split once, on first use), and scripts run one
 * statement at a time with the failing statement's line named. The texts
 * themselves are build/embedded.c, which tools/embed.c writes.
 */
#include "embedded.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ph_db_embedded(const char *path) {
    for (const PhEmbedded *e = ph_embedded; e->path; e++)
        if (strcmp(e->path, path) == 0)
            return e->text;
    return NULL;
}

/* Line (1-based) of byte offset `off` in `text`. */
static int line_of(const char *text, size_t off) {
    int line = 1;
    for (size_t i = 0; i < off && text[i]; i++)
        line += text[i] == '\n';
    return line;
}

int ph_db_exec_script(sqlite3 *db, const char *what, const char *sql, PhDiags *diags) {
    const char *p = sql;
    while (*p) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        int rc = sqlite3_prepare_v2(db, p, -1, &st, &tail);
        if (rc == SQLITE_OK && st) {
            while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                ;
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        }
        if (rc != SQLITE_OK) {
            int off = sqlite3_error_offset(db);
            /* Skip the whitespace and comments before the statement so the
             * line is that of the statement itself. */
            size_t start = (size_t)(p - sql);
            int line = line_of(sql, off >= 0 ? start + (size_t)off : start);
            if (diags)
                ph_diags_add(diags, PH_ERROR, what, line, 0, 0, NULL, "%s", sqlite3_errmsg(db));
            sqlite3_finalize(st);
            return rc;
        }
        sqlite3_finalize(st);
        if (!tail || tail == p)
            break;
        p = tail;
    }
    return SQLITE_OK;
}

/* Named statements, split out of schema/statements.sql on first use. */
typedef struct Named {
    char *name, *sql;
} Named;

static Named *named;
static size_t nnamed;
static pthread_once_t named_once = PTHREAD_ONCE_INIT;

static void split_statements(void) {
    const char *t = ph_db_embedded("schema/statements.sql");
    PhVec(Named) v = {0};
    for (const char *p = strstr(t, "-- name: "); p;) {
        const char *name = p + 9, *eol = strchr(name, '\n');
        const char *next = strstr(eol, "-- name: ");
        const char *end = next ? next : eol + strlen(eol);
        Named n = {ph_xstrndup(name, (size_t)(eol - name)), ph_xstrndup(eol + 1, (size_t)(end - eol - 1))};
        ph_vec_push(&v, n);
        p = next;
    }
    named = v.items;
    nnamed = v.len;
}

const char *ph_db_statement(const char *name) {
    pthread_once(&named_once, split_statements);
    for (size_t i = 0; i < nnamed; i++)
        if (strcmp(named[i].name, name) == 0)
            return named[i].sql;
    fprintf(stderr, "pyhunt: internal error: no statement named %s\n", name);
    abort();
}
