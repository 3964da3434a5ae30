/*
 * walk: the set of Python files under a root. Skips what is never project
 * source (.git, __pycache__, virtualenvs, node_modules, build output, the
 * .pyhunt folder), --exclude globs and .gitignore patterns; follows symlinks
 * to directories once (a loop is cut where it closes). It only lists files:
 * reading them is the workers' job.
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
    int error;           /* errno from stat (dangling link...), 0 if none */
} PhWalkFile;

typedef struct PhWalk {
    PhWalkFile *files;   /* sorted by path */
    size_t len, cap;
} PhWalk;

/* List the .py files under root (a directory or a single file). Problems
 * (unreadable directories, a root that does not exist) are added to diags;
 * returns -1 when the root itself cannot be walked. Caller frees the list with
 * ph_walk_free(). */
int ph_walk(const char *root, const char *const *excludes, size_t n_excludes, PhWalk *out, PhDiags *diags);
void ph_walk_free(PhWalk *self);

/* Does a relative path match a glob (fnmatch with `**` for any depth; a
 * pattern without '/' matches any path component's name)? */
bool ph_walk_match(const char *pattern, const char *relpath);

#endif
