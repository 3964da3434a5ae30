/*
 * report_gitlab: findings as a GitLab code quality report, the subset of
 * the Code Climate issue format that GitLab reads from a job's
 * `artifacts:reports:codequality` file and shows in merge requests:
 *
 *     [{"description": "PH101 [P1] message", "check_name": "PH101", "fingerprint": "...",
 *       "severity": "critical", "location": {"path": "app/db.py", "lines": {"begin": 12, "end": 12}}}]
 *
 * P1 is critical, P2 major, P3 minor. The path is named from the working
 * directory (PhReport.path_prefix + path): the job runs at the top of the
 * repository, where GitLab resolves it. The fingerprint is SARIF's
 * partial fingerprint (ph_report_fingerprint), so a finding keeps its
 * identity from one pipeline to the next when unrelated lines move, which
 * is what GitLab compares to tell new findings from fixed ones.
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
        fprintf(out, ", \"fingerprint\": \"%016llx\", \"severity\": \"%s\", \"location\": {\"path\": ",
                (unsigned long long)ph_report_fingerprint(fs, i), severity_of(f->severity));
        char *path = ph_xasprintf("%s%s", r->path_prefix ? r->path_prefix : "", f->loc.path);
        ph_json_string(out, path);
        free(path);
        fprintf(out, ", \"lines\": {\"begin\": %d, \"end\": %d}}}", f->loc.line,
                f->loc.end_line >= f->loc.line ? f->loc.end_line : f->loc.line);
    }
    fputs(fs->len ? "\n]\n" : "]\n", out);
}
