/*
 * split: the REPL's input splitter. A line that starts with a dot while no
 * statement is pending is a dot-command (dot.c splits it into words with
 * ph_split_words); any other line is gathered into a statement until
 * sqlite3_complete() says it is whole. Pure text: no database, no terminal.
 * repl.c drives it line by line; tests/fuzz/repl_split.c fuzzes it.
 */
#ifndef PH_REPL_SPLIT_H
#define PH_REPL_SPLIT_H

#include <sqlite3.h>

typedef enum {
    PH_SPLIT_SKIP,        /* blank, or only finished comments: nothing to run */
    PH_SPLIT_DOT,         /* a dot-command: *dot is the line from its dot on */
    PH_SPLIT_MORE,        /* part of a statement that is not whole yet: read on */
    PH_SPLIT_STATEMENT    /* *pending holds a whole statement */
} PhSplit;

/* Feed one input line (without its line end). *pending is the statement
 * gathered so far, NULL for none: the splitter creates it (with
 * sqlite3_str_new), grows it, and frees and clears it when what it holds
 * turns out blank. On PH_SPLIT_STATEMENT the caller takes *pending (and
 * frees it with sqlite3_str_finish, then sqlite3_free). *dot is set on
 * PH_SPLIT_DOT only: borrowed from line. */
PhSplit ph_repl_split(sqlite3_str **pending, const char *line, const char **dot);

#endif
