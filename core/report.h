/*
 * report: findings rendered for people and machines, and the report model
 * they are rendered from.
 *
 * The model (report_model.c, in the runner layer) is everything a format
 * shows beyond the rows the rules returned: the source text of every
 * location, each finding's fingerprint, the counts of the scanned tree, its
 * async architecture, the call at each finding, the audited root's URI and
 * what a baseline left out. `pyhunt audit` and the REPL's `.run` build it
 * with the same functions. Each format is then a pure emitter over a
 * PhReport: it never touches the database or the file system. Formats live
 * in one table; adding one is a row and a function.
 *
 *   report_model.c     building the model (reads the tree and the database)
 *   report_formats.c   the table of formats
 *   report.c           JSON, helpers shared by formats
 *   report_text.c      the text formats: full (source and carets), concise,
 *                      statistics
 *   report_sarif.c     SARIF 2.1.0 (code-scanning services)
 *   report_markdown.c  the audit report for a pull request (scope,
 *                      architecture, findings by category, recommendations)
 *   report_github.c    GitHub Actions workflow annotations
 *   report_gitlab.c    GitLab's code quality report
 *   report_rules.c     the rule catalogue itself, as JSON
 *
 * Paths: every format names a file by its path relative to the audited
 * root (PhLocation.path), the same in all of them; SARIF says which root
 * with originalUriBaseIds.
 */
#ifndef PH_REPORT_H
#define PH_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>
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

/* Per-finding facts of the database (parallel to findings). */
typedef struct PhFindingInfo {
    char *callee;          /* the call at the finding as written ("conn.execute"), or NULL */
    char *resolved;        /* its qualified name ("sqlite3.Connection.execute"), or NULL */
    char *alternative;     /* its async equivalent when known, or NULL */
} PhFindingInfo;

/* What a baseline (baseline.h) did to a report. */
typedef struct PhBaselineCounts {
    const char *path;                  /* the baseline file, as given; NULL: no baseline */
    int matched;                       /* findings it holds, left out of the report */
    int unmatched;                     /* its entries that match no finding any more */
} PhBaselineCounts;

typedef struct PhReport {
    const char *root;                  /* the audited path, as given */
    const PhRuleSet *rules;            /* the rules that ran */
    const PhFindings *findings;        /* sorted, sources read (ph_report_prepare) */
    PhFindingInfo *info;               /* findings->len entries, or NULL (PH_REPORT_CALLS) */
    int files;                         /* Python files in the database */
    long lines;
    const char *const *excludes;       /* --exclude globs */
    size_t n_excludes;
    PhArch *arch;                      /* NULL unless PH_REPORT_ARCH */
    const char *date;                  /* YYYY-MM-DD, for the markdown title */
    const char *min_severity;          /* --min-severity, or NULL */
    const char *diff_base;             /* --diff BASE, or NULL */
    int diff_dropped;                  /* findings left out by --diff (outside changed lines) */
    PhContextSet contexts;             /* --contexts, or 0: each rule's own (findings->left_out
                                          counts what either left out) */
    PhBaselineCounts baseline;         /* --baseline; path NULL when none */
    char *base_uri;                    /* file URI of the directory paths are relative to, ending
                                          in '/' (SARIF originalUriBaseIds); NULL when unknown */
    size_t max_bytes;                  /* markdown: the most the report may take (0: no limit) */
    bool color;                        /* text: ANSI colors */
    const char *explain;               /* text: the command that explains a rule, before its id;
                                          NULL: "pyhunt rules --explain " (the REPL: ".explain ") */
} PhReport;

/* What a format reads beyond the findings: the model gathers only that. */
enum {
    PH_REPORT_ARCH = 1,                /* PhReport.arch */
    PH_REPORT_CALLS = 2                /* PhReport.info */
};

typedef struct PhReportFormat {
    const char *name;
    const char *summary;
    void (*emit)(FILE *out, const PhReport *r);
    unsigned needs;                    /* PH_REPORT_ARCH, PH_REPORT_CALLS */
} PhReportFormat;

/* The format named `name`, or NULL. Static. */
const PhReportFormat *ph_report_format(const char *name);
/* Every format, ended by a NULL name. Static. */
extern const PhReportFormat ph_report_formats[];

/* ---------------------------------------------------------------------------
 * The report model (report_model.c).
 */

/* Sort the findings, read the source text of every location (snippet, and
 * end_snippet for a span over several lines) from the files under root
 * (the directory of a file root; regular files of at most max_file_bytes),
 * and give each finding its fingerprint (which names the function or class
 * around it, from db).
 * Call it before any finding is dropped (by --min-severity, --diff, a
 * baseline or contexts): a fingerprint counts the identical findings before
 * it, which must not depend on what a run shows. A file that cannot be read
 * leaves its snippets NULL. */
void ph_report_prepare(PhFindings *fs, sqlite3 *db, const char *root, size_t max_file_bytes);

/* Fill what r's format needs (`needs`: PH_REPORT_ARCH, PH_REPORT_CALLS)
 * from db, with the counts of the tree and base_uri, for r->findings as
 * they will be shown. r's other fields are the caller's. Release with
 * ph_report_release(). */
void ph_report_gather(PhReport *r, sqlite3 *db, unsigned needs);
/* Free what ph_report_gather() filled; the struct is the caller's. */
void ph_report_release(PhReport *r);

/* The directory that the paths of findings are relative to: root, or the
 * directory of a file root. Caller frees with free(). */
char *ph_report_root_dir(const char *root);

/* Helpers shared by formats. */

/* The option that shows what the default contexts left out. */
#define PH_REPORT_SHOW_ALL "--contexts all"

/* What the context choice left out, for people: "12 findings in test
 * files and 3 in example files"; NULL when nothing was. Caller frees with
 * free(). Every format says it, with PH_REPORT_SHOW_ALL. */
char *ph_report_left_out(const PhFindings *fs);

/* What the baseline did, for people: "Baseline FILE: 12 findings matched
 * (not shown); 2 of its entries no longer match." NULL without a baseline.
 * Caller frees with free(). */
char *ph_report_baseline_note(const PhReport *r);

/* A finding's fingerprint as text: 16 lowercase hex digits and a NUL. */
#define PH_FINGERPRINT_SIZE 17
void ph_report_fingerprint(const PhFinding *f, char out[PH_FINGERPRINT_SIZE]);

/* A path as a URI reference: bytes outside RFC 3986's unreserved set and
 * '/' are percent-encoded (UTF-8 bytes included). Caller frees with free(). */
char *ph_report_uri_encode(const char *path);

/* A JSON string literal, escaped; bytes that are not UTF-8 become U+FFFD
 * (\ufffd), so that any file name or source text gives valid JSON. */
void ph_json_string(FILE *out, const char *s);
/* A file name for a text format: quoted by ph_quote_name() when it holds
 * anything that could end a line, drive a terminal or read as a workflow
 * command. */
void ph_report_name(FILE *out, const char *path);
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

/* A rule's documentation as markdown (description, message, fix, bad and
 * good examples, what it does not flag), without a heading: the body of
 * docs/rules.md entries and of SARIF help.markdown. Caller frees with free(). */
char *ph_report_rule_markdown(const PhRule *r);

/* The closing lines every text format prints: what contexts left out, what
 * the baseline matched. */
void ph_report_notes(FILE *out, const PhReport *r);

void ph_report_text(FILE *out, const PhReport *r);         /* full: source lines and carets */
void ph_report_concise(FILE *out, const PhReport *r);      /* one line per finding */
void ph_report_statistics(FILE *out, const PhReport *r);   /* counts by rule */
void ph_report_statistics_json(FILE *out, const PhReport *r);
void ph_report_json(FILE *out, const PhReport *r);
void ph_report_sarif(FILE *out, const PhReport *r);
void ph_report_markdown(FILE *out, const PhReport *r);
void ph_report_github(FILE *out, const PhReport *r);
void ph_report_gitlab(FILE *out, const PhReport *r);

/* Every field of every rule as a JSON array (`pyhunt rules --format json`,
 * report_rules.c). */
void ph_report_rules_json(FILE *out, const PhRuleSet *rules);

#endif
