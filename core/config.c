/*
 * config: finding, reading and checking a configuration file (config.h).
 * The table of keys below is the one description of the file: its types
 * drive the checks here, and `pyhunt config`, `--show-settings` and the
 * README print from it.
 */
#include "config.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file names, nearest first within a directory (config.h). */
const char *const ph_config_names[] = {".pyhunt.toml", "pyhunt.toml", "pyproject.toml", NULL};

enum { MAX_CONFIG_BYTES = 1 << 20 };   /* a configuration is a few hundred bytes; a larger file is refused */

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static const PhConfigKey keys[] = {
    {.name = "select", .type = PH_CONFIG_IDS, .nonempty = true,
     .def = "the default set (every rule but the opt-in ones)",
     .help = "the rules to run: ids or prefixes, or ALL for every rule (opt-in ones too); replaces the default set",
     .example = "[\"PH1\", \"PH2\", \"PH301\"]"},
    {.name = "extend-select", .type = PH_CONFIG_IDS, .def = "[]",
     .help = "rules to run besides those that select names", .example = "[\"PH110\"]"},
    {.name = "ignore", .type = PH_CONFIG_IDS, .def = "[]", .help = "rules not to run, whatever selects them",
     .example = "[\"PH113\"]"},
    {.name = "per-file-ignores", .type = PH_CONFIG_IDS_BY_GLOB, .def = "{}",
     .help = "rules whose findings are not reported in the files a glob matches",
     .example = "{ \"legacy/**\" = [\"PH3\"], \"__init__.py\" = [\"PH402\"] }"},
    {.name = "exclude", .type = PH_CONFIG_GLOBS, .def = "[]",
     .help = "paths not extracted at all, as --exclude: globs, ** for any depth, a name without '/' matches any "
             "path component; named files too",
     .example = "[\"migrations/**\", \"vendored\"]"},
    {.name = "contexts", .type = PH_CONFIG_WORDS, .words = WORDS("test", "example", "script", "code", "all"),
     .nonempty = true, .def = "each rule's own (the correctness rules everywhere, the others in code)",
     .help = "the code contexts whose findings are reported, as --contexts", .example = "[\"code\", \"script\"]"},
    {.name = "context-patterns", .type = PH_CONFIG_GLOBS_BY_WORD, .words = WORDS("code", "test", "example", "script"),
     .def = "RULES.md's patterns",
     .help = "the files of a context (globs), in place of that context's default patterns",
     .example = "{ test = [\"qa/**\", \"*_spec.py\"] }"},
    {.name = "queries", .type = PH_CONFIG_PATHS, .def = "[]",
     .help = "directories of user rules (*.sql), as --queries", .example = "[\"tools/pyhunt-rules\"]"},
    {.name = "catalogue", .type = PH_CONFIG_PATHS, .def = "[]",
     .help = "API catalogue files added to the built-in catalogue", .example = "[\"tools/apis.tsv\"]"},
    {.name = "min-severity", .type = PH_CONFIG_WORD, .words = WORDS("P1", "P2", "P3"), .def = "P3 (every finding)",
     .help = "report findings at this severity or worse, as --min-severity", .example = "\"P2\""},
    {.name = "baseline", .type = PH_CONFIG_PATH, .def = "none",
     .help = "a baseline file: the findings it records are not reported", .example = "\".pyhunt-baseline.json\""},
};

const PhConfigKey *ph_config_keys(size_t *n) {
    *n = sizeof keys / sizeof *keys;
    return keys;
}

const PhConfigKey *ph_config_key(const char *name) {
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

const char *ph_config_type_name(PhConfigType type) {
    switch (type) {
    case PH_CONFIG_IDS: return "an array of rule ids or prefixes";
    case PH_CONFIG_GLOBS: return "an array of globs";
    case PH_CONFIG_PATHS: return "an array of paths";
    case PH_CONFIG_PATH: return "a path";
    case PH_CONFIG_WORD: return "a string";
    case PH_CONFIG_WORDS: return "an array of strings";
    case PH_CONFIG_IDS_BY_GLOB: return "a table of globs to arrays of rule ids";
    case PH_CONFIG_GLOBS_BY_WORD: return "a table of contexts to arrays of globs";
    }
    return "";
}

struct PhConfig {
    char *path, *dir;
    bool pyproject;
    PhToml *doc;
    const PhTomlValue *values[sizeof keys / sizeof *keys];   /* by key index; NULL: not set */
};

const char *ph_config_path(const PhConfig *self) { return self->path; }
const char *ph_config_dir(const PhConfig *self) { return self->dir; }
const char *ph_config_section(const PhConfig *self) { return self->pyproject ? "[tool.pyhunt]" : ""; }
const PhToml *ph_config_doc(const PhConfig *self) { return self->doc; }

const PhTomlValue *ph_config_get(const PhConfig *self, const char *key) {
    const PhConfigKey *k = ph_config_key(key);
    return k ? self->values[k - keys] : NULL;
}

int ph_config_line(const PhConfig *self, const PhTomlValue *v) {
    const char *t = ph_toml_text(self->doc);
    int line = 1;
    for (uint32_t i = 0; i < v->at && t[i]; i++)
        line += t[i] == '\n';
    return line;
}

void ph_config_free(PhConfig *self) {
    if (!self)
        return;
    ph_toml_free(self->doc);
    free(self->path);
    free(self->dir);
    free(self);
}

/* ---------------------------------------------------------------------------
 * Checking values against the table.
 */

typedef struct Checker {
    const PhToml *doc;
    PhDiags *diags;
    int errors;
    const char *key;        /* the key being checked, for messages */
} Checker;

static void err(Checker *c, uint32_t at, uint32_t width, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void err(Checker *c, uint32_t at, uint32_t width, const char *fmt, ...) {
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *msg = ph_xmalloc((size_t)n + 1);
    vsnprintf(msg, (size_t)n + 1, fmt, again);
    va_end(again);
    va_end(ap);
    ph_toml_diag(c->doc, c->diags, PH_ERROR, at, width, "%s", msg);
    free(msg);
    c->errors++;
}

/* "P1, P2 or P3". Caller frees with free(). */
static char *word_list(const char *const *words) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (size_t i = 0; words[i]; i++)
        sqlite3_str_appendf(s, "%s%s", i == 0 ? "" : words[i + 1] ? ", " : " or ", words[i]);
    char *t = sqlite3_str_finish(s);
    char *r = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    return r;
}

/* A non-empty string without NUL: what every value names (an id, a glob, a
 * path, a word). `item`: inside an array. */
static bool check_string(Checker *c, const PhTomlValue *v, bool item, const char *what) {
    if (v->kind != PH_TOML_STRING) {
        if (item)
            err(c, v->at, v->width, "items of '%s' are strings (%s), not %s", c->key, what, ph_toml_kind_name(v->kind));
        else
            err(c, v->at, v->width, "'%s' takes a string (%s), not %s", c->key, what, ph_toml_kind_name(v->kind));
        return false;
    }
    if (v->len == 0 || strlen(v->text) != v->len) {
        err(c, v->at, v->width, "%s'%s' cannot be an empty string or hold a NUL character", item ? "items of " : "",
            c->key);
        return false;
    }
    return true;
}

/* One of `words`, ignoring case as the command line does. */
static void check_word(Checker *c, const PhTomlValue *v, bool item, const char *const *words) {
    char *list = word_list(words);
    if (check_string(c, v, item, list)) {
        size_t n = 0;
        bool known = false;
        for (; words[n]; n++)
            known |= strcasecmp(words[n], v->text) == 0;
        /* no guess for one- or two-letter values: P4 is as near P1 as P3 */
        const char *near = known || v->len <= 2 ? NULL : ph_str_closest(v->text, words, n);
        if (!known && near)
            err(c, v->at, v->width, "'%s' takes %s, not '%s'; did you mean '%s'?", c->key, list, v->text, near);
        else if (!known)
            err(c, v->at, v->width, "'%s' takes %s, not '%s'", c->key, list, v->text);
    }
    free(list);
}

/* What the items of an array key are, for messages. */
static const char *item_name(PhConfigType type) {
    return type == PH_CONFIG_IDS ? "rule ids or prefixes" : type == PH_CONFIG_GLOBS ? "globs" : "paths";
}

/* An array of strings (or of `words`). */
static void check_array(Checker *c, const PhTomlValue *v, PhConfigType type, const char *const *words) {
    if (v->kind != PH_TOML_ARRAY) {
        err(c, v->at, v->width, "'%s' takes %s, not %s", c->key, ph_config_type_name(type), ph_toml_kind_name(v->kind));
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        if (words)
            check_word(c, v->items[i], true, words);
        else
            check_string(c, v->items[i], true, item_name(type));
    }
}

/* A table whose keys are globs (or `words`) and whose values are arrays. */
static void check_table(Checker *c, const PhTomlValue *v, const PhConfigKey *key) {
    if (v->kind != PH_TOML_TABLE) {
        err(c, v->at, v->width, "'%s' takes %s, not %s", c->key, ph_config_type_name(key->type),
            ph_toml_kind_name(v->kind));
        return;
    }
    PhConfigType items = key->type == PH_CONFIG_IDS_BY_GLOB ? PH_CONFIG_IDS : PH_CONFIG_GLOBS;
    for (size_t i = 0; i < v->n; i++) {
        const PhTomlKey *k = &v->keys[i];
        if (k->len == 0 || strlen(k->name) != k->len) {
            err(c, k->at, k->width, "a key of '%s' cannot be empty or hold a NUL character", c->key);
            continue;
        }
        if (key->words) {
            size_t n = 0;
            bool known = false;
            for (; key->words[n]; n++)
                known |= strcmp(key->words[n], k->name) == 0;
            const char *near = known ? NULL : ph_str_closest(k->name, key->words, n);
            if (!known) {
                char *list = word_list(key->words);
                if (near)
                    err(c, k->at, k->width, "'%s': unknown context '%s'; did you mean '%s'?", c->key, k->name, near);
                else
                    err(c, k->at, k->width, "'%s': unknown context '%s' (%s)", c->key, k->name, list);
                free(list);
                continue;
            }
        }
        check_array(c, v->items[i], items, NULL);
    }
}

static void check_value(Checker *c, const PhConfigKey *key, const PhTomlValue *v) {
    c->key = key->name;
    if (key->nonempty && v->kind == PH_TOML_ARRAY && v->n == 0) {
        err(c, v->at, v->width, "'%s' cannot be empty: it would select nothing (leave the key out for the default)",
            c->key);
        return;
    }
    switch (key->type) {
    case PH_CONFIG_IDS:
    case PH_CONFIG_GLOBS:
    case PH_CONFIG_PATHS:
        check_array(c, v, key->type, NULL);
        break;
    case PH_CONFIG_WORDS:
        check_array(c, v, key->type, key->words);
        break;
    case PH_CONFIG_PATH:
        check_string(c, v, false, "a path");
        break;
    case PH_CONFIG_WORD:
        check_word(c, v, false, key->words);
        break;
    case PH_CONFIG_IDS_BY_GLOB:
    case PH_CONFIG_GLOBS_BY_WORD:
        check_table(c, v, key);
        break;
    }
}

/* The settings table of a document: the whole of pyhunt's own files, or
 * [tool.pyhunt] of a pyproject.toml (NULL when it has none). */
static const PhTomlValue *settings(const PhToml *doc, bool pyproject) {
    const PhTomlValue *root = ph_toml_root(doc);
    return pyproject ? ph_toml_get(ph_toml_get(root, "tool"), "pyhunt") : root;
}

static bool is_pyproject(const char *path) {
    const char *base = strrchr(path, '/');
    return strcmp(base ? base + 1 : path, "pyproject.toml") == 0;
}

/* The file's text: a regular file of at most MAX_CONFIG_BYTES (never a
 * FIFO or a device, which could hang or flood the run). NULL after a
 * diagnostic. Caller frees with free(). */
static char *read_text(const char *path, size_t *len, PhDiags *diags) {
    struct stat st;
    int fd = -1;
    const char *why = NULL;
    if (stat(path, &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "not a regular file";
    else if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0)
        why = strerror(errno);
    else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        why = "not a regular file";
    else if (st.st_size > MAX_CONFIG_BYTES)
        why = "larger than 1 MiB; a configuration file is not that large";
    char *text = NULL;
    if (!why) {
        text = ph_xmalloc((size_t)st.st_size + 1);
        size_t n = 0;
        for (;;) {
            ssize_t got = read(fd, text + n, (size_t)st.st_size + 1 - n);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0 || n + (size_t)got > (size_t)st.st_size) {
                if (got < 0)
                    why = strerror(errno);
                else if (got > 0)
                    why = "the file grew while it was read";
                break;
            }
            n += (size_t)got;
        }
        text[n] = 0;
        *len = n;
    }
    if (fd >= 0)
        close(fd);
    if (why) {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot read the configuration: %s", why);
        free(text);
        return NULL;
    }
    return text;
}

PhConfig *ph_config_parse(const char *path, const char *text, size_t len, PhDiags *diags) {
    PhToml *doc = ph_toml_parse(path, text, len, diags);
    if (!doc)
        return NULL;
    PhConfig *c = ph_xcalloc(1, sizeof *c);
    c->doc = doc;
    c->path = ph_xstrdup(path);
    const char *slash = strrchr(path, '/');
    c->dir = !slash ? ph_xstrdup(".") : slash == path ? ph_xstrdup("/") : ph_xstrndup(path, (size_t)(slash - path));
    c->pyproject = is_pyproject(path);
    const PhTomlValue *table = settings(doc, c->pyproject);
    Checker ck = {doc, diags, 0, NULL};
    if (!table) {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "no [tool.pyhunt] table in this pyproject.toml");
        ck.errors++;
    } else if (table->kind != PH_TOML_TABLE) {
        ph_toml_diag(doc, diags, PH_ERROR, table->at, table->width, "'tool.pyhunt' must be a table, not %s",
                     ph_toml_kind_name(table->kind));
        ck.errors++;
    } else {
        size_t nkeys = sizeof keys / sizeof *keys;
        const char *names[sizeof keys / sizeof *keys];
        for (size_t i = 0; i < nkeys; i++)
            names[i] = keys[i].name;
        for (size_t i = 0; i < table->n; i++) {
            const PhTomlKey *k = &table->keys[i];
            const PhConfigKey *key = strlen(k->name) == k->len ? ph_config_key(k->name) : NULL;
            if (!key) {
                const char *near = ph_str_closest(k->name, names, nkeys);
                if (near)
                    err(&ck, k->at, k->width, "unknown key '%s'; did you mean '%s'?", k->name, near);
                else
                    err(&ck, k->at, k->width, "unknown key '%s'%s; 'pyhunt config' lists the keys", k->name,
                        c->pyproject ? " in [tool.pyhunt]" : "");
                continue;
            }
            check_value(&ck, key, table->items[i]);
            c->values[key - keys] = table->items[i];
        }
    }
    if (ck.errors) {
        ph_config_free(c);
        return NULL;
    }
    return c;
}

PhConfig *ph_config_read(const char *path, PhDiags *diags) {
    size_t len = 0;
    char *text = read_text(path, &len, diags);
    if (!text)
        return NULL;
    PhConfig *c = ph_config_parse(path, text, len, diags);
    free(text);
    return c;
}

/* ---------------------------------------------------------------------------
 * Finding the file.
 */

/* With `file`: anything but a directory: a FIFO or a dangling link named
 * pyhunt.toml is found, then refused by read_text, never skipped in silence. */
static bool exists(const char *path, bool file) {
    struct stat st;
    if (lstat(path, &st) != 0)
        return false;
    return !file || stat(path, &st) != 0 || !S_ISDIR(st.st_mode);   /* a dangling link too */
}

/* Does the pyproject.toml at path hold [tool.pyhunt]? -1 after a diagnostic. */
static int has_section(const char *path, PhDiags *diags) {
    size_t len = 0;
    char *text = read_text(path, &len, diags);
    if (!text)
        return -1;
    PhToml *doc = ph_toml_parse(path, text, len, diags);
    free(text);
    if (!doc)
        return -1;
    int found = settings(doc, true) != NULL;
    ph_toml_free(doc);
    return found;
}

/* The parent of a directory spelled as given: a/b -> a, a -> ., . -> ..,
 * .. -> ../..; NULL above the root. Caller frees with free(). */
static char *parent_dir(const char *dir) {
    const char *base = strrchr(dir, '/');
    const char *last = base ? base + 1 : dir;
    if (strcmp(dir, "/") == 0)
        return NULL;
    if (strcmp(last, "..") == 0 || strcmp(dir, ".") == 0)
        return strcmp(dir, ".") == 0 ? ph_xstrdup("..") : ph_xasprintf("%s/..", dir);
    if (!base)
        return ph_xstrdup(".");
    return base == dir ? ph_xstrdup("/") : ph_xstrndup(dir, (size_t)(base - dir));
}

/* dir/name without "./" in front. Caller frees with free(). */
static char *join(const char *dir, const char *name) {
    if (strcmp(dir, ".") == 0)
        return ph_xstrdup(name);
    return ph_xasprintf("%s%s%s", dir, ph_str_ends(dir, "/") ? "" : "/", name);
}

/* Is dir the file system's root (also when spelled ../../..)? */
static bool is_top(const char *dir) {
    struct stat a, b;
    char *up = ph_xasprintf("%s/..", dir);
    bool top = stat(dir, &a) != 0 || stat(up, &b) != 0 || (a.st_dev == b.st_dev && a.st_ino == b.st_ino);
    free(up);
    return top;
}

/* Warn when a pyproject.toml beside the chosen file has [tool.pyhunt]:
 * its settings are not read, and nothing else would say so. */
static void warn_shadowed(const char *dir, const char *chosen, PhDiags *diags) {
    char *p = join(dir, "pyproject.toml");
    PhDiags *quiet = ph_diags_new();   /* its own errors are not this run's business */
    if (exists(p, true) && has_section(p, quiet) == 1)
        ph_diags_add(diags, PH_WARNING, p, 0, 0, 0, NULL, "[tool.pyhunt] is not read: %s beside it takes precedence",
                     chosen);
    ph_diags_free(quiet);
    free(p);
}

static char *trimmed(const char *dir) {
    char *d = ph_xstrdup(*dir ? dir : ".");
    size_t n = strlen(d);
    while (n > 1 && d[n - 1] == '/')
        d[--n] = 0;
    return d;
}

int ph_config_find(const char *dir, char **path, PhDiags *diags) {
    int found = 0;
    for (char *d = trimmed(dir), *up; d; free(d), d = up) {
        for (size_t i = 0; ph_config_names[i] && !found; i++) {
            char *p = join(d, ph_config_names[i]);
            if (exists(p, true))
                found = strcmp(ph_config_names[i], "pyproject.toml") != 0 ? 1 : has_section(p, diags);
            if (found == 1) {
                if (strcmp(ph_config_names[i], "pyproject.toml") != 0)
                    warn_shadowed(d, ph_config_names[i], diags);
                *path = p;
            } else {
                free(p);
            }
        }
        char *git = join(d, ".git");
        bool stop = found || exists(git, false) || is_top(d);
        free(git);
        up = stop ? NULL : parent_dir(d);
    }
    return found;
}

char *ph_config_repository(const char *dir) {
    for (char *d = trimmed(dir), *up; d; free(d), d = up) {
        char *git = join(d, ".git");
        bool here = exists(git, false);
        free(git);
        if (here)
            return d;
        up = is_top(d) ? NULL : parent_dir(d);
    }
    return NULL;
}

/* ---------------------------------------------------------------------------
 * Rule ids, once the rules are known.
 */

static void check_ids(Checker *c, const PhTomlValue *array, const PhRuleSet *rules) {
    for (size_t i = 0; i < array->n; i++) {
        const PhTomlValue *v = array->items[i];
        if (ph_rules_names_any(rules, v->text))
            continue;
        const char *near = ph_rules_nearest(rules, v->text);
        if (near)
            err(c, v->at, v->width, "'%s': no rule is or starts with '%s'; did you mean '%s'?", c->key, v->text, near);
        else
            err(c, v->at, v->width, "'%s': no rule is or starts with '%s'; 'pyhunt rules' lists them", c->key, v->text);
    }
}

int ph_config_check_rules(const PhConfig *self, const PhRuleSet *rules, PhDiags *diags) {
    Checker c = {self->doc, diags, 0, NULL};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        const PhTomlValue *v = self->values[k];
        if (!v)
            continue;
        c.key = keys[k].name;
        if (keys[k].type == PH_CONFIG_IDS)
            check_ids(&c, v, rules);
        else if (keys[k].type == PH_CONFIG_IDS_BY_GLOB)
            for (size_t i = 0; i < v->n; i++)
                check_ids(&c, v->items[i], rules);
    }
    return c.errors;
}
