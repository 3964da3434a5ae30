/*
 * split: REPL input lines into dot-commands and whole SQL statements
 * (split.h). What a statement means is SQLite's business: sqlite3_complete()
 * decides where it ends, and this file only adds what the shell adds on top
 * (dot-commands, and input of nothing but comments).
 */
#include "split.h"

#include <stdbool.h>
#include <string.h>

/* Does `s` hold only whitespace and finished comments? */
static bool blank_sql(const char *s) {
    while (s && *s) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f') {
            s++;
        } else if (s[0] == '-' && s[1] == '-') {
            s = strchr(s, '\n');
        } else if (s[0] == '/' && s[1] == '*') {
            const char *e = strstr(s + 2, "*/");
            if (!e)
                return false;
            s = e + 2;
        } else {
            return false;
        }
    }
    return true;
}

PhSplit ph_repl_split(sqlite3_str **pending, const char *line, const char **dot) {
    bool fresh = !*pending;
    if (fresh) {
        const char *t = line;
        while (*t == ' ' || *t == '\t')
            t++;
        if (blank_sql(t))
            return PH_SPLIT_SKIP;
        if (*t == '.') {
            *dot = t;
            return PH_SPLIT_DOT;
        }
        *pending = sqlite3_str_new(NULL);
    }
    sqlite3_str_appendf(*pending, "%s\n", line);
    /* What was pending is neither blank nor whole, else it would have been
     * taken. Only a ';' (the end of a statement) or the end of a block
     * comment (which may leave a ';' last) can make it either: looking at
     * the whole of it again for every other line made a statement of n
     * lines cost n^2. */
    if (!fresh && !strchr(line, ';') && !strstr(line, "*/"))
        return PH_SPLIT_MORE;
    const char *text = sqlite3_str_value(*pending);
    if (blank_sql(text)) {
        sqlite3_free(sqlite3_str_finish(*pending));
        *pending = NULL;
        return PH_SPLIT_SKIP;
    }
    return sqlite3_complete(text) ? PH_SPLIT_STATEMENT : PH_SPLIT_MORE;
}
