/*
 * walk: directory traversal with the skips of DESIGN.md.
 */
#include "walk.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A .gitignore pattern, scoped to the directory holding the file. */
typedef struct Ignore {
    char *base;          /* directory of the .gitignore, relative ("" for root) */
    char *pattern;
    bool negate, dir_only, anchored;
} Ignore;

typedef struct DirId {
    dev_t dev;
    ino_t ino;
} DirId;

typedef struct Walker {
    const char *root;
    const char *const *excludes;
    size_t n_excludes;
    PhWalk *out;
    PhDiags *diags;
    PhVec(Ignore) ignores;
    PhVec(DirId) seen;   /* directories on the current path */
} Walker;

static const char *const skip_dirs[] = {".git", ".hg", ".svn", "__pycache__", "venv", ".venv", "node_modules",
                                        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
                                        ".eggs", ".pyhunt", NULL};

bool ph_walk_match(const char *pattern, const char *relpath) {
    /* '**' anywhere: match the pattern without it against every suffix. */
    const char *star2 = strstr(pattern, "**/");
    if (star2 == pattern) {
        for (const char *s = relpath; s; s = strchr(s, '/')) {
            if (*s == '/')
                s++;
            if (ph_walk_match(pattern + 3, s))
                return true;
        }
        return false;
    }
    if (!strchr(pattern, '/')) {
        /* matches any component, or any path prefix's last component */
        const char *base = strrchr(relpath, '/');
        if (fnmatch(pattern, base ? base + 1 : relpath, 0) == 0)
            return true;
        char buf[4096];
        snprintf(buf, sizeof buf, "%s", relpath);
        for (char *slash = strchr(buf, '/'); slash; slash = strchr(slash + 1, '/')) {
            *slash = 0;
            const char *comp = strrchr(buf, '/');
            bool m = fnmatch(pattern, comp ? comp + 1 : buf, 0) == 0;
            *slash = '/';
            if (m)
                return true;
        }
        return false;
    }
    if (fnmatch(pattern, relpath, FNM_PATHNAME) == 0)
        return true;
    /* a directory pattern covers what is below it */
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", relpath);
    for (char *slash = strrchr(buf, '/'); slash; slash = strrchr(buf, '/')) {
        *slash = 0;
        if (fnmatch(pattern, buf, FNM_PATHNAME) == 0)
            return true;
    }
    return false;
}

static void load_gitignore(Walker *w, const char *abs, const char *rel) {
    char *path = ph_xasprintf("%s/.gitignore", abs);
    size_t len;
    char *text = ph_read_file(path, &len);
    free(path);
    if (!text)
        return;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = 0;
        if (!n || line[0] == '#')
            continue;
        Ignore ig = {0};
        if (line[0] == '!') {
            ig.negate = true;
            line++, n--;
        }
        if (n && line[n - 1] == '/') {
            ig.dir_only = true;
            line[--n] = 0;
        }
        if (line[0] == '/') {
            ig.anchored = true;
            line++;
        } else if (strchr(line, '/') && !ph_str_starts(line, "**/")) {
            ig.anchored = true;
        }
        if (!*line)
            continue;
        ig.base = ph_xstrdup(rel);
        ig.pattern = ph_xstrdup(line);
        ph_vec_push(&w->ignores, ig);
    }
    free(text);
}

static bool ignored(Walker *w, const char *rel, bool is_dir) {
    for (size_t i = 0; i < w->n_excludes; i++)
        if (ph_walk_match(w->excludes[i], rel))
            return true;
    bool ign = false;
    for (size_t i = 0; i < w->ignores.len; i++) {
        Ignore *ig = &w->ignores.items[i];
        if (ig->dir_only && !is_dir)
            continue;
        size_t bl = strlen(ig->base);
        if (bl && (strncmp(rel, ig->base, bl) != 0 || rel[bl] != '/'))
            continue;
        const char *sub = bl ? rel + bl + 1 : rel;
        bool m;
        if (ig->anchored)
            m = fnmatch(ig->pattern, sub, FNM_PATHNAME) == 0;
        else {
            const char *base = strrchr(sub, '/');
            m = fnmatch(ig->pattern, base ? base + 1 : sub, 0) == 0;
        }
        if (m)
            ign = !ig->negate;
    }
    return ign;
}

static void add_file(Walker *w, const char *rel, const char *abs, const struct stat *st, int err) {
    PhWalkFile f = {ph_xstrdup(rel), ph_xstrdup(abs), st ? st->st_size : 0,
                    st ? (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec : 0, err};
    PhWalk *o = w->out;
    if (o->len == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 256;
        o->files = ph_xrealloc(o->files, o->cap * sizeof *o->files);
    }
    o->files[o->len++] = f;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void walk_dir(Walker *w, const char *abs, const char *rel, int depth) {
    DIR *d = opendir(abs);
    if (!d) {
        ph_diags_add(w->diags, PH_ERROR, *rel ? rel : w->root, 0, 0, 0, NULL, "cannot read directory: %s",
                     strerror(errno));
        return;
    }
    PhVec(char *) names = {0};
    bool venv = false;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (strcmp(e->d_name, "pyvenv.cfg") == 0)
            venv = true;
        ph_vec_push(&names, ph_xstrdup(e->d_name));
    }
    closedir(d);
    size_t ignores_before = w->ignores.len;
    if (!venv) {
        load_gitignore(w, abs, rel);
        qsort(names.items, names.len, sizeof(char *), cmp_str);
    }
    for (size_t i = 0; !venv && i < names.len; i++) {
        const char *name = names.items[i];
        char *cabs = ph_xasprintf("%s/%s", abs, name);
        char *crel = *rel ? ph_xasprintf("%s/%s", rel, name) : ph_xstrdup(name);
        struct stat st;
        bool is_py = ph_str_ends(name, ".py");
        if (stat(cabs, &st) != 0) {
            struct stat lst;
            if (is_py && lstat(cabs, &lst) == 0 && !ignored(w, crel, false))
                add_file(w, crel, cabs, NULL, errno ? errno : ENOENT);
        } else if (S_ISDIR(st.st_mode)) {
            bool skip = false;
            for (int k = 0; skip_dirs[k]; k++)
                skip |= strcmp(name, skip_dirs[k]) == 0;
            skip |= ph_str_ends(name, ".egg-info");
            skip |= depth == 0 && (strcmp(name, "build") == 0 || strcmp(name, "dist") == 0);
            for (size_t k = 0; !skip && k < w->seen.len; k++)
                skip |= w->seen.items[k].dev == st.st_dev && w->seen.items[k].ino == st.st_ino;
            if (!skip && !ignored(w, crel, true)) {
                ph_vec_push(&w->seen, ((DirId){st.st_dev, st.st_ino}));
                walk_dir(w, cabs, crel, depth + 1);
                w->seen.len--;
            }
        } else if (is_py && !ignored(w, crel, false)) {
            add_file(w, crel, cabs, &st, S_ISREG(st.st_mode) ? 0 : EINVAL);
        }
        free(cabs);
        free(crel);
    }
    for (size_t i = ignores_before; i < w->ignores.len; i++) {
        free(w->ignores.items[i].base);
        free(w->ignores.items[i].pattern);
    }
    w->ignores.len = ignores_before;
    for (size_t i = 0; i < names.len; i++)
        free(names.items[i]);
    free(names.items);
}

static int cmp_file(const void *a, const void *b) {
    return strcmp(((const PhWalkFile *)a)->path, ((const PhWalkFile *)b)->path);
}

int ph_walk(const char *root, const char *const *excludes, size_t n_excludes, PhWalk *out, PhDiags *diags) {
    memset(out, 0, sizeof *out);
    Walker w = {root, excludes, n_excludes, out, diags, {0}, {0}};
    struct stat st;
    if (stat(root, &st) != 0) {
        ph_diags_add(diags, PH_ERROR, root, 0, 0, 0, NULL, "cannot audit: %s", strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        ph_vec_push(&w.seen, ((DirId){st.st_dev, st.st_ino}));
        walk_dir(&w, root, "", 0);
    } else {
        const char *base = strrchr(root, '/');
        add_file(&w, base ? base + 1 : root, root, &st, S_ISREG(st.st_mode) ? 0 : EINVAL);
    }
    free(w.ignores.items);
    free(w.seen.items);
    qsort(out->files, out->len, sizeof *out->files, cmp_file);
    return 0;
}

void ph_walk_free(PhWalk *self) {
    for (size_t i = 0; i < self->len; i++) {
        free(self->files[i].path);
        free(self->files[i].abspath);
    }
    free(self->files);
    memset(self, 0, sizeof *self);
}
