/*
 * rules: stored queries as rules. Loads rule files (the built-in ones
 * embedded from queries/, and user directories), parses their metadata
 * header, runs their SQL against a fact database and turns result rows into
 * findings, applying `# noqa` suppressions. It knows nothing of output
 * formats or terminals.
 *
 * A rule file:
 *
 *     -- @id PH101
 *     -- @name blocking-call-in-async
 *     -- @severity P1
 *     -- @message {callee}() blocks the event loop inside async def {function}
 *     -- @fix use an async equivalent or asyncio.to_thread()
 *     -- @contexts all
 *     -- @default opt-in
 *     -- @scope file
 *     SELECT ... AS file_id, ... AS line, ... AS col, ... AS end_line, ... AS end_col, ...
 *
 * Result columns: file_id, line, col (required); end_line, end_col,
 * message (else @message with {column} placeholders), severity (P1-P3, when
 * the finding differs from the rule's), related (a JSON array of
 * {file_id, line, col, end_line, end_col, message}); edits (a safe fix: a
 * JSON array of {line, col, end_line, end_col, old, new}, see PhEdit; NULL
 * when the rule cannot show that the rewrite keeps behaviour); any other
 * column can feed the message template. `@autofix` says in words what the
 * edits do and why they are safe.
 *
 * Where findings are reported: `@contexts` lists the code contexts
 * (schema/context.h) whose findings a default audit shows, or `all`;
 * without it, `code` only. `@default opt-in` keeps a rule out of the default
 * set: it runs only when --select names it by its id or says ALL (a prefix
 * such as PH1 selects the default-set rules under it, not the opt-in ones).
 *
 * What a rule reads: `@scope file` says that its findings in a file depend
 * on the facts of that file alone (and the catalogue), never on another
 * file's nor on the derived relations (call graph, class ancestry, aliases).
 * After an update, such a rule runs again over the changed files only, with
 * the fact tables shadowed by TEMP views that hold their rows; its cached
 * findings elsewhere stay. Without it (`@scope project`), a rule runs again
 * over everything whenever any file changed.
 *
 * Every finding reads as one line with its placeholders filled, whatever
 * the rule file says (the runner enforces it, user rules included): a
 * `{name}` of @message or @fix that names no result column is an error of
 * the rule; a value that spans lines is cut at its first line break with
 * `…`; a multi-line header field or message column is joined with spaces;
 * a placeholder whose column is NULL is filled with nothing and the run
 * warns, naming the rule, the placeholder and where.
 */
#ifndef PH_RULES_H
#define PH_RULES_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include "context.h"
#include "diag.h"

typedef struct PhRule {
    char *id;              /* PH101 */
    char *name;            /* blocking-call-in-async */
    char *severity;        /* P1, P2, P3 */
    char *precision;       /* high, medium, low (may be NULL) */
    char *tags;            /* space-separated (may be NULL) */
    char *message;         /* template */
    char *fix;             /* one line */
    char *description;     /* what it finds and why it matters (may be NULL) */
    char *bad, *good;      /* examples (may be NULL) */
    char *accepted;        /* what it does not flag, on purpose (may be NULL) */
    char *autofix;         /* the rewrite its `edits` column makes, and why it keeps behaviour (may be NULL) */
    char *path;            /* file it came from */
    char *sql;             /* the whole file text (comments included) */
    bool builtin;
    char *contexts_text;   /* @contexts as written (may be NULL) */
    char *default_text;    /* @default as written (may be NULL) */
    char *scope_text;      /* @scope as written (may be NULL) */
    PhContextSet contexts; /* where its findings are reported by default: @contexts, else code */
    bool opt_in;           /* @default opt-in: outside the default set */
    bool file_scope;       /* @scope file: its findings in a file depend on that file's facts alone */
    bool interface_scope;  /* @scope interface: on that file's facts and other files' interfaces alone */
} PhRule;

typedef struct PhLocation {
    char *path;            /* relative to the audited root */
    int file_id;
    int line, col, end_line, end_col;
    char *message;         /* for related locations: the step; may be NULL */
    char *snippet;         /* source text of `line` (report model: ph_report_prepare); may be NULL */
    char *end_snippet;     /* source text of `end_line` when it is after `line`; may be NULL */
} PhLocation;

/* One edit of a finding's fix: the text from (line, col) to (end_line,
 * end_col), 1-based, columns counting characters and the end exclusive (as
 * every location), is `old` and becomes `text`. A file where the span does
 * not hold `old` is left alone (core/fix.h). */
typedef struct PhEdit {
    int line, col, end_line, end_col;
    char *old;             /* what the rule read there ("" for an insertion) */
    char *text;            /* the replacement ("" for a deletion) */
} PhEdit;

typedef struct PhFinding {
    const PhRule *rule;    /* borrowed from the rule set */
    char severity[4];      /* the finding's own: P1..P3 */
    PhContext context;     /* the code context of loc's file */
    uint64_t fingerprint;  /* its identity across edits (report model: ph_report_prepare) */
    PhLocation loc;
    char *message;         /* one line */
    char *fix;             /* @fix with its placeholders filled, one line; "" when the rule has none */
    PhLocation *related;
    size_t nrelated;
    PhEdit *edits;         /* its safe fix, applied together or not at all; NULL when it has none */
    size_t nedits;
} PhFinding;

typedef struct PhFindings {
    PhFinding *items;
    size_t len, cap;
    int suppressed;        /* findings silenced by noqa */
    int left_out[PH_CTX_COUNT]; /* findings dropped by ph_findings_contexts(), per context of their file */
} PhFindings;

typedef struct PhRuleSet PhRuleSet;

/* The built-in rules. Caller frees with ph_rules_free(). Aborts if an
 * embedded rule is malformed (a build defect, caught by `make test`). */
PhRuleSet *ph_rules_builtin(void);
PhRuleSet *ph_rules_new(void);             /* empty; caller frees with ph_rules_free() */
void ph_rules_free(PhRuleSet *self);       /* NULL is a no-op */

/* Parse one rule file's text and add it. On a bad header: a diagnostic
 * `path:line: message`, returns -1. A rule with an id already in the set
 * replaces it (user rules override built-in ones). */
int ph_rules_add(PhRuleSet *self, const char *path, const char *text, bool builtin, PhDiags *diags);

/* Add every *.sql file of dir (sorted by name). Returns the number of
 * rules added, or -1 after diagnostics (the good files are added). */
int ph_rules_add_dir(PhRuleSet *self, const char *dir, PhDiags *diags);

/* User rules live in one scheme, read by every command through
 * ph_rules_load():
 *
 *   1. the user's folder, ${XDG_CONFIG_HOME:-~/.config}/pyhunt/rules;
 *   2. the project's folder, ROOT/.pyhunt-rules (committable, unlike the
 *      git-ignored .pyhunt/), where the REPL's .save writes;
 *   3. each --queries DIR given.
 *
 * Each folder's catalogue*.tsv files (rows for the API catalogue, see
 * schema/catalogue.tsv) come with its rules: every row is checked when the
 * set loads (a malformed one is a located error `path:line:col`), and
 * ph_rules_attach() puts them into a database.
 *
 * Later folders replace rules of earlier ones with the same id. Only a
 * --queries folder may replace a built-in rule: a folder found by itself
 * (which may belong to the audited repository) can add rules, not turn off
 * pyhunt's. */

/* The user's folder (1). NULL when neither XDG_CONFIG_HOME nor HOME is
 * set. Caller frees with free(). */
char *ph_rules_dir_user(void);
/* The project's folder (2) of the tree `root` (a file: its folder). Caller
 * frees with free(). */
char *ph_rules_dir_project(const char *root);

/* The built-in rules plus the folders above that exist (root NULL: no
 * project folder); each of `dirs` must exist. Never NULL: a bad rule or
 * catalogue file adds an error diagnostic and is left out, and the caller
 * decides whether that is fatal. Caller frees with ph_rules_free(). */
PhRuleSet *ph_rules_load(const char *root, const char *const *dirs, size_t ndirs, PhDiags *diags);

/* Add the catalogue files of dir (catalogue*.tsv, sorted by name), each
 * checked. Returns the number of files added, or -1 after diagnostics (the
 * good files stay added). */
int ph_rules_add_catalogues(PhRuleSet *self, const char *dir, PhDiags *diags);

/* How many error diagnostics catalogue files gave while the set loaded:
 * input errors (exit 2), not rule errors. */
int ph_rules_catalogue_errors(const PhRuleSet *self);

/* Load the set's catalogue files into db's catalogue table, in place of
 * any loaded before; call once a database is open, before running rules.
 * Returns 0, or -1 after a diagnostic. */
int ph_rules_attach(const PhRuleSet *self, sqlite3 *db, PhDiags *diags);

size_t ph_rules_len(const PhRuleSet *self);
const PhRule *ph_rules_at(const PhRuleSet *self, size_t i);      /* borrowed, valid until free */
const PhRule *ph_rules_find(const PhRuleSet *self, const char *id);

/* Line (1-based) of the header field `-- @tag` in a rule file's text; 1
 * when it has none. */
int ph_rules_tag_line(const char *text, const char *tag);

/* Is `id` a valid rule id: capital letters then digits ("PH101", "TEAM1")? */
bool ph_rules_valid_id(const char *id);
/* Does `id` match one of the comma-separated ids or prefixes of `list`
 * ("PH1,PH301"), or is PH_RULES_ALL among them? NULL or "" matches nothing. */
bool ph_rules_match(const char *list, const char *id);

/* Selection by id (--select, --ignore). */

/* The selection word that means every rule: built-in, user and opt-in. */
#define PH_RULES_ALL "ALL"

/* Does `pattern` (an id, an id prefix or PH_RULES_ALL) name at least one
 * rule of the set? */
bool ph_rules_names_any(const PhRuleSet *self, const char *pattern);
/* The rule id nearest to `word`, for "did you mean", or NULL when none is
 * close. Borrowed, valid until the set is freed. */
const char *ph_rules_nearest(const PhRuleSet *self, const char *word);
/* Keep the rules that one of `select` names and none of `ignore` does; each
 * item is an id, a prefix or PH_RULES_ALL. An opt-in rule is named only by
 * its id or PH_RULES_ALL; nselect 0 keeps the default set (every rule that
 * is not opt-in). */
void ph_rules_filter(PhRuleSet *self, const char *const *select, size_t nselect, const char *const *ignore,
                     size_t nignore);

/* Run one rule; its findings are appended to out. With `cached`, results
 * stored by an earlier run over the same facts are read back instead, and a
 * fresh run stores its results (see rules.c). On SQL errors adds a
 * diagnostic `rule-file:line: message` and returns -1. */
int ph_rules_run(sqlite3 *db, const PhRule *rule, bool cached, PhFindings *out, PhDiags *diags);

typedef struct PhRunOptions {
    bool cached;           /* read and store results in the rule cache (as ph_rules_run) */
    int jobs;              /* threads running queries at once; 0: one per core */
    const char *db_path;   /* the database db was opened on, for the threads' own
                            * connections; NULL: every rule runs on db, one at a time */
    void (*progress)(void *arg, size_t done, size_t total);   /* after each rule, on the calling thread; may be NULL */
    void *arg;
} PhRunOptions;

typedef struct PhRuleTime {
    const PhRule *rule;    /* borrowed from the set */
    double seconds;        /* its query's time (0 when read from the cache) */
    bool cached;           /* read back from the rule cache */
} PhRuleTime;

/* Run every rule of the set over db and append their findings to out, in
 * the set's order whatever the threads did: the results are those of
 * ph_rules_run() on each rule in turn. `times`, when not NULL, holds
 * ph_rules_len(set) entries, filled in the set's order. Returns the number
 * of rules that failed, each with a diagnostic as ph_rules_run() gives. */
int ph_rules_run_all(sqlite3 *db, const PhRuleSet *set, const PhRunOptions *o, PhFindings *out, PhRuleTime *times,
                     PhDiags *diags);

/* Sort by path, line, column, rule id. */
void ph_findings_sort(PhFindings *self);
/* Keep the findings whose file's context is in `chosen` (0: in the
 * contexts of each finding's rule, its @contexts); the others are freed and
 * counted in self->left_out by context. */
void ph_findings_contexts(PhFindings *self, PhContextSet chosen);
/* Findings left out by context, all contexts together. */
int ph_findings_left_out(const PhFindings *self);
/* Keep the findings that `keep` accepts, in order; the others are freed.
 * Returns how many went. */
int ph_findings_keep(PhFindings *self, bool (*keep)(const PhFinding *f, void *ctx), void *ctx);
/* Drop findings below a severity ("P2" keeps P1 and P2). */
void ph_findings_min_severity(PhFindings *self, const char *min);
void ph_findings_free(PhFindings *self);   /* frees the contents; the struct itself is the caller's */

/* Severity rank: P1 -> 1 ... ; 9 for anything else. */
int ph_severity_rank(const char *s);

#endif
