/*
 * report: findings rendered for people and machines. Each format is a pure
 * emitter over a PhReport (findings, the rules that ran, what was scanned):
 * it never touches the database or the file system; whatever it shows was
 * gathered before by the front end (cli/cmd_audit.c). Formats live in one
 * table; adding one is a row and a function.
 *
 *   report.c           the table, text and JSON, helpers shared by formats
 *   report_sarif.c     SARIF 2.1.0 (code-scanning services)
 *   report_markdown.c  the audit report (scope, architecture, findings by
 *                      category, recommendations)
 *   report_github.c    GitHub Actions workflow annotations
 *   report_gitlab.c    GitLab's code quality report
 *   report_rules.c     the rule catalogue itself, as JSON
 */
#ifndef PH_REPORT_H
#define PH_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include "rules.h"

/* One library or framework the audited code imports, as found by the
 * `audit_arch` statement. */
typedef struct PhArchItem {
    char *label;           /* "FastAPI", "httpx", "redis.asyncio" */
    int files;             /* files importing it (tests excluded) */
} PhArchItem;

/* The kinds of PhArch, in the order the markdown report shows them; the
 * `kind` column of the `audit_arch` statement names them. */
typedef enum {
    PH_ARCH_FRAMEWORK,     /* web framework: FastAPI, aiohttp, Django ... */
    PH_ARCH_LOOP,          /* event loop or concurrency runtime: uvloop, trio ... */
    PH_ARCH_ASYNC_IO,      /* async I/O libraries: httpx, asyncpg, aiofiles ... */
    PH_ARCH_SYNC_IO,       /* blocking I/O libraries also imported: requests, psycopg2 ... */
    PH_ARCH_RETRY,         /* retry / backoff: tenacity, backoff ... */
    PH_ARCH_BREAKER,       /* circuit breakers: pybreaker, aiobreaker ... */
    PH_ARCH_KINDS
} PhArchKind;

/* What the markdown report says of the codebase's async architecture.
 * Filled by the front end from the imports table; freed with
 * ph_arch_free(). */
typedef struct PhArch {
    PhArchItem *items[PH_ARCH_KINDS];   /* per kind, in the statement's order */
    size_t len[PH_ARCH_KINDS];
    int functions;                      /* defs and async defs (no lambdas), tests excluded */
    int async_functions;                /* async defs among them */
    int handlers;                       /* request handlers registered by decorators */
    int test_files;                     /* files the extractor marked as tests */
} PhArch;

/* Kind named by the statement's `kind` column, or -1. */
int ph_arch_kind(const char *name);
void ph_arch_add(PhArch *self, PhArchKind kind, const char *label, int files);   /* label is copied */
void ph_arch_free(PhArch *self);      /* frees the contents; the struct is the caller's */

/* Per-finding facts the front end looked up (parallel to findings). */
typedef struct PhFindingInfo {
    char *callee;          /* the call at the finding as written ("conn.execute"), or NULL */
    char *resolved;        /* its qualified name ("sqlite3.Connection.execute"), or NULL */
    char *alternative;     /* its async equivalent when known, or NULL */
} PhFindingInfo;

typedef struct PhReport {
    const char *root;                  /* the audited path, as given */
    const PhRuleSet *rules;            /* the rules that ran */
    const PhFindings *findings;        /* sorted */
    const PhFindingInfo *info;         /* findings->len entries, or NULL */
    int files;                         /* Python files in the database */
    long lines;
    const char *const *excludes;       /* --exclude globs */
    size_t n_excludes;
    const PhArch *arch;                /* may be NULL */
    const char *date;                  /* YYYY-MM-DD, for the markdown title */
    const char *min_severity;          /* --min-severity, or NULL */
    const char *diff_base;             /* --diff BASE, or NULL */
    int diff_dropped;                  /* findings left out by --diff (outside changed lines) */
    PhContextSet contexts;             /* --contexts, or 0: each rule's own (findings->left_out
                                          counts what either left out) */
    const char *path_prefix;           /* prepended to finding paths to name files from the
                                          working directory ("" or "src/"); NULL = "" */
    const char *base_uri;              /* file URI of the working directory, ending in '/'
                                          (SARIF originalUriBaseIds); may be NULL */
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

/* The option that shows what the default contexts left out. */
#define PH_REPORT_SHOW_ALL "--contexts all"

/* What the context choice left out, for people: "12 findings in test
 * files and 3 in example files"; NULL when nothing was. Caller frees with
 * free(). Every format says it, with PH_REPORT_SHOW_ALL. */
char *ph_report_left_out(const PhFindings *fs);

/* A JSON string literal, escaped; bytes that are not UTF-8 become U+FFFD
 * (\ufffd), so that any file name or source text gives valid JSON. */
void ph_json_string(FILE *out, const char *s);
/* A file name (prefix + path; prefix may be NULL) for a text format:
 * quoted by ph_quote_name() when it holds anything that could end a line,
 * drive a terminal or read as a workflow command. */
void ph_report_name(FILE *out, const char *prefix, const char *path);
/* Text that must stay on its line (a message): newlines and other control
 * characters are printed as C escapes (\n, \033). */
void ph_report_line_text(FILE *out, const char *s);
/* The finding's source line without leading and trailing blanks, as a
 * pointer into loc->snippet and a length; "" when there is no snippet. */
const char *ph_report_trimmed(const PhLocation *loc, size_t *n);

/* Text without its leading and trailing blank lines (a code example of a
 * rule header): a pointer into text and a length. NULL gives "". */
const char *ph_report_block(const char *text, size_t *n);
/* Length of the first sentence of text: up to a period that ends a word
 * (not "...", "e.g.", "i.e.", "etc.") before a blank or the end, or up to a
 * blank line. */
size_t ph_report_first_sentence(const char *text);

/* A fingerprint of finding i of fs (sorted) that stays when unrelated lines
 * move or change: SARIF's partialFingerprints, GitLab's fingerprint. */
uint64_t ph_report_fingerprint(const PhFindings *fs, size_t i);

/* A rule's documentation as markdown (description, message, fix, bad and
 * good examples, what it does not flag), without a heading: the body of
 * docs/rules.md entries and of SARIF help.markdown. Caller frees with free(). */
char *ph_report_rule_markdown(const PhRule *r);

void ph_report_text(FILE *out, const PhReport *r);
void ph_report_json(FILE *out, const PhReport *r);
void ph_report_sarif(FILE *out, const PhReport *r);
void ph_report_markdown(FILE *out, const PhReport *r);
void ph_report_github(FILE *out, const PhReport *r);
void ph_report_gitlab(FILE *out, const PhReport *r);

/* Every field of every rule as a JSON array (`pyhunt rules --format json`,
 * report_rules.c). */
void ph_report_rules_json(FILE *out, const PhRuleSet *rules);

#endif
