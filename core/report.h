/*
 * report: findings rendered for people and machines. Each format is a pure
 * emitter over a PhReport (findings, the rules that ran, what was scanned):
 * it never touches the database or the file system; whatever it shows was
 * gathered before by the front end. Formats live in one table; adding one
 * is a row and a function.
 */
#ifndef PH_REPORT_H
#define PH_REPORT_H

#include <stdio.h>
#include "rules.h"

/* What the markdown report says of the codebase's async architecture. */
typedef struct PhArch {
    char *frameworks;      /* "FastAPI, aiohttp" or "sync-only" */
    char *event_loop;      /* "uvloop" or "asyncio default" */
    char *async_libs;      /* "httpx, asyncpg" or "" */
    char *resilience;      /* "tenacity" or "" (retry / circuit-breaker libraries) */
} PhArch;

typedef struct PhReport {
    const char *root;                  /* the audited path, as given */
    const PhRuleSet *rules;            /* the rules that ran */
    const PhFindings *findings;        /* sorted */
    int files;                         /* Python files in the database */
    long lines;
    const char *const *excludes;       /* --exclude globs */
    size_t n_excludes;
    const PhArch *arch;                /* may be NULL */
    const char *date;                  /* YYYY-MM-DD, for the markdown title */
    bool color;                        /* text: ANSI colors */
} PhReport;

typedef struct PhReportFormat {
    const char *name;
    const char *summary;
    void (*emit)(FILE *out, const PhReport *r);
} PhReportFormat;

/* The format named `name`, or NULL. Static. */
const PhReportFormat *ph_report_format(const char *name);
/* Every format, ended by a NULL name. Static. */
extern const PhReportFormat ph_report_formats[];

/* Helpers shared by formats. */
void ph_json_string(FILE *out, const char *s);    /* a JSON string literal, escaped */
void ph_report_text(FILE *out, const PhReport *r);
void ph_report_json(FILE *out, const PhReport *r);
void ph_report_sarif(FILE *out, const PhReport *r);
void ph_report_markdown(FILE *out, const PhReport *r);
void ph_report_github(FILE *out, const PhReport *r);

#endif
