/*
 * cli: the command-line front end. Each command lives in its own cmd_*.c
 * and describes itself as data: one PhCommand (name, operands, summary) and
 * one table of PhOption rows, which the one parser (opts.c), `pyhunt help`
 * and generated documentation (a man page, shell completion) all read;
 * main.c lists the commands. Commands print; the layers below them only
 * return data and diagnostics.
 */
#ifndef PH_CLI_H
#define PH_CLI_H

#include <stdbool.h>
#include <stddef.h>
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

/* ---------------------------------------------------------------------------
 * Options as data.
 */

/* What an option's value is, and the type of the field it fills. */
typedef enum {
    PH_OPT_FLAG,           /* no value; bool, set to true */
    PH_OPT_STRING,         /* const char * */
    PH_OPT_PATH,           /* const char *, a file or directory (completion offers files) */
    PH_OPT_INT,            /* int, within [min, max] */
    PH_OPT_SIZE,           /* size_t: bytes, or a number with K, M or G (powers of 1024) */
    PH_OPT_ENUM,           /* const char *, one of `words` (PH_WORDS("a", "b")) */
    PH_OPT_IDS             /* PhStrList of rule ids or prefixes (PH101, PH1, ALL), comma-separated;
                              always repeatable */
} PhOptKind;

enum {
    PH_OPT_REPEAT = 1,     /* STRING and PATH: may be given again, values accumulate in a PhStrList */
    PH_OPT_ONE_DASH = 2,   /* also spelled with one dash, as the sqlite3 shell does (-bail) */
    PH_OPT_HIDDEN = 4      /* left out of help and documentation (test and benchmark switches) */
};

/* One option of a command. A table ends with a row whose name is NULL. */
typedef struct PhOption {
    const char *name;      /* long name without dashes: "jobs" */
    char short_name;       /* 'f' for -f, or 0 */
    PhOptKind kind;
    unsigned flags;        /* PH_OPT_REPEAT, PH_OPT_ONE_DASH, PH_OPT_HIDDEN */
    const char *value;     /* the value's name in help: "FILE", "N"; NULL for flags */
    const char *help;      /* one sentence, no final period */
    size_t offset;         /* offsetof the field it fills in the command's option struct */
    long min, max;         /* PH_OPT_INT: accepted range */
    const char *const *words; /* PH_OPT_ENUM: accepted words, NULL-terminated; matched ignoring case,
                              the field gets the table's spelling */
    const char *def;       /* default, as it would be typed; applied before parsing; NULL: none */
} PhOption;

/* The words of a PH_OPT_ENUM row: .words = PH_WORDS("text", "json"). */
#define PH_WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* A value list: a repeatable option's values, in order. Items are owned. */
typedef struct PhStrList {
    const char **items;
    size_t len, cap;
} PhStrList;
void ph_strlist_push(PhStrList *l, const char *s);   /* s is copied */
void ph_strlist_free(PhStrList *l);                  /* frees the items; the struct is the caller's */

typedef struct PhCommand {
    const char *name;
    /* opts: the command's option struct, filled from its table (NULL when it
     * has none); argv: the operands, argc of them, at most max_args. */
    int (*run)(void *opts, int argc, char **argv);
    const char *usage;             /* what follows the command name: "[PATH] [options]" */
    const char *summary;           /* one line, no final period */
    const PhOption *options;       /* NULL: no options */
    size_t opts_size;              /* sizeof the option struct */
    int max_args;                  /* operands accepted; -1: any number */
    const char *operands;          /* their help, lines of "  NAME   text"; NULL: none */
    const char *notes;             /* help text after the options; NULL: none */
    bool hidden;
} PhCommand;

/* Every command, in help order, ended by NULL. */
extern const PhCommand *const ph_commands[];

extern const PhCommand ph_audit_command, ph_extract_command, ph_query_command, ph_rules_command,
    ph_schema_command, ph_test_command, ph_repl_command, ph_help_command, ph_version_command;

/* What pyhunt is, in a line without capital or period (usage, the man
 * page's NAME). */
extern const char ph_cli_about[];

/* The exit codes and what each means, ended by a NULL meaning. */
typedef struct PhExitCode {
    PhExit code;
    const char *meaning;   /* "no findings" */
} PhExitCode;
extern const PhExitCode ph_exit_codes[];

/* Documentation generated from the tables above (manpage.c): the manual
 * page pyhunt(1) in roff, and the completion script of `shell` (bash or
 * zsh). `pyhunt help --man`, `pyhunt help --completion SHELL`; `make
 * install` installs their output. */
void ph_cli_man(FILE *out);
void ph_cli_completion(FILE *out, const char *shell);

/* The command named `name`, or NULL. Static. */
const PhCommand *ph_cli_command(const char *name);

/* Parse a command's arguments (argv[0] is the command name) into `opts`
 * (the zeroed option struct, opts_size bytes) and the operands (*args,
 * *nargs: caller frees the array with free(); its strings are argv's).
 * Every argument is checked before the command does any work. Returns 0;
 * 1 when -h or --help was given; or PH_EXIT_USAGE after printing
 * `pyhunt: ` and what was wrong, naming the option. Free the option
 * struct's lists with ph_opts_free() in every case. */
int ph_opts_parse(const PhCommand *cmd, int argc, char **argv, void *opts, char ***args, int *nargs);
void ph_opts_free(const PhCommand *cmd, void *opts);

/* A command's help, from its table: usage, summary, operands, options. */
void ph_opts_help(const PhCommand *cmd, FILE *out);

/* What an option means, as help prints it: its help, the words it takes,
 * its default, whether it repeats. Caller frees with free(). */
char *ph_opts_describe(const PhOption *o);

/* The options every extracting command shares; T is its option struct,
 * with fields `PhExtractOptions xo`, `const char *db` and `PhStrList
 * exclude`. */
#define PH_OPTS_EXTRACT(T) \
    {.name = "db", .kind = PH_OPT_PATH, .value = "FILE", .offset = offsetof(T, db), \
     .help = "the fact database (default PATH/.pyhunt/facts.db)"}, \
    {.name = "exclude", .kind = PH_OPT_STRING, .flags = PH_OPT_REPEAT, .value = "GLOB", \
     .offset = offsetof(T, exclude), .help = "skip paths matching GLOB"}, \
    {.name = "jobs", .kind = PH_OPT_INT, .value = "N", .min = 1, .max = 256, .offset = offsetof(T, xo.jobs), \
     .help = "parse with N threads, 1 to 256 (default: one per core)"}, \
    {.name = "follow-links", .kind = PH_OPT_FLAG, .offset = offsetof(T, xo.follow_links), \
     .help = "follow symbolic links that lead outside the audited tree"}, \
    {.name = "max-file-size", .kind = PH_OPT_SIZE, .value = "SIZE", .offset = offsetof(T, xo.max_file_bytes), \
     .help = "skip, with an error, Python files larger than SIZE (bytes, or 512K, 10M, 1G; " \
             "default: the extractor's cap)"}

/* ---------------------------------------------------------------------------
 * What several commands share (common.c, main.c).
 */

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

/* PhExtractOptions.on_wait of the commands: a note that another run holds
 * the database, printed at once (not after the wait with the other
 * diagnostics). */
void ph_cli_say_waiting(const char *db_path);

/* Rules: built-in, the user-rules folders of `root` (rules.h: the user's,
 * then the project's), then --queries directories. Prints diagnostics and
 * returns NULL on a bad rule file. Caller frees with ph_rules_free(). */
PhRuleSet *ph_cli_load_rules(const char *root, const char *const *dirs, size_t ndirs);

/* ---------------------------------------------------------------------------
 * Safe fixes (fix.c): `audit --fix` and `--fix-diff`.
 */

typedef struct PhFixTotals {
    int fixed;             /* findings whose fix was written (or, with a diff, printed) */
    int overlapped;        /* fixes left for a later pass: they overlap one applied now */
    int errors;            /* files that could not be read or written */
    int unparsable;        /* files left alone: their fixed text would not parse (a rule's defect) */
} PhFixTotals;

/* Apply the edits of the findings of fs (sorted by path) to their files
 * under dir, or print them as a unified diff to `diff` (not NULL: nothing
 * is written); file names are prefix + path. Fixes refused are warnings,
 * those refused for overlapping a fix applied in this pass only when
 * `last` (another pass, over the re-extracted files, may apply them).
 * Adds to *t. */
void ph_cli_fix(sqlite3 *db, const char *dir, const char *prefix, const PhFindings *fs, FILE *diff, bool last,
                PhFixTotals *t);

#endif
