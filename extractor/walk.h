/*
 * walk: the set of Python files under a root. Skips what is never project
 * source (.git, __pycache__, virtualenvs, node_modules, build output, the
 * .pyhunt folder), --exclude globs and .gitignore patterns. Bounded on
 * hostile trees: each real directory is walked once however many links
 * reach it (real paths first, then symlinked directories), a symlink whose
 * target leaves the root is followed only when asked, one into a directory
 * skipped by name (.git...) never, and special files are never opened. A
 * link not followed is a note. It only lists files: reading them is the
 * workers' job.
 */
#ifndef PH_WALK_H
#define PH_WALK_H

#include <stdint.h>
#include <stddef.h>
#include "diag.h"

typedef struct PhWalkFile {
    char *path;          /* relative to the root, '/'-separated; for a root that is a file, its base name */
    char *abspath;       /* root-joined path to open */
    int64_t size;
    int64_t mtime_ns;
    int64_t ctime_ns;    /* status change: moves with every write, even one that restores the mtime */
    int64_t inode;
    int error;           /* errno from stat (dangling link...), EINVAL: not a regular file; 0 if none */
} PhWalkFile;

typedef struct PhWalk {
    PhWalkFile *files;   /* sorted by path */
    size_t len, cap;
} PhWalk;

/* List the .py files under root (a directory or a single file). With
 * follow_links, symlinks whose target lies outside the root are followed
 * too. Problems (unreadable directories, a root that does not exist) are
 * errors in diags, links not followed are notes; returns -1 when the root
 * itself cannot be walked. Caller frees the list with ph_walk_free(). */
int ph_walk(const char *root, const char *const *excludes, size_t n_excludes, bool follow_links, PhWalk *out,
            PhDiags *diags);
void ph_walk_free(PhWalk *self);

/* Does a relative path match a glob (fnmatch with `**` for any depth; a
 * pattern without '/' matches any path component's name)? */
bool ph_walk_match(const char *pattern, const char *relpath);

#endif
