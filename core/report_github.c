/*
 * report_github: findings as GitHub Actions workflow commands, which the
 * runner turns into annotations on the pull request's diff:
 *
 *     ::error file=app/db.py,line=12,col=5,endLine=12,endColumn=18,title=PH101 blocking-call-in-async::message
 *
 * P1 is an error, P2 a warning, P3 a notice. The file is named relative to
 * the project root, as in every format: the runner reads it relative to the
 * repository, so audit the repository's root (or let the configuration
 * file or .git name it).
 * A chain's steps follow the message on their own lines. Escaping follows
 * the runner's rules: in the message '%', CR and LF become %25, %0D, %0A;
 * in property values ':' and ',' become %3A and %2C as well, so a file
 * name can neither end the command nor start another one ("::"). Other
 * control characters become %XX too, which the runner leaves as they are:
 * visible text, not terminal sequences.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *command_of(const char *severity) {
    switch (ph_severity_rank(severity)) {
    case 1: return "error";
    case 2: return "warning";
    default: return "notice";
    }
}

/* Escaped text: `property` adds ':' and ','. */
static void escaped(FILE *out, const char *s, bool property) {
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '%': fputs("%25", out); break;
        case '\r': fputs("%0D", out); break;
        case '\n': fputs("%0A", out); break;
        case ':': fputs(property ? "%3A" : ":", out); break;
        case ',': fputs(property ? "%2C" : ",", out); break;
        default:
            /* other control characters (ESC...) shown, not interpreted by the log viewer */
            if ((unsigned char)*p < 0x20 || *p == 0x7F)
                fprintf(out, "%%%02X", (unsigned char)*p);
            else
                putc(*p, out);
        }
    }
}

void ph_report_github(FILE *out, const PhReport *r) {
    for (size_t i = 0; i < r->findings->len; i++) {
        const PhFinding *f = &r->findings->items[i];
        const PhLocation *l = &f->loc;
        fprintf(out, "::%s file=", command_of(f->severity));
        escaped(out, l->path, true);
        fprintf(out, ",line=%d,col=%d,endLine=%d,endColumn=%d,title=", l->line, l->col,
                l->end_line >= l->line ? l->end_line : l->line, l->end_col > 0 ? l->end_col : l->col);
        escaped(out, f->rule->id, true);
        fputc(' ', out);
        escaped(out, f->rule->name, true);
        fputs("::", out);
        escaped(out, f->message, false);
        for (size_t k = 0; k < f->nrelated; k++) {
            const PhLocation *s = &f->related[k];
            fputs("%0A  ", out);
            escaped(out, s->path, false);
            fprintf(out, ":%d:%d", s->line, s->col);
            if (s->message && *s->message) {
                fputs(": ", out);
                escaped(out, s->message, false);
            }
        }
        if (*f->fix) {
            fputs("%0AFix: ", out);
            escaped(out, f->fix, false);
        }
        fputc('\n', out);
    }
    char *left = ph_report_left_out(r->findings);
    if (left) {
        fputs("::notice title=pyhunt::Not shown: ", out);
        escaped(out, left, false);
        fprintf(out, " (%s shows them)\n", PH_REPORT_SHOW_ALL);
    }
    free(left);
    char *base = ph_report_baseline_note(r);
    if (base) {
        fputs("::notice title=pyhunt::", out);
        escaped(out, base, false);
        fputc('\n', out);
    }
    free(base);
}
