/*
 * extract: `pyhunt extract [PATH]`, and the hidden benchmark switch
 * --parse-only (read and parse every file, store nothing: the ceiling that
 * `make bench` measures extraction against).
 */
#include "cli.h"
#include "util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

int ph_cmd_extract(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},      {"jobs", required_argument, 0, 'j'},
        {"exclude", required_argument, 0, 'x'}, {"force", no_argument, 0, 'F'},
        {"parse-only", no_argument, 0, 'P'},    {"dump-tree", required_argument, 0, 'T'},
        {"quiet", no_argument, 0, 'q'},         {"timings", no_argument, 0, 't'},
        {0, 0, 0, 0},
    };
    PhExtractOptions o;
    memset(&o, 0, sizeof o);
    PhStrList excludes = {0};
    bool quiet = false, timings = false;
    const char *dump = NULL;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        switch (c) {
        case 'd': o.db_path = optarg; break;
        case 'j': o.jobs = atoi(optarg); break;
        case 'x': ph_strlist_push(&excludes, optarg); break;
        case 'F': o.force = true; break;
        case 'P': o.parse_only = true; break;
        case 'T': dump = optarg; break;
        case 'q': quiet = true; break;
        case 't': timings = true; break;
        default: free(excludes.items); return ph_cli_usage_error("extract", "bad option");
        }
    }
    if (dump) {
        PhDiags *d = ph_diags_new();
        int rc = ph_extract_dump_tree(dump, stdout, d);
        ph_cli_print_diags(d);
        ph_diags_free(d);
        free(excludes.items);
        return rc == 0 ? PH_EXIT_CLEAN : PH_EXIT_USAGE;
    }
    if (argc - optind > 1) {
        free(excludes.items);
        return ph_cli_usage_error("extract", "one PATH at most");
    }
    o.root = optind < argc ? argv[optind] : ".";
    o.excludes = excludes.items;
    o.n_excludes = excludes.len;
    o.n_slowest = timings ? 10 : 0;
    PhDiags *d = ph_diags_new();
    PhExtractStats st;
    double t0 = ph_now();
    int rc = ph_extract_run(&o, &st, d);
    double dt = ph_now() - t0;
    ph_cli_print_diags(d);
    int errors = ph_diags_count(d, PH_ERROR);
    ph_diags_free(d);
    free(excludes.items);
    if (!quiet) {
        if (o.parse_only)
            fprintf(stderr, "pyhunt: parsed %d files, %ld lines in %.3fs (parse only, nothing stored)\n", st.parsed,
                    st.lines, dt);
        else
            fprintf(stderr,
                    "pyhunt: %d files: %d extracted (%ld lines), %d unchanged, %d removed, %d failed in %.3fs%s\n",
                    st.files, st.parsed, st.lines, st.unchanged, st.removed, st.failed, dt,
                    st.rebuilt ? " (new database)" : "");
    }
    if (timings && !o.parse_only)
        fprintf(stderr, "pyhunt: facts %.3fs, indexes %.3fs, derived relations %.3fs\n", st.t_facts, st.t_indexes,
                st.t_derive);
    for (int i = 0; i < st.n_slowest; i++) {
        const PhExtractFileTime *t = &st.slowest[i];
        fprintf(stderr, "pyhunt: slowest: %.3fs %s (parse %.3fs, store %.3fs)\n", t->parse + t->store, t->path,
                t->parse, t->store);
    }
    ph_extract_stats_free(&st);
    if (rc != 0)
        return PH_EXIT_USAGE;
    return errors ? PH_EXIT_USAGE : PH_EXIT_CLEAN;
}
