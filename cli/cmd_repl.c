/*
 * repl: `pyhunt repl [PATH | --db FILE]`: options, then the REPL of repl/.
 * This file only decides which tree, database and rules folder the session
 * uses, and hands the REPL the CLI's extract-then-open as its opener.
 */
#include "cli.h"
#include "repl.h"
#include "util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* PhReplOpener over ph_cli_open_db: extraction diagnostics print as they do
 * for every command. */
static sqlite3 *open_db(const char *root, const char *db_path, bool extract, PhExtractStats *stats) {
    PhExtractOptions xo;
    memset(&xo, 0, sizeof xo);
    int input_errors;
    return ph_cli_open_db(root ? root : ".", db_path, &xo, !extract, &input_errors, stats);
}

int ph_cmd_repl(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},      {"queries", required_argument, 0, 'Q'},
        {"bail", no_argument, 0, 'b'},          {"interactive", no_argument, 0, 'i'},
        {"complete", required_argument, 0, 'c'}, {0, 0, 0, 0},
    };
    PhReplOptions o;
    memset(&o, 0, sizeof o);
    const char *complete = NULL;
    optind = 1;
    opterr = 0;
    /* getopt_long_only: -bail and -interactive, as the sqlite3 shell spells them */
    for (int c; (c = getopt_long_only(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'd': o.db_path = optarg; break;
        case 'Q': o.rules_dir = optarg; break;
        case 'b': o.bail = true; break;
        case 'i': o.interactive = true; break;
        case 'c': complete = optarg; break;
        case ':': return ph_cli_usage_error("repl", "option '%s' needs a value", argv[optind - 1]);
        default: return ph_cli_usage_error("repl", "bad option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1)
        return ph_cli_usage_error("repl", "one PATH at most");
    o.root = optind < argc ? argv[optind] : NULL;
    /* --db alone: that database as it is; the tree it came from is in it */
    o.extract = o.root || !o.db_path;
    if (!o.root && !o.db_path)
        o.root = ".";
    o.open_db = open_db;
    PhRepl *r = ph_repl_open(&o);
    if (!r)
        return PH_EXIT_USAGE;
    int status = PH_EXIT_CLEAN;
    if (complete)
        ph_repl_complete(r, complete, stdout);
    else
        status = ph_repl_loop(r);
    ph_repl_close(r);
    return status;
}
