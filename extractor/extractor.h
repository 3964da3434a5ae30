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
#include "context.h"
#include "diag.h"

/* One code-context pattern (RULES.md, "Code contexts"). Paths are relative
 * to the audited root, '/'-separated; globs are fnmatch(3)'s (`*`, `?`,
 * `[...]`), case-sensitive, and `*` never crosses a '/':
 *
 *   NAME/        a directory named NAME, at any depth: "tests/", "*_tests/"
 *                (the file is anywhere below it)
 *   NAME         the file's own name, in any directory: "test_*.py",
 *                "conftest.py", "setup.py"
 *   A/B, A/B/    with a '/' before the end: the path from the root, "src/tools/x_*.py";
 *                with a final '/', everything below that directory, "tools/release/"
 *
 * A pattern is valid when ph_extract_context_pattern_valid() says so (not
 * empty, no leading '/', no "//"); ph_extract_run() refuses a list that
 * holds an invalid one (an error diagnostic, nothing written), so check
 * them where they are read, to say where they came from.
 *
 * Precedence: the FIRST pattern of the list that matches a file gives its
 * context; a file no pattern matches is PH_CTX_CODE. So order is meaning:
 * the default set lists its test patterns, then example, then script
 * patterns (`docs/tests/test_x.py` is test, `examples/setup.py` is
 * example), and a pattern for PH_CTX_CODE placed before the others keeps
 * matching files in `code` ("mypkg/testing/" for a test-client package the
 * project ships). */
typedef struct PhContextPattern {
    PhContext context;                 /* what a matching file is */
    const char *pattern;               /* borrowed: must stay valid during ph_extract_run() */
} PhContextPattern;

/* The default set, in precedence order: test (`test/`, `tests/`,
 * `testing/`, `*_tests/`, `test_*.py`, `*_test.py`, `conftest.py`), example
 * (`examples/`, `example/`, `docs/`, `doc/`, `demo/`, `samples/`), script
 * (`setup.py`, `noxfile.py`, `scripts/`). *n gets its length. Static. */
const PhContextPattern *ph_extract_default_contexts(size_t *n);

/* Is `pattern` a pattern the list may hold? */
bool ph_extract_context_pattern_valid(const char *pattern);

typedef struct PhExtractOptions {
    const char *root;                  /* directory or file to extract */
    const char *db_path;               /* NULL: ROOT/.pyhunt/facts.db */
    int jobs;                          /* worker threads; 0 = one per core */
    const char *const *excludes;       /* globs, relative to root */
    size_t n_excludes;
    bool parse_only;                   /* read and parse, store nothing (benchmark ceiling) */
    bool force;                        /* re-extract every file */
    bool follow_links;                 /* follow symlinks that leave the audited root */
    size_t max_file_bytes;             /* larger files are an error and not read; 0 = PH_MAX_FILE_BYTES */
    /* Code contexts: the whole pattern list, in precedence order (see
     * PhContextPattern); NULL = ph_extract_default_contexts(). A list given
     * here replaces the default set: to add patterns to it, put them first
     * and copy the default set after them. Configuration ([tool.pyhunt])
     * fills it. Every run gives each stored file the context the current
     * list gives its path, so a changed list re-contexts unchanged files
     * without re-extracting them (their facts stay; derived data and
     * cached rule results are recomputed). */
    const PhContextPattern *contexts;
    size_t n_contexts;
    /* Called, when not NULL, before waiting for another run that is
     * updating the same database, so that the front end can say so then
     * and not after the wait. */
    void (*on_wait)(const char *db_path);
    int n_slowest;                     /* keep the times of the N slowest files in stats (0: none) */
    /* Called, when not NULL, on the calling thread as files are stored:
     * `done` of `total` files to read this run. */
    void (*on_progress)(void *arg, size_t done, size_t total);
    void *progress_arg;
} PhExtractOptions;

/* The default size limit of a file. It bounds the memory a file can take
 * (tree-sitter's tree and the facts are both proportional to its size: up to
 * a few hundred bytes per source byte for hostile input, about 30 for
 * ordinary code). Large generated modules (API clients, data tables) reach
 * 6 MB; a 50 MB file is refused unless the limit is raised. */
#define PH_MAX_FILE_BYTES ((size_t)8 << 20)

typedef struct PhExtractFileTime {
    char *path;                        /* relative to the root */
    double parse;                      /* seconds on a worker: read, parse, facts */
    double store;                      /* seconds in the writer */
} PhExtractFileTime;

typedef struct PhExtractStats {
    int files;                         /* .py files found */
    int parsed;                        /* (re-)extracted */
    int unchanged;                     /* skipped: same size and mtime, or same content */
    int removed;                       /* gone since the last run */
    int failed;                        /* unreadable, binary, too large, nested too deeply: not extracted */
    int syntax_errors;
    long lines;                        /* lines of the files parsed */
    int recontexted;                   /* stored files whose context changed with the patterns */
    bool rebuilt;                      /* database created or rebuilt from scratch */
    double t_facts;                    /* seconds: walk, parse and store the facts */
    double t_indexes;                  /* seconds: build the indexes (new databases only) */
    double t_derive;                   /* seconds: derive the call graph and other relations */
    PhExtractFileTime *slowest;        /* opts->n_slowest files read, slowest first; NULL when not asked */
    int n_slowest;
} PhExtractStats;

/* Free what ph_extract_run() put in stats (the slowest files). */
void ph_extract_stats_free(PhExtractStats *stats);

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

/* The text the extractor parses for a file's bytes: a PEP 263 encoding
 * decoded to UTF-8, a byte order mark dropped, lone CRs made line ends,
 * bytes that are not UTF-8 read as U+FFFD (base/source.h,
 * ph_source_prepare). Positions in the facts are positions in this text.
 * Caller frees with free(); *out_len gets its length. */
char *ph_extract_text(const char *bytes, size_t len, size_t *out_len);

/* Syntax errors (ERROR and MISSING nodes) in a text of ph_extract_text()
 * as Python, or -1 when tree-sitter gave up. Stores nothing. */
int ph_extract_syntax_errors(const char *text, size_t len);

/* Print the parse tree of a file: `pyhunt extract --dump-tree FILE`. */
int ph_extract_dump_tree(const char *path, FILE *out, PhDiags *diags);

#endif
