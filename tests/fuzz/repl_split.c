/*
 * repl_split: the libFuzzer target for the REPL's input splitter. The input
 * is what `pyhunt repl` reads from a script on stdin: lines (a NUL byte ends
 * a line's text, as with getline() and "%s"; line ends and trailing CRs
 * dropped, as repl.c's read_line does) fed to ph_repl_split (repl/split.c).
 * A dot-command is split into words with ph_split_words and looked up in
 * the dot-command table (with "did you mean" when unknown), as ph_repl_dot
 * does before running it; a statement must be one sqlite3_complete() takes
 * as whole. tests/fuzz/replay.sh replays repl_split/crashes/ through
 * `pyhunt repl`.
 */
#include "internal.h"
#include "split.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What ph_repl_dot does with a dot-command line before running it. */
static void dot_command(const char *line) {
    int argc;
    char **argv = ph_split_words(line + 1, &argc);
    if (argv[argc])
        __builtin_trap();   /* the word array must end with NULL */
    const PhDotCommand *c = argc ? ph_repl_dot_find(argv[0]) : NULL;
    if (!c) {
        PhVec(const char *) names = {0};
        for (const PhDotCommand *k = ph_repl_dots; k->name; k++)
            ph_vec_push(&names, k->name);
        ph_str_closest(argc ? argv[0] : "", names.items, names.len);
        free(names.items);
    }
    ph_words_free(argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sqlite3_str *pending = NULL;
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char *line = ph_xstrndup(p, n);
        for (size_t k = n; k > 0 && line[k - 1] == '\r'; k--)
            line[k - 1] = 0;
        p += n + (nl != NULL);
        const char *dot = NULL;
        switch (ph_repl_split(&pending, line, &dot)) {
        case PH_SPLIT_DOT:
            dot_command(dot);
            break;
        case PH_SPLIT_STATEMENT: {
            char *sql = sqlite3_str_finish(pending);
            pending = NULL;
            if (!sql || !sqlite3_complete(sql))
                __builtin_trap();   /* a statement handed on that is not whole */
            sqlite3_free(sql);
            break;
        }
        case PH_SPLIT_SKIP:
        case PH_SPLIT_MORE:
            break;
        }
        free(line);
    }
    sqlite3_free(sqlite3_str_finish(pending));
    return 0;
}
