/*
 * repl: `pyhunt repl [PATH | --db FILE]`: options, then the REPL of repl/.
 * This file only decides which tree, database and rules folder the session
 * uses, and hands the REPL the CLI's extract-then-open as its opener.
 */
#include "cli.h"
#include "repl.h"
#include "util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct ReplCliOptions {
    const char *db, *queries, *complete;
    PhStrList exclude, context_patterns;
    bool bail, interactive;
    PhExtractOptions xo;
    PhConfigRef cfg;
} ReplCliOptions;

static const PhOption repl_options[] = {
    PH_OPTS_EXTRACT(ReplCliOptions),
    PH_OPTS_CONFIG(ReplCliOptions),
    PH_OPT_CONTEXT_PATTERN(ReplCliOptions),
    {.name = "queries", .kind = PH_OPT_PATH, .value = "DIR", .offset = offsetof(ReplCliOptions, queries),
     .help = "user rules: loaded, and where .save writes (default PATH/.pyhunt-rules; README, user rules)"},
    {.name = "bail", .kind = PH_OPT_FLAG, .flags = PH_OPT_ONE_DASH, .offset = offsetof(ReplCliOptions, bail),
     .help = "in a script, stop at the first error (exit 2 or 3)"},
    {.name = "interactive", .kind = PH_OPT_FLAG, .flags = PH_OPT_ONE_DASH,
     .offset = offsetof(ReplCliOptions, interactive),
     .help = "prompts and banner even when stdin is not a terminal"},
    {.name = "complete", .kind = PH_OPT_STRING, .flags = PH_OPT_HIDDEN, .value = "TEXT",
     .offset = offsetof(ReplCliOptions, complete), .help = "print the Tab candidates for TEXT and exit"},
    {0},
};

/* The extraction options of the session, for the opener (.reload extracts
 * again with the same ones). */
static const PhExtractOptions *session_xo;

/* PhReplOpener over ph_cli_open_db: extraction diagnostics print as they do
 * for every command. */
static sqlite3 *open_db(const char *root, const char *db_path, bool extract, PhExtractStats *stats) {
    int input_errors;
    return ph_cli_open_db(root ? root : ".", db_path, session_xo, !extract, &input_errors, stats);
}

static int cmd_repl(void *opts, int argc, char **argv) {
    ReplCliOptions *c = opts;
    /* --db alone: no tree, no configuration; else the tree's project */
    char *project = NULL;
    if (argc || !c->db) {
        if (ph_cli_config(&ph_repl_command, c, argv, argc) != 0)
            return PH_EXIT_USAGE;
        project = ph_cli_root(&c->cfg, argv, argc, false);
    }
    c->xo.excludes = c->exclude.items;
    c->xo.n_excludes = c->exclude.len;
    PhContextPattern *patterns = NULL;   /* the configuration's, kept for .reload */
    if (ph_cli_context_patterns(&ph_repl_command, &c->context_patterns, &c->xo, &patterns) != 0) {
        free(project);
        return PH_EXIT_USAGE;
    }
    session_xo = &c->xo;
    PhReplOptions o;
    memset(&o, 0, sizeof o);
    o.db_path = c->db;
    o.rules_dir = c->queries;
    o.bail = c->bail;
    o.interactive = c->interactive;
    o.root = project;
    /* --db alone: that database as it is; the tree it came from is in it */
    o.extract = o.root != NULL;
    o.open_db = open_db;
    PhRepl *r = ph_repl_open(&o);
    if (!r) {
        free(patterns);
        free(project);
        return PH_EXIT_USAGE;
    }
    int status = PH_EXIT_CLEAN;
    if (c->complete)
        ph_repl_complete(r, c->complete, stdout);
    else
        status = ph_repl_loop(r);
    ph_repl_close(r);
    free(patterns);
    free(project);
    return status;
}

const PhCommand ph_repl_command = {
    .name = "repl",
    .run = cmd_repl,
    .usage = "[PATH | --db FILE] [options]",
    .summary = "interactive shell: SQL, stored rules, source behind results",
    .options = repl_options,
    .opts_size = sizeof(ReplCliOptions),
    .max_args = 1,
    .operands = "  PATH                the tree to extract first (default .); with --db alone,\n"
                "                      the tree the database was built from\n",
    .notes = "Commands and SQL come from stdin; on a terminal '.help' lists the dot-commands.\n",
};
