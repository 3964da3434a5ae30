/*
 * common: what several commands share: opening a root's database
 * (extracting first), loading rules.
 */
#include "cli.h"
#include "db.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

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

PhRuleSet *ph_cli_load_rules(const char *const *dirs, size_t ndirs, int *status) {
    PhRuleSet *rules = ph_rules_builtin();
    PhDiags *d = ph_diags_new();
    bool rules_ok = true, catalogues_ok = true;
    for (size_t i = 0; i < ndirs; i++) {
        bool ok = ph_rules_add_dir(rules, dirs[i], d) >= 0;
        rules_ok &= ok;
        if (ok)
            catalogues_ok &= ph_rules_add_catalogues(rules, dirs[i], d) >= 0;
    }
    ph_cli_print_diags(d);
    ph_diags_free(d);
    if (!rules_ok || !catalogues_ok) {
        *status = rules_ok ? PH_EXIT_USAGE : PH_EXIT_QUERY;
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
