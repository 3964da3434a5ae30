/*
 * report_gitlab: findings as a GitLab code quality report, the subset of
 * the Code Climate issue format that GitLab reads from a job's
 * `artifacts:reports:codequality` file and shows in merge requests:
 *
 *     [{"description": "PH101 [P1] message", "check_name": "PH101", "fingerprint": "...",
 *       "severity": "critical", "location": {"path": "app/db.py", "lines": {"begin": 12, "end": 12}}}]
 *
 * P1 is critical, P2 major, P3 minor. The path is relative to the project
 * root, as in every format (GitLab resolves it from the top of the
 * repository, which is the project root when the job audits it). The
 * fingerprint is the report model's (ph_report_fingerprint), which SARIF
 * and baselines read too, so a finding keeps its identity from one
 * pipeline to the next when unrelated lines move, which is what GitLab
 * compares to tell new findings from fixed ones.
 */
#include "report.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *severity_of(const char *severity) {
    switch (ph_severity_rank(severity)) {
    case 1: return "critical";
    case 2: return "major";
    default: return "minor";
    }
}

void ph_report_gitlab(FILE *out, const PhReport *r) {
    const PhFindings *fs = r->findings;
    fputc('[', out);
    for (size_t i = 0; i < fs->len; i++) {
        const PhFinding *f = &fs->items[i];
        fputs(i ? ",\n  {" : "\n  {", out);
        fputs("\"description\": ", out);
        char *d = ph_xasprintf("%s [%s] %s", f->rule->id, f->severity, f->message);
        ph_json_string(out, d);
        free(d);
        fputs(", \"check_name\": ", out);
        ph_json_string(out, f->rule->id);
        char fp[PH_FINGERPRINT_SIZE];
        ph_report_fingerprint(f, fp);
        fprintf(out, ", \"fingerprint\": \"%s\", \"severity\": \"%s\", \"location\": {\"path\": ", fp,
                severity_of(f->severity));
        ph_json_string(out, f->loc.path);
        fprintf(out, ", \"lines\": {\"begin\": %d, \"end\": %d}}}", f->loc.line,
                f->loc.end_line >= f->loc.line ? f->loc.end_line : f->loc.line);
    }
    fputs(fs->len ? "\n]\n" : "]\n", out);
}
