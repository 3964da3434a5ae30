/*
 * report_rules: the rule catalogue as data, `pyhunt rules --format json`.
 * Every header field of every rule, with a fixed set of keys in a fixed
 * order (a field a rule leaves out is null, a list is an array), one key
 * per line, so that tools read pyhunt's rules without parsing SQL comments
 * and a change to one rule is a change to a few lines of the output.
 * docs/output-formats.md describes the keys. A pure emitter: it prints the
 * rule set it is given.
 */
#include "report.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* A JSON string, or null. */
static void string_or_null(FILE *out, const char *s) {
    if (s)
        ph_json_string(out, s);
    else
        fputs("null", out);
}

/* A space-separated field (tags) as an array of strings. */
static void words(FILE *out, const char *s) {
    fputc('[', out);
    bool first = true;
    for (const char *p = s ? s : ""; *p;) {
        p += strspn(p, " \t\n");
        size_t n = strcspn(p, " \t\n");
        if (!n)
            break;
        char w[128];
        snprintf(w, sizeof w, "%.*s", (int)n, p);
        fputs(first ? "" : ", ", out);
        ph_json_string(out, w);
        first = false;
        p += n;
    }
    fputc(']', out);
}

void ph_report_rules_json(FILE *out, const PhRuleSet *rules) {
    fputs("[", out);
    for (size_t i = 0; i < ph_rules_len(rules); i++) {
        const PhRule *r = ph_rules_at(rules, i);
        fputs(i ? ",\n  {\n" : "\n  {\n", out);
        const struct {
            const char *key, *value;
        } text[] = {
            {"id", r->id},
            {"name", r->name},
            {"severity", r->severity},
            {"precision", r->precision},
        };
        for (size_t k = 0; k < sizeof text / sizeof *text; k++) {
            fprintf(out, "    \"%s\": ", text[k].key);
            string_or_null(out, text[k].value);
            fputs(",\n", out);
        }
        fputs("    \"tags\": ", out);
        words(out, r->tags);
        fprintf(out, ",\n    \"default\": \"%s\",\n    \"contexts\": [", r->opt_in ? "opt-in" : "on");
        for (int c = 0, n = 0; c < PH_CTX_COUNT; c++)
            if (r->contexts & (1u << c))
                fprintf(out, "%s\"%s\"", n++ ? ", " : "", ph_context_name((PhContext)c));
        fputs("],\n", out);
        const struct {
            const char *key, *value;
        } more[] = {
            {"message", r->message},   {"fix", r->fix},     {"autofix", r->autofix},
            {"description", r->description}, {"bad", r->bad}, {"good", r->good},
            {"accepted", r->accepted}, {"source", r->path},
        };
        for (size_t k = 0; k < sizeof more / sizeof *more; k++) {
            fprintf(out, "    \"%s\": ", more[k].key);
            if (!strcmp(more[k].key, "bad") || !strcmp(more[k].key, "good")) {
                /* code examples without the blank lines around them, as --explain shows them */
                size_t n;
                const char *code = ph_report_block(more[k].value, &n);
                char *c = more[k].value ? ph_xstrndup(code, n) : NULL;
                string_or_null(out, c);
                free(c);
            } else {
                string_or_null(out, more[k].value);
            }
            fputs(",\n", out);
        }
        fprintf(out, "    \"builtin\": %s\n  }", r->builtin ? "true" : "false");
    }
    fputs(ph_rules_len(rules) ? "\n]\n" : "]\n", out);
}
