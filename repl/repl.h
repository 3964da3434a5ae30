/*
 * repl: the interactive front end, `pyhunt repl`. A prompt loop that reads
 * SQL (gathered until sqlite3_complete() says a statement is whole) and
 * dot-commands (one table in dot.c drives dispatch, .help, usage,
 * completion and "did you mean"), runs them over the fact database and
 * prints results with the grid formatter; the source behind a result row is
 * one `.show N` away and a query becomes a rule with `.save`.
 *
 * On a terminal it edits lines with libedit (history in ~/.pyhunt_history,
 * Tab completion, Ctrl-C cancels the input or interrupts the running query);
 * otherwise it reads a script from stdin and prints only results and
 * diagnostics, so batch scripts can drive it.
 *
 * The repl opens no database by itself: the front end that starts it hands
 * over an opener (the CLI's extract-then-open), which `.reload` calls again.
 * repl/ uses core/, schema/ and extractor/, never cli/.
 */
#ifndef PH_REPL_H
#define PH_REPL_H

#include <stdbool.h>
#include <stdio.h>
#include <sqlite3.h>
#include "extractor.h"

/* Exit statuses, the same numbers as the CLI's PhExit. */
enum { PH_REPL_OK = 0, PH_REPL_USAGE = 2, PH_REPL_QUERY = 3 };

/* Open the fact database, extracting `root` first (incrementally) when
 * `extract`; stats may be NULL. Prints its own diagnostics and returns NULL
 * on failure. Caller closes with ph_db_close(). */
typedef sqlite3 *PhReplOpener(const char *root, const char *db_path, bool extract, PhExtractStats *stats);

typedef struct PhReplOptions {
    const char *root;         /* source tree (NULL: the root stored in the database) */
    const char *db_path;      /* NULL: the root's default database */
    bool extract;             /* bring the database up to date with root first */
    const char *rules_dir;    /* user rules: loaded, and where .save writes */
    bool bail;                /* scripts: stop at the first error */
    bool interactive;         /* prompts and banner even when stdin is not a terminal */
    PhReplOpener *open_db;
} PhReplOptions;

typedef struct PhRepl PhRepl;

/* Open the database and load the rules (built-in plus rules_dir). NULL after
 * printing diagnostics. Caller frees with ph_repl_close(). The options'
 * strings are copied. */
PhRepl *ph_repl_open(const PhReplOptions *opts);
void ph_repl_close(PhRepl *self);             /* NULL is a no-op */

/* Read and run commands from stdin until end of input or .quit. Returns
 * PH_REPL_OK, or when stdin is not a terminal the worst error met
 * (PH_REPL_USAGE for a bad command, PH_REPL_QUERY for SQL and rule errors);
 * with bail it returns at the first error, terminal or not. */
int ph_repl_loop(PhRepl *self);

/* Print the Tab candidates for completing the end of `text`, one a line
 * (the hidden `--complete TEXT` option, which tests completion without a
 * terminal). */
void ph_repl_complete(PhRepl *self, const char *text, FILE *out);

#endif
