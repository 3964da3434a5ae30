/*
 * walk: directory traversal with the skips of DESIGN.md, bounded on hostile
 * trees.
 *
 * Two passes. The first walks real directories only and queues every
 * symlink to a directory; the second takes the queue in order and walks
 * each link whose target is a directory not walked yet (by device and
 * inode), queueing the links found there in turn. So a file reached both
 * by its real path and through a link is listed once under its real path,
 * two links per level cost one walk per level instead of 2^depth, and a
 * loop closes on a directory already walked. Every refusal is a note on the
 * link's path.
 */
#include "walk.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GITIGNORE_MAX (1 << 20)   /* bytes: a .gitignore larger than this is not read */

/* A .gitignore pattern, scoped to the directory holding the file. */
typedef struct Ignore {
    char *base;          /* directory of the .gitignore, relative ("" for root) */
    char *pattern;
    bool negate, dir_only, anchored;
} Ignore;

/* A walked directory, in an open-addressing set keyed by device and inode. */
typedef struct DirSeen {
    dev_t dev;
    ino_t ino;
    char *rel;           /* the path it was walked as; NULL marks an empty slot */
} DirSeen;

/* A symlink to a directory, walked in the second pass. */
typedef struct Link {
    char *abs, *rel;
    int depth;           /* of the directory the link stands for (the root's children are 1) */
} Link;

typedef struct Walker {
    const char *root;
    char *root_real;     /* realpath of root */
    bool follow_links;
    const char *const *excludes;
    size_t n_excludes;
    PhWalk *out;
    PhDiags *diags;
    PhVec(Ignore) ignores;
    DirSeen *seen;       /* cap slots, a power of two */
    size_t n_seen, cap_seen;
    PhVec(Link) links;
} Walker;

static const char *const skip_dirs[] = {".git", ".hg", ".svn", "__pycache__", "venv", ".venv", "node_modules",
                                        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
                                        ".eggs", ".pyhunt", NULL};

static bool skipped_name(const char *name) {
    for (int k = 0; skip_dirs[k]; k++)
        if (strcmp(name, skip_dirs[k]) == 0)
            return true;
    return ph_str_ends(name, ".egg-info");
}

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
        char *buf = ph_xstrdup(relpath);
        bool m = false;
        for (char *slash = strchr(buf, '/'); slash && !m; slash = strchr(slash + 1, '/')) {
            *slash = 0;
            const char *comp = strrchr(buf, '/');
            m = fnmatch(pattern, comp ? comp + 1 : buf, 0) == 0;
            *slash = '/';
        }
        free(buf);
        return m;
    }
    if (fnmatch(pattern, relpath, FNM_PATHNAME) == 0)
        return true;
    /* a directory pattern covers what is below it */
    char *buf = ph_xstrdup(relpath);
    bool m = false;
    for (char *slash = strrchr(buf, '/'); slash && !m; slash = strrchr(buf, '/')) {
        *slash = 0;
        m = fnmatch(pattern, buf, FNM_PATHNAME) == 0;
    }
    free(buf);
    return m;
}

/* ---------------------------------------------------------------------------
 * Walked directories.
 */

static size_t seen_slot(const Walker *w, dev_t dev, ino_t ino) {
    uint64_t h = ((uint64_t)ino * 0x9E3779B97F4A7C15ULL) ^ (uint64_t)dev;
    size_t i = (size_t)(h ^ (h >> 29)) & (w->cap_seen - 1);
    while (w->seen[i].rel && (w->seen[i].dev != dev || w->seen[i].ino != ino))
        i = (i + 1) & (w->cap_seen - 1);
    return i;
}

/* The path a directory was walked as, or NULL. Borrowed, valid until the
 * walk ends. */
static const char *seen_as(const Walker *w, const struct stat *st) {
    return w->cap_seen ? w->seen[seen_slot(w, st->st_dev, st->st_ino)].rel : NULL;
}

static void mark_seen(Walker *w, const struct stat *st, const char *rel) {
    if (2 * (w->n_seen + 1) > w->cap_seen) {
        DirSeen *old = w->seen;
        size_t old_cap = w->cap_seen;
        w->cap_seen = old_cap ? old_cap * 2 : 64;
        w->seen = ph_xcalloc(w->cap_seen, sizeof *w->seen);
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].rel)
                w->seen[seen_slot(w, old[i].dev, old[i].ino)] = old[i];
        free(old);
    }
    w->seen[seen_slot(w, st->st_dev, st->st_ino)] = (DirSeen){st->st_dev, st->st_ino, ph_xstrdup(rel)};
    w->n_seen++;
}

/* ---------------------------------------------------------------------------
 * Links.
 */

/* Why the symlink at abs must not be followed, or NULL if it may: its
 * target leaves the root (unless follow_links), or lies in a directory
 * skipped by name (.git, .pyhunt...: never). Caller frees with free(). */
static char *link_refusal(const Walker *w, const char *abs) {
    char *real = realpath(abs, NULL);
    if (!real)
        return ph_xasprintf("cannot resolve symlink: %s; not followed", strerror(errno));
    size_t rl = strlen(w->root_real);
    bool inside = strcmp(w->root_real, "/") == 0 ||
                  (strncmp(real, w->root_real, rl) == 0 && (real[rl] == '/' || real[rl] == 0));
    const char *below = !inside ? real : real[rl] == '/' ? real + rl + 1 : real + rl;
    char *msg = NULL;
    char *parts = ph_xstrdup(below);
    for (char *c = strtok(parts, "/"); c && !msg; c = strtok(NULL, "/"))
        if (skipped_name(c))
            msg = ph_xasprintf("symlink to %s, in a directory pyhunt never reads; not followed", below);
    free(parts);
    if (!msg && !inside && !w->follow_links)
        msg = ph_xasprintf("symlink to %s, outside the audited root; not followed (--follow-links follows it)",
                           real);
    free(real);
    return msg;
}

/* Note and return true when the symlink at abs (shown as rel) is refused. */
static bool refused(Walker *w, const char *abs, const char *rel) {
    char *why = link_refusal(w, abs);
    if (why)
        ph_diags_add(w->diags, PH_NOTE, rel, 0, 0, 0, NULL, "%s", why);
    free(why);
    return why != NULL;
}

/* ---------------------------------------------------------------------------
 * Ignore rules.
 */

/* Push the patterns of abs/.gitignore (rel: its directory, relative). A
 * .gitignore that is not a regular file or is too large is not read: a
 * warning when `report` (the first time the walk meets it). */
static void load_gitignore(Walker *w, const char *abs, const char *rel, bool report) {
    char *path = ph_xasprintf("%s/.gitignore", abs);
    char *shown = *rel ? ph_xasprintf("%s/.gitignore", rel) : ph_xstrdup(".gitignore");
    struct stat lst;
    char *text = NULL;
    size_t len;
    char *why = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) ? link_refusal(w, path) : NULL;
    if (why && report)
        ph_diags_add(w->diags, PH_NOTE, shown, 0, 0, 0, NULL, "%s", why);
    if (!why && !(text = ph_read_regular(path, GITIGNORE_MAX, &len)) && errno != ENOENT && report)
        ph_diags_add(w->diags, PH_WARNING, shown, 0, 0, 0, NULL, "%s; its patterns are not applied",
                     errno == EINVAL ? "not a regular file" : errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
    free(why);
    free(path);
    free(shown);
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

static void pop_ignores(Walker *w, size_t keep) {
    for (size_t i = keep; i < w->ignores.len; i++) {
        free(w->ignores.items[i].base);
        free(w->ignores.items[i].pattern);
    }
    w->ignores.len = keep;
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

/* A directory entry the walk does not enter: skipped by name, top-level
 * build output, excluded or ignored. depth is the depth of its parent. */
static bool dir_skipped(Walker *w, const char *name, const char *rel, int depth) {
    if (skipped_name(name) || (depth == 0 && (strcmp(name, "build") == 0 || strcmp(name, "dist") == 0)))
        return true;
    return ignored(w, rel, true);
}

/* ---------------------------------------------------------------------------
 * The passes.
 */

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

static void add_file(Walker *w, const char *rel, const char *abs, const struct stat *st, int err) {
    PhWalkFile f = {ph_xstrdup(rel), ph_xstrdup(abs), 0, 0, 0, 0, err};
    if (st) {
        f.size = st->st_size;
        f.mtime_ns = ns(st->st_mtim);
        f.ctime_ns = ns(st->st_ctim);
        f.inode = (int64_t)st->st_ino;
    }
    PhWalk *o = w->out;
    if (o->len == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 256;
        o->files = ph_xrealloc(o->files, o->cap * sizeof *o->files);
    }
    o->files[o->len++] = f;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void walk_dir(Walker *w, const char *abs, const char *rel, int depth);

/* One entry of a directory: a file to list, a directory to walk now, a
 * link to a directory to walk in the second pass, or nothing. */
static void walk_entry(Walker *w, const char *name, const char *cabs, const char *crel, int depth) {
    bool is_py = ph_str_ends(name, ".py");
    struct stat lst, st;
    if (lstat(cabs, &lst) != 0) {
        if (is_py && !ignored(w, crel, false))
            add_file(w, crel, cabs, NULL, errno ? errno : ENOENT);
        else if (errno != ENOENT)   /* a name too long, say: it may hold Python files */
            ph_diags_add(w->diags, PH_ERROR, crel, 0, 0, 0, NULL, "cannot read: %s", strerror(errno));
        return;
    }
    if (S_ISLNK(lst.st_mode)) {
        if (stat(cabs, &st) != 0) {
            if (is_py && !ignored(w, crel, false))
                add_file(w, crel, cabs, NULL, errno ? errno : ENOENT);
        } else if (S_ISDIR(st.st_mode)) {
            if (!dir_skipped(w, name, crel, depth))
                ph_vec_push(&w->links, ((Link){ph_xstrdup(cabs), ph_xstrdup(crel), depth + 1}));
        } else if (is_py && !ignored(w, crel, false) && !refused(w, cabs, crel)) {
            add_file(w, crel, cabs, &st, S_ISREG(st.st_mode) ? 0 : EINVAL);
        }
        return;
    }
    if (S_ISDIR(lst.st_mode)) {
        if (dir_skipped(w, name, crel, depth))
            return;
        const char *as = seen_as(w, &lst);
        if (as) {
            ph_diags_add(w->diags, PH_NOTE, crel, 0, 0, 0, NULL, "directory already walked as %s; not walked again",
                         *as ? as : "the root");
            return;
        }
        mark_seen(w, &lst, crel);
        walk_dir(w, cabs, crel, depth + 1);
    } else if (is_py && !ignored(w, crel, false)) {
        add_file(w, crel, cabs, &lst, S_ISREG(lst.st_mode) ? 0 : EINVAL);
    }
}

static void walk_dir(Walker *w, const char *abs, const char *rel, int depth) {
    /* Past PATH_MAX no entry could be opened by its path. */
    DIR *d = strlen(abs) + sizeof "/.gitignore" > PATH_MAX ? (errno = ENAMETOOLONG, NULL) : opendir(abs);
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
        load_gitignore(w, abs, rel, true);
        if (names.len)
            qsort(names.items, names.len, sizeof(char *), cmp_str);
    }
    for (size_t i = 0; !venv && i < names.len; i++) {
        char *cabs = ph_xasprintf("%s/%s", abs, names.items[i]);
        char *crel = *rel ? ph_xasprintf("%s/%s", rel, names.items[i]) : ph_xstrdup(names.items[i]);
        walk_entry(w, names.items[i], cabs, crel, depth);
        free(cabs);
        free(crel);
    }
    pop_ignores(w, ignores_before);
    for (size_t i = 0; i < names.len; i++)
        free(names.items[i]);
    free(names.items);
}

/* The second pass for one link: walk its directory unless it was walked
 * already or the link is refused, with the .gitignore files of the
 * directories above the link in force. */
static void walk_link(Walker *w, const Link *l) {
    struct stat st;
    if (stat(l->abs, &st) != 0 || !S_ISDIR(st.st_mode))
        return;   /* changed since the first pass */
    const char *as = seen_as(w, &st);
    if (as) {
        ph_diags_add(w->diags, PH_NOTE, l->rel, 0, 0, 0, NULL,
                     "symlink to a directory already walked as %s; not followed", *as ? as : "the root");
        return;
    }
    if (refused(w, l->abs, l->rel))
        return;
    mark_seen(w, &st, l->rel);
    size_t keep = w->ignores.len;
    load_gitignore(w, w->root, "", false);
    char *parent = ph_xstrdup(l->rel);
    char *slash = strrchr(parent, '/');
    if (slash) {
        *slash = 0;
        for (char *s = parent;;) {
            char *next = strchr(s, '/');
            if (next)
                *next = 0;
            char *dabs = ph_xasprintf("%s/%s", w->root, parent);
            load_gitignore(w, dabs, parent, false);
            free(dabs);
            if (!next)
                break;
            *next = '/';
            s = next + 1;
        }
    }
    free(parent);
    walk_dir(w, l->abs, l->rel, l->depth);
    pop_ignores(w, keep);
}

static int cmp_file(const void *a, const void *b) {
    return strcmp(((const PhWalkFile *)a)->path, ((const PhWalkFile *)b)->path);
}

int ph_walk(const char *root, const char *const *excludes, size_t n_excludes, bool follow_links, PhWalk *out,
            PhDiags *diags) {
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(root, &st) != 0) {
        ph_diags_add(diags, PH_ERROR, root, 0, 0, 0, NULL, "cannot audit: %s", strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        Walker w = {.root = root, .out = out};
        const char *base = strrchr(root, '/');
        add_file(&w, base ? base + 1 : root, root, &st, S_ISREG(st.st_mode) ? 0 : EINVAL);
        return 0;
    }
    Walker w = {.root = root, .follow_links = follow_links, .excludes = excludes, .n_excludes = n_excludes,
                .out = out, .diags = diags};
    w.root_real = realpath(root, NULL);
    if (!w.root_real) {
        ph_diags_add(diags, PH_ERROR, root, 0, 0, 0, NULL, "cannot audit: %s", strerror(errno));
        return -1;
    }
    mark_seen(&w, &st, "");
    walk_dir(&w, root, "", 0);
    for (size_t i = 0; i < w.links.len; i++) {
        Link l = w.links.items[i];   /* a copy: walking it may grow the queue */
        walk_link(&w, &l);
    }
    for (size_t i = 0; i < w.links.len; i++) {
        free(w.links.items[i].abs);
        free(w.links.items[i].rel);
    }
    free(w.links.items);
    for (size_t i = 0; i < w.cap_seen; i++)
        free(w.seen[i].rel);
    free(w.seen);
    free(w.ignores.items);
    free(w.root_real);
    if (out->len)
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
