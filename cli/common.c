/*
 * common: what several commands share: opening a root's database
 * (extracting first), loading rules.
 */
#include "cli.h"
#include "db.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ph_cli_print_diags(const PhDiags *d) { ph_diags_print(d, stderr, isatty(2) && !getenv("NO_COLOR")); }

void ph_cli_say_waiting(const char *db_path) {
    fprintf(stderr, "pyhunt: %s: note: another pyhunt is updating this database; waiting for it to finish\n",
            db_path);
}

sqlite3 *ph_cli_open_db(const char *root, const char *db_path, const PhExtractOptions *xo, bool no_extract,
                        int *input_errors, PhExtractStats *stats) {
    PhDiags *d = ph_diags_new();
    char *path = db_path ? ph_xstrdup(db_path) : ph_extract_default_db(root);
    sqlite3 *db = NULL;
    PhExtractStats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    *input_errors = 0;
    bool ok = true;
    if (!no_extract) {
        PhExtractOptions o = *xo;
        o.root = root;
        o.db_path = path;
        o.on_wait = ph_cli_say_waiting;
        ok = ph_extract_run(&o, stats, d) == 0;
        *input_errors = ph_diags_count(d, PH_ERROR);
    }
    if (ok) {
        PhDbStatus s = ph_db_open(path, no_extract, &db, d);
        if (s == PH_DB_MISSING)
            ph_diags_add(d, PH_ERROR, path, 0, 0, 0, NULL, "no database here; run 'pyhunt extract' first");
        else if (s == PH_DB_STALE)
            ph_diags_add(d, PH_ERROR, path, 0, 0, 0, NULL,
                         "database written by another pyhunt version; run 'pyhunt extract' to rebuild it");
    }
    ph_cli_print_diags(d);
    ph_diags_free(d);
    free(path);
    return db;
}

int ph_cli_context_patterns(const PhCommand *cmd, const PhStrList *specs, PhExtractOptions *xo, PhContextPattern **owned) {
    *owned = NULL;
    if (!specs->len)
        return 0;
    PhContextPattern *p = ph_xcalloc(specs->len, sizeof *p);
    for (size_t i = 0; i < specs->len; i++) {
        const char *spec = specs->items[i], *eq = strchr(spec, '=');
        int c = eq ? ph_context_parse(spec, (size_t)(eq - spec)) : -1;
        if (c < 0 || !ph_extract_context_pattern_valid(eq + 1)) {
            free(p);
            return ph_cli_usage_error(cmd, "option '--context-pattern' takes CONTEXT=PATTERN (code, test, example "
                                           "or script, then a pattern), not '%s'", spec);
        }
        p[i] = (PhContextPattern){(PhContext)c, eq + 1};
    }
    xo->contexts = p;
    xo->n_contexts = specs->len;
    *owned = p;
    return 0;
}

PhRuleSet *ph_cli_load_rules(const char *root, const char *const *dirs, size_t ndirs, int *status) {
    PhDiags *d = ph_diags_new();
    PhRuleSet *rules = ph_rules_load(root, dirs, ndirs, d);
    int errors = ph_diags_count(d, PH_ERROR), in_catalogues = ph_rules_catalogue_errors(rules);
    ph_cli_print_diags(d);
    ph_diags_free(d);
    if (errors) {
        *status = errors > in_catalogues ? PH_EXIT_QUERY : PH_EXIT_USAGE;
        ph_rules_free(rules);
        return NULL;
    }
    return rules;
}

int ph_cli_attach_catalogues(const PhRuleSet *rules, sqlite3 *db) {
    PhDiags *d = ph_diags_new();
    int rc = ph_rules_attach(rules, db, d);
    ph_cli_print_diags(d);
    ph_diags_free(d);
    return rc;
}
