/*
 * gitdiff: changed line ranges from git (see gitdiff.h). The parser is
 * driven by hunk headers and their line counts rather than by line prefixes
 * alone, so that an added source line that happens to start with "++ " is
 * never read as a file header.
 */
#include "gitdiff.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct Range {
    char *path;            /* relative to the audited root */
    int lo, hi;            /* inclusive */
} Range;

struct PhChanges {
    PhVec(Range) v;
    bool sorted;
};

static void add_range(PhChanges *c, const char *path, int lo, int hi) {
    Range r = {ph_xstrdup(path), lo, hi};
    ph_vec_push(&c->v, r);
    c->sorted = false;
}

void ph_changes_add_file(PhChanges *self, const char *path) { add_range(self, path, 1, INT_MAX); }

void ph_changes_free(PhChanges *self) {
    if (!self)
        return;
    for (size_t i = 0; i < self->v.len; i++)
        free(self->v.items[i].path);
    free(self->v.items);
    free(self);
}

/* A path from a "+++ " line: `b/path`, or C-quoted `"b/pa\tth"` when it
 * holds unusual bytes. Caller frees; NULL for /dev/null. */
static char *header_path(const char *s) {
    if (strcmp(s, "/dev/null") == 0)
        return NULL;
    sqlite3_str *o = sqlite3_str_new(NULL);
    if (*s == '"') {
        for (s++; *s && *s != '"'; s++) {
            if (*s != '\\' || !s[1]) {
                sqlite3_str_appendchar(o, 1, *s);
                continue;
            }
            s++;
            if (*s >= '0' && *s <= '7') {   /* octal byte: \303\251 */
                int v = 0;
                for (int k = 0; k < 3 && *s >= '0' && *s <= '7'; k++, s++)
                    v = v * 8 + (*s - '0');
                s--;
                sqlite3_str_appendchar(o, 1, (char)v);
            } else {
                const char *from = "abtnvfr", *to = "\a\b\t\n\v\f\r";
                const char *k = strchr(from, *s);
                sqlite3_str_appendchar(o, 1, k ? to[k - from] : *s);
            }
        }
    } else {
        sqlite3_str_appendall(o, s);
    }
    char *t = sqlite3_str_finish(o);
    char *path = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    if (ph_str_starts(path, "b/"))
        memmove(path, path + 2, strlen(path + 2) + 1);
    return path;
}

/* "@@ -a[,b] +c[,d] @@": old count, new start, new count. */
static bool hunk_header(const char *s, int *old_n, int *new_lo, int *new_n) {
    const char *p = s + 3;
    if (*p != '-')
        return false;
    strtol(p + 1, (char **)&p, 10);
    *old_n = 1;
    if (*p == ',')
        *old_n = (int)strtol(p + 1, (char **)&p, 10);
    if (p[0] != ' ' || p[1] != '+')
        return false;
    *new_lo = (int)strtol(p + 2, (char **)&p, 10);
    *new_n = 1;
    if (*p == ',')
        *new_n = (int)strtol(p + 1, (char **)&p, 10);
    return true;
}

PhChanges *ph_changes_parse(const char *diff, const char *prefix) {
    PhChanges *c = ph_xcalloc(1, sizeof *c);
    char *file = NULL;             /* current file, relative to the root; NULL: skip its hunks */
    int old_left = 0, new_left = 0;
    size_t plen = strlen(prefix);
    for (const char *p = diff; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *line = ph_xstrndup(p, n);
        p = e ? e + 1 : p + n;
        if (old_left > 0 || new_left > 0) {      /* inside a hunk */
            if (line[0] == '-')
                old_left--;
            else if (line[0] == '+')
                new_left--;
            free(line);
            continue;
        }
        if (ph_str_starts(line, "diff ")) {
            free(file);
            file = NULL;
        } else if (ph_str_starts(line, "+++ ")) {
            char *path = header_path(line + 4);
            free(file);
            file = NULL;
            if (path && strncmp(path, prefix, plen) == 0)
                file = ph_xstrdup(path + plen);
            free(path);
        } else if (ph_str_starts(line, "@@ ")) {
            int old_n, lo, new_n;
            if (hunk_header(line, &old_n, &lo, &new_n)) {
                if (file && new_n > 0)
                    add_range(c, file, lo, lo + new_n - 1);
                old_left = old_n;
                new_left = new_n;
            }
        }
        free(line);
    }
    free(file);
    return c;
}

static int cmp_range(const void *a, const void *b) {
    const Range *x = a, *y = b;
    int k = strcmp(x->path, y->path);
    return k ? k : (x->lo > y->lo) - (x->lo < y->lo);
}

bool ph_changes_has(const PhChanges *self, const char *path, int line) {
    PhChanges *c = (PhChanges *)self;   /* sorting on first lookup is invisible to callers */
    if (!c->sorted) {
        if (c->v.len)
            qsort(c->v.items, c->v.len, sizeof(Range), cmp_range);
        c->sorted = true;
    }
    /* First range of the path, by binary search; then its ranges in order. */
    size_t lo = 0, hi = c->v.len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(c->v.items[mid].path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < c->v.len && strcmp(c->v.items[i].path, path) == 0 && c->v.items[i].lo <= line; i++)
        if (line <= c->v.items[i].hi)
            return true;
    return false;
}

/* ---------------------------------------------------------------------------
 * Running git.
 */

/* How git runs: from the audited directory, with every command that the
 * audited repository's own configuration could make it run switched off
 * (the tree is untrusted; its .git/config is part of it). `safety` holds
 * the `-c` settings that come first on every command line. */
typedef struct Git {
    const char *dir;
    PhVec(char *) safety;
} Git;

/* Settings that hold for any repository: no fsmonitor hook, no hooks at
 * all (an index refresh runs post-index-change), paths unquoted beyond
 * C escapes, no pager. Textconv and external diff drivers are off by
 * options of `git diff` itself; clean filters by filter_overrides(). */
static const char *const fixed_safety[] = {
    "--no-pager",
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.quotePath=false",
    "-c", "diff.external=",
    "-c", "submodule.recurse=false",
    NULL,
};

/* Run git with args; its stdout comes back NUL-terminated, *len bytes
 * (caller frees), its stderr goes to *err (caller frees). *status is the
 * exit status, or -1 when git could not be run. */
static char *run_git(const Git *g, const char *const *args, size_t *len, int *status, char **err) {
    *status = -1;
    *err = NULL;
    int fds[2];
    FILE *errf = tmpfile();
    if (!errf || pipe(fds) != 0) {
        if (errf)
            fclose(errf);
        *err = ph_xasprintf("cannot run git: %s\n", strerror(errno));
        *len = 0;
        return ph_xstrdup("");
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        dup2(fileno(errf), 2);
        close(fds[1]);
        if (chdir(g->dir) != 0) {
            fprintf(stderr, "cannot enter %s: %s\n", g->dir, strerror(errno));
            _exit(128);
        }
        /* No pager, no prompt, no index lock taken for a refresh. */
        setenv("GIT_PAGER", "cat", 1);
        setenv("GIT_TERMINAL_PROMPT", "0", 1);
        setenv("GIT_OPTIONAL_LOCKS", "0", 1);
        PhVec(char *) argv = {0};
        ph_vec_push(&argv, "git");
        for (const char *const *a = fixed_safety; *a; a++)
            ph_vec_push(&argv, (char *)*a);
        for (size_t i = 0; i < g->safety.len; i++)
            ph_vec_push(&argv, g->safety.items[i]);
        for (const char *const *a = args; *a; a++)
            ph_vec_push(&argv, (char *)*a);
        ph_vec_push(&argv, NULL);
        execvp("git", argv.items);
        fprintf(stderr, "cannot run git: %s\n", strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    sqlite3_str *o = sqlite3_str_new(NULL);
    char buf[65536];
    for (ssize_t k; (k = read(fds[0], buf, sizeof buf)) != 0;) {
        if (k < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        sqlite3_str_append(o, buf, (int)k);
    }
    close(fds[0]);
    int ws = 0;
    if (pid > 0 && waitpid(pid, &ws, 0) == pid)
        *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    *len = (size_t)sqlite3_str_length(o);
    char *t = sqlite3_str_finish(o);
    char *out = ph_xmalloc(*len + 1);
    if (*len)
        memcpy(out, t, *len);
    out[*len] = 0;
    sqlite3_free(t);
    rewind(errf);
    sqlite3_str *es = sqlite3_str_new(NULL);
    for (size_t k; (k = fread(buf, 1, sizeof buf, errf)) > 0;)
        sqlite3_str_append(es, buf, (int)k);
    fclose(errf);
    char *et = sqlite3_str_finish(es);
    *err = ph_xstrdup(et ? et : "");
    sqlite3_free(et);
    return out;
}

/* Clean and smudge filters have no switch: git runs a configured clean
 * filter to hash a changed working-tree file. Every filter driver the
 * configuration defines is emptied (an empty command is no filter) and
 * made optional, so that git reads the files as they are. */
static void filter_overrides(Git *g) {
    const char *args[] = {"config", "--null", "--name-only", "--get-regexp", "^filter\\.", NULL};
    size_t len;
    int status;
    char *err;
    char *names = run_git(g, args, &len, &status, &err);
    free(err);
    for (const char *p = names; status == 0 && p < names + len; p += strlen(p) + 1) {
        const char *dot = strrchr(p, '.');
        if (!dot || dot == p + 6)
            continue;
        bool command = !strcmp(dot, ".clean") || !strcmp(dot, ".smudge") || !strcmp(dot, ".process");
        ph_vec_push(&g->safety, ph_xstrdup("-c"));
        ph_vec_push(&g->safety, command ? ph_xasprintf("%s=", p) : ph_xasprintf("%.*s.required=false", (int)(dot - p), p));
    }
    free(names);
}

/* Print git's message, each line after "pyhunt: ". */
static void report_git(const char *what, const char *base, const char *err) {
    fprintf(stderr, "pyhunt: --diff %s: %s\n", base, what);
    for (const char *p = err; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n)
            fprintf(stderr, "pyhunt:   %.*s\n", (int)n, p);
        p = e ? e + 1 : p + n;
    }
}

PhChanges *ph_changes_git(const char *dir, const char *base) {
    if (!*base || base[0] == '-') {
        fprintf(stderr, "pyhunt: --diff takes a git revision (a branch, tag or commit), not '%s'\n", base);
        return NULL;
    }
    Git g = {dir, {0}};
    int status;
    size_t len;
    char *err;
    PhChanges *c = NULL;
    const char *prefix_args[] = {"rev-parse", "--show-prefix", NULL};
    char *prefix = run_git(&g, prefix_args, &len, &status, &err);
    if (status != 0) {
        report_git("not in a git work tree", base, err);
        goto done;
    }
    free(err);
    prefix[strcspn(prefix, "\n")] = 0;
    filter_overrides(&g);

    /* Options pin what user configuration could change: prefixes
     * (diff.noprefix, diff.mnemonicPrefix), relative paths (diff.relative),
     * colors, textconv and external diff drivers, submodules. BASE is a
     * revision, never an option. */
    const char *diff_args[] = {"diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative",
                               "--ignore-submodules=all", "--src-prefix=a/", "--dst-prefix=b/", "-M", "--unified=0",
                               "--end-of-options", base, "--", NULL};
    char *diff = run_git(&g, diff_args, &len, &status, &err);
    if (status != 0) {
        report_git("git diff failed", base, err);
        free(diff);
        goto done;
    }
    free(err);
    c = ph_changes_parse(diff, prefix);
    free(diff);

    const char *new_args[] = {"ls-files", "--others", "--exclude-standard", "--full-name", "-z", NULL};
    char *untracked = run_git(&g, new_args, &len, &status, &err);
    if (status == 0) {
        size_t plen = strlen(prefix);
        for (const char *p = untracked; p < untracked + len; p += strlen(p) + 1)
            if (strncmp(p, prefix, plen) == 0)
                ph_changes_add_file(c, p + plen);
    }
    free(untracked);
done:
    free(err);
    free(prefix);
    for (size_t i = 0; i < g.safety.len; i++)
        free(g.safety.items[i]);
    free(g.safety.items);
    return c;
}
