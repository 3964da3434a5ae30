/*
 * report_markdown: the audit report, a markdown file meant for a pull
 * request, a ticket or an audit folder (`pyhunt audit --format markdown`,
 * written to YYYY-MM-DD-pyhunt-audit.md unless --output says otherwise).
 *
 * Sections, in this order: Scope (what was audited and what was left out),
 * Async architecture (framework, concurrency model, event loop, async and
 * blocking I/O libraries, retry and circuit-breaker libraries, as the front
 * end found them in the imports: PhArch), Findings (one table per category,
 * with columns that fit it), Recommendations (Must-fix P1, Should-fix P2,
 * Consider P3, each finding at `path:line` with its code and its chain).
 *
 * A rule's category is data: the `matches` table maps id ranges and tags to
 * the rows of `categories`; a rule in no range and with no known tag lands in
 * "Other rules". Like every format it only reads the PhReport.
 */
#include "report.h"
#include "db.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Categories.
 */

typedef enum {
    CAT_BLOCKING, CAT_SEQUENTIAL, CAT_NPLUS1, CAT_RESOURCES, CAT_MEMORY, CAT_EAGER, CAT_POOL, CAT_HOT,
    CAT_ASYNC, CAT_OTHER, CAT_COUNT
} CatId;

typedef struct Category {
    const char *title;
    const char *intro;         /* one sentence under the heading */
    bool always;               /* shown even without findings: the audit's fixed sections */
    const char *call_head;     /* heading of the "what" column */
    const char *alt_head;      /* heading of the "instead" column */
    const char *gain_head;     /* heading of the "what it buys" column */
    const char *gain;          /* its text (a rule may have its own: CatMatch.gain_run) */
    bool call_alt;             /* the "instead" column names the call's async equivalent when
                                  known (PhFindingInfo.alternative); else the rule's fix */
} Category;

static const Category categories[CAT_COUNT] = {
    [CAT_BLOCKING] = {"Blocking I/O in async context",
                      "Synchronous calls inside `async def`: while one runs, every other request on the event "
                      "loop waits.",
                      true, "Offending call", "Async equivalent", "Effect",
                      "loop no longer stalls: concurrent requests stop queueing behind the call", true},
    [CAT_SEQUENTIAL] = {"Sequential awaits",
                        "Independent awaits run one after another where they could overlap.", true, "Awaits",
                        "Concurrent alternative", "Effect", "the awaits overlap: the wait is the slowest one, not the sum"},
    [CAT_NPLUS1] = {"N+1 queries", "A query per loop iteration where one batched query would do.", true,
                    "Query in loop", "Batch alternative", "Effect",
                    "N round trips become 1 (N = loop iterations)"},
    [CAT_RESOURCES] = {"Unclosed resources",
                       "Files, sockets, clients and connections that are not closed on every path.", true,
                       "Resource", "Fix", "Risk", "descriptors and connections leak until garbage collection"},
    [CAT_MEMORY] = {"Unbounded in-memory growth", "Caches and collections that only ever grow.", true,
                    "Where it grows", "Fix", "Risk", "memory grows with traffic until the process is killed"},
    [CAT_EAGER] = {"Eager materialization", "Whole sequences built in memory only to be walked once.", true,
                   "Materialized", "Lazy alternative", "Effect", "O(n) memory becomes O(1); first item sooner"},
    [CAT_POOL] = {"Missing connection-pool configuration",
                  "Connections opened per call, or pools left at defaults.", true, "Created", "Pooled alternative",
                  "Effect", "a TCP/TLS handshake (and pool warm-up) per call"},
    [CAT_HOT] = {"Expensive operations in hot paths", "Work repeated on every call or iteration that could be done once.",
                 true, "Operation", "Alternative", "Effect", "repeated work done once"},
    [CAT_ASYNC] = {"Async correctness and timeouts",
                   "Coroutines, tasks and network calls used in ways that lose work, errors or time.", false, "Code",
                   "Fix", "Risk", "latent bugs: lost errors, hangs, deprecated behaviour"},
    [CAT_OTHER] = {"Other rules", "Findings of rules outside the built-in categories.", false, "Code", "Fix",
                   "Impact", "see the rule"},
};

/* First match wins: id ranges of the built-in catalogue, then tags (so that
 * a user rule tagged `n+1` joins the N+1 table). */
typedef struct CatMatch {
    const char *first, *last;  /* inclusive id range, or NULL */
    const char *tag;           /* or a tag */
    CatId cat;
    const char *gain_run;      /* the gain of a run of %d related steps, for rules whose related
                                  locations are the run (NULL: the category's gain) */
} CatMatch;

static const CatMatch matches[] = {
    {"PH101", "PH102", NULL, CAT_BLOCKING, NULL},
    {"PH108", "PH108", NULL, CAT_BLOCKING, NULL},
    {"PH111", "PH111", NULL, CAT_BLOCKING, NULL},
    {"PH113", "PH113", NULL, CAT_SEQUENTIAL, "the %d awaits overlap: the wait is the slowest one, not the sum"},
    {"PH202", "PH202", NULL, CAT_SEQUENTIAL, NULL},
    {"PH100", "PH199", NULL, CAT_ASYNC, NULL},
    {"PH200", "PH299", NULL, CAT_NPLUS1, NULL},
    {"PH300", "PH399", NULL, CAT_RESOURCES, NULL},
    {"PH400", "PH499", NULL, CAT_MEMORY, NULL},
    {"PH500", "PH599", NULL, CAT_EAGER, NULL},
    {"PH600", "PH699", NULL, CAT_POOL, NULL},
    {"PH700", "PH799", NULL, CAT_HOT, NULL},
    {NULL, NULL, "blocking", CAT_BLOCKING, NULL},
    {NULL, NULL, "sequential", CAT_SEQUENTIAL, NULL},
    {NULL, NULL, "n+1", CAT_NPLUS1, NULL},
    {NULL, NULL, "resource", CAT_RESOURCES, NULL},
    {NULL, NULL, "leak", CAT_RESOURCES, NULL},
    {NULL, NULL, "memory", CAT_MEMORY, NULL},
    {NULL, NULL, "materialization", CAT_EAGER, NULL},
    {NULL, NULL, "pool", CAT_POOL, NULL},
    {NULL, NULL, "hot-path", CAT_HOT, NULL},
    {NULL, NULL, "async", CAT_ASYNC, NULL},
};

/* Is id (letters then digits) in [first, last] of the same letters? */
static bool id_in(const char *id, const char *first, const char *last) {
    size_t a = strcspn(id, "0123456789");
    if (a != strcspn(first, "0123456789") || strncmp(id, first, a) != 0)
        return false;
    long n = atol(id + a), lo = atol(first + a), hi = atol(last + a);
    return n >= lo && n <= hi;
}

static bool has_tag(const char *tags, const char *tag) {
    size_t n = strlen(tag);
    for (const char *p = tags ? tags : ""; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t k = strcspn(p, " ,");
        if (k == n && strncasecmp(p, tag, n) == 0)
            return true;
        p += k;
    }
    return false;
}

/* The row of `matches` for a rule, or NULL for "Other rules". */
static const CatMatch *match_of(const PhRule *rule) {
    for (size_t i = 0; i < sizeof matches / sizeof *matches; i++) {
        const CatMatch *m = &matches[i];
        if (m->first ? id_in(rule->id, m->first, m->last) : has_tag(rule->tags, m->tag))
            return m;
    }
    return NULL;
}

/* ---------------------------------------------------------------------------
 * Markdown text.
 */

/* Rule text (messages, fixes): characters markdown would read as markup are
 * escaped, but `code spans` the rule's author wrote pass through (their '|'
 * escaped, for tables); newlines become spaces, as in a table cell. */
/* A control character other than tab and line ends: printed as \ooo, so
 * that neither a report read in a terminal nor one printed to a CI log can
 * carry escape sequences from the audited tree. */
static bool control(char c) { return ((unsigned char)c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F; }

/* One character of code: control characters as \ooo. */
static void code_char(FILE *out, char c) {
    if (control(c))
        fprintf(out, "\\%03o", (unsigned char)c);
    else
        putc(c, out);
}

/* "path:line", the name quoted as in the text format. Caller frees with free(). */
static char *where(const PhLocation *l) {
    char *name = ph_quote_name(l->path);
    char *w = ph_xasprintf("%s:%d", name, l->line);
    free(name);
    return w;
}

static void md_text(FILE *out, const char *s, size_t n) {
    for (size_t i = 0; i < n && s[i]; i++) {
        char c = s[i];
        if (c == '`') {
            const char *close = memchr(s + i + 1, '`', n - i - 1);
            if (close) {
                for (; s + i <= close; i++) {
                    char k = s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
                    if (k == '|')
                        putc('\\', out);
                    code_char(out, k);
                }
                i--;
                continue;
            }
        }
        if (c == '\n' || c == '\r')
            c = ' ';
        if (control(c)) {
            fprintf(out, "\\%03o", (unsigned char)c);
            continue;
        }
        if (strchr("\\`*_[]<>|", c))
            putc('\\', out);
        putc(c, out);
    }
}

static void md_textz(FILE *out, const char *s) { md_text(out, s ? s : "", s ? strlen(s) : 0); }

/* Inline code: a backtick run longer than any inside; '|' escaped for
 * tables (GFM reads the escape inside code spans in cells). */
static void md_code(FILE *out, const char *s, size_t n) {
    if (!n) {
        fputs("—", out);
        return;
    }
    size_t run = 0, longest = 0;
    for (size_t i = 0; i < n; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    bool pad = s[0] == '`' || s[n - 1] == '`';
    for (size_t i = 0; i <= longest; i++)
        putc('`', out);
    if (pad)
        putc(' ', out);
    for (size_t i = 0; i < n; i++) {
        char c = s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
        if (c == '|')
            putc('\\', out);
        code_char(out, c);
    }
    if (pad)
        putc(' ', out);
    for (size_t i = 0; i <= longest; i++)
        putc('`', out);
}

/* A fenced code block, indented by `pad`, with a fence longer than any
 * backtick run in the text. */
static void md_block(FILE *out, const char *pad, const char *s, size_t n) {
    size_t run = 0, longest = 0;
    for (size_t i = 0; i < n; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    int fence = longest >= 3 ? (int)longest + 1 : 3;
    fprintf(out, "%s%.*spython\n%s", pad, fence, "``````````````````", pad);
    for (size_t i = 0; i < n; i++)
        code_char(out, s[i]);
    fprintf(out, "\n%s%.*s\n", pad, fence, "``````````````````");
}

/* 1234567 -> "1,234,567" into buf. */
static const char *thousands(long v, char buf[32]) {
    char raw[24];
    snprintf(raw, sizeof raw, "%ld", v < 0 ? -v : v);
    size_t n = strlen(raw), k = 0;
    if (v < 0)
        buf[k++] = '-';
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = raw[i];
    }
    buf[k] = 0;
    return buf;
}

/* Byte offset of 1-based character column `col` in UTF-8 text. */
static size_t byte_of_col(const char *s, int col) {
    size_t i = 0;
    for (int c = 1; c < col && s[i]; c++) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* ---------------------------------------------------------------------------
 * Pieces of a finding.
 */

static const char *action_of(const char *severity) {
    switch (ph_severity_rank(severity)) {
    case 1: return "**Must-fix**";
    case 2: return "Should-fix";
    default: return "Consider";
    }
}

/* Steps of a finding's chain or run: itself plus related locations elsewhere. */
static int steps_of(const PhFinding *f) {
    int n = 1;
    for (size_t k = 0; k < f->nrelated; k++)
        n += !(f->related[k].line == f->loc.line && f->related[k].col == f->loc.col &&
               strcmp(f->related[k].path, f->loc.path) == 0);
    return n;
}

/* The offending code: the callee as written when the front end found a
 * call there ("conn.execute()"), else the finding's span on its line (the
 * trimmed line when the span runs on); cut at 60 characters. */
static void offending(FILE *out, const PhFinding *f, const PhFindingInfo *info) {
    const char *s;
    size_t n;
    char *call = info && info->callee ? ph_xasprintf("%s()", info->callee) : NULL;
    if (call) {
        s = call;
        n = strlen(call);
    } else if (f->loc.snippet && f->loc.end_line == f->loc.line && f->loc.end_col > f->loc.col) {
        size_t a = byte_of_col(f->loc.snippet, f->loc.col), b = byte_of_col(f->loc.snippet, f->loc.end_col);
        s = f->loc.snippet + a;
        n = b - a;
    } else {
        s = ph_report_trimmed(&f->loc, &n);
    }
    if (n > 60) {
        size_t cut = byte_of_col(s, 58);
        char *c = ph_xasprintf("%.*s…", (int)cut, s);
        md_code(out, c, strlen(c));
        free(c);
    } else {
        md_code(out, s, n);
    }
    free(call);
}

/* ---------------------------------------------------------------------------
 * Sections.
 */

/* The Scope line on code contexts: which files each rule reported in, and
 * what that left out. */
static void contexts(FILE *out, const PhReport *r) {
    fputs("- **Code contexts:** ", out);
    if (r->contexts) {
        char *t = ph_context_set_text(r->contexts);
        fprintf(out, "`--contexts %s`", t);
        free(t);
    } else {
        fputs("findings in `code` files", out);
        /* rules with other contexts, grouped by them, in catalogue order */
        size_t n = ph_rules_len(r->rules);
        bool *told = ph_xcalloc(n + 1, sizeof *told);
        for (size_t k = 0; k < n; k++) {
            const PhRule *a = ph_rules_at(r->rules, k);
            if (told[k] || a->contexts == 1u << PH_CTX_CODE)
                continue;
            fputs("; ", out);
            for (size_t j = k, first = 1; j < n; j++)
                if (!told[j] && ph_rules_at(r->rules, j)->contexts == a->contexts) {
                    fprintf(out, "%s%s", first ? "" : ", ", ph_rules_at(r->rules, j)->id);
                    told[j] = true;
                    first = 0;
                }
            char *t = ph_context_set_text(a->contexts);
            fprintf(out, " in %s files", strcmp(t, "all") == 0 ? "all" : t);
            free(t);
        }
        free(told);
    }
    char *left = ph_report_left_out(r->findings);
    if (left)
        fprintf(out, ". Not shown: %s (`pyhunt audit %s` shows them)", left, PH_REPORT_SHOW_ALL);
    free(left);
    fputs(".\n", out);
}

static void scope(FILE *out, const PhReport *r) {
    char a[32], b[32];
    const PhArch *arch = r->arch;
    fputs("## Scope\n\n", out);
    fputs("- **Surface:** ", out);
    md_code(out, r->root, strlen(r->root));
    fprintf(out, ": %s Python file%s", thousands(r->files, a), r->files == 1 ? "" : "s");
    if (arch && arch->test_files)
        fprintf(out, " (%d of them tests)", arch->test_files);
    fprintf(out, ", %s lines", thousands(r->lines, b));
    if (arch) {
        fprintf(out, "; %s function%s outside tests, %d of them `async def`", thousands(arch->functions, a),
                arch->functions == 1 ? "" : "s", arch->async_functions);
        if (arch->handlers)
            fprintf(out, "; %d request handler%s", arch->handlers, arch->handlers == 1 ? "" : "s");
    }
    fputs(".\n", out);

    size_t nrules = ph_rules_len(r->rules), builtin = 0;
    for (size_t k = 0; k < nrules; k++)
        builtin += ph_rules_at(r->rules, k)->builtin;
    fprintf(out, "- **Rules:** %zu built-in", builtin);
    if (nrules > builtin)
        fprintf(out, " and %zu from `--queries`", nrules - builtin);
    fputs(" (`pyhunt rules` lists them).\n", out);

    fputs("- **Exclusions:** ", out);
    if (r->n_excludes) {
        fputs("`--exclude` ", out);
        for (size_t i = 0; i < r->n_excludes; i++) {
            fputs(i ? ", " : "", out);
            md_code(out, r->excludes[i], strlen(r->excludes[i]));
        }
        fputs("; always skipped: ", out);
    } else {
        fputs("none given; always skipped: ", out);
    }
    fputs("`.git`, `__pycache__`, virtualenvs, `node_modules`, build directories and `.gitignore`d paths.\n", out);

    if (r->min_severity)
        fprintf(out, "- **Minimum severity:** %s (findings below it are left out).\n", r->min_severity);
    if (r->diff_base) {
        fputs("- **Changed lines only:** since ", out);
        md_code(out, r->diff_base, strlen(r->diff_base));
        fprintf(out, "; %d finding%s on unchanged lines left out.\n", r->diff_dropped, r->diff_dropped == 1 ? "" : "s");
    }
    contexts(out, r);
    if (r->findings->suppressed)
        fprintf(out, "- **Suppressed:** %d finding%s silenced by `# noqa`.\n", r->findings->suppressed,
                r->findings->suppressed == 1 ? "" : "s");
    fputc('\n', out);
}

static void arch_items(FILE *out, const PhArch *arch, PhArchKind kind, const char *none) {
    if (!arch->len[kind]) {
        fputs(none, out);
        return;
    }
    for (size_t i = 0; i < arch->len[kind]; i++) {
        const PhArchItem *it = &arch->items[kind][i];
        fputs(i ? ", " : "", out);
        md_textz(out, it->label);
        fprintf(out, " (%d file%s)", it->files, it->files == 1 ? "" : "s");
    }
}

static void architecture(FILE *out, const PhReport *r) {
    fputs("## Async architecture\n\n", out);
    const PhArch *a = r->arch;
    if (!a) {
        fputs("Not gathered.\n\n", out);
        return;
    }
    bool async = a->async_functions > 0;
    fputs("| Aspect | Found |\n|---|---|\n", out);
    fputs("| Framework | ", out);
    arch_items(out, a, PH_ARCH_FRAMEWORK, "none detected");
    fputs(" |\n| Concurrency model | ", out);
    if (async)
        fprintf(out, "async: %d of %d functions are `async def`", a->async_functions, a->functions);
    else
        fputs("sync-only: no `async def` outside tests", out);
    fputs(" |\n| Event loop | ", out);
    arch_items(out, a, PH_ARCH_LOOP, async ? "asyncio default loop" : "none (no coroutines)");
    fputs(" |\n| Async I/O libraries | ", out);
    arch_items(out, a, PH_ARCH_ASYNC_IO, "none");
    fputs(" |\n| Blocking I/O libraries | ", out);
    arch_items(out, a, PH_ARCH_SYNC_IO, "none");
    if (async && a->len[PH_ARCH_SYNC_IO])
        fputs(": their calls inside `async def` stall the loop", out);
    fputs(" |\n| Retry / backoff | ", out);
    arch_items(out, a, PH_ARCH_RETRY, "**absent**: no retry or backoff library (tenacity, backoff, ...)");
    fputs(" |\n| Circuit breaker | ", out);
    arch_items(out, a, PH_ARCH_BREAKER, "**absent**: no circuit-breaker library (pybreaker, aiobreaker, ...)");
    fputs(" |\n\n", out);
}

static void finding_row(FILE *out, const PhReport *r, size_t i, const Category *c, const CatMatch *m) {
    const PhFinding *f = &r->findings->items[i];
    const PhFindingInfo *info = r->info ? &r->info[i] : NULL;
    char loc[64];
    fputs("| ", out);
    char *w = where(&f->loc);
    md_code(out, w, strlen(w));
    free(w);
    fprintf(out, " | %s | ", f->rule->id);
    offending(out, f, info);
    fputs(" | ", out);
    if (c->call_alt && info && info->alternative)
        md_textz(out, info->alternative);
    else
        md_textz(out, *f->fix ? f->fix : "—");
    fputs(" | ", out);
    int steps = steps_of(f);
    if (m && m->gain_run && steps > 1) {
        snprintf(loc, sizeof loc, m->gain_run, steps);
        md_textz(out, loc);
    } else {
        md_textz(out, c->gain);
    }
    fprintf(out, " | %s |\n", action_of(f->severity));
}

static void findings(FILE *out, const PhReport *r, const CatId *cat_of, const CatMatch *const *match) {
    const PhFindings *fs = r->findings;
    fputs("## Findings\n\n", out);
    int count[CAT_COUNT][3];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < fs->len; i++)
        count[cat_of[i]][ph_severity_rank(fs->items[i].severity) - 1]++;
    fputs("| Category | P1 | P2 | P3 | Total |\n|---|---:|---:|---:|---:|\n", out);
    int total[3] = {0, 0, 0};
    for (int k = 0; k < CAT_COUNT; k++) {
        int n = count[k][0] + count[k][1] + count[k][2];
        if (!n && !categories[k].always)
            continue;
        fprintf(out, "| %s | %d | %d | %d | %d |\n", categories[k].title, count[k][0], count[k][1], count[k][2], n);
        for (int s = 0; s < 3; s++)
            total[s] += count[k][s];
    }
    fprintf(out, "| **All** | **%d** | **%d** | **%d** | **%zu** |\n\n", total[0], total[1], total[2], fs->len);

    for (int k = 0; k < CAT_COUNT; k++) {
        const Category *c = &categories[k];
        int n = count[k][0] + count[k][1] + count[k][2];
        if (!n && !c->always)
            continue;
        fprintf(out, "### %s (%d)\n\n%s\n\n", c->title, n, c->intro);
        if (!n) {
            fputs("None found.\n\n", out);
            continue;
        }
        fprintf(out, "| Location | Rule | %s | %s | %s | Action |\n|---|---|---|---|---|---|\n", c->call_head,
                c->alt_head, c->gain_head);
        /* Worst first, then in file order. */
        for (int s = 1; s <= 3; s++)
            for (size_t i = 0; i < fs->len; i++)
                if (cat_of[i] == (CatId)k && ph_severity_rank(fs->items[i].severity) == s)
                    finding_row(out, r, i, c, match[i]);
        fputc('\n', out);
    }
}

enum { MAX_PER_RULE = 20 };   /* findings listed per rule in Recommendations */

static void recommendation(FILE *out, const PhFinding *f) {
    fputs("   - ", out);
    char *w = where(&f->loc);
    md_code(out, w, strlen(w));
    free(w);
    fputs(": ", out);
    md_textz(out, f->message);
    fputc('\n', out);
    size_t n;
    const char *code = ph_report_trimmed(&f->loc, &n);
    if (n)
        md_block(out, "     ", code, n);
    int step = 0;
    for (size_t k = 0; k < f->nrelated; k++) {
        const PhLocation *l = &f->related[k];
        if (!step++)
            fputs("     Steps:\n", out);
        fprintf(out, "     %d. ", step);
        char *lw = where(l);
        md_code(out, lw, strlen(lw));
        free(lw);
        if (l->message && *l->message) {
            fputs(" ", out);
            md_textz(out, l->message);
        }
        size_t m;
        const char *c = ph_report_trimmed(l, &m);
        if (m) {
            fputs(": ", out);
            md_code(out, c, m);
        }
        fputc('\n', out);
    }
}

static void recommendations(FILE *out, const PhReport *r) {
    static const char *const heads[3] = {"Must-fix (P1)", "Should-fix (P2)", "Consider (P3)"};
    const PhFindings *fs = r->findings;
    fputs("## Recommendations\n\n", out);
    if (!fs->len) {
        fputs("Nothing to fix: no findings.\n", out);
        return;
    }
    for (int s = 1; s <= 3; s++) {
        int item = 0;
        for (size_t k = 0; k < ph_rules_len(r->rules); k++) {
            const PhRule *rule = ph_rules_at(r->rules, k);
            int n = 0;
            const PhFinding *first = NULL;   /* its fix and message are filled; the rule's are templates */
            for (size_t i = 0; i < fs->len; i++)
                if (fs->items[i].rule == rule && ph_severity_rank(fs->items[i].severity) == s) {
                    first = first ? first : &fs->items[i];
                    n++;
                }
            if (!n)
                continue;
            if (!item)
                fprintf(out, "### %s\n\n", heads[s - 1]);
            fprintf(out, "%d. **%s %s** (%d finding%s): ", ++item, rule->id, rule->name, n, n == 1 ? "" : "s");
            md_textz(out, *first->fix ? first->fix : first->message);
            fputc('\n', out);
            int shown = 0;
            for (size_t i = 0; i < fs->len && shown < MAX_PER_RULE; i++)
                if (fs->items[i].rule == rule && ph_severity_rank(fs->items[i].severity) == s) {
                    recommendation(out, &fs->items[i]);
                    shown++;
                }
            if (n > shown)
                fprintf(out, "   - and %d more in the Findings tables.\n", n - shown);
        }
        if (item)
            fputc('\n', out);
    }
}

void ph_report_markdown(FILE *out, const PhReport *r) {
    const PhFindings *fs = r->findings;
    int sev[3] = {0, 0, 0};
    for (size_t i = 0; i < fs->len; i++)
        sev[ph_severity_rank(fs->items[i].severity) - 1]++;
    fputs("# pyhunt audit: ", out);
    md_textz(out, r->root);
    fprintf(out, "\n\n%s, pyhunt %s. ", r->date ? r->date : "", PH_TOOL_VERSION);
    if (fs->len)
        fprintf(out, "**%zu finding%s**: %d must-fix (P1), %d should-fix (P2), %d to consider (P3).\n\n", fs->len,
                fs->len == 1 ? "" : "s", sev[0], sev[1], sev[2]);
    else
        fputs("**No findings.**\n\n", out);

    CatId *cat_of = ph_xcalloc(fs->len ? fs->len : 1, sizeof *cat_of);
    const CatMatch **match = ph_xcalloc(fs->len ? fs->len : 1, sizeof *match);
    for (size_t i = 0; i < fs->len; i++) {
        match[i] = match_of(fs->items[i].rule);
        cat_of[i] = match[i] ? match[i]->cat : CAT_OTHER;
    }
    scope(out, r);
    architecture(out, r);
    findings(out, r, cat_of, match);
    recommendations(out, r);
    free(match);
    free(cat_of);
}
