/*
 * rule_header: the libFuzzer target for the rule-header parser. The input
 * is a rule file, as `pyhunt audit --queries DIR` and `pyhunt rules
 * --queries DIR` read one (ph_rules_add, core/rules.c): a NUL byte ends the
 * text, as it ends the string ph_read_file gives. The file is added twice,
 * so that the second copy replaces the first as a user rule replaces a
 * built-in one, and every field of a rule that parses is read whole.
 * tests/fuzz/replay.sh replays rule_header/crashes/ through the binary.
 */
#include "rules.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static volatile size_t sink;   /* keeps the reads of touch() */

/* Read a field to its end: a string cut short or freed shows here. */
static void touch(const char *field) {
    if (field)
        sink += strlen(field);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = ph_xstrndup((const char *)data, size);
    PhRuleSet *set = ph_rules_new();
    PhDiags *d = ph_diags_new();
    for (int pass = 0; pass < 2; pass++)
        ph_rules_add(set, "x.sql", text, false, d);
    for (size_t i = 0; i < ph_rules_len(set); i++) {
        const PhRule *r = ph_rules_at(set, i);
        const char *fields[] = {r->id,   r->name, r->severity, r->precision, r->tags, r->message, r->fix,
                                r->description, r->bad, r->good, r->accepted, r->path, r->sql};
        for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
            touch(fields[k]);
        if (ph_rules_find(set, r->id) != r || !ph_rules_valid_id(r->id) || ph_severity_rank(r->severity) > 3)
            __builtin_trap();   /* a rule was accepted that the header's checks reject */
    }
    for (size_t i = 0; i < ph_diags_len(d); i++)
        touch(ph_diags_at(d, i)->message);
    ph_diags_free(d);
    ph_rules_free(set);
    free(text);
    return 0;
}
