/*
 * config: pyhunt's configuration file. Finds it (from a directory upwards),
 * reads it with toml.c, and checks every key against one table of keys
 * (name, type, default, help, example) that `pyhunt config`, `audit
 * --show-settings` and the README's Configuration section all follow.
 *
 * A configuration is `.pyhunt.toml` or `pyhunt.toml` (settings at the top
 * level) or a `pyproject.toml` with a [tool.pyhunt] table. In one
 * directory that order decides (Ruff's: its own file before
 * pyproject.toml); between directories the nearest wins. The search goes
 * up to the top of the git repository (the directory holding `.git`) or
 * the file system's root, never above.
 *
 * It knows nothing of the command line: cli/config.c lays the values under
 * the options, so that flags override them.
 */
#ifndef PH_CONFIG_H
#define PH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "diag.h"
#include "rules.h"
#include "toml.h"

typedef enum {
    PH_CONFIG_IDS,            /* array of rule ids or prefixes (PH101, PH1, ALL) */
    PH_CONFIG_GLOBS,          /* array of globs over paths relative to the project root */
    PH_CONFIG_PATHS,          /* array of paths relative to the configuration file */
    PH_CONFIG_PATH,           /* one path relative to the configuration file */
    PH_CONFIG_WORD,           /* one of `words` */
    PH_CONFIG_WORDS,          /* array of `words` */
    PH_CONFIG_IDS_BY_GLOB,    /* table: glob -> array of rule ids or prefixes */
    PH_CONFIG_GLOBS_BY_WORD   /* table: one of `words` -> array of globs */
} PhConfigType;

typedef struct PhConfigKey {
    const char *name;         /* "per-file-ignores" */
    PhConfigType type;
    const char *const *words; /* WORD, WORDS: the accepted values; GLOBS_BY_WORD: the accepted keys */
    const char *def;          /* the default, in TOML or in words: "[]", "every rule but the opt-in ones" */
    const char *help;         /* one sentence, no final period */
    const char *example;      /* the value of an example, in TOML */
    bool nonempty;            /* an empty array is an error (it would select nothing) */
} PhConfigKey;

/* Every key, in the order documentation lists them; *n gets the count. Static. */
const PhConfigKey *ph_config_keys(size_t *n);
/* The key named `name`, or NULL. Static. */
const PhConfigKey *ph_config_key(const char *name);
/* "an array of rule ids", ...: what a key's value must be. Static. */
const char *ph_config_type_name(PhConfigType type);

/* The file names a directory is searched for, in precedence order, NULL-ended. Static. */
extern const char *const ph_config_names[];

typedef struct PhConfig PhConfig;

/* Find the configuration for the directory `dir`: the nearest file from
 * dir upwards (see above). The path is `dir` followed by the parents
 * taken, as given (relative stays relative: a/b, a, ., .., ../..).
 * Returns 1 and sets *path (caller frees with free()), 0 when there is
 * none, or -1 after a diagnostic (a pyproject.toml that is not valid
 * TOML). A pyproject.toml whose [tool.pyhunt] is passed over for a
 * pyhunt.toml beside it gets a warning. */
int ph_config_find(const char *dir, char **path, PhDiags *diags);

/* The nearest directory holding `.git` from dir upwards, spelled as
 * ph_config_find spells paths, or NULL. Caller frees with free(). */
char *ph_config_repository(const char *dir);

/* Read and check the configuration file `path`. Every problem is a
 * located diagnostic: TOML syntax, an unknown key (with the nearest key),
 * a value of the wrong type, a word not in a key's list; rule ids are
 * checked later (ph_config_check_rules), once the rules are loaded.
 * Returns NULL after diagnostics. Caller frees with ph_config_free(). */
PhConfig *ph_config_read(const char *path, PhDiags *diags);
/* Check configuration text as if read from `path` (the fuzz target's door). */
PhConfig *ph_config_parse(const char *path, const char *text, size_t len, PhDiags *diags);
void ph_config_free(PhConfig *self);      /* NULL is a no-op */

/* The file, as given to ph_config_read; the directory its relative paths
 * start from ("." for a bare file name). Borrowed, valid until free. */
const char *ph_config_path(const PhConfig *self);
const char *ph_config_dir(const PhConfig *self);
/* "[tool.pyhunt]" for a pyproject.toml, "" for pyhunt's own files. Static. */
const char *ph_config_section(const PhConfig *self);

/* The checked value of a key, or NULL when the file does not set it.
 * Borrowed, valid until free. */
const PhTomlValue *ph_config_get(const PhConfig *self, const char *key);
/* The document, for diagnostics at a value (ph_toml_diag). Borrowed. */
const PhToml *ph_config_doc(const PhConfig *self);
/* The 1-based line of a value, for "where it came from". */
int ph_config_line(const PhConfig *self, const PhTomlValue *v);

/* Check that every rule id or prefix of the file names a rule of `rules`,
 * each one that does not a located error, with the nearest id when one is
 * close. Returns the number of errors. */
int ph_config_check_rules(const PhConfig *self, const PhRuleSet *rules, PhDiags *diags);

#endif
