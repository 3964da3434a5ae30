/*
 * opts: the one option parser, and help printed from the option tables (see
 * PhOption in cli.h). Like Lua's collectargs it checks every argument before
 * the command runs, and every message names the option it is about.
 *
 * Spellings: `--name value`, `--name=value`, `-x value`, `-xvalue`, and
 * `-name` for rows marked PH_OPT_ONE_DASH. Options and operands may come in
 * any order; `--` ends the options. A value may not look like an option
 * (`--db --jobs 2` is "--db needs a value"), except a negative number,
 * which the range check then names. A scalar option given twice keeps the
 * last value; repeatable ones accumulate.
 */
#include "cli.h"
#include "config.h"
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ph_strlist_push(PhStrList *l, const char *s) {
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = ph_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->len++] = ph_xstrdup(s);
}

void ph_strlist_free(PhStrList *l) {
    for (size_t i = 0; i < l->len; i++)
        free((char *)l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static void *field(void *opts, const PhOption *o) { return (char *)opts + o->offset; }

bool ph_opts_is_list(const PhOption *o) {
    return o->kind == PH_OPT_IDS || o->kind == PH_OPT_WORDS || (o->flags & PH_OPT_REPEAT);
}

static bool is_list(const PhOption *o) { return ph_opts_is_list(o); }

/* "--jobs", or "-bail" for one-dash rows. */
static const char *spelled(const PhOption *o, char buf[64]) {
    snprintf(buf, 64, "%s%s", o->flags & PH_OPT_ONE_DASH ? "-" : "--", o->name);
    return buf;
}

/* "text, json or sarif". Caller frees with free(). */
static char *word_list(const char *const *words, const char *last_sep) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (size_t i = 0; words[i]; i++)
        sqlite3_str_appendf(s, "%s%s", i == 0 ? "" : words[i + 1] ? ", " : last_sep, words[i]);
    char *t = sqlite3_str_finish(s);
    char *r = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    return r;
}

/* Could be a rule id, an id prefix or the word ALL: a letter, then letters
 * and digits (whether it names a rule is the command's check, which can
 * then suggest the nearest id). */
static bool id_like(const char *s) {
    if (!isalpha((unsigned char)s[0]))
        return false;
    for (size_t i = 1; s[i]; i++)
        if (!isalnum((unsigned char)s[i]))
            return false;
    return true;
}

/* A size: digits, then K, M or G (powers of 1024, an optional B after
 * them) or nothing. Returns false when it is not one or overflows. */
static bool parse_size(const char *s, size_t *out) {
    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return false;
    unsigned shift = 0;
    switch (toupper((unsigned char)*end)) {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    default: break;
    }
    if (shift && toupper((unsigned char)*end) == 'B')
        end++;
    if (*end || v > (SIZE_MAX >> shift))
        return false;
    *out = (size_t)(v << shift);
    return true;
}

/* The word of the option's table that `value` spells (ignoring case),
 * static; or NULL with *why set to which words it takes (caller frees with
 * free()). */
static const char *word_of(const PhOption *o, const char *value, char **why) {
    size_t n = 0;
    for (; o->words[n]; n++)
        if (strcasecmp(o->words[n], value) == 0)
            return o->words[n];
    char *list = word_list(o->words, " or ");
    /* no guess for one- or two-letter values: P4 is as near P1 as P3 */
    const char *near = strlen(value) > 2 ? ph_str_closest(value, o->words, n) : NULL;
    *why = near ? ph_xasprintf("takes %s, not '%s'; did you mean '%s'?", list, value, near)
                : ph_xasprintf("takes %s, not '%s'", list, value);
    free(list);
    return NULL;
}

/* Store `value` into the option's field. Returns NULL, or why the value
 * is wrong, to follow the option's name ("takes P1, P2 or P3, not 'P4'"):
 * caller frees with free(). */
static char *store(const PhOption *o, const char *value, void *opts) {
    void *f = field(opts, o);
    switch (o->kind) {
    case PH_OPT_FLAG:
        *(bool *)f = true;
        return NULL;
    case PH_OPT_CONFIG:
        ((PhConfigRef *)f)->path = value;
        return NULL;
    case PH_OPT_STRING:
    case PH_OPT_PATH:
        if (o->flags & PH_OPT_REPEAT)
            ph_strlist_push(f, value);
        else
            *(const char **)f = value;
        return NULL;
    case PH_OPT_INT: {
        errno = 0;
        char *end;
        long v = strtol(value, &end, 10);
        if (!*value || *end || errno || v < o->min || v > o->max)
            return ph_xasprintf("takes a whole number from %ld to %ld, not '%s'", o->min, o->max, value);
        *(int *)f = (int)v;
        return NULL;
    }
    case PH_OPT_SIZE:
        if (!parse_size(value, f))
            return ph_xasprintf("takes a size in bytes (4096, 512K, 10M, 1G), not '%s'", value);
        return NULL;
    case PH_OPT_ENUM: {
        char *why = NULL;
        const char *w = word_of(o, value, &why);
        if (w)
            *(const char **)f = w;
        return why;
    }
    case PH_OPT_WORDS:
    case PH_OPT_IDS: {
        /* comma- or blank-separated items, each checked, at least one */
        size_t before = ((PhStrList *)f)->len;
        for (const char *p = value + strspn(value, ", "); *p; p += strspn(p, ", ")) {
            size_t k = strcspn(p, ", ");
            char *item = ph_xstrndup(p, k), *why = NULL;
            p += k;
            const char *w = o->kind == PH_OPT_IDS ? (id_like(item) ? item : NULL) : word_of(o, item, &why);
            if (!w && !why)
                why = ph_xasprintf("takes rule ids or prefixes (PH101, PH1, ALL), not '%s'", item);
            if (w)
                ph_strlist_push(f, w);
            free(item);
            if (why)
                return why;
        }
        if (((PhStrList *)f)->len > before)
            return NULL;
        if (o->kind == PH_OPT_IDS)
            return ph_xstrdup("needs at least one rule id or prefix");
        char *list = word_list(o->words, " or ");
        char *why = ph_xasprintf("needs at least one of %s", list);
        free(list);
        return why;
    }
    }
    return NULL;
}

char *ph_opts_set(const PhOption *o, const char *value, void *opts) { return store(o, value, opts); }

const PhOption *ph_opts_find(const PhCommand *cmd, const char *name) {
    for (const PhOption *o = cmd->options; o && o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

/* store(), saying on stderr what was wrong: 0 or PH_EXIT_USAGE. */
static int store_arg(const PhCommand *cmd, const PhOption *o, const char *spelling, const char *value, void *opts) {
    char *why = store(o, value, opts);
    if (!why)
        return 0;
    ph_cli_usage_error(cmd, "option '%s' %s", spelling, why);
    free(why);
    return PH_EXIT_USAGE;
}

/* The row spelled `--name` (long) or `-name` (one-dash rows), or NULL. */
static const PhOption *find_long(const PhOption *t, const char *name, size_t n, bool one_dash) {
    for (const PhOption *o = t; o && o->name; o++)
        if (strlen(o->name) == n && strncmp(o->name, name, n) == 0 && (!one_dash || (o->flags & PH_OPT_ONE_DASH)) &&
            !(o->flags & PH_OPT_FILE_ONLY))
            return o;
    return NULL;
}

static const PhOption *find_short(const PhOption *t, char c) {
    for (const PhOption *o = t; o && o->name; o++)
        if (o->short_name && o->short_name == c)
            return o;
    return NULL;
}

/* "unknown option", with the nearest visible long option when one is close. */
static int unknown(const PhCommand *cmd, const char *arg) {
    const char *names[64];
    size_t n = 0;
    for (const PhOption *o = cmd->options; o && o->name && n < 64; o++)
        if (!(o->flags & (PH_OPT_HIDDEN | PH_OPT_FILE_ONLY)))
            names[n++] = o->name;
    size_t len = strcspn(arg, "=");
    char *bare = ph_xstrndup(arg + strspn(arg, "-"), len - strspn(arg, "-"));
    const char *near = *bare ? ph_str_closest(bare, names, n) : NULL;
    int rc;
    if (near) {
        const PhOption *o = find_long(cmd->options, near, strlen(near), false);
        char buf[64];
        rc = ph_cli_usage_error(cmd, "unknown option '%.*s'; did you mean '%s'?", (int)len, arg, spelled(o, buf));
    } else {
        rc = ph_cli_usage_error(cmd, "unknown option '%.*s'", (int)len, arg);
    }
    free(bare);
    return rc;
}

/* Does s read as an option rather than a value? "-" and negative numbers do not. */
static bool looks_like_option(const char *s) { return s[0] == '-' && s[1] && !isdigit((unsigned char)s[1]); }

/* Defaults from the table, through the same checks as typed values. */
static int apply_defaults(const PhCommand *cmd, void *opts) {
    char spelling[64];
    for (const PhOption *o = cmd->options; o && o->name; o++)
        if (o->def && store_arg(cmd, o, spelled(o, spelling), o->def, opts) != 0)
            return PH_EXIT_USAGE;
    return 0;
}

/* The command's configuration row (PH_OPT_CONFIG), or NULL. */
static PhConfigRef *config_ref(const PhCommand *cmd, void *opts) {
    for (const PhOption *o = cmd->options; opts && o && o->name; o++)
        if (o->kind == PH_OPT_CONFIG)
            return field(opts, o);
    return NULL;
}

int ph_opts_parse(const PhCommand *cmd, int argc, char **argv, void *opts, char ***args, int *nargs) {
    *args = ph_xcalloc((size_t)argc + 1, sizeof(char *));
    *nargs = 0;
    if (opts && apply_defaults(cmd, opts) != 0)
        return PH_EXIT_USAGE;
    bool operands_only = false;
    PhConfigRef *ref = config_ref(cmd, opts);
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (operands_only || a[0] != '-' || !a[1]) {
            (*args)[(*nargs)++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            operands_only = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return 1;
        bool is_long = a[1] == '-';
        const char *name = a + (is_long ? 2 : 1);
        size_t n = strcspn(name, "=");
        const char *value = NULL;          /* given in the same argument */
        char spelling[64];
        const PhOption *o = find_long(cmd->options, name, n, !is_long);
        if (o) {
            spelled(o, spelling);
            if (name[n] == '=')
                value = name + n + 1;
        } else if (!is_long && (o = find_short(cmd->options, a[1]))) {
            snprintf(spelling, sizeof spelling, "-%c", o->short_name);
            if (a[2])
                value = a + 2;
        } else {
            return unknown(cmd, a);
        }
        /* what the configuration file may not override (cli/config.c) */
        if (ref && o - cmd->options < 64)
            ref->given |= (uint64_t)1 << (o - cmd->options);
        if (o->kind == PH_OPT_FLAG) {
            if (value)
                return ph_cli_usage_error(cmd, "option '%s' takes no value", spelling);
            store(o, NULL, opts);
            continue;
        }
        if (!value) {
            if (i + 1 >= argc || looks_like_option(argv[i + 1]))
                return ph_cli_usage_error(cmd, "option '%s' needs a value (%s)", spelling, o->value);
            value = argv[++i];
        }
        if (store_arg(cmd, o, spelling, value, opts) != 0)
            return PH_EXIT_USAGE;
    }
    if (cmd->max_args >= 0 && *nargs > cmd->max_args)
        return ph_cli_usage_error(cmd, "unexpected argument '%s'", (*args)[cmd->max_args]);
    return 0;
}

void ph_opts_free(const PhCommand *cmd, void *opts) {
    if (!opts)
        return;
    for (const PhOption *o = cmd->options; o && o->name; o++) {
        if (is_list(o))
            ph_strlist_free(field(opts, o));
        if (o->kind == PH_OPT_CONFIG) {
            PhConfigRef *ref = field(opts, o);
            ph_config_free(ref->file);
            ph_strlist_free(&ref->owned);
        }
    }
}

/* ---------------------------------------------------------------------------
 * Help.
 */

enum { HELP_COLUMN = 22, HELP_WIDTH = 80 };

/* text from column `col`, wrapped at HELP_WIDTH, continuation lines at
 * HELP_COLUMN. */
static void wrapped(FILE *out, const char *text, int col) {
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, " ");
        if (col > HELP_COLUMN && col + 1 + (int)n > HELP_WIDTH) {
            fprintf(out, "\n%*s", HELP_COLUMN, "");
            col = HELP_COLUMN;
        } else if (col > HELP_COLUMN) {
            putc(' ', out);
            col++;
        }
        fwrite(p, 1, n, out);
        col += (int)n;
        p += n;
        p += strspn(p, " ");
    }
    putc('\n', out);
}

char *ph_opts_describe(const PhOption *o) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendall(s, o->help);
    if (o->kind == PH_OPT_ENUM || o->kind == PH_OPT_WORDS) {
        char *list = word_list(o->words, ", ");
        sqlite3_str_appendf(s, ": %s", list);
        free(list);
    }
    if (o->def)
        sqlite3_str_appendf(s, " (default %s)", o->def);
    if (is_list(o))
        sqlite3_str_appendall(s, o->kind == PH_OPT_IDS || o->kind == PH_OPT_WORDS ? "; comma-separated, repeatable"
                                                                                 : "; repeatable");
    char *t = sqlite3_str_finish(s);
    char *r = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    return r;
}

/* "usage: pyhunt NAME USAGE" and a newline. */
static void usage_line(const PhCommand *cmd, FILE *out) {
    fprintf(out, "usage: pyhunt %s%s%s\n", cmd->name, *cmd->usage ? " " : "", cmd->usage);
}

int ph_cli_usage_error(const PhCommand *cmd, const char *fmt, ...) {
    va_list ap;
    fputs("pyhunt: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (cmd)
        usage_line(cmd, stderr);
    return PH_EXIT_USAGE;
}

void ph_opts_help(const PhCommand *cmd, FILE *out) {
    usage_line(cmd, out);
    fprintf(out, "\n%s.\n", cmd->summary);
    if (cmd->operands)
        fprintf(out, "\nArguments:\n%s", cmd->operands);
    bool any = false;
    for (const PhOption *o = cmd->options; o && o->name; o++) {
        if (o->flags & (PH_OPT_HIDDEN | PH_OPT_FILE_ONLY))
            continue;
        if (!any)
            fputs("\nOptions:\n", out);
        any = true;
        char buf[64], head[96];
        int k = o->short_name ? snprintf(head, sizeof head, "  -%c, %s", o->short_name, spelled(o, buf))
                              : snprintf(head, sizeof head, "  %s", spelled(o, buf));
        if (o->value)
            snprintf(head + k, sizeof head - (size_t)k, " %s", o->value);
        fputs(head, out);
        int col = (int)strlen(head);
        if (col + 2 > HELP_COLUMN) {
            fprintf(out, "\n%*s", HELP_COLUMN, "");
        } else {
            fprintf(out, "%*s", HELP_COLUMN - col, "");
        }
        char *t = ph_opts_describe(o);
        wrapped(out, t, HELP_COLUMN);
        free(t);
    }
    if (cmd->notes)
        fprintf(out, "\n%s", cmd->notes);
}
