/*
 * cli: the command-line front end. main.c holds the command table (name,
 * handler, usage, summary); each command lives in its own cmd_*.c. Commands
 * print; the layers below them only return data and diagnostics.
 */
#ifndef PH_CLI_H
#define PH_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sqlite3.h>
#include "diag.h"
#include "extractor.h"
#include "rules.h"

/* Exit codes, as users know them from other linters. */
typedef enum {
    PH_EXIT_CLEAN = 0,      /* no findings */
    PH_EXIT_FINDINGS = 1,   /* findings reported */
    PH_EXIT_USAGE = 2,      /* bad usage, or input that could not be read */
    PH_EXIT_QUERY = 3       /* a rule or query failed (bad header, bad SQL) */
} PhExit;

typedef struct PhCommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;      /* arguments after the command name */
    const char *summary;    /* one line */
    const char *help;       /* options, one per line; NULL for none */
    bool hidden;
} PhCommand;

extern const PhCommand ph_commands[];

int ph_cmd_audit(int argc, char **argv);
int ph_cmd_extract(int argc, char **argv);
int ph_cmd_query(int argc, char **argv);
int ph_cmd_rules(int argc, char **argv);
int ph_cmd_schema(int argc, char **argv);
int ph_cmd_test(int argc, char **argv);
int ph_cmd_repl(int argc, char **argv);
int ph_cmd_help(int argc, char **argv);
int ph_cmd_version(int argc, char **argv);

/* Print "pyhunt: message" plus the command's usage line to stderr and return
 * PH_EXIT_USAGE. */
int ph_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print diagnostics to stderr (colored on a terminal). */
void ph_cli_print_diags(const PhDiags *d);

/* Open the fact database of root, extracting first (incrementally) unless
 * `no_extract`. On failure prints diagnostics and returns NULL; *input_errors
 * counts files that could not be read. Caller closes with ph_db_close(). */
sqlite3 *ph_cli_open_db(const char *root, const char *db_path, const PhExtractOptions *xo, bool no_extract,
                        int *input_errors, PhExtractStats *stats);

/* Rules: built-in plus --queries directories, with the catalogue*.tsv
 * files found beside them. Prints diagnostics and returns NULL with *status
 * set on a bad file: PH_EXIT_QUERY for a rule, PH_EXIT_USAGE for a
 * catalogue. Caller frees with ph_rules_free(). */
PhRuleSet *ph_cli_load_rules(const char *const *dirs, size_t ndirs, int *status);

/* Load the rule set's catalogue files into db (ph_rules_attach), printing
 * any diagnostic. Returns 0 or -1. */
int ph_cli_attach_catalogues(const PhRuleSet *rules, sqlite3 *db);

/* A value list option given several times, or comma-separated. */
typedef struct PhStrList {
    const char **items;
    size_t len, cap;
} PhStrList;
void ph_strlist_push(PhStrList *l, const char *s);

#endif
