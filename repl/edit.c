/*
 * edit: the line-editor shim, the only file that knows libedit.
 *
 * libedit's readline() handles SIGINT by itself (it restores the terminal
 * and, on a second signal, returns NULL as if the input had ended), which is
 * not what a shell wants. So lines are read through the callback interface
 * instead: our own pselect() loop feeds libedit one character at a time, a
 * SIGINT interrupts pselect() (the only place it is unblocked while a line
 * is read), and we drop the line and report PH_EDIT_INTERRUPT. Everything the REPL
 * knows of the terminal goes through the five functions of this file.
 */
#include "internal.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
#include <editline/readline.h>

const char ph_edit_word_breaks[] = " \t\n\"'`@$><=;|&{(,)";

static struct {
    char *history;                      /* file, or NULL */
    PhEditCompleter *complete;
    void *ctx;
    volatile sig_atomic_t *interrupted;
    char *line;                         /* what the callback handed over */
    bool done;                          /* the callback ran (line NULL: end of input) */
    char **pending;                     /* candidates handed to libedit one by one */
    char *last;                         /* the last history entry, not added twice in a row */
    size_t next;
} ed;

/* libedit asks for matches one by one; state 0 starts a new round. The
 * candidates were computed in attempted() for the whole line, which is more
 * than `text` alone tells. */
static char *generator(const char *text, int state) {
    (void)text;
    if (state == 0)
        ed.next = 0;
    if (!ed.pending || !ed.pending[ed.next])
        return NULL;
    return ph_xstrdup(ed.pending[ed.next++]);
}

static void free_pending(void) {
    for (size_t i = 0; ed.pending && ed.pending[i]; i++)
        free(ed.pending[i]);
    free(ed.pending);
    ed.pending = NULL;
}

/* rl_attempted_completion_function: candidates for the word [start, end) of
 * the line being edited. A lone directory or a qualifier (`f.`) takes no
 * space after it, so the next Tab can go on. */
static char **attempted(const char *text, int start, int end) {
    rl_attempted_completion_over = 1;   /* never fall back to file names */
    free_pending();
    ed.pending = ed.complete(ed.ctx, rl_line_buffer ? rl_line_buffer : "", (size_t)start, (size_t)end);
    if (!ed.pending || !ed.pending[0]) {
        free_pending();
        return NULL;
    }
    const char *only = ed.pending[1] ? NULL : ed.pending[0];
    size_t n = only ? strlen(only) : 0;
    rl_completion_append_character = only && n && (only[n - 1] == '/' || only[n - 1] == '.') ? '\0' : ' ';
    char **m = rl_completion_matches(text, generator);
    free_pending();
    return m;
}

static void on_line(char *line) {
    ed.line = line;
    ed.done = true;
    rl_callback_handler_remove();
}

void ph_edit_open(const char *history_path, PhEditCompleter *complete, void *ctx,
                  volatile sig_atomic_t *interrupted) {
    memset(&ed, 0, sizeof ed);
    ed.complete = complete;
    ed.ctx = ctx;
    ed.interrupted = interrupted;
    rl_readline_name = "pyhunt";
    rl_initialize();
    rl_attempted_completion_function = attempted;
    rl_completer_word_break_characters = (char *)ph_edit_word_breaks;
    rl_sort_completion_matches = 0;     /* our order: the statement's own columns first */
    stifle_history(2000);
    if (history_path) {
        ed.history = ph_xstrdup(history_path);
        read_history(ed.history);
    }
}

PhEditStatus ph_edit_read(const char *prompt, char **line) {
    *line = NULL;
    ed.done = false;
    ed.line = NULL;
    *ed.interrupted = 0;
    fflush(stdout);
    /* SIGINT stays blocked except inside pselect(): a Ctrl-C that comes
     * while libedit handles a key waits for the next pselect() instead of
     * being missed between the flag test and the wait. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old);
    PhEditStatus st = PH_EDIT_LINE;
    rl_callback_handler_install(prompt, on_line);
    while (!ed.done) {
        if (*ed.interrupted) {
            /* Ctrl-C: drop the line, show that we did, and start afresh. */
            *ed.interrupted = 0;
            rl_replace_line("", 0);
            rl_callback_handler_remove();
            fputs("^C\n", stdout);
            fflush(stdout);
            st = PH_EDIT_INTERRUPT;
            break;
        }
        fd_set in;
        FD_ZERO(&in);
        FD_SET(STDIN_FILENO, &in);
        int n = pselect(STDIN_FILENO + 1, &in, NULL, NULL, NULL, &old);
        if (n < 0 && errno == EINTR)
            continue;                   /* Ctrl-C (see above), or a window resize */
        if (n < 0) {
            rl_callback_handler_remove();
            st = PH_EDIT_EOF;
            break;
        }
        rl_callback_read_char();
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (st != PH_EDIT_LINE)
        return st;
    if (!ed.line) {
        fputc('\n', stdout);            /* Ctrl-D leaves the cursor after the prompt */
        return PH_EDIT_EOF;
    }
    *line = ed.line;
    return PH_EDIT_LINE;
}

void ph_edit_history_add(const char *entry) {
    if (!entry || !*entry || (ed.last && strcmp(ed.last, entry) == 0))
        return;
    add_history(entry);
    free(ed.last);
    ed.last = ph_xstrdup(entry);
}

void ph_edit_close(void) {
    if (ed.history) {
        write_history(ed.history);
        free(ed.history);
    }
    free_pending();
    free(ed.last);
    rl_callback_handler_remove();
    memset(&ed, 0, sizeof ed);
}
