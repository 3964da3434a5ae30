/*
 * report_markdown: the audit report, a markdown file meant for a pull
 * request, a ticket or an audit folder (`pyhunt audit --format markdown`,
 * written to YYYY-MM-DD-pyhunt-audit.md unless --output says otherwise).
 *
 * Sections, in this order: Scope (what was audited and what was left out),
 * Async architecture (framework, concurrency model, event loop, async and
 * blocking I/O libraries, retry and circuit-breaker libraries, as the
 * report model found them in the imports: PhArch), Findings (one table per
 * category that has findings, with columns that fit it), Recommendations
 * (Must-fix P1, Should-fix P2, Consider P3, each finding at `path:line` with
 * its code and its chain). A section without findings is left out, and
 * nothing is canned: no column claims an effect or a figure that no rule
 * computed.
 *
 * The report fits in PhReport.max_bytes (--max-bytes, 60,000 by default,
 * under GitHub's 65,536-character comment limit): it lists as many of the
 * most severe findings as fit and says how many it left out. It is rendered
 * in memory to measure it, a few times (a binary search).
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
    const char *intro;         /* one sentence under the heading: what the findings cost, in words */
    const char *call_head;     /* heading of the "what" column */
    const char *alt_head;      /* heading of the "instead" column */
    bool call_alt;             /* the "instead" column names the call's async equivalent when
                                  known (PhFindingInfo.alternative); else the finding's fix */
} Category;

/* No column claims an effect or a figure: what a finding costs depends on
 * the code around it, which no rule measures. */
static const Category categories[CAT_COUNT] = {
    [CAT_BLOCKING] = {"Blocking I/O in async context",
                      "Synchronous calls inside `async def`: while one runs, every other request on the event "
                      "loop waits.",
                      "Offending call", "Async equivalent", true},
    [CAT_SEQUENTIAL] = {"Sequential awaits", "Independent awaits run one after another where they could overlap.",
                        "Awaits", "Concurrent alternative", false},
    [CAT_NPLUS1] = {"N+1 queries", "A query per loop iteration where one batched query would do.", "Query in loop",
                    "Batch alternative", false},
    [CAT_RESOURCES] = {"Unclosed resources",
                       "Files, sockets, clients and connections that are not closed on every path.", "Resource", "Fix",
                       false},
    [CAT_MEMORY] = {"Unbounded in-memory growth", "Caches and collections that only ever grow.", "Where it grows",
                    "Fix", false},
    [CAT_EAGER] = {"Eager materialization", "Whole sequences built in memory only to be walked once.", "Materialized",
                   "Lazy alternative", false},
    [CAT_POOL] = {"Missing connection-pool configuration", "Connections opened per call, or pools left at defaults.",
                  "Created", "Pooled alternative", false},
    [CAT_HOT] = {"Expensive operations in hot paths",
                 "Work repeated on every call or iteration that could be done once.", "Operation", "Alternative",
                 false},
    [CAT_ASYNC] = {"Async correctness and timeouts",
                   "Coroutines, tasks and network calls used in ways that lose work, errors or time.", "Code", "Fix",
                   false},
    [CAT_OTHER] = {"Other rules", "Findings of rules outside the built-in categories.", "Code", "Fix", false},
};

/* First match wins: id ranges of the built-in catalogue, then tags (so that
 * a user rule tagged `n+1` joins the N+1 table). */
typedef struct CatMatch {
    const char *first, *last;  /* inclusive id range, or NULL */
    const char *tag;           /* or a tag */
    CatId cat;
} CatMatch;

static const CatMatch matches[] = {
    {"PH101", "PH102", NULL, CAT_BLOCKING},
    {"PH108", "PH108", NULL, CAT_BLOCKING},
    {"PH111", "PH111", NULL, CAT_BLOCKING},
    {"PH113", "PH113", NULL, CAT_SEQUENTIAL},
    {"PH202", "PH202", NULL, CAT_SEQUENTIAL},
    {"PH100", "PH199", NULL, CAT_ASYNC},
    {"PH200", "PH299", NULL, CAT_NPLUS1},
    {"PH300", "PH399", NULL, CAT_RESOURCES},
    {"PH400", "PH499", NULL, CAT_MEMORY},
    {"PH500", "PH599", NULL, CAT_EAGER},
    {"PH600", "PH699", NULL, CAT_POOL},
    {"PH700", "PH799", NULL, CAT_HOT},
    {NULL, NULL, "blocking", CAT_BLOCKING},
    {NULL, NULL, "sequential", CAT_SEQUENTIAL},
    {NULL, NULL, "n+1", CAT_NPLUS1},
    {NULL, NULL, "resource", CAT_RESOURCES},
    {NULL, NULL, "leak", CAT_RESOURCES},
    {NULL, NULL, "memory", CAT_MEMORY},
    {NULL, NULL, "materialization", CAT_EAGER},
    {NULL, NULL, "pool", CAT_POOL},
    {NULL, NULL, "hot-path", CAT_HOT},
    {NULL, NULL, "async", CAT_ASYNC},
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

/* The category of a rule: "Other rules" when no row of `matches` has it. */
static CatId category_of(const PhRule *rule) {
    for (size_t i = 0; i < sizeof matches / sizeof *matches; i++) {
        const CatMatch *m = &matches[i];
        if (m->first ? id_in(rule->id, m->first, m->last) : has_tag(rule->tags, m->tag))
            return m->cat;
    }
    return CAT_OTHER;
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
    const PhBaselineCounts *base = &r->baseline;
    if (base->path) {
        fputs("- **Baseline:** ", out);
        md_code(out, base->path, strlen(base->path));
        fprintf(out, ": %d finding%s matched and not listed; %d of its entries no longer match%s a finding%s.\n",
                base->matched, base->matched == 1 ? "" : "s", base->unmatched, base->unmatched == 1 ? "es" : "",
                base->unmatched ? " (`--write-baseline` records today's findings)" : "");
    }
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

/* Which findings a report of limited size lists (--max-bytes): the most
 * severe first, then in file order. */
typedef struct Shown {
    const bool *listed;        /* per finding; NULL: all */
    int left[3];               /* findings not listed, per severity P1..P3 */
} Shown;

static bool listed(const Shown *sh, size_t i) { return !sh->listed || sh->listed[i]; }

static void finding_row(FILE *out, const PhReport *r, size_t i, const Category *c) {
    const PhFinding *f = &r->findings->items[i];
    const PhFindingInfo *info = r->info ? &r->info[i] : NULL;
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
    fprintf(out, " | %s |\n", action_of(f->severity));
}

/* The counts by category and severity, then a table per category that has
 * findings; a report without findings has no such section. */
static void findings(FILE *out, const PhReport *r, const CatId *cat_of, const Shown *sh) {
    const PhFindings *fs = r->findings;
    if (!fs->len)
        return;
    fputs("## Findings\n\n", out);
    int count[CAT_COUNT][3], shown[CAT_COUNT];
    memset(count, 0, sizeof count);
    memset(shown, 0, sizeof shown);
    for (size_t i = 0; i < fs->len; i++) {
        count[cat_of[i]][ph_severity_rank(fs->items[i].severity) - 1]++;
        shown[cat_of[i]] += listed(sh, i);
    }
    fputs("| Category | P1 | P2 | P3 | Total |\n|---|---:|---:|---:|---:|\n", out);
    int total[3] = {0, 0, 0};
    for (int k = 0; k < CAT_COUNT; k++) {
        int n = count[k][0] + count[k][1] + count[k][2];
        if (!n)
            continue;
        fprintf(out, "| %s | %d | %d | %d | %d |\n", categories[k].title, count[k][0], count[k][1], count[k][2], n);
        for (int s = 0; s < 3; s++)
            total[s] += count[k][s];
    }
    fprintf(out, "| **All** | **%d** | **%d** | **%d** | **%zu** |\n\n", total[0], total[1], total[2], fs->len);

    for (int k = 0; k < CAT_COUNT; k++) {
        const Category *c = &categories[k];
        int n = count[k][0] + count[k][1] + count[k][2];
        if (!n)
            continue;
        fprintf(out, "### %s (%d)\n\n%s\n\n", c->title, n, c->intro);
        if (shown[k] < n)
            fprintf(out, "%d of them left out for size (see the top of the report).\n\n", n - shown[k]);
        if (!shown[k])
            continue;
        fprintf(out, "| Location | Rule | %s | %s | Action |\n|---|---|---|---|---|\n", c->call_head, c->alt_head);
        /* Worst first, then in file order. */
        for (int s = 1; s <= 3; s++)
            for (size_t i = 0; i < fs->len; i++)
                if (cat_of[i] == (CatId)k && ph_severity_rank(fs->items[i].severity) == s && listed(sh, i))
                    finding_row(out, r, i, c);
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

static void recommendations(FILE *out, const PhReport *r, const Shown *sh) {
    static const char *const heads[3] = {"Must-fix (P1)", "Should-fix (P2)", "Consider (P3)"};
    const PhFindings *fs = r->findings;
    if (!fs->len)
        return;
    fputs("## Recommendations\n\n", out);
    for (int s = 1; s <= 3; s++) {
        int item = 0;
        for (size_t k = 0; k < ph_rules_len(r->rules); k++) {
            const PhRule *rule = ph_rules_at(r->rules, k);
            int n = 0, in_tables = 0;
            const PhFinding *first = NULL;   /* its fix and message are filled; the rule's are templates */
            for (size_t i = 0; i < fs->len; i++)
                if (fs->items[i].rule == rule && ph_severity_rank(fs->items[i].severity) == s) {
                    first = first ? first : &fs->items[i];
                    n++;
                    in_tables += listed(sh, i);
                }
            if (!n)
                continue;
            if (!item)
                fprintf(out, "### %s\n\n", heads[s - 1]);
            fprintf(out, "%d. **%s %s** (%d finding%s): ", ++item, rule->id, rule->name, n, n == 1 ? "" : "s");
            md_textz(out, *first->fix ? first->fix : first->message);
            fputc('\n', out);
            int here = 0;
            for (size_t i = 0; i < fs->len && here < MAX_PER_RULE; i++)
                if (fs->items[i].rule == rule && ph_severity_rank(fs->items[i].severity) == s && listed(sh, i)) {
                    recommendation(out, &fs->items[i]);
                    here++;
                }
            if (in_tables > here && n > in_tables)
                fprintf(out, "   - and %d more in the Findings tables; %d left out for size.\n", in_tables - here,
                        n - in_tables);
            else if (in_tables > here)
                fprintf(out, "   - and %d more in the Findings tables.\n", in_tables - here);
            else if (n > in_tables)
                fprintf(out, "   - %s%d left out for size.\n", here ? "and " : "", n - in_tables);
        }
        if (item)
            fputc('\n', out);
    }
}

/* The whole report, listing the findings `sh` says. */
static void render(FILE *out, const PhReport *r, const CatId *cat_of, const Shown *sh) {
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
    int left = sh->left[0] + sh->left[1] + sh->left[2];
    if (left) {
        char size[32];
        fprintf(out, "**Left out for size:** %d finding%s (%d P1, %d P2, %d P3), the least severe, to keep this "
                     "report under %s bytes (`--max-bytes`); the text report lists them all.\n\n",
                left, left == 1 ? "" : "s", sh->left[0], sh->left[1], sh->left[2], thousands((long)r->max_bytes, size));
    }
    scope(out, r);
    architecture(out, r);
    findings(out, r, cat_of, sh);
    recommendations(out, r, sh);
}

/* The size of the report listing the `k` most severe findings of `order`. */
static size_t size_with(const PhReport *r, const CatId *cat_of, const size_t *order, size_t k, bool *keep,
                        Shown *sh) {
    const PhFindings *fs = r->findings;
    memset(keep, 0, fs->len * sizeof *keep);
    memset(sh->left, 0, sizeof sh->left);
    for (size_t j = 0; j < fs->len; j++) {
        if (j < k)
            keep[order[j]] = true;
        else
            sh->left[ph_severity_rank(fs->items[order[j]].severity) - 1]++;
    }
    sh->listed = keep;
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    render(mem, r, cat_of, sh);
    fclose(mem);
    free(buf);
    return size;
}

/* A finding's place in the order of --max-bytes: severity, then file order
 * (the index). */
typedef struct Ranked {
    int rank;
    size_t index;
} Ranked;

static int cmp_ranked(const void *a, const void *b) {
    const Ranked *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void ph_report_markdown(FILE *out, const PhReport *r) {
    const PhFindings *fs = r->findings;
    CatId *cat_of = ph_xcalloc(fs->len ? fs->len : 1, sizeof *cat_of);
    for (size_t i = 0; i < fs->len; i++)
        cat_of[i] = category_of(fs->items[i].rule);
    Shown all = {0};
    size_t n = fs->len;
    bool *keep = ph_xcalloc(n ? n : 1, sizeof *keep);
    Ranked *ranked = ph_xmalloc((n ? n : 1) * sizeof *ranked);
    for (size_t i = 0; i < n; i++)
        ranked[i] = (Ranked){ph_severity_rank(fs->items[i].severity), i};
    qsort(ranked, n, sizeof *ranked, cmp_ranked);
    size_t *order = ph_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = ranked[i].index;
    free(ranked);
    /* The most findings that fit: a binary search over how many of the
     * most severe are listed (the size grows with them), then down to one
     * that fits, or none (a report without findings is never cut). */
    Shown sh = {0};
    size_t k = n;
    if (r->max_bytes && size_with(r, cat_of, order, n, keep, &sh) > r->max_bytes) {
        size_t lo = 0, hi = n;   /* lo fits or is 0; hi does not fit */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (size_with(r, cat_of, order, mid, keep, &sh) <= r->max_bytes)
                lo = mid;
            else
                hi = mid;
        }
        k = lo;
    }
    if (k < n) {
        size_with(r, cat_of, order, k, keep, &sh);
        render(out, r, cat_of, &sh);
    } else {
        render(out, r, cat_of, &all);
    }
    free(order);
    free(keep);
    free(cat_of);
}
