/*
 * internal: what the files of repl/ share and nobody else sees. From the
 * bottom up: edit.c the terminal (libedit) and split.c the input splitter;
 * session.c the state, its messages, Ctrl-C and the input sources; sql.c
 * running SQL; dot.c the dot-command table and its handlers; complete.c
 * the Tab candidates (it reads the dot-command table); repl.c the input
 * loop over all of them. Each calls only the files below it.
 */
#ifndef PH_REPL_INTERNAL_H
#define PH_REPL_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>
#include "diag.h"
#include "output.h"
#include "repl.h"
#include "rules.h"
#include "util.h"

/* A handler's result when the REPL should leave (.quit). Errors are the
 * PH_REPL_* statuses; 0 is success. */
#define PH_REPL_LEAVE (-1)

/* Where a result row points: what .show N shows. file_id 0: no location. */
typedef struct PhReplLoc {
    int64_t file_id;
    int line, col, end_line, end_col;   /* 0 when the result had no such column */
} PhReplLoc;

/* An input being read: stdin (the terminal or a script), or a .read file. */
typedef struct PhReplSource {
    FILE *f;                  /* NULL: the terminal, through edit.c */
    const char *name;         /* "stdin" or the path given to .read: diagnostics say it */
    char *owned_name;         /* a .read file's copy of its path (the source is then the
                                 session's, freed when popped); NULL for stdin */
    int line;                 /* lines read so far */
    sqlite3_str *pending;     /* the statement being gathered (completion reads it); NULL: none */
    int start;                /* the line the pending statement starts on */
    struct PhReplSource *up;  /* the source that .read this one */
} PhReplSource;

struct PhRepl {
    PhReplOptions o;          /* strings below are copies, freed by ph_repl_close */
    char *root_opt, *db_opt, *rules_dir;
    sqlite3 *db;
    char *root;               /* what files.path is relative to; NULL if unknown */
    PhRuleSet *rules;         /* built-in plus rules_dir */
    char mode[16];            /* grid mode of results */
    bool timer, eqp;
    FILE *out;                /* results: stdout or the .output file */
    PhOutput *output;         /* the .output file, replaced whole when closed; NULL: stdout */
    bool tty;                 /* stdin is a terminal: libedit */
    bool interactive;         /* prompts and banner */
    bool color;               /* stderr diagnostics in color */
    int status;               /* worst error so far (PH_REPL_*) */
    char *last_sql;           /* the last statement that returned columns */
    PhVec(PhReplLoc) rows;    /* locations of the last result's rows */
    bool rows_have_loc;       /* the last result had file_id and line columns */
    bool have_result;         /* a query or .run printed a result since the start (or .reload) */
    PhReplSource *src;        /* the input being read */
    int depth;                /* .read nesting */
};

/* ---- session.c ---- */

/* Print an error (or a warning) to stderr: "pyhunt: error: MESSAGE" at
 * the terminal, "FILE:LINE: error: MESSAGE" when the command came from a
 * script or a .read file. */
void ph_repl_error(PhRepl *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ph_repl_warn(PhRepl *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ph_repl_print_diags(PhRepl *r, const PhDiags *d);

typedef enum {
    PH_REPL_IN_LINE,          /* *line is a line without its line end; caller frees with free() */
    PH_REPL_IN_EOF,           /* the current source ended */
    PH_REPL_IN_INTERRUPT      /* Ctrl-C at the terminal: the line was dropped */
} PhReplIn;

/* Read one line of the current source, showing `prompt` (at the terminal,
 * and for stdin when interactive). */
PhReplIn ph_repl_read(PhRepl *r, const char *prompt, char **line);

/* Ask for one line from the current input (the terminal shows `question`
 * as the prompt; a script just supplies the next line). NULL at end of input
 * or on Ctrl-C. Caller frees with free(). */
char *ph_repl_ask(PhRepl *r, const char *question);

/* Make src, the caller's, the current source (the loop's stdin). */
void ph_repl_enter_source(PhRepl *r, PhReplSource *src);
/* Read f, named `name` in messages, before the rest of the current
 * source (.read): the session owns and closes it when it is popped. */
void ph_repl_push_source(PhRepl *r, FILE *f, const char *name);
/* Leave the current source for the one under it, dropping its pending
 * statement (and closing it, when the session owns it). */
void ph_repl_pop_source(PhRepl *r);

/* Add an entry typed at the terminal to the history, a statement of several
 * lines joined into one. Does nothing for scripts and .read files. */
void ph_repl_remember(PhRepl *r, const char *entry);

/* (Re)load the rules: built-in plus the user's folder, when it exists.
 * Bad rule files are reported and skipped. */
void ph_repl_load_rules(PhRepl *r);

/* Close the database and open it again, extracting first when there is a
 * source root. Returns 0 or PH_REPL_USAGE; when the extraction fails the
 * database is opened as it was, and r->db is NULL if even that fails. */
int ph_repl_reopen(PhRepl *r, PhExtractStats *stats);

/* Catch Ctrl-C for the session (`on`), or give SIGINT back the handler it
 * had (`off`). In a script, Ctrl-C while nothing runs ends the process.
 * Returns the flag the handler sets, which edit.c watches. */
volatile sig_atomic_t *ph_repl_catch_sigint(PhRepl *r, bool on);

/* Mark a database call as running, so that Ctrl-C interrupts it (NULL:
 * nothing runs). */
void ph_repl_running(sqlite3 *db);

/* Has Ctrl-C been pressed (since the flag was last cleared)? */
bool ph_repl_interrupted(bool clear);

/* Forget the last result's rows and start recording a new one (or none:
 * have_result false); have_loc says whether its rows have locations. */
void ph_repl_rows_reset(PhRepl *r, bool have_result, bool have_loc);

/* Tables and views of the database (names only), sorted. Caller frees with
 * ph_repl_names_free(). */
char **ph_repl_table_names(PhRepl *r, size_t *n);
void ph_repl_names_free(char **names, size_t n);

/* ---- sql.c ---- */

/* Run every statement of `sql`, printing results to r->out. `origin` and
 * `first_line` place errors (the source's name and the line sql starts on).
 * Returns 0 or PH_REPL_QUERY after printing the error with a caret. */
int ph_repl_run_sql(PhRepl *r, const char *sql, const char *origin, int first_line);

/* ---- dot.c ---- */

typedef enum {
    PH_ARG_NONE,      /* nothing to complete */
    PH_ARG_COMMAND,   /* dot-command names (.help) */
    PH_ARG_TABLE,     /* tables and views */
    PH_ARG_RULE,      /* rule ids */
    PH_ARG_FILE,      /* file paths */
    PH_ARG_WORDS      /* the row's fixed words */
} PhArgKind;

typedef struct PhDotCommand {
    const char *name;                              /* without the dot */
    int (*run)(PhRepl *r, int argc, char **argv);  /* argv[0] is the name; 0, PH_REPL_* or PH_REPL_LEAVE */
    const char *usage;                             /* the arguments */
    const char *summary;                           /* one line, for .help */
    const char *details;                           /* more, for .help NAME; may be NULL */
    int min_args, max_args;                        /* argument count; max -1: no limit */
    PhArgKind complete;                            /* what Tab offers for the arguments */
    const char *words;                             /* PH_ARG_WORDS: space-separated */
} PhDotCommand;

/* The table, ended by a NULL name. */
extern const PhDotCommand ph_repl_dots[];

/* Close the .output file, moving it into place, and go back to stdout.
 * Returns 0, or PH_REPL_USAGE after saying that the file could not be
 * written (it then keeps its previous content). */
int ph_repl_close_output(PhRepl *r);

/* Run one dot-command line (".schema calls"). Returns as a handler does. */
int ph_repl_dot(PhRepl *r, const char *line);

/* The command called `name` (with or without its dot), or NULL. Static. */
const PhDotCommand *ph_repl_dot_find(const char *name);

/* ---- complete.c ---- */

/* Candidates for the word [start, end) of `line`, the statement so far
 * being `prior` (earlier lines of a multi-line statement, "" for none).
 * NULL-terminated; caller frees each and the array with free(). */
char **ph_repl_candidates(PhRepl *r, const char *prior, const char *line, size_t start, size_t end);

/* ---- edit.c: the terminal ---- */

/* Tab candidates for the word [start, end) of `line`, as ph_repl_candidates. */
typedef char **PhEditCompleter(void *ctx, const char *line, size_t start, size_t end);

/* Characters that end a word for completion (libedit's and --complete's). */
extern const char ph_edit_word_breaks[];

/* Start editing on the terminal: load the history from history_path (NULL:
 * no history), install the completer. `interrupted` is the flag the SIGINT
 * handler sets; ph_edit_read() watches and clears it. */
void ph_edit_open(const char *history_path, PhEditCompleter *complete, void *ctx,
                  volatile sig_atomic_t *interrupted);

typedef enum {
    PH_EDIT_LINE,        /* *line is a line; caller frees with free() */
    PH_EDIT_EOF,         /* Ctrl-D on an empty line, or the terminal went away */
    PH_EDIT_INTERRUPT    /* Ctrl-C: the line was dropped */
} PhEditStatus;

/* Read a line with `prompt`, edited on the terminal. */
PhEditStatus ph_edit_read(const char *prompt, char **line);

/* Add an entry to the history (not the empty string). */
void ph_edit_history_add(const char *entry);

/* Save the history and give the terminal back. */
void ph_edit_close(void);

#endif
