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
#include <stdint.h>
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
    PH_OPT_IDS,            /* PhStrList of rule ids or prefixes (PH101, PH1, ALL), comma-separated;
                              always repeatable */
    PH_OPT_WORDS,          /* PhStrList of `words` (PH_WORDS), comma-separated, matched ignoring case,
                              each item the table's spelling; always repeatable */
    PH_OPT_CONFIG          /* PhConfigRef: --config FILE, and where the configuration file's
                              values go (cli/config.c); one row per table at most */
} PhOptKind;

enum {
    PH_OPT_REPEAT = 1,     /* STRING and PATH: may be given again, values accumulate in a PhStrList */
    PH_OPT_ONE_DASH = 2,   /* also spelled with one dash, as the sqlite3 shell does (-bail) */
    PH_OPT_HIDDEN = 4,     /* left out of help and documentation (test and benchmark switches) */
    PH_OPT_EXTEND = 8,     /* lists: given on the command line, its values add to the configuration
                              file's instead of replacing them (--extend-select, --ignore) */
    PH_OPT_FILE_ONLY = 16  /* set by the configuration file only: no command-line spelling (yet) */
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
    const char *const *words; /* PH_OPT_ENUM, PH_OPT_WORDS: accepted words, NULL-terminated; matched
                              ignoring case, the field gets the table's spelling */
    const char *def;       /* default, as it would be typed; applied before parsing; NULL: none */
    const char *resets;    /* given on the command line, it also drops the configuration file's
                              values of these rows (names, space-separated): --select drops the
                              file's extend-select and ignore, as in Ruff; NULL: none */
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

/* Store one value, spelled as on the command line, into the field of row
 * `o` (the configuration file's values go this way). Returns NULL, or why
 * the value is wrong, to follow the option's name ("takes P1, P2 or P3,
 * not 'P4'"): caller frees with free(). */
char *ph_opts_set(const PhOption *o, const char *value, void *opts);
/* Does the row fill a PhStrList (a repeatable or list option)? */
bool ph_opts_is_list(const PhOption *o);
/* The row of `cmd` named `name`, or NULL. Borrowed from the table. */
const PhOption *ph_opts_find(const PhCommand *cmd, const char *name);

/* A command's help, from its table: usage, summary, operands, options. */
void ph_opts_help(const PhCommand *cmd, FILE *out);

/* Print "pyhunt: message" plus the usage line of cmd (NULL: none) to
 * stderr and return PH_EXIT_USAGE. */
int ph_cli_usage_error(const PhCommand *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
     .help = "parse (and run rules) with N threads, 1 to 256 (default: one per core)"}, \
    {.name = "follow-links", .kind = PH_OPT_FLAG, .offset = offsetof(T, xo.follow_links), \
     .help = "follow symbolic links that lead outside the audited tree"}, \
    {.name = "max-file-size", .kind = PH_OPT_SIZE, .value = "SIZE", .offset = offsetof(T, xo.max_file_bytes), \
     .help = "skip, with an error, Python files larger than SIZE (bytes, or 512K, 10M, 1G; " \
             "default: the extractor's cap)"}

/* A hidden switch for tests of code contexts: `--context-pattern
 * CONTEXT=PATTERN`, repeatable, is the whole pattern list of
 * PhExtractOptions.contexts, in order (configuration is the way users set
 * them). T has a field `PhStrList context_patterns`; the command turns it
 * into xo with ph_cli_context_patterns(). */
#define PH_OPT_CONTEXT_PATTERN(T) \
    {.name = "context-pattern", .kind = PH_OPT_STRING, .flags = PH_OPT_REPEAT | PH_OPT_HIDDEN, \
     .value = "CONTEXT=PATTERN", .offset = offsetof(T, context_patterns), \
     .help = "the code-context patterns, in precedence order, instead of the default set"}

/* ---------------------------------------------------------------------------
 * The configuration file (cli/config.c; the file itself: core/config.h).
 */

typedef struct PhConfig PhConfig;

/* The field of a command's PH_OPT_CONFIG row. */
typedef struct PhConfigRef {
    const char *path;      /* --config FILE: read this file instead of searching */
    bool isolated;         /* --isolated: read no file */
    PhConfig *file;        /* the configuration read; NULL: none. Owned, freed by ph_opts_free() */
    uint64_t given;        /* bit i: row i of the table was given on the command line (opts.c) */
    PhStrList owned;       /* values made from the file (paths joined to its directory) */
} PhConfigRef;

/* The rows of a command that reads the configuration file; T is its option
 * struct, with a field `PhConfigRef cfg`. */
#define PH_OPTS_CONFIG(T) \
    {.name = "config", .kind = PH_OPT_CONFIG, .value = "FILE", .offset = offsetof(T, cfg), \
     .help = "read the settings from FILE (pyproject.toml or pyhunt.toml), not from the file found from PATH " \
             "upwards"}, \
    {.name = "isolated", .kind = PH_OPT_FLAG, .offset = offsetof(T, cfg.isolated), \
     .help = "read no configuration file"}

/* Read the configuration of a command run on `paths` (its operands; none:
 * the working directory): the --config file, else the file found from the
 * paths' common directory upwards, none with --isolated. Its values are
 * laid under the command line's through the option table: a row given on
 * the command line keeps its value (a list: the file's values come first
 * for PH_OPT_EXTEND rows) and drops the file's values of the rows its
 * `resets` names; the others take the file's. Relative paths of the file
 * start at its directory. Returns 0, or PH_EXIT_USAGE after printing
 * located errors. Keeps the file in the PhConfigRef for later checks. */
int ph_cli_config(const PhCommand *cmd, void *opts, char *const *paths, int npaths);

/* The project root for `paths`: the configuration file's directory (when
 * it was found, not named by --config); else, with `narrow` (audit, which
 * reports only on the paths) and files or several paths, the nearest
 * directory holding .git, else the paths' common parent; else the one path
 * (default "."). Caller frees with free(). */
char *ph_cli_root(const PhConfigRef *ref, char *const *paths, int npaths, bool narrow);

/* Check the file's rule ids against the loaded rules: 0, or PH_EXIT_USAGE
 * after located errors. */
int ph_cli_config_check_rules(const PhConfigRef *ref, const PhRuleSet *rules);

/* `audit --show-settings`: the settings in force and where each came from
 * (the file and line, the command line, or the default), the root, the
 * database, the paths, and the rules that would run. */
void ph_cli_show_settings(const PhCommand *cmd, void *opts, const char *root, const char *db, char *const *paths,
                          int npaths, const PhRuleSet *rules, FILE *out);

/* Paths (project.c). */
bool ph_cli_is_dir(const char *path);
/* The directory of a path, lexically: a/b.py -> a, b.py -> ".". Caller frees with free(). */
char *ph_cli_dirname(const char *path);
/* Each of the paths relative to root, as the walk names files ('/'-separated;
 * "" for the root itself), NULL-ended. Caller frees with ph_words_free(). */
char **ph_cli_under_root(const char *root, char *const *paths, int npaths);
/* Drop the findings that the configuration's per-file-ignores silence, and,
 * with `rel` (from ph_cli_under_root), those outside its paths. */
void ph_cli_report_scope(PhFindings *fs, const PhConfigRef *ref, char **rel);
/* A warning for each path under which the database holds no file (a file
 * that is not Python, or excluded): named, yet nothing was audited there. */
void ph_cli_warn_unaudited(sqlite3 *db, char *const *paths, char **rel);

/* `pyhunt config [KEY]`: the keys of the file, or one key in full. */
extern const PhCommand ph_config_command;

/* ---------------------------------------------------------------------------
 * What several commands share (common.c).
 */

/* Read `--context-pattern CONTEXT=PATTERN` items into xo->contexts; none
 * leaves xo as it is. *owned is the array xo points to: caller frees it with
 * free() once extraction is over. Returns 0, or PH_EXIT_USAGE after naming
 * the bad item. */
int ph_cli_context_patterns(const PhCommand *cmd, const PhStrList *specs, PhExtractOptions *xo, PhContextPattern **owned);

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

/* The progress line of long runs (progress.c): on stderr when it is a
 * terminal and the command was not given --quiet, never elsewhere. */
typedef struct PhProgress {
    bool on;               /* drawing at all */
    bool shown;            /* a line is on the screen */
    const char *what;      /* what is counted: "files parsed", "rules run" (static) */
    double start, drawn;   /* when the run started, when the line was last drawn */
} PhProgress;

void ph_progress_init(PhProgress *self, bool quiet);
void ph_progress_phase(PhProgress *self, const char *what);
/* `done` of `total` of the current phase; a PhExtractOptions.on_progress
 * and PhRunOptions.progress callback, with the PhProgress as arg. */
void ph_progress_step(void *arg, size_t done, size_t total);
/* Erase the line, if one is shown (before anything else is printed). */
void ph_progress_end(PhProgress *self);

/* Rules: built-in, the user-rules folders of `root` (rules.h: the user's,
 * then the project's), then --queries directories, each with the
 * catalogue*.tsv files beside its rules. Prints diagnostics and returns
 * NULL with *status set on a bad file: PH_EXIT_QUERY for a rule,
 * PH_EXIT_USAGE for a catalogue. Caller frees with ph_rules_free(). */
PhRuleSet *ph_cli_load_rules(const char *root, const char *const *dirs, size_t ndirs, int *status);

/* Load the rule set's catalogue files into db (ph_rules_attach), printing
 * any diagnostic. Returns 0 or -1. */
int ph_cli_attach_catalogues(const PhRuleSet *rules, sqlite3 *db);

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
 * is written); files are named by their paths relative to dir, as in every
 * format. Fixes refused are warnings, those refused for overlapping a fix
 * applied in this pass only when `last` (another pass, over the
 * re-extracted files, may apply them). Adds to *t. */
void ph_cli_fix(sqlite3 *db, const char *dir, const PhFindings *fs, FILE *diff, bool last, PhFixTotals *t);

#endif
