/*
 * main: the command table and dispatch. `pyhunt COMMAND ...`; `pyhunt help
 * [COMMAND]`; an unknown command gets "did you mean". Everything a command
 * does lives in its cmd_*.c file.
 */
#include "cli.h"
#include "db.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const PhCommand ph_commands[] = {
    {"audit", ph_cmd_audit, "[PATH] [options]", "extract (incrementally), run every rule, report findings",
     "  --format FMT        text (default), json, sarif, markdown, github\n"
     "  --output FILE       write the report to FILE (markdown default: YYYY-MM-DD-pyhunt-audit.md)\n"
     "  --select IDS        only these rules (ids or prefixes, comma-separated: PH1,PH301)\n"
     "  --ignore IDS        skip these rules\n"
     "  --min-severity SEV  only findings at SEV or worse (P1, P2, P3)\n"
     "  --exit-zero         exit 0 even with findings\n"
     "  --diff BASE         only findings on lines changed since git ref BASE\n"
     "  --queries DIR       add the rules in DIR (repeatable)\n"
     "  --db FILE           fact database (default PATH/.pyhunt/facts.db)\n"
     "  --exclude GLOB      skip matching paths (repeatable)\n"
     "  --jobs N            parse with N threads (default: one per core)\n"
     "  --no-color          plain text even on a terminal\n"
     "  --no-cache          run every rule, even over facts it already ran on\n",
     false},
    {"extract", ph_cmd_extract, "[PATH] [options]", "bring the fact database up to date with PATH",
     "  --db FILE           fact database (default PATH/.pyhunt/facts.db)\n"
     "  --jobs N            parse with N threads (default: one per core)\n"
     "  --exclude GLOB      skip matching paths (repeatable)\n"
     "  --force             re-extract every file\n"
     "  --dump-tree FILE    print FILE's tree-sitter parse tree and exit\n"
     "  --quiet             no summary line\n"
     "  --timings           where the time went: facts, indexes, derived relations, the slowest files\n",
     false},
    {"query", ph_cmd_query, "['SQL' | -f FILE] [options]", "run SQL against the fact database",
     "  -f, --file FILE     read the SQL from FILE (a rule file works too)\n"
     "  --format FMT        table (default), box, json, csv, markdown, line\n"
     "  --path PATH         the audited tree (default .), extracted first\n"
     "  --db FILE           fact database (default PATH/.pyhunt/facts.db)\n"
     "  --no-extract        query the database as it is\n",
     false},
    {"rules", ph_cmd_rules, "[--explain ID] [options]", "list the rules, or explain one",
     "  --explain ID        what the rule finds, why, a bad and a good example\n"
     "  --queries DIR       add the rules in DIR (repeatable)\n"
     "  --format FMT        table (default), json, markdown (the rule documentation)\n",
     false},
    {"schema", ph_cmd_schema, "[TABLE]", "print the fact schema (tables, then library views)", NULL, false},
    {"test", ph_cmd_test, "[DIR|FILE...] [options]", "run rule corpora and CLI tests (default: tests/)",
     "  --queries DIR       test these user rules too (repeatable)\n"
     "  --filter TEXT       only cases whose file or title contains TEXT\n"
     "  --verbose           print every case\n",
     false},
    {"repl", ph_cmd_repl, "[PATH | --db FILE] [options]", "interactive shell: SQL, stored rules, source behind results",
     "  PATH                the tree to extract first (default .); with --db alone, the tree the\n"
     "                      database was built from\n"
     "  --db FILE           fact database (default PATH/.pyhunt/facts.db)\n"
     "  --queries DIR       user rules: loaded, and where .save writes\n"
     "                      (default $PYHUNT_RULES, else ~/.pyhunt/rules)\n"
     "  -bail               in a script, stop at the first error (exit 2 or 3)\n"
     "  -interactive        prompts and banner even when stdin is not a terminal\n"
     "Commands and SQL come from stdin; on a terminal '.help' lists the dot-commands.\n",
     false},
    {"help", ph_cmd_help, "[COMMAND]", "show help", NULL, false},
    {"version", ph_cmd_version, "", "print the version", NULL, false},
    {NULL, NULL, NULL, NULL, NULL, false},
};

static const PhCommand *find_command(const char *name) {
    for (const PhCommand *c = ph_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* Levenshtein distance, for "did you mean". */
static int distance(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    int *row = ph_xcalloc(m + 1, sizeof(int));
    for (size_t j = 0; j <= m; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        int prev = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int cur = row[j];
            int sub = prev + (a[i - 1] != b[j - 1]);
            int del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    int d = row[m];
    free(row);
    return d;
}

static void usage(FILE *out) {
    fputs("usage: pyhunt COMMAND [ARGS]\n\n"
          "A semantic code-query database for Python: performance and async antipatterns.\n\n"
          "Commands:\n",
          out);
    for (const PhCommand *c = ph_commands; c->name; c++)
        if (!c->hidden)
            fprintf(out, "  %-9s %s\n", c->name, c->summary);
    fputs("\nExit codes: 0 no findings, 1 findings, 2 usage or input error, 3 query error.\n"
          "Run 'pyhunt help COMMAND' for a command's options.\n",
          out);
}

static void command_help(const PhCommand *c, FILE *out) {
    fprintf(out, "usage: pyhunt %s %s\n\n%s.\n", c->name, c->usage, c->summary);
    if (c->help)
        fprintf(out, "\nOptions:\n%s", c->help);
}

int ph_cmd_help(int argc, char **argv) {
    if (argc > 1) {
        const PhCommand *c = find_command(argv[1]);
        if (!c)
            return ph_cli_usage_error(NULL, "unknown command '%s'", argv[1]);
        command_help(c, stdout);
        return PH_EXIT_CLEAN;
    }
    usage(stdout);
    return PH_EXIT_CLEAN;
}

int ph_cmd_version(int argc, char **argv) {
    (void)argc;
    (void)argv;
    printf("pyhunt %s (schema %s)\n", PH_TOOL_VERSION, ph_db_version());
    return PH_EXIT_CLEAN;
}

int ph_cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    fputs("pyhunt: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    const PhCommand *c = cmd ? find_command(cmd) : NULL;
    if (c)
        fprintf(stderr, "usage: pyhunt %s %s\n", c->name, c->usage);
    return PH_EXIT_USAGE;
}

void ph_cli_print_diags(const PhDiags *d) { ph_diags_print(d, stderr, isatty(2) && !getenv("NO_COLOR")); }

void ph_strlist_push(PhStrList *l, const char *s) {
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = ph_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->len++] = s;
}

int main(int argc, char **argv) {
    ph_db_global_init();
    if (argc < 2) {
        usage(stderr);
        return PH_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "-h") || !strcmp(name, "--help"))
        return ph_cmd_help(1, argv);
    if (!strcmp(name, "-V") || !strcmp(name, "--version"))
        return ph_cmd_version(1, argv);
    const PhCommand *c = find_command(name);
    if (!c) {
        const PhCommand *best = NULL;
        int bd = 3;
        for (const PhCommand *k = ph_commands; k->name; k++) {
            int d = distance(name, k->name);
            if (d < bd && !k->hidden)
                bd = d, best = k;
        }
        if (best)
            return ph_cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", name, best->name);
        return ph_cli_usage_error(NULL, "unknown command '%s'; run 'pyhunt help'", name);
    }
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            command_help(c, stdout);
            return PH_EXIT_CLEAN;
        }
    return c->run(argc - 1, argv + 1);
}
