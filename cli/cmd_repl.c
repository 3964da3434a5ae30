/*
 * repl: until repl/ lands, `pyhunt repl` says it is not available.
 */
#include "cli.h"

int ph_cmd_repl(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fputs("pyhunt: the REPL is not available in this build\n", stderr);
    return PH_EXIT_USAGE;
}
