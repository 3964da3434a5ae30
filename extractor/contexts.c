/*
 * contexts: code contexts from paths. The patterns and their precedence are
 * documented where callers fill them, on PhContextPattern in extractor.h;
 * the default set is RULES.md's ("Code contexts").
 */
#include "contexts.h"
#include "db.h"
#include "util.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static const PhContextPattern default_set[] = {
    {PH_CTX_TEST, "test/"},        {PH_CTX_TEST, "tests/"},       {PH_CTX_TEST, "testing/"},
    {PH_CTX_TEST, "*_tests/"},     {PH_CTX_TEST, "test_*.py"},    {PH_CTX_TEST, "*_test.py"},
    {PH_CTX_TEST, "conftest.py"},  {PH_CTX_EXAMPLE, "examples/"}, {PH_CTX_EXAMPLE, "example/"},
    {PH_CTX_EXAMPLE, "docs/"},     {PH_CTX_EXAMPLE, "doc/"},      {PH_CTX_EXAMPLE, "demo/"},
    {PH_CTX_EXAMPLE, "samples/"},  {PH_CTX_SCRIPT, "setup.py"},   {PH_CTX_SCRIPT, "noxfile.py"},
    {PH_CTX_SCRIPT, "scripts/"},
};

const PhContextPattern *ph_extract_default_contexts(size_t *n) {
    *n = sizeof default_set / sizeof default_set[0];
    return default_set;
}

bool ph_extract_context_pattern_valid(const char *pattern) {
    size_t n = pattern ? strlen(pattern) : 0;
    return n && pattern[0] != '/' && !strstr(pattern, "//") && n < 1024;
}

/* Does one pattern match relpath? */
static bool matches(const char *pattern, const char *relpath) {
    size_t n = strlen(pattern);
    bool dir = pattern[n - 1] == '/';
    char glob[1024];
    snprintf(glob, sizeof glob, "%.*s", (int)(dir ? n - 1 : n), pattern);
    bool anchored = strchr(glob, '/') != NULL;
    if (!dir) {
        const char *base = strrchr(relpath, '/');
        return fnmatch(glob, anchored ? relpath : base ? base + 1 : relpath, anchored ? FNM_PATHNAME : 0) == 0;
    }
    /* A directory: each leading directory path (anchored), or each
     * directory's own name (not anchored). */
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", relpath);
    for (char *slash = strchr(buf, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = 0;
        const char *name = strrchr(buf, '/');
        bool m = anchored ? fnmatch(glob, buf, FNM_PATHNAME) == 0 : fnmatch(glob, name ? name + 1 : buf, 0) == 0;
        *slash = '/';
        if (m)
            return true;
    }
    return false;
}

PhContext ph_contexts_of(const PhContextPattern *pats, size_t n, const char *relpath) {
    if (!pats)
        pats = ph_extract_default_contexts(&n);
    for (size_t i = 0; i < n; i++)
        if (ph_extract_context_pattern_valid(pats[i].pattern) && matches(pats[i].pattern, relpath))
            return pats[i].context;
    return PH_CTX_CODE;
}

int ph_contexts_refresh(sqlite3 *db, const PhContextPattern *pats, size_t n, int *changed) {
    /* Read every path first, then write: no update under a running scan. */
    typedef struct Move {
        int64_t id;
        PhContext context;
    } Move;
    PhVec(Move) moves = {0};
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, ph_db_statement("file_contexts"), -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        PhContext now = ph_contexts_of(pats, n, (const char *)sqlite3_column_text(st, 1));
        const char *stored = (const char *)sqlite3_column_text(st, 2);
        if (!stored || strcmp(stored, ph_context_name(now)) != 0)
            ph_vec_push(&moves, ((Move){sqlite3_column_int64(st, 0), now}));
        rc = SQLITE_OK;
    }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK && moves.len)
        rc = sqlite3_prepare_v2(db, ph_db_statement("set_file_context"), -1, &st, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < moves.len; i++) {
        sqlite3_bind_int64(st, 1, moves.items[i].id);
        sqlite3_bind_text(st, 2, ph_context_name(moves.items[i].context), -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK)
        *changed += (int)moves.len;
    free(moves.items);
    return rc;
}
