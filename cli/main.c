/*
 * main: the list of commands and dispatch. `pyhunt COMMAND ...`: the
 * command's arguments are parsed from its option table (opts.c), then it
 * runs; `pyhunt help [COMMAND]`; an unknown command gets "did you mean".
 * Whatever a command wrote to stdout is checked before pyhunt exits.
 * Everything else a command does lives in its cmd_*.c file.
 */
#include "cli.h"
#include "db.h"
#include "output.h"
#include "util.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const PhCommand *const ph_commands[] = {
    &ph_audit_command, &ph_extract_command, &ph_query_command, &ph_rules_command, &ph_schema_command,
    &ph_test_command,  &ph_repl_command,    &ph_config_command, &ph_help_command,  &ph_version_command, NULL,
};

const PhCommand *ph_cli_command(const char *name) {
    for (const PhCommand *const *c = ph_commands; *c; c++)
        if (strcmp((*c)->name, name) == 0)
            return *c;
    return NULL;
}

const char ph_cli_about[] = "a semantic code-query database for Python: performance and async antipatterns";

const PhExitCode ph_exit_codes[] = {
    {PH_EXIT_CLEAN, "no findings"},
    {PH_EXIT_FINDINGS, "findings"},
    {PH_EXIT_USAGE, "usage or input error"},
    {PH_EXIT_QUERY, "query error"},
    {0, NULL},
};

static void print_usage(FILE *out) {
    fprintf(out, "usage: pyhunt COMMAND [ARGS]\n\n%c%s.\n\nCommands:\n", toupper((unsigned char)ph_cli_about[0]),
            ph_cli_about + 1);
    for (const PhCommand *const *c = ph_commands; *c; c++)
        if (!(*c)->hidden)
            fprintf(out, "  %-9s %s\n", (*c)->name, (*c)->summary);
    fputs("\nExit codes:", out);
    for (const PhExitCode *e = ph_exit_codes; e->meaning; e++)
        fprintf(out, "%s %d %s", e == ph_exit_codes ? "" : ",", e->code, e->meaning);
    fputs(".\nRun 'pyhunt help COMMAND' for a command's options.\n", out);
}

/* "unknown command", with the nearest command when one is close. */
static int unknown_command(const char *name) {
    const char *names[32];
    size_t n = 0;
    for (const PhCommand *const *k = ph_commands; *k && n < 32; k++)
        if (!(*k)->hidden)
            names[n++] = (*k)->name;
    const char *best = ph_str_closest(name, names, n);
    if (best)
        return ph_cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", name, best);
    return ph_cli_usage_error(NULL, "unknown command '%s'; run 'pyhunt help'", name);
}

typedef struct HelpOptions {
    bool man;
    const char *completion;
} HelpOptions;

static const PhOption help_options[] = {
    {.name = "man", .kind = PH_OPT_FLAG, .offset = offsetof(HelpOptions, man),
     .help = "print the manual page pyhunt(1), in roff, from the same tables as this help"},
    {.name = "completion", .kind = PH_OPT_ENUM, .value = "SHELL", .words = PH_WORDS("bash", "zsh"),
     .offset = offsetof(HelpOptions, completion), .help = "print the completion script for SHELL"},
    {0},
};

static int cmd_help(void *opts, int argc, char **argv) {
    HelpOptions *o = opts;
    if ((o->man || o->completion) && argc > 0)
        return ph_cli_usage_error(&ph_help_command, "--man and --completion describe every command: no COMMAND with them");
    if (o->man && o->completion)
        return ph_cli_usage_error(&ph_help_command, "--man and --completion print different files: give one");
    if (o->man) {
        ph_cli_man(stdout);
        return PH_EXIT_CLEAN;
    }
    if (o->completion) {
        ph_cli_completion(stdout, o->completion);
        return PH_EXIT_CLEAN;
    }
    if (argc > 0) {
        const PhCommand *c = ph_cli_command(argv[0]);
        if (!c)
            return unknown_command(argv[0]);
        ph_opts_help(c, stdout);
        return PH_EXIT_CLEAN;
    }
    print_usage(stdout);
    return PH_EXIT_CLEAN;
}

const PhCommand ph_help_command = {
    .name = "help",
    .run = cmd_help,
    .usage = "[COMMAND] [options]",
    .summary = "show help",
    .options = help_options,
    .opts_size = sizeof(HelpOptions),
    .max_args = 1,
    .operands = "  COMMAND             the command whose arguments and options to show\n",
};

static int cmd_version(void *opts, int argc, char **argv) {
    printf("pyhunt %s (schema %s)\n", PH_TOOL_VERSION, ph_db_version());
    return PH_EXIT_CLEAN;
}

const PhCommand ph_version_command = {
    .name = "version", .run = cmd_version, .usage = "", .summary = "print the version", .max_args = 0,
};

/* Run one command: parse its arguments from its table, then run it. */
static int run_command(const PhCommand *c, int argc, char **argv) {
    void *opts = c->opts_size ? ph_xcalloc(1, c->opts_size) : NULL;
    char **args;
    int nargs;
    int rc = ph_opts_parse(c, argc, argv, opts, &args, &nargs);
    if (rc == 1) {
        ph_opts_help(c, stdout);
        rc = PH_EXIT_CLEAN;
    } else if (rc == 0) {
        rc = c->run(opts, nargs, args);
    }
    ph_opts_free(c, opts);
    free(opts);
    free(args);
    return rc;
}

/* A command's output is only as good as its last write: a full disk or a
 * closed pipe on stdout is an error, never a silent success. */
static int check_stdout(int rc) {
    int e = ph_output_check(stdout);
    if (!e)
        return rc;
    fprintf(stderr, "pyhunt: cannot write standard output: %s\n", strerror(e));
    return PH_EXIT_USAGE;
}

int main(int argc, char **argv) {
    ph_db_global_init();
    if (argc < 2) {
        print_usage(stderr);
        return PH_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "-h") || !strcmp(name, "--help"))
        return check_stdout(run_command(&ph_help_command, 1, argv + 1));
    if (!strcmp(name, "-V") || !strcmp(name, "--version"))
        return check_stdout(run_command(&ph_version_command, 1, argv + 1));
    const PhCommand *c = ph_cli_command(name);
    if (!c)
        return unknown_command(name);
    return check_stdout(run_command(c, argc - 1, argv + 1));
}
