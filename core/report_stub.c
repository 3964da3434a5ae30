/*
 * report_stub: placeholders for the SARIF, markdown and GitHub formats until
 * their modules land; each says so instead of printing a wrong report.
 */
#include "report.h"

static void unavailable(FILE *out, const char *what) {
    (void)out;
    fprintf(stderr, "pyhunt: the %s format is not available in this build\n", what);
}

void ph_report_sarif(FILE *out, const PhReport *r) { (void)r; unavailable(out, "sarif"); }
void ph_report_markdown(FILE *out, const PhReport *r) { (void)r; unavailable(out, "markdown"); }
void ph_report_github(FILE *out, const PhReport *r) { (void)r; unavailable(out, "github"); }
