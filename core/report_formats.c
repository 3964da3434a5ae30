/*
 * report_formats: the table of report formats, one row each (name, summary,
 * emitter, what it needs of the model), which `audit --format`, its help
 * and completion read. It stands over every emitter (report_*.c); adding a
 * format is a row here and a function there.
 */
#include "report.h"

#include <string.h>

const PhReportFormat ph_report_formats[] = {
    {"text", "each finding with its source lines, a caret under the span, its chain and fix; a summary by rule",
     ph_report_text, 0},
    {"concise", "path:line:col: RULE [SEV] message, one line per finding, then a summary by rule", ph_report_concise,
     0},
    {"json", "an object holding the findings and what was left out", ph_report_json, 0},
    {"sarif", "SARIF 2.1.0, for code-scanning services", ph_report_sarif, 0},
    {"markdown", "an audit report for a pull request or an audit file", ph_report_markdown,
     PH_REPORT_ARCH | PH_REPORT_CALLS},
    {"github", "GitHub Actions workflow annotations", ph_report_github, 0},
    {"gitlab", "a GitLab code quality report (Code Climate JSON)", ph_report_gitlab, 0},
    {NULL, NULL, NULL, 0},
};

const PhReportFormat *ph_report_format(const char *name) {
    for (const PhReportFormat *f = ph_report_formats; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}
