/*
 * extractor: Python files in, facts in SQLite out. The public face of
 * extractor/: walk the root, parse changed files on worker threads (one
 * tree-sitter parser each), store their facts from one writer, and keep the
 * previous database intact until the new one is complete.
 */
#ifndef PH_EXTRACTOR_H
#define PH_EXTRACTOR_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include "diag.h"

typedef struct PhExtractOptions {
    const char *root;                  /* directory or file to extract */
    const char *db_path;               /* NULL: ROOT/.pyhunt/facts.db */
    int jobs;                          /* worker threads; 0 = one per core */
    const char *const *excludes;       /* globs, relative to root */
    size_t n_excludes;
    bool parse_only;                   /* read and parse, store nothing (benchmark ceiling) */
    bool force;                        /* re-extract every file */
    bool follow_links;                 /* follow symlinks that leave the audited root */
    size_t max_file_bytes;             /* larger files are an error; 0 = the extractor's default cap */
    /* Called, when not NULL, before waiting for another run that is
     * updating the same database, so that the front end can say so then
     * and not after the wait. */
    void (*on_wait)(const char *db_path);
} PhExtractOptions;

typedef struct PhExtractStats {
    int files;                         /* .py files found */
    int parsed;                        /* (re-)extracted */
    int unchanged;                     /* skipped: same size and mtime, or same content */
    int removed;                       /* gone since the last run */
    int failed;                        /* unreadable, binary, too large */
    int syntax_errors;
    long lines;                        /* lines of the files parsed */
    bool rebuilt;                      /* database created or rebuilt from scratch */
    double t_facts;                    /* seconds: walk, parse and store the facts */
    double t_indexes;                  /* seconds: build the indexes (new databases only) */
    double t_derive;                   /* seconds: derive the call graph and other relations */
} PhExtractStats;

/* The default database of a root: ROOT/.pyhunt/facts.db (for a file root,
 * beside the file). Caller frees with free(). */
char *ph_extract_default_db(const char *root);

/* Bring the database up to date with root. Problems with single files are
 * diagnostics and do not stop the run; returns 0, or -1 when the database
 * could not be written (and then it is left as it was). One run at a time
 * writes a database: a second waits for the first (opts->on_wait). A
 * database that is damaged or not wholly pyhunt's is rebuilt with a note
 * (ph_db_open). */
int ph_extract_run(const PhExtractOptions *opts, PhExtractStats *stats, PhDiags *diags);

/* One in-memory source, for tests. */
typedef struct PhMemFile {
    const char *path;                  /* relative path: module name derives from it */
    const char *text;
    size_t len;
} PhMemFile;

/* Extract sources into db (created by ph_db_memory()) on the calling thread. */
int ph_extract_memory(sqlite3 *db, const PhMemFile *files, size_t n, PhDiags *diags);

/* Module name of a relative path: pkg/mod.py -> pkg.mod, pkg/__init__.py ->
 * pkg, src/pkg/x.py -> pkg.x. Caller frees with free(). */
char *ph_extract_module_name(const char *relpath, bool *is_package);

/* Syntax errors (ERROR and MISSING nodes) in text as Python, or -1 when
 * tree-sitter gave up. Stores nothing. */
int ph_extract_syntax_errors(const char *text, size_t len);

/* Print the parse tree of a file: `pyhunt extract --dump-tree FILE`. */
int ph_extract_dump_tree(const char *path, FILE *out, PhDiags *diags);

#endif
