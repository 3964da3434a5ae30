/*
 * project: which tree a command works on, and which of its findings it
 * reports. `pyhunt audit a.py b/` extracts the whole project the paths
 * belong to (so that cross-file facts, a call chain into another module,
 * stay right) and reports only what lies in the paths: what a pre-commit
 * hook needs, as it passes the changed files. The project root is the
 * configuration file's directory, else the nearest directory holding .git,
 * else the paths' common parent; a directory named alone is its own root
 * (as before paths could be many), unless a configuration file above it
 * says where the project starts. See ph_cli_root() in cli.h.
 *
 * Paths stay as the user spelled them (relative ones relative), so that
 * reports name files as the user would.
 */
#include "cli.h"
#include "config.h"
#include "db.h"
#include "util.h"
#include "walk.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool ph_cli_is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* path with "." components, "//", a '/' at the end and "dir/.." pairs
 * taken out (lexically, as Ruff and Python's normpath do); "." when nothing
 * is left. Caller frees with free(). */
static char *normalized(const char *path) {
    bool abs = path[0] == '/';
    PhVec(char *) parts = {0};
    for (const char *p = path; *p;) {
        size_t k = strcspn(p, "/");
        bool up = k == 2 && p[0] == '.' && p[1] == '.';
        if (up && parts.len && strcmp(parts.items[parts.len - 1], "..") != 0)
            free(parts.items[--parts.len]);
        else if (k && !(k == 1 && p[0] == '.') && !(up && abs))
            ph_vec_push(&parts, ph_xstrndup(p, k));
        p += k + (p[k] == '/');
    }
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (size_t i = 0; i < parts.len; i++) {
        if (i || abs)
            sqlite3_str_appendchar(s, 1, '/');
        sqlite3_str_appendall(s, parts.items[i]);
        free(parts.items[i]);
    }
    free(parts.items);
    char *t = sqlite3_str_finish(s);
    char *r = ph_xstrdup(t ? t : abs ? "/" : ".");
    sqlite3_free(t);
    return r;
}

char *ph_cli_dirname(const char *path) {
    char *n = normalized(path);
    char *slash = strrchr(n, '/');
    char *d = !slash ? ph_xstrdup(".") : slash == n ? ph_xstrdup("/") : ph_xstrndup(n, (size_t)(slash - n));
    free(n);
    return d;
}

/* The longest common prefix of two normalized paths, in whole components:
 * a/b and a/c give a; /x and /y give /; a and b give ".". Caller frees
 * with free(). */
static char *common_prefix(const char *a, const char *b) {
    size_t last = 0;
    for (size_t i = 0;; i++) {
        bool end_a = a[i] == 0 || a[i] == '/', end_b = b[i] == 0 || b[i] == '/';
        if (end_a && end_b)
            last = i;
        if (!a[i] || !b[i] || a[i] != b[i])
            break;
    }
    if (last == 0)
        return ph_xstrdup(a[0] == '/' && b[0] == '/' ? "/" : ".");
    return ph_xstrndup(a, last);
}

/* The common parent directory of the paths (a directory is its own parent
 * here). Relative paths are joined to the working directory when another
 * is absolute or one climbs with "..", where components cannot be compared
 * as written. Caller frees with free(). */
static char *common_parent(char *const *paths, int n) {
    bool absolute = false;
    for (int i = 0; i < n; i++) {
        char *p = normalized(paths[i]);
        absolute |= p[0] == '/' || strcmp(p, "..") == 0 || ph_str_starts(p, "../") || strstr(p, "/../") ||
                    ph_str_ends(p, "/..");
        free(p);
    }
    char cwd[PATH_MAX];
    if (absolute && !getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "/");
    char *common = NULL;
    for (int i = 0; i < n; i++) {
        char *p = absolute && paths[i][0] != '/' ? ph_xasprintf("%s/%s", cwd, paths[i]) : ph_xstrdup(paths[i]);
        char *dir = ph_cli_is_dir(p) ? normalized(p) : ph_cli_dirname(p);
        free(p);
        if (common) {
            char *c = common_prefix(common, dir);
            free(common);
            free(dir);
            dir = c;
        }
        common = dir;
    }
    return common ? common : ph_xstrdup(".");
}

char *ph_cli_root(const PhConfigRef *ref, char *const *paths, int npaths, bool narrow) {
    if (ref && ref->file && !ref->path)
        return ph_xstrdup(ph_config_dir(ref->file));
    if (npaths == 0)
        return ph_xstrdup(".");
    if (npaths == 1 && (!narrow || ph_cli_is_dir(paths[0])))
        return normalized(paths[0]);
    char *common = common_parent(paths, npaths);
    char *git = narrow ? ph_config_repository(common) : NULL;
    if (git) {
        free(common);
        return git;
    }
    if (npaths == 1) {
        free(common);
        return normalized(paths[0]);
    }
    return common;
}

/* ---------------------------------------------------------------------------
 * What is reported.
 */

/* The physical path of path, the last component kept as named (the walk
 * names a symlinked file by its link). NULL when it does not exist.
 * Caller frees with free(). */
static char *physical(const char *path) {
    char buf[PATH_MAX];
    if (ph_cli_is_dir(path))
        return realpath(path, buf) ? ph_xstrdup(buf) : NULL;
    char *dir = ph_cli_dirname(path), *n = normalized(path);
    const char *base = strrchr(n, '/') ? strrchr(n, '/') + 1 : n;
    char *r = realpath(dir, buf) ? ph_xasprintf("%s%s%s", buf, strcmp(buf, "/") ? "/" : "", base) : NULL;
    free(dir);
    free(n);
    return r;
}

char **ph_cli_under_root(const char *root, char *const *paths, int npaths) {
    char **rel = ph_xcalloc((size_t)npaths + 1, sizeof *rel);
    char *top = physical(root);
    size_t n = top ? strlen(top) : 0;
    for (int i = 0; i < npaths; i++) {
        char *p = physical(paths[i]);
        if (p && top && strcmp(p, top) == 0)
            rel[i] = ph_xstrdup("");
        else if (p && top && strncmp(p, top, n) == 0 && (p[n] == '/' || strcmp(top, "/") == 0))
            rel[i] = ph_xstrdup(p + n + (p[n] == '/'));
        else   /* outside the root cannot happen (the root holds every path); report all */
            rel[i] = ph_xstrdup("");
        free(p);
    }
    free(top);
    return rel;
}

/* In one of the paths (relative to the root; "" is the whole root)? */
static bool in_paths(const PhFinding *f, void *ctx) {
    char *const *rel = ctx;
    for (size_t i = 0; rel[i]; i++) {
        size_t n = strlen(rel[i]);
        if (n == 0 || (strncmp(f->loc.path, rel[i], n) == 0 && (f->loc.path[n] == '/' || f->loc.path[n] == 0)))
            return true;
    }
    return false;
}

/* Not silenced by the configuration's per-file-ignores? */
static bool not_ignored(const PhFinding *f, void *ctx) {
    const PhTomlValue *table = ctx;
    for (size_t i = 0; i < table->n; i++) {
        if (!ph_walk_match(table->keys[i].name, f->loc.path))
            continue;
        const PhTomlValue *ids = table->items[i];
        for (size_t k = 0; k < ids->n; k++)
            if (ph_rules_match(ids->items[k]->text, f->rule->id))
                return false;
    }
    return true;
}

void ph_cli_report_scope(PhFindings *fs, const PhConfigRef *ref, char **rel) {
    const PhTomlValue *pfi = ref->file ? ph_config_get(ref->file, "per-file-ignores") : NULL;
    if (pfi)
        ph_findings_keep(fs, not_ignored, (void *)pfi);
    if (rel)
        ph_findings_keep(fs, in_paths, rel);
}

void ph_cli_warn_unaudited(sqlite3 *db, char *const *paths, char **rel) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, ph_db_statement("files_under"), -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return;
    }
    PhDiags *d = ph_diags_new();
    for (size_t i = 0; rel[i]; i++) {
        sqlite3_bind_text(st, 1, rel[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0)
            ph_diags_add(d, PH_WARNING, paths[i], 0, 0, 0, NULL,
                         "nothing audited here: no Python file, or only excluded ones (exclude, .gitignore)");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    ph_cli_print_diags(d);
    ph_diags_free(d);
}
