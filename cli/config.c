/*
 * config: the configuration file on the command line. ph_cli_config()
 * finds and reads the file (core/config.c) and lays its values under the
 * options through the command's own table, as if they had been typed
 * before the command line, so that one parser checks both and flags
 * override the file the way Ruff's do: a scalar flag wins; a list flag
 * replaces the file's list, except --extend-select, --ignore and
 * --queries, which add to it (PH_OPT_EXTEND); --select also drops the
 * file's extend-select and ignore (the `resets` of its row).
 *
 * context-patterns becomes the whole list of the hidden --context-pattern
 * row. Keys that no option row of a command holds (per-file-ignores, and
 * catalogue until its option exists) stay in the PhConfigRef for the
 * command to read. Also here: `audit
 * --show-settings` and `pyhunt config`, which print from the key table.
 */
#include "cli.h"
#include "config.h"
#include "context.h"
#include "util.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const PhOption *config_row(const PhCommand *cmd) {
    for (const PhOption *o = cmd->options; o && o->name; o++)
        if (o->kind == PH_OPT_CONFIG)
            return o;
    return NULL;
}


static bool given(const PhCommand *cmd, const PhConfigRef *ref, const PhOption *o) {
    size_t i = (size_t)(o - cmd->options);
    return i < 64 && (ref->given >> i & 1);
}

/* Does a row given on the command line drop the file's value of `name`? */
static bool reset(const PhCommand *cmd, const PhConfigRef *ref, const char *name) {
    size_t n = strlen(name);
    for (const PhOption *o = cmd->options; o->name; o++) {
        if (!o->resets || !given(cmd, ref, o))
            continue;
        for (const char *p = o->resets; *p;) {
            size_t k = strcspn(p, " ");
            if (k == n && strncmp(p, name, n) == 0)
                return true;
            p += k + strspn(p + k, " ");
        }
    }
    return false;
}

/* A value of the file as the option takes it: paths start at the file's
 * directory. Borrowed from the file or from ref->owned. */
static const char *as_typed(PhConfigRef *ref, const PhConfigKey *key, const PhTomlValue *v) {
    const char *dir = ph_config_dir(ref->file);
    if ((key->type != PH_CONFIG_PATHS && key->type != PH_CONFIG_PATH) || v->text[0] == '/' || strcmp(dir, ".") == 0)
        return v->text;
    char *joined = ph_xasprintf("%s%s%s", dir, ph_str_ends(dir, "/") ? "" : "/", v->text);
    ph_strlist_push(&ref->owned, joined);
    free(joined);
    return ref->owned.items[ref->owned.len - 1];
}

/* Lay the file's value of one key under the option row `o`. */
static void apply_key(const PhCommand *cmd, void *opts, PhConfigRef *ref, const PhConfigKey *key, const PhOption *o,
                      const PhTomlValue *v, PhDiags *d) {
    bool on_line = given(cmd, ref, o);
    if ((on_line && !(o->flags & PH_OPT_EXTEND)) || reset(cmd, ref, key->name))
        return;
    /* a list given on the command line too: the file's values first */
    PhStrList typed = {0};
    PhStrList *list = ph_opts_is_list(o) ? (PhStrList *)((char *)opts + o->offset) : NULL;
    if (list && on_line) {
        typed = *list;
        memset(list, 0, sizeof *list);
    }
    size_t n = v->kind == PH_TOML_ARRAY ? v->n : 1;
    for (size_t i = 0; i < n; i++) {
        const PhTomlValue *item = v->kind == PH_TOML_ARRAY ? v->items[i] : v;
        char *why = ph_opts_set(o, as_typed(ref, key, item), opts);
        if (why) {
            ph_toml_diag(ph_config_doc(ref->file), d, PH_ERROR, item->at, item->width, "'%s' %s", key->name, why);
            free(why);
        }
    }
    for (size_t i = 0; i < typed.len; i++)
        ph_strlist_push(list, typed.items[i]);
    ph_strlist_free(&typed);
}

/* context-patterns = { test = [...] } as the whole pattern list of the
 * hidden --context-pattern row (CONTEXT=PATTERN items, in precedence
 * order, cli/cli.h): a context the file names gets the file's patterns in
 * place of its default ones; the others keep theirs. Contexts go in the
 * default set's order (code first: its patterns keep files in code). */
static void apply_context_patterns(const PhCommand *cmd, void *opts, PhConfigRef *ref, PhDiags *d) {
    const PhTomlValue *table = ph_config_get(ref->file, "context-patterns");
    const PhOption *o = ph_opts_find(cmd, "context-pattern");
    if (!table || !o || given(cmd, ref, o))
        return;
    size_t ndef;
    const PhContextPattern *defaults = ph_extract_default_contexts(&ndef);
    for (int c = 0; c < PH_CTX_COUNT; c++) {
        const char *name = ph_context_name((PhContext)c);
        const PhTomlValue *mine = ph_toml_get(table, name);
        for (size_t i = 0; !mine && i < ndef; i++)
            if (defaults[i].context == (PhContext)c) {
                char *item = ph_xasprintf("%s=%s", name, defaults[i].pattern);
                free(ph_opts_set(o, item, opts));   /* a string row: nothing to refuse */
                free(item);
            }
        for (size_t i = 0; mine && i < mine->n; i++) {
            const PhTomlValue *v = mine->items[i];
            if (!ph_extract_context_pattern_valid(v->text)) {
                ph_toml_diag(ph_config_doc(ref->file), d, PH_ERROR, v->at, v->width,
                             "'context-patterns': '%s' is not a pattern (it starts with '/' or holds '//')", v->text);
                continue;
            }
            char *item = ph_xasprintf("%s=%s", name, v->text);
            free(ph_opts_set(o, item, opts));
            free(item);
        }
    }
}

/* The directory the search starts from: the common parent of the paths
 * (a directory path is its own parent here). Caller frees with free(). */
static char *search_start(char *const *paths, int n) {
    if (n == 0)
        return ph_xstrdup(".");
    char *root = ph_cli_root(NULL, paths, n, false);
    if (n > 1 || ph_cli_is_dir(root))
        return root;
    char *dir = ph_cli_dirname(root);
    free(root);
    return dir;
}

int ph_cli_config(const PhCommand *cmd, void *opts, char *const *paths, int npaths) {
    const PhOption *row = config_row(cmd);
    if (!row)
        return 0;
    PhConfigRef *ref = (PhConfigRef *)((char *)opts + row->offset);
    if (ref->isolated && ref->path)
        return ph_cli_usage_error(cmd, "--config and --isolated cannot be used together");
    if (ref->isolated)
        return 0;
    PhDiags *d = ph_diags_new();
    char *path = NULL;
    int found = 1;
    if (ref->path) {
        path = ph_xstrdup(ref->path);
    } else {
        char *start = search_start(paths, npaths);
        found = ph_config_find(start, &path, d);
        free(start);
    }
    if (found == 1)
        ref->file = ph_config_read(path, d);
    if (ref->file) {
        size_t nkeys;
        const PhConfigKey *keys = ph_config_keys(&nkeys);
        for (size_t k = 0; k < nkeys; k++) {
            const PhTomlValue *v = ph_config_get(ref->file, keys[k].name);
            const PhOption *o = v ? ph_opts_find(cmd, keys[k].name) : NULL;
            if (o)
                apply_key(cmd, opts, ref, &keys[k], o, v, d);
        }
        apply_context_patterns(cmd, opts, ref, d);
    }
    int rc = ph_diags_count(d, PH_ERROR) || (found == 1 && !ref->file) || found < 0 ? PH_EXIT_USAGE : 0;
    ph_cli_print_diags(d);
    ph_diags_free(d);
    free(path);
    return rc;
}

int ph_cli_config_check_rules(const PhConfigRef *ref, const PhRuleSet *rules) {
    if (!ref->file)
        return 0;
    PhDiags *d = ph_diags_new();
    int errors = ph_config_check_rules(ref->file, rules, d);
    ph_cli_print_diags(d);
    ph_diags_free(d);
    return errors ? PH_EXIT_USAGE : 0;
}

/* ---------------------------------------------------------------------------
 * audit --show-settings
 */

/* s as a TOML basic string. */
static void toml_quote(sqlite3_str *out, const char *s) {
    sqlite3_str_appendchar(out, 1, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            sqlite3_str_appendf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7F)
            sqlite3_str_appendf(out, "\\u%04X", *p);
        else
            sqlite3_str_appendchar(out, 1, (char)*p);
    }
    sqlite3_str_appendchar(out, 1, '"');
}

/* A value of the file, in TOML (strings, arrays and tables are all a
 * checked file holds). */
static void toml_value(sqlite3_str *out, const PhTomlValue *v) {
    if (v->kind == PH_TOML_STRING) {
        toml_quote(out, v->text);
        return;
    }
    bool table = v->kind == PH_TOML_TABLE;
    sqlite3_str_appendall(out, table ? "{ " : "[");
    for (size_t i = 0; i < v->n; i++) {
        if (i)
            sqlite3_str_appendall(out, ", ");
        if (table) {
            toml_quote(out, v->keys[i].name);
            sqlite3_str_appendall(out, " = ");
        }
        toml_value(out, v->items[i]);
    }
    sqlite3_str_appendall(out, table ? (v->n ? " }" : "}") : "]");
}

/* Where a key's value came from: "pyproject.toml:3", "command line", both, or "default". */
static void origin(sqlite3_str *out, const PhConfigRef *ref, const PhTomlValue *file_value, bool from_file, bool on_line) {
    if (from_file)
        sqlite3_str_appendf(out, "%s:%d", ph_config_path(ref->file), ph_config_line(ref->file, file_value));
    if (on_line)
        sqlite3_str_appendf(out, "%scommand line", from_file ? " + " : "");
    if (!from_file && !on_line)
        sqlite3_str_appendall(out, "default");
}

void ph_cli_show_settings(const PhCommand *cmd, void *opts, const char *root, const char *db, char *const *paths,
                          int npaths, const PhRuleSet *rules, FILE *out) {
    const PhConfigRef *ref = (const PhConfigRef *)((char *)opts + config_row(cmd)->offset);
    if (ref->file)
        fprintf(out, "Settings: %s%s%s\n", ph_config_path(ref->file), *ph_config_section(ref->file) ? " " : "",
                ph_config_section(ref->file));
    else
        fprintf(out, "Settings: none (%s)\n", ref->isolated ? "--isolated" : "no configuration file found");
    fprintf(out, "Project root: %s\nDatabase: %s\nPaths:", root, db);
    for (int i = 0; i < npaths; i++)
        fprintf(out, " %s", paths[i]);
    fputs(npaths ? "\n\n" : " .\n\n", out);
    size_t nkeys;
    const PhConfigKey *keys = ph_config_keys(&nkeys);
    for (size_t k = 0; k < nkeys; k++) {
        const PhConfigKey *key = &keys[k];
        const PhTomlValue *fv = ref->file ? ph_config_get(ref->file, key->name) : NULL;
        const PhOption *o = ph_opts_find(cmd, key->name);
        bool on_line = o && given(cmd, ref, o);
        bool from_file = fv && (!o || !on_line || (o->flags & PH_OPT_EXTEND)) && !reset(cmd, ref, key->name);
        sqlite3_str *s = sqlite3_str_new(NULL);
        sqlite3_str_appendf(s, "%s = ", key->name);
        const void *f = o ? (const char *)opts + o->offset : NULL;
        bool set = from_file || on_line;
        if (o && ph_opts_is_list(o) && ((const PhStrList *)f)->len) {
            const PhStrList *l = f;
            sqlite3_str_appendchar(s, 1, '[');
            for (size_t i = 0; i < l->len; i++) {
                if (i)
                    sqlite3_str_appendall(s, ", ");
                toml_quote(s, l->items[i]);
            }
            sqlite3_str_appendchar(s, 1, ']');
        } else if (o && !ph_opts_is_list(o) && o->kind != PH_OPT_FLAG && *(const char *const *)f) {
            toml_quote(s, *(const char *const *)f);
        } else if (!o && fv) {
            toml_value(s, fv);
        } else {
            sqlite3_str_appendall(s, key->def);
            set = false;
        }
        int width = sqlite3_str_length(s);
        sqlite3_str_appendf(s, "%*s# ", width < 40 ? 40 - width : 1, "");
        origin(s, ref, fv, set && from_file, set && on_line);
        char *line = sqlite3_str_finish(s);
        fprintf(out, "%s\n", line ? line : "");
        sqlite3_free(line);
    }
    if (rules) {
        fprintf(out, "\nRules that run (%zu):", ph_rules_len(rules));
        for (size_t i = 0; i < ph_rules_len(rules); i++)
            fprintf(out, " %s", ph_rules_at(rules, i)->id);
        fputc('\n', out);
    }
}

/* ---------------------------------------------------------------------------
 * pyhunt config [KEY]
 */

/* "--select" when `audit` takes the key on the command line too, else NULL. */
static const char *flag_of(const PhConfigKey *key) {
    const PhOption *o = ph_opts_find(&ph_audit_command, key->name);
    return o && !(o->flags & (PH_OPT_FILE_ONLY | PH_OPT_HIDDEN)) ? key->name : NULL;
}

/* ---------------------------------------------------------------------------
 * pyhunt config --dump-toml FILE: the document as pyhunt reads it, in JSON
 * (strings through SQLite's json_quote), to compare with another reader.
 */

static void json_value(sqlite3_str *out, sqlite3_stmt *quote, const PhTomlValue *v);

static void json_string(sqlite3_str *out, sqlite3_stmt *quote, const char *s, size_t len) {
    sqlite3_bind_text(quote, 1, s, (int)len, SQLITE_STATIC);
    if (sqlite3_step(quote) == SQLITE_ROW)
        sqlite3_str_appendall(out, (const char *)sqlite3_column_text(quote, 0));
    sqlite3_reset(quote);
}

static void json_value(sqlite3_str *out, sqlite3_stmt *quote, const PhTomlValue *v) {
    switch (v->kind) {
    case PH_TOML_STRING:
        json_string(out, quote, v->text, v->len);
        break;
    case PH_TOML_INTEGER:
        sqlite3_str_appendf(out, "%lld", (long long)v->integer);
        break;
    case PH_TOML_BOOLEAN:
        sqlite3_str_appendall(out, v->integer ? "true" : "false");
        break;
    case PH_TOML_FLOAT:
    case PH_TOML_DATETIME:   /* as written: JSON has no dates, and floats would round */
        sqlite3_str_appendf(out, "{\"%s\": ", v->kind == PH_TOML_FLOAT ? "float" : "datetime");
        json_string(out, quote, v->text, v->len);
        sqlite3_str_appendchar(out, 1, '}');
        break;
    case PH_TOML_ARRAY:
    case PH_TOML_TABLE: {
        bool table = v->kind == PH_TOML_TABLE;
        sqlite3_str_appendchar(out, 1, table ? '{' : '[');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                sqlite3_str_appendall(out, ", ");
            if (table) {
                json_string(out, quote, v->keys[i].name, v->keys[i].len);
                sqlite3_str_appendall(out, ": ");
            }
            json_value(out, quote, v->items[i]);
        }
        sqlite3_str_appendchar(out, 1, table ? '}' : ']');
        break;
    }
    }
}

static int dump_toml(const char *path) {
    PhDiags *d = ph_diags_new();
    size_t len = 0;
    char *text = ph_read_file(path, &len);
    PhToml *doc = text ? ph_toml_parse(path, text, len, d) : NULL;
    if (!text)
        ph_diags_add(d, PH_ERROR, path, 0, 0, 0, NULL, "cannot read: %s", strerror(errno));
    ph_cli_print_diags(d);
    ph_diags_free(d);
    free(text);
    if (!doc)
        return PH_EXIT_USAGE;
    sqlite3 *db = NULL;
    sqlite3_stmt *quote = NULL;
    sqlite3_open(":memory:", &db);
    sqlite3_prepare_v2(db, "SELECT json_quote(?1)", -1, &quote, NULL);
    sqlite3_str *out = sqlite3_str_new(NULL);
    json_value(out, quote, ph_toml_root(doc));
    char *json = sqlite3_str_finish(out);
    printf("%s\n", json ? json : "");
    sqlite3_free(json);
    sqlite3_finalize(quote);
    sqlite3_close(db);
    ph_toml_free(doc);
    return PH_EXIT_CLEAN;
}

typedef struct ConfigOptions {
    const char *dump_toml;
} ConfigOptions;

static const PhOption config_options[] = {
    {.name = "dump-toml", .kind = PH_OPT_PATH, .value = "FILE", .offset = offsetof(ConfigOptions, dump_toml),
     .help = "print the TOML file FILE as pyhunt reads it, in JSON, and exit"},
    {0},
};

static int cmd_config(void *opts, int argc, char **argv) {
    const ConfigOptions *co = opts;
    if (co->dump_toml)
        return dump_toml(co->dump_toml);
    size_t nkeys;
    const PhConfigKey *keys = ph_config_keys(&nkeys);
    if (argc == 0) {
        puts("The keys of [tool.pyhunt] in pyproject.toml, or of pyhunt.toml (at its top level):\n");
        for (size_t k = 0; k < nkeys; k++)
            printf("  %-18s %s\n", keys[k].name, keys[k].help);
        puts("\nRun 'pyhunt config KEY' for a key's type, default and example.");
        return PH_EXIT_CLEAN;
    }
    const PhConfigKey *key = ph_config_key(argv[0]);
    if (!key) {
        const char *names[32];
        for (size_t k = 0; k < nkeys && k < 32; k++)
            names[k] = keys[k].name;
        const char *near = ph_str_closest(argv[0], names, nkeys < 32 ? nkeys : 32);
        if (near)
            return ph_cli_usage_error(&ph_config_command, "unknown key '%s'; did you mean '%s'?", argv[0], near);
        return ph_cli_usage_error(&ph_config_command, "unknown key '%s'; 'pyhunt config' lists the keys", argv[0]);
    }
    printf("%s: %s\n  %s.\n", key->name, ph_config_type_name(key->type), key->help);
    if (key->words) {
        fputs("  values:", stdout);
        for (size_t i = 0; key->words[i]; i++)
            printf("%s %s", i ? "," : "", key->words[i]);
        putchar('\n');
    }
    printf("  default: %s\n  example: %s = %s\n", key->def, key->name, key->example);
    if (flag_of(key))
        printf("  command line: --%s (overrides the file)\n", flag_of(key));
    return PH_EXIT_CLEAN;
}

const PhCommand ph_config_command = {
    .name = "config",
    .run = cmd_config,
    .usage = "[KEY] [options]",
    .summary = "the keys of the configuration file (pyproject.toml's [tool.pyhunt], pyhunt.toml)",
    .options = config_options,
    .opts_size = sizeof(ConfigOptions),
    .max_args = 1,
    .operands = "  KEY                 one key, in full\n",
};
