/*
 * extract: `pyhunt extract [PATH]`, and the hidden benchmark switch
 * --parse-only (read and parse every file, store nothing: the ceiling that
 * `make bench` measures extraction against).
 */
#include "cli.h"
#include "util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct ExtractOptions {
    const char *db, *dump_tree;
    PhStrList exclude, context_patterns;
    bool quiet, timings, strict;
    PhExtractOptions xo;
    PhConfigRef cfg;
} ExtractOptions;

static const PhOption extract_options[] = {
    PH_OPTS_EXTRACT(ExtractOptions),
    PH_OPTS_CONFIG(ExtractOptions),
    PH_OPT_CONTEXT_PATTERN(ExtractOptions),
    {.name = "force", .kind = PH_OPT_FLAG, .offset = offsetof(ExtractOptions, xo.force),
     .help = "re-extract every file"},
    {.name = "strict", .kind = PH_OPT_FLAG, .offset = offsetof(ExtractOptions, strict),
     .help = "exit 2 when a file could not be extracted (unreadable, binary, too large or too deeply nested)"},
    {.name = "dump-tree", .kind = PH_OPT_PATH, .value = "FILE", .offset = offsetof(ExtractOptions, dump_tree),
     .help = "print FILE's tree-sitter parse tree and exit"},
    {.name = "quiet", .kind = PH_OPT_FLAG, .offset = offsetof(ExtractOptions, quiet),
     .help = "no summary line, and no progress line on a terminal"},
    {.name = "timings", .kind = PH_OPT_FLAG, .offset = offsetof(ExtractOptions, timings),
     .help = "where the time went: facts, indexes, derived relations, the ten slowest files"},
    {.name = "parse-only", .kind = PH_OPT_FLAG, .flags = PH_OPT_HIDDEN, .offset = offsetof(ExtractOptions, xo.parse_only),
     .help = "read and parse every file, store nothing (the benchmark's ceiling)"},
    {0},
};

static int cmd_extract(void *opts, int argc, char **argv) {
    ExtractOptions *eo = opts;
    PhExtractOptions *o = &eo->xo;
    if (eo->dump_tree) {
        PhDiags *d = ph_diags_new();
        int rc = ph_extract_dump_tree(eo->dump_tree, stdout, d);
        ph_cli_print_diags(d);
        ph_diags_free(d);
        return rc == 0 ? PH_EXIT_CLEAN : PH_EXIT_USAGE;
    }
    if (ph_cli_config(&ph_extract_command, eo, argv, argc) != 0)
        return PH_EXIT_USAGE;
    char *root = ph_cli_root(&eo->cfg, argv, argc, false);
    o->root = root;
    o->db_path = eo->db;
    o->excludes = eo->exclude.items;
    o->n_excludes = eo->exclude.len;
    PhContextPattern *patterns;
    if (ph_cli_context_patterns(&ph_extract_command, &eo->context_patterns, o, &patterns) != 0) {
        free(root);
        return PH_EXIT_USAGE;
    }
    o->on_wait = ph_cli_say_waiting;
    o->n_slowest = eo->timings ? 10 : 0;
    PhProgress progress;
    ph_progress_init(&progress, eo->quiet || o->parse_only);
    ph_progress_phase(&progress, "files parsed");
    o->on_progress = ph_progress_step;
    o->progress_arg = &progress;
    PhDiags *d = ph_diags_new();
    PhExtractStats st;
    double t0 = ph_now();
    int rc = ph_extract_run(o, &st, d);
    double dt = ph_now() - t0;
    ph_progress_end(&progress);
    free(patterns);
    ph_cli_print_diags(d);
    int errors = ph_diags_count(d, PH_ERROR);
    ph_diags_free(d);
    free(root);
    if (!eo->quiet) {
        if (o->parse_only)
            fprintf(stderr, "pyhunt: parsed %d files, %ld lines in %.3fs (parse only, nothing stored)\n", st.parsed,
                    st.lines, dt);
        else
            fprintf(stderr,
                    "pyhunt: %d files: %d extracted (%ld lines), %d unchanged, %d removed, %d failed in %.3fs%s\n",
                    st.files, st.parsed, st.lines, st.unchanged, st.removed, st.failed, dt,
                    st.rebuilt ? " (new database)" : "");
        if (st.recontexted)
            fprintf(stderr, "pyhunt: %d file%s took another code context (the context patterns changed)\n", st.recontexted,
                    st.recontexted == 1 ? "" : "s");
    }
    if (eo->timings && !o->parse_only)
        fprintf(stderr, "pyhunt: facts %.3fs, indexes %.3fs, derived relations %.3fs\n", st.t_facts, st.t_indexes,
                st.t_derive);
    for (int i = 0; i < st.n_slowest; i++) {
        const PhExtractFileTime *t = &st.slowest[i];
        fprintf(stderr, "pyhunt: slowest: %.3fs %s (parse %.3fs, store %.3fs)\n", t->parse + t->store, t->path,
                t->parse, t->store);
    }
    ph_extract_stats_free(&st);
    if (rc != 0 || (eo->strict && errors))
        return PH_EXIT_USAGE;
    return PH_EXIT_CLEAN;
}

const PhCommand ph_extract_command = {
    .name = "extract",
    .run = cmd_extract,
    .usage = "[PATH] [options]",
    .summary = "bring the fact database up to date with PATH",
    .options = extract_options,
    .opts_size = sizeof(ExtractOptions),
    .max_args = 1,
    .operands = "  PATH                the tree or file to extract (default .)\n",
};
