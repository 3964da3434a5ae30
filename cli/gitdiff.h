/*
 * gitdiff: the lines changed since a git ref, for `pyhunt audit --diff BASE`.
 * Runs git as a child process (no shell) from the audited directory:
 * `git rev-parse --show-prefix` to place the audited root in its repository,
 * `git diff --unified=0 BASE --` for changed and added lines of tracked
 * files, and `git ls-files --others --exclude-standard` for new files not yet
 * added, which count as changed throughout. Paths come out relative to the
 * audited root, as findings name them.
 *
 * The audited repository is untrusted, and its .git/config comes with it:
 * git runs with everything that configuration could make it execute
 * switched off (fsmonitor, hooks, textconv, external diff drivers, clean
 * and smudge filters, submodules, the pager), and BASE is passed as a
 * revision only (after --end-of-options; one that starts with '-' is
 * refused).
 */
#ifndef PH_GITDIFF_H
#define PH_GITDIFF_H

#include <stdbool.h>

typedef struct PhChanges PhChanges;

/* Changed lines between BASE and the working tree of the repository holding
 * `dir` (the audited directory). On failure prints `pyhunt: --diff ...` and
 * git's own message to stderr and returns NULL. Caller frees with
 * ph_changes_free(). */
PhChanges *ph_changes_git(const char *dir, const char *base);

/* Parse `git diff --unified=0` output; paths are relative to the repository
 * top level and only those under `prefix` (show-prefix, "" or "sub/dir/")
 * are kept, relative to it. Never fails: unknown lines are skipped. Caller
 * frees with ph_changes_free(). */
PhChanges *ph_changes_parse(const char *diff, const char *prefix);

/* Mark every line of `path` (relative to the audited root) as changed. */
void ph_changes_add_file(PhChanges *self, const char *path);

/* Is `line` of `path` an added or changed line? */
bool ph_changes_has(const PhChanges *self, const char *path, int line);

void ph_changes_free(PhChanges *self);   /* NULL is a no-op */

#endif
