/*
 * rules: loading rule files, running them, building findings.
 */
#include "rules.h"
#include "catalogue.h"
#include "db.h"
#include "embedded.h"
#include "util.h"

#include <ctype.h>
#include <pthread.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct CatalogueFile {
    char *path, *text;
} CatalogueFile;

struct PhRuleSet {
    PhVec(PhRule *) v;
    PhVec(CatalogueFile) catalogues;   /* users' catalogue*.tsv files, checked */
    int catalogue_errors;              /* error diagnostics of catalogue files */
};

PhRuleSet *ph_rules_new(void) { return ph_xcalloc(1, sizeof(PhRuleSet)); }

static void rule_free(PhRule *r) {
    if (!r)
        return;
    free(r->id);
    free(r->name);
    free(r->severity);
    free(r->precision);
    free(r->tags);
    free(r->message);
    free(r->fix);
    free(r->description);
    free(r->bad);
    free(r->good);
    free(r->accepted);
    free(r->autofix);
    free(r->path);
    free(r->sql);
    free(r->contexts_text);
    free(r->default_text);
    free(r->scope_text);
    free(r);
}

void ph_rules_free(PhRuleSet *self) {
    if (!self)
        return;
    for (size_t i = 0; i < self->v.len; i++)
        rule_free(self->v.items[i]);
    free(self->v.items);
    for (size_t i = 0; i < self->catalogues.len; i++) {
        free(self->catalogues.items[i].path);
        free(self->catalogues.items[i].text);
    }
    free(self->catalogues.items);
    free(self);
}

PhRuleSet *ph_rules_builtin(void) {
    PhRuleSet *s = ph_rules_new();
    PhDiags *d = ph_diags_new();
    for (const PhEmbedded *e = ph_embedded; e->path; e++)
        if (ph_str_starts(e->path, "queries/") && ph_str_ends(e->path, ".sql"))
            if (ph_rules_add(s, e->path, e->text, true, d) != 0) {
                ph_diags_print(d, stderr, false);
                abort();
            }
    ph_diags_free(d);
    return s;
}

/* Append `value` to a field, on a new line when it already has text. */
static void append_field(char **field, const char *value, size_t n) {
    if (!*field) {
        *field = ph_xstrndup(value, n);
        return;
    }
    size_t old = strlen(*field);
    *field = ph_xrealloc(*field, old + n + 2);
    (*field)[old] = '\n';
    memcpy(*field + old + 1, value, n);
    (*field)[old + 1 + n] = 0;
}

int ph_rules_tag_line(const char *text, const char *tag) {
    size_t n = strlen(tag);
    int line = 1;
    for (const char *p = text; *p; line++) {
        const char *s = p + strspn(p, " \t");
        if (s[0] == '-' && s[1] == '-') {
            s += 2 + strspn(s + 2, " \t");
            if (*s == '@' && strncmp(s + 1, tag, n) == 0 && !isalnum((unsigned char)s[n + 1]))
                return line;
        }
        const char *e = strchr(p, '\n');
        if (!e)
            break;
        p = e + 1;
    }
    return 1;
}

/* A header field that continued over several lines, as one line. */
static void join_lines(char *s) {
    for (char *p = s; p && *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
}

/* What decides where and whether a rule reports: @contexts (default code)
 * and @default (opt-in or on); @message and @fix are made one line. Returns
 * 0, or -1 after a diagnostic at the bad tag. */
static int read_report_meta(PhRule *r, PhDiags *diags) {
    join_lines(r->message);
    join_lines(r->fix);
    r->contexts = 1u << PH_CTX_CODE;
    const char *bad = NULL;
    size_t bad_len = 0;
    if (r->contexts_text && !ph_context_set_parse(r->contexts_text, &r->contexts, &bad, &bad_len)) {
        ph_diags_add(diags, PH_ERROR, r->path, ph_rules_tag_line(r->sql, "contexts"), 1, 0, NULL,
                     "@contexts '%.*s' is not a context: say all, or some of code, test, example, script",
                     (int)bad_len, bad);
        return -1;
    }
    if (r->default_text && strcmp(r->default_text, "opt-in") != 0 && strcmp(r->default_text, "on") != 0) {
        ph_diags_add(diags, PH_ERROR, r->path, ph_rules_tag_line(r->sql, "default"), 1, 0, NULL,
                     "@default '%s' is not 'opt-in' or 'on'", r->default_text);
        return -1;
    }
    r->opt_in = r->default_text && strcmp(r->default_text, "opt-in") == 0;
    if (r->scope_text && strcmp(r->scope_text, "file") != 0 && strcmp(r->scope_text, "interface") != 0 &&
        strcmp(r->scope_text, "project") != 0) {
        ph_diags_add(diags, PH_ERROR, r->path, ph_rules_tag_line(r->sql, "scope"), 1, 0, NULL,
                     "@scope '%s' is not 'file', 'interface' or 'project'", r->scope_text);
        return -1;
    }
    r->file_scope = r->scope_text && strcmp(r->scope_text, "file") == 0;
    r->interface_scope = r->scope_text && strcmp(r->scope_text, "interface") == 0;
    return 0;
}

bool ph_rules_valid_id(const char *id) {
    const char *p = id;
    if (!isupper((unsigned char)*p))
        return false;
    while (isupper((unsigned char)*p))
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    return *p == 0;
}

int ph_rules_add(PhRuleSet *self, const char *path, const char *text, bool builtin, PhDiags *diags) {
    PhRule *r = ph_xcalloc(1, sizeof *r);
    r->path = ph_xstrdup(path);
    r->sql = ph_xstrdup(text);
    r->builtin = builtin;
    char **last = NULL;
    int line = 0;
    const char *p = text;
    bool body = false;
    while (*p) {
        line++;
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        const char *next = eol ? eol + 1 : p + n;
        /* The header is the leading block of `--` comments. */
        size_t i = 0;
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i == n) {               /* blank line ends a multi-line field */
            last = NULL;
            p = next;
            continue;
        }
        if (n - i < 2 || p[i] != '-' || p[i + 1] != '-') {
            body = true;
            break;
        }
        size_t dash = i;
        i += 2;
        while (i < n && (p[i] == ' ' || p[i] == '\r'))
            i++;
        if (i == n) {
            /* An empty "--" line is a blank line of a code example (@bad,
             * @good) and ends any other multi-line field. */
            if (last == &r->bad || last == &r->good)
                append_field(last, "", 0);
            else
                last = NULL;
            p = next;
            continue;
        }
        if (i < n && p[i] == '@') {
            size_t k = i + 1;
            while (k < n && (isalnum((unsigned char)p[k]) || p[k] == '_'))
                k++;
            size_t vs = k;
            while (vs < n && p[vs] == ' ')
                vs++;
            size_t ve = n;
            while (ve > vs && (p[ve - 1] == ' ' || p[ve - 1] == '\r'))
                ve--;
            char tag[32];
            snprintf(tag, sizeof tag, "%.*s", (int)(k - i - 1), p + i + 1);
            char **f = NULL;
            if (!strcmp(tag, "id")) f = &r->id;
            else if (!strcmp(tag, "name")) f = &r->name;
            else if (!strcmp(tag, "severity")) f = &r->severity;
            else if (!strcmp(tag, "precision")) f = &r->precision;
            else if (!strcmp(tag, "tags")) f = &r->tags;
            else if (!strcmp(tag, "message")) f = &r->message;
            else if (!strcmp(tag, "fix")) f = &r->fix;
            else if (!strcmp(tag, "description")) f = &r->description;
            else if (!strcmp(tag, "bad")) f = &r->bad;
            else if (!strcmp(tag, "good")) f = &r->good;
            else if (!strcmp(tag, "accepted")) f = &r->accepted;
            else if (!strcmp(tag, "contexts")) f = &r->contexts_text;
            else if (!strcmp(tag, "default")) f = &r->default_text;
            else if (!strcmp(tag, "scope")) f = &r->scope_text;
            else if (!strcmp(tag, "autofix")) f = &r->autofix;
            bool in_example = last && (last == &r->bad || last == &r->good || last == &r->description ||
                                       last == &r->accepted || last == &r->autofix);
            if (!f && in_example) {
                /* a decorator in a code example, not a tag */
                size_t cs = dash + 2 < n && p[dash + 2] == ' ' ? dash + 3 : dash + 2;
                append_field(last, p + cs, n - cs);
                p = next;
                continue;
            }
            if (!f) {
                ph_diags_add(diags, PH_ERROR, path, line, (int)i + 1, 0, NULL, "unknown metadata tag @%s", tag);
                rule_free(r);
                return -1;
            }
            if (*f && (f == &r->id || f == &r->name || f == &r->severity || f == &r->contexts_text ||
                       f == &r->default_text || f == &r->scope_text)) {
                ph_diags_add(diags, PH_ERROR, path, line, (int)i + 1, 0, NULL, "@%s given twice", tag);
                rule_free(r);
                return -1;
            }
            append_field(f, p + vs, ve - vs);
            last = f;
        } else if (last && (last == &r->description || last == &r->bad || last == &r->good ||
                            last == &r->accepted || last == &r->autofix || last == &r->message ||
                            last == &r->fix)) {
            /* A continuation line: its text after "-- ", indentation kept
             * (code examples). `dash` is where the "--" starts. */
            size_t s = dash + 2;
            if (s < n && p[s] == ' ')
                s++;
            size_t e = n;
            while (e > s && p[e - 1] == '\r')
                e--;
            append_field(last, p + s, e - s);
        }
        p = next;
    }
    for (char **ex = &r->bad; ex <= &r->good; ex++)
        for (size_t k = *ex ? strlen(*ex) : 0; k && (*ex)[k - 1] == '\n'; k--)
            (*ex)[k - 1] = 0;
    const char *missing = !r->id ? "id" : !r->name ? "name" : !r->severity ? "severity" : !r->message ? "message" : NULL;
    if (missing) {
        ph_diags_add(diags, PH_ERROR, path, 1, 1, 0, NULL, "rule header lacks @%s", missing);
        rule_free(r);
        return -1;
    }
    if (!ph_rules_valid_id(r->id)) {
        ph_diags_add(diags, PH_ERROR, path, 1, 1, 0, NULL, "@id '%s' is not an id like PH101 or TEAM1", r->id);
        rule_free(r);
        return -1;
    }
    if (ph_severity_rank(r->severity) > 3) {
        ph_diags_add(diags, PH_ERROR, path, 1, 1, 0, NULL, "@severity '%s' is not P1, P2 or P3", r->severity);
        rule_free(r);
        return -1;
    }
    if (!body) {
        ph_diags_add(diags, PH_ERROR, path, line, 1, 0, NULL, "rule %s has no SQL after its header", r->id);
        rule_free(r);
        return -1;
    }
    if (!r->fix)
        r->fix = ph_xstrdup("");
    if (read_report_meta(r, diags) != 0) {
        rule_free(r);
        return -1;
    }
    for (size_t i = 0; i < self->v.len; i++)
        if (strcmp(self->v.items[i]->id, r->id) == 0) {
            rule_free(self->v.items[i]);
            self->v.items[i] = r;
            return 0;
        }
    ph_vec_push(&self->v, r);
    return 0;
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef PhVec(char *) Names;

/* The names of dir's files that start with `prefix` and end with `suffix`,
 * sorted, into *names (caller frees each and the array). Returns -1 after a
 * diagnostic when dir cannot be read. */
static int dir_files(const char *dir, const char *prefix, const char *suffix, Names *names, PhDiags *diags) {
    DIR *d = opendir(dir);
    if (!d) {
        ph_diags_add(diags, PH_ERROR, dir, 0, 0, 0, NULL, "cannot read rule directory: %s", strerror(errno));
        return -1;
    }
    for (struct dirent *e; (e = readdir(d));)
        if (ph_str_starts(e->d_name, prefix) && ph_str_ends(e->d_name, suffix))
            ph_vec_push(names, ph_xstrdup(e->d_name));
    closedir(d);
    if (names->len)
        qsort(names->items, names->len, sizeof(char *), cmp_name);
    return 0;
}

/* Add the rule of one file. A rule that may not replace built-in ones
 * (`may_replace` false) and has a built-in id is an error. */
static int add_file(PhRuleSet *self, const char *path, const char *text, bool may_replace, PhDiags *diags) {
    if (may_replace)
        return ph_rules_add(self, path, text, false, diags);
    PhRuleSet *one = ph_rules_new();
    int rc = ph_rules_add(one, path, text, false, diags);
    const PhRule *same = rc == 0 ? ph_rules_find(self, one->v.items[0]->id) : NULL;
    if (same && same->builtin) {
        ph_diags_add(diags, PH_ERROR, path, 1, 1, 0, NULL,
                     "%s is a built-in rule's id: a rule here may add to pyhunt's rules, not replace them "
                     "(--queries DIR can)", same->id);
        rc = -1;
    } else if (rc == 0) {
        rc = ph_rules_add(self, path, text, false, diags);
    }
    ph_rules_free(one);
    return rc;
}

static int add_dir(PhRuleSet *self, const char *dir, bool may_replace, PhDiags *diags) {
    Names names = {0};
    if (dir_files(dir, "", ".sql", &names, diags) != 0)
        return -1;
    int added = 0, failed = 0;
    for (size_t i = 0; i < names.len; i++) {
        char *path = ph_xasprintf("%s/%s", dir, names.items[i]);
        size_t len;
        char *text = ph_read_file(path, &len);
        if (!text) {
            ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot read rule: %s", strerror(errno));
            failed++;
        } else if (add_file(self, path, text, may_replace, diags) == 0) {
            added++;
        } else {
            failed++;
        }
        free(text);
        free(path);
        free(names.items[i]);
    }
    free(names.items);
    return failed ? -1 : added;
}

int ph_rules_add_dir(PhRuleSet *self, const char *dir, PhDiags *diags) { return add_dir(self, dir, true, diags); }

/* Add the catalogue files of dir (catalogue*.tsv), each checked; their
 * errors are counted in self->catalogue_errors. */
static int add_catalogues(PhRuleSet *self, const char *dir, PhDiags *diags) {
    int errors_before = ph_diags_count(diags, PH_ERROR);
    Names names = {0};
    if (dir_files(dir, "catalogue", ".tsv", &names, diags) != 0)
        return -1;
    int added = 0, failed = 0;
    for (size_t i = 0; i < names.len; i++) {
        char *path = ph_xasprintf("%s/%s", dir, names.items[i]);
        size_t len;
        char *text = ph_read_file(path, &len);
        if (!text) {
            ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot read catalogue: %s", strerror(errno));
            failed++;
            free(path);
        } else if (strlen(text) != len) {
            ph_diags_add_at(diags, PH_ERROR, path, text, strlen(text), 1, 1,
                            "a catalogue is text: this file holds a NUL byte");
            failed++;
            free(text);
            free(path);
        } else if (ph_catalogue_check(path, text, diags) != 0) {
            failed++;
            free(text);
            free(path);
        } else {
            CatalogueFile f = {path, text};
            ph_vec_push(&self->catalogues, f);
            added++;
        }
        free(names.items[i]);
    }
    free(names.items);
    self->catalogue_errors += ph_diags_count(diags, PH_ERROR) - errors_before;
    return failed ? -1 : added;
}

char *ph_rules_dir_user(void) {
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && *xdg == '/')
        return ph_xasprintf("%s/pyhunt/rules", xdg);
    return home && *home ? ph_xasprintf("%s/.config/pyhunt/rules", home) : NULL;
}

char *ph_rules_dir_project(const char *root) {
    struct stat sb;
    if (stat(root, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        const char *slash = strrchr(root, '/');
        return slash ? ph_xasprintf("%.*s/.pyhunt-rules", (int)(slash - root), root) : ph_xstrdup(".pyhunt-rules");
    }
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    return ph_xasprintf("%.*s/.pyhunt-rules", (int)n, root);
}

PhRuleSet *ph_rules_load(const char *root, const char *const *dirs, size_t ndirs, PhDiags *diags) {
    PhRuleSet *rules = ph_rules_builtin();
    char *found[2] = {ph_rules_dir_user(), root ? ph_rules_dir_project(root) : NULL};
    for (int i = 0; i < 2; i++) {
        struct stat sb, given;
        bool named = false;   /* also given with --queries: loaded as that */
        for (size_t k = 0; found[i] && k < ndirs && !named; k++)
            named = stat(dirs[k], &given) == 0 && stat(found[i], &sb) == 0 && given.st_ino == sb.st_ino &&
                    given.st_dev == sb.st_dev;
        if (found[i] && !named && stat(found[i], &sb) == 0 && add_dir(rules, found[i], false, diags) >= 0)
            add_catalogues(rules, found[i], diags);
        free(found[i]);
    }
    for (size_t i = 0; i < ndirs; i++)
        if (add_dir(rules, dirs[i], true, diags) >= 0)
            add_catalogues(rules, dirs[i], diags);
    return rules;
}

int ph_rules_add_catalogues(PhRuleSet *self, const char *dir, PhDiags *diags) { return add_catalogues(self, dir, diags); }

int ph_rules_catalogue_errors(const PhRuleSet *self) { return self->catalogue_errors; }

int ph_rules_attach(const PhRuleSet *self, sqlite3 *db, PhDiags *diags) {
    if (ph_catalogue_reset(db) != SQLITE_OK) {
        ph_diags_add(diags, PH_ERROR, NULL, 0, 0, 0, NULL, "cannot load the catalogue: %s", sqlite3_errmsg(db));
        return -1;
    }
    for (size_t i = 0; i < self->catalogues.len; i++)
        if (ph_catalogue_load(db, self->catalogues.items[i].path, self->catalogues.items[i].text, diags) != SQLITE_OK)
            return -1;
    return 0;
}

size_t ph_rules_len(const PhRuleSet *self) { return self->v.len; }
const PhRule *ph_rules_at(const PhRuleSet *self, size_t i) { return self->v.items[i]; }

const PhRule *ph_rules_find(const PhRuleSet *self, const char *id) {
    for (size_t i = 0; i < self->v.len; i++)
        if (strcasecmp(self->v.items[i]->id, id) == 0)
            return self->v.items[i];
    return NULL;
}

/* Does one item of a selection (an id, a prefix or ALL) name `id`? */
static bool names(const char *item, size_t n, const char *id) {
    return n && ((n == strlen(PH_RULES_ALL) && strncasecmp(item, PH_RULES_ALL, n) == 0) ||
                 strncasecmp(id, item, n) == 0);
}

bool ph_rules_match(const char *list, const char *id) {
    if (!list)
        return false;
    for (const char *p = list; *p;) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ')
            e++;
        if (names(p, (size_t)(e - p), id))
            return true;
        p = e;
    }
    return false;
}

/* ---------------------------------------------------------------------------
 * Selection by id: what --select and --ignore name.
 */

bool ph_rules_names_any(const PhRuleSet *self, const char *pattern) {
    for (size_t i = 0; i < self->v.len; i++)
        if (names(pattern, strlen(pattern), self->v.items[i]->id))
            return true;
    return false;
}

const char *ph_rules_nearest(const PhRuleSet *self, const char *word) {
    /* One edit at most: ids differ by a digit, so two edits reach unrelated rules. */
    for (size_t i = 0; i < self->v.len; i++)
        if (ph_str_distance(word, self->v.items[i]->id) <= 1)
            return self->v.items[i]->id;
    return NULL;
}

static bool names_any_of(const char *const *items, size_t n, const char *id) {
    for (size_t i = 0; i < n; i++)
        if (names(items[i], strlen(items[i]), id))
            return true;
    return false;
}

/* Does --select pick r? An opt-in rule only by its id or ALL, as a user who
 * writes PH1 wants the async family they know, not its noisy extras. */
static bool selected(const PhRule *r, const char *const *select, size_t n) {
    if (!n)
        return !r->opt_in;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(select[i], PH_RULES_ALL) == 0 || strcasecmp(select[i], r->id) == 0 ||
            (!r->opt_in && names(select[i], strlen(select[i]), r->id)))
            return true;
    return false;
}

void ph_rules_filter(PhRuleSet *self, const char *const *select, size_t nselect, const char *const *ignore,
                     size_t nignore) {
    size_t k = 0;
    for (size_t i = 0; i < self->v.len; i++) {
        PhRule *r = self->v.items[i];
        if (selected(r, select, nselect) && !names_any_of(ignore, nignore, r->id))
            self->v.items[k++] = r;
        else
            rule_free(r);
    }
    self->v.len = k;
}

int ph_severity_rank(const char *s) {
    if (s && (s[0] == 'P' || s[0] == 'p') && s[1] >= '1' && s[1] <= '3' && !s[2])
        return s[1] - '0';
    return 9;
}

/* ---------------------------------------------------------------------------
 * Running.
 */

/* Line of the first SQL statement in a rule file (after its header). */
static int sql_line(const PhRule *r, int offset) {
    int line = 1;
    for (int i = 0; i < offset && r->sql[i]; i++)
        line += r->sql[i] == '\n';
    return line;
}

/* Line where the SQL after the header of `--` comments starts: where an
 * error without a position points. */
static int body_line(const PhRule *r) {
    int line = 1;
    for (const char *p = r->sql; *p; line++) {
        const char *s = p + strspn(p, " \t\r");
        if (*s != '\n' && !(s[0] == '-' && s[1] == '-'))
            return line;
        const char *e = strchr(p, '\n');
        if (!e)
            break;
        p = e + 1;
    }
    return 1;
}

/* ---------------------------------------------------------------------------
 * Messages that read right (RULES.md: one line, every placeholder filled),
 * enforced here for every rule, built-in or not.
 */

/* Length of the placeholder name at p, just after a '{' (letters, digits,
 * '_', not starting with a digit, then '}'), or 0 when it is not one. */
static size_t placeholder(const char *p) {
    size_t n = 0;
    if (!isalpha((unsigned char)*p) && *p != '_')
        return 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_')
        n++;
    return p[n] == '}' ? n : 0;
}

static int column_named(sqlite3_stmt *st, int ncols, const char *name, size_t n) {
    for (int c = 0; c < ncols; c++) {
        const char *col = sqlite3_column_name(st, c);
        if (strlen(col) == n && strncmp(col, name, n) == 0)
            return c;
    }
    return -1;
}

/* Does every {name} of @message and @fix name a result column? If not, a
 * diagnostic at the field and -1: the rule could only print a raw `{name}`. */
static int check_placeholders(const PhRule *rule, sqlite3_stmt *st, int ncols, PhDiags *diags) {
    const char *fields[2] = {rule->message, rule->fix}, *tags[2] = {"message", "fix"};
    for (int k = 0; k < 2; k++)
        for (const char *p = fields[k]; p && (p = strchr(p, '{')); p++) {
            size_t n = placeholder(p + 1);
            if (n && column_named(st, ncols, p + 1, n) < 0) {
                ph_diags_add(diags, PH_ERROR, rule->path, ph_rules_tag_line(rule->sql, tags[k]), 0, 0, NULL,
                             "{%.*s} in @%s of rule %s names no result column of its query", (int)n, p + 1, tags[k],
                             rule->id);
                return -1;
            }
        }
    return 0;
}

/* Append value as one line: up to its first line break, then "…" when
 * more followed (a loop header or a call spread over lines). */
static void append_one_line(sqlite3_str *s, const char *v) {
    size_t n = strcspn(v, "\r\n");
    if (!v[n]) {
        sqlite3_str_appendall(s, v);
        return;
    }
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    sqlite3_str_append(s, v, (int)n);
    sqlite3_str_appendall(s, "…");
}

/* A message a query returned whole (its `message` column, a related step):
 * each line break, with the blanks around it, becomes one space. In place. */
static void one_line(char *m) {
    if (!m)
        return;
    char *w = m;
    for (const char *r = m; *r;) {
        if (*r != '\n' && *r != '\r') {
            *w++ = *r++ == '\t' ? ' ' : r[-1];
            continue;
        }
        while (w > m && (w[-1] == ' ' || w[-1] == '\t'))
            w--;
        r += strspn(r, " \t\r\n");
        if (w > m && *r)
            *w++ = ' ';
    }
    *w = 0;
}

/* The template with each {column} filled from the current row, one line.
 * A NULL value fills nothing and, the first time, names itself in
 * *unfilled (caller frees with free()). Caller frees the result with free(). */
static char *expand(const char *tmpl, sqlite3_stmt *st, int ncols, char **unfilled) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (const char *p = tmpl; *p; p++) {
        size_t n = *p == '{' ? placeholder(p + 1) : 0;
        int c = n ? column_named(st, ncols, p + 1, n) : -1;
        if (c < 0) {
            sqlite3_str_appendchar(s, 1, *p);
            continue;
        }
        const char *v = (const char *)sqlite3_column_text(st, c);
        if (v)
            append_one_line(s, v);
        else if (!*unfilled)
            *unfilled = ph_xstrndup(p + 1, n);
        p += n + 1;
    }
    char *m = sqlite3_str_finish(s);
    char *out = ph_xstrdup(m ? m : "");
    sqlite3_free(m);
    return out;
}

typedef struct Lookup {
    sqlite3_stmt *path, *noqa, *related, *edits;
} Lookup;

/* The path of a file id (caller frees with free()) and, when context is
 * not NULL, its code context. */
static char *file_path(Lookup *lk, int64_t file_id, PhContext *context) {
    sqlite3_bind_int64(lk->path, 1, file_id);
    char *p = NULL;
    if (sqlite3_step(lk->path) == SQLITE_ROW) {
        p = ph_xstrdup((const char *)sqlite3_column_text(lk->path, 0));
        const char *c = (const char *)sqlite3_column_text(lk->path, 1);
        int k = c ? ph_context_parse(c, strlen(c)) : -1;
        if (context)
            *context = k >= 0 ? (PhContext)k : PH_CTX_CODE;
    }
    sqlite3_reset(lk->path);
    return p ? p : ph_xstrdup("?");
}

static bool suppressed(Lookup *lk, int64_t file_id, int line, const char *id) {
    sqlite3_bind_int64(lk->noqa, 1, file_id);
    sqlite3_bind_int(lk->noqa, 2, line);
    bool hit = false;
    char pat[40];
    snprintf(pat, sizeof pat, ",%s,", id);
    while (!hit && sqlite3_step(lk->noqa) == SQLITE_ROW) {
        const char *codes = (const char *)sqlite3_column_text(lk->noqa, 0);
        hit = codes && (strcmp(codes, "*") == 0 || strstr(codes, pat) != NULL);
    }
    sqlite3_reset(lk->noqa);
    return hit;
}

static void add_related(Lookup *lk, PhFinding *f, const char *json) {
    sqlite3_bind_text(lk->related, 1, json, -1, SQLITE_TRANSIENT);
    PhVec(PhLocation) v = {0};
    while (sqlite3_step(lk->related) == SQLITE_ROW) {
        PhLocation l;
        memset(&l, 0, sizeof l);
        l.file_id = sqlite3_column_int(lk->related, 0);
        l.path = file_path(lk, l.file_id, NULL);
        l.line = sqlite3_column_int(lk->related, 1);
        l.col = sqlite3_column_int(lk->related, 2);
        l.end_line = sqlite3_column_int(lk->related, 3);
        l.end_col = sqlite3_column_int(lk->related, 4);
        const char *m = (const char *)sqlite3_column_text(lk->related, 5);
        l.message = m ? ph_xstrdup(m) : NULL;
        one_line(l.message);
        ph_vec_push(&v, l);
    }
    sqlite3_reset(lk->related);
    f->related = v.items;
    f->nrelated = v.len;
}

/* The finding's edits, from a rule's `edits` JSON. Returns false, leaving
 * the finding without a fix, when the JSON is not an array of complete
 * edits: a defect of the rule, which the caller reports. */
static bool add_edits(Lookup *lk, PhFinding *f, const char *json) {
    sqlite3_bind_text(lk->edits, 1, json, -1, SQLITE_TRANSIENT);
    PhVec(PhEdit) v = {0};
    bool ok = true;
    int rc;
    while ((rc = sqlite3_step(lk->edits)) == SQLITE_ROW) {
        PhEdit e = {.line = sqlite3_column_int(lk->edits, 0),
                    .col = sqlite3_column_int(lk->edits, 1),
                    .end_line = sqlite3_column_int(lk->edits, 2),
                    .end_col = sqlite3_column_int(lk->edits, 3)};
        if (!sqlite3_column_int(lk->edits, 6) || e.line < 1 || e.col < 1 || e.end_line < e.line ||
            (e.end_line == e.line && e.end_col < e.col)) {
            ok = false;
            break;
        }
        e.old = ph_xstrdup((const char *)sqlite3_column_text(lk->edits, 4));
        e.text = ph_xstrdup((const char *)sqlite3_column_text(lk->edits, 5));
        ph_vec_push(&v, e);
    }
    ok = ok && rc == SQLITE_DONE && v.len > 0;
    sqlite3_reset(lk->edits);
    if (!ok) {
        for (size_t i = 0; i < v.len; i++) {
            free(v.items[i].old);
            free(v.items[i].text);
        }
        free(v.items);
        return false;
    }
    f->edits = v.items;
    f->nedits = v.len;
    return true;
}

/* One result row of a rule, as the query returned it (message expanded). */
typedef struct Row {
    int64_t file_id;
    int line, col, end_line, end_col;
    char *severity;        /* NULL: the rule's */
    char *message;         /* one line */
    char *fix;             /* @fix filled, one line */
    char *related;         /* JSON, or NULL */
    char *unfilled;        /* a placeholder a NULL column left empty, or NULL (fresh runs only) */
    char *edits;           /* JSON, or NULL */
} Row;

typedef PhVec(Row) Rows;

static char *column_dup(sqlite3_stmt *st, int c) {
    const char *v = c >= 0 ? (const char *)sqlite3_column_text(st, c) : NULL;
    return v ? ph_xstrdup(v) : NULL;
}

static void row_free(Row *r) {
    free(r->severity);
    free(r->message);
    free(r->fix);
    free(r->related);
    free(r->unfilled);
    free(r->edits);
}

static void rows_free(Rows *rows) {
    for (size_t i = 0; i < rows->len; i++)
        row_free(&rows->items[i]);
    free(rows->items);
}

/* The path of the one file the database holds, or NULL when it holds more
 * (or none): the file a failing rule was auditing, when that is known.
 * Caller frees with free(). */
static char *only_file(sqlite3 *db) {
    sqlite3_stmt *st;
    char *path = NULL;
    if (sqlite3_prepare_v2(db, ph_db_statement("only_file"), -1, &st, NULL) != SQLITE_OK)
        return NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        path = ph_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return path;
}

/* query_rows() without the trust level. A failure names the audited file
 * when the database holds one. */
static int run_query(sqlite3 *db, const PhRule *rule, Rows *rows, PhDiags *diags) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, rule->sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        int off = sqlite3_error_offset(db);
        ph_diags_add(diags, PH_ERROR, rule->path, off >= 0 ? sql_line(rule, off) : body_line(rule), 0, 0, NULL, "%s",
                     ph_db_errmsg(db));
        return -1;
    }
    if (!st) {
        ph_diags_add(diags, PH_ERROR, rule->path, 1, 0, 0, NULL, "rule %s has no SQL statement", rule->id);
        return -1;
    }
    if (!sqlite3_stmt_readonly(st)) {
        ph_diags_add(diags, PH_ERROR, rule->path, body_line(rule), 0, 0, NULL, "rule %s must be a read-only query",
                     rule->id);
        sqlite3_finalize(st);
        return -1;
    }
    int ncols = sqlite3_column_count(st);
    int c_file = -1, c_line = -1, c_col = -1, c_eline = -1, c_ecol = -1, c_msg = -1, c_sev = -1, c_rel = -1,
        c_edits = -1;
    for (int c = 0; c < ncols; c++) {
        const char *n = sqlite3_column_name(st, c);
        if (!strcmp(n, "file_id")) c_file = c;
        else if (!strcmp(n, "line")) c_line = c;
        else if (!strcmp(n, "col")) c_col = c;
        else if (!strcmp(n, "end_line")) c_eline = c;
        else if (!strcmp(n, "end_col")) c_ecol = c;
        else if (!strcmp(n, "message")) c_msg = c;
        else if (!strcmp(n, "severity")) c_sev = c;
        else if (!strcmp(n, "related")) c_rel = c;
        else if (!strcmp(n, "edits")) c_edits = c;
    }
    if (c_file < 0 || c_line < 0 || c_col < 0) {
        ph_diags_add(diags, PH_ERROR, rule->path, 1, 0, 0, NULL,
                     "rule %s must return the columns file_id, line and col", rule->id);
        sqlite3_finalize(st);
        return -1;
    }
    if (check_placeholders(rule, st, ncols, diags) != 0) {
        sqlite3_finalize(st);
        return -1;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        Row r;
        memset(&r, 0, sizeof r);
        r.file_id = sqlite3_column_int64(st, c_file);
        r.line = sqlite3_column_int(st, c_line);
        r.col = sqlite3_column_int(st, c_col);
        r.end_line = c_eline >= 0 ? sqlite3_column_int(st, c_eline) : r.line;
        r.end_col = c_ecol >= 0 ? sqlite3_column_int(st, c_ecol) : r.col;
        r.severity = column_dup(st, c_sev);
        if (c_msg >= 0 && sqlite3_column_type(st, c_msg) != SQLITE_NULL) {
            r.message = column_dup(st, c_msg);
            one_line(r.message);
        } else {
            r.message = expand(rule->message, st, ncols, &r.unfilled);
        }
        r.fix = expand(rule->fix, st, ncols, &r.unfilled);
        r.related = column_dup(st, c_rel);
        r.edits = column_dup(st, c_edits);
        ph_vec_push(rows, r);
    }
    if (rc != SQLITE_DONE) {
        char *msg = ph_xstrdup(ph_db_errmsg(db));
        char *file = only_file(db);
        ph_diags_add(diags, PH_ERROR, rule->path, 1, 0, 0, NULL, "rule %s failed%s%s: %s", rule->id,
                     file ? " on " : "", file ? file : "", msg);
        free(file);
        free(msg);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Run the rule's query into rows, as SQL that may only read (a rule file
 * may come from the audited repository: PH_TRUST_READ). On errors adds a
 * diagnostic `rule-file:line: message` and returns -1. */
static int query_rows(sqlite3 *db, const PhRule *rule, Rows *rows, PhDiags *diags) {
    PhTrust trust = ph_db_trust(PH_TRUST_READ);
    int rc = run_query(db, rule, rows, diags);
    ph_db_trust(trust);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Result cache. A rule's rows are kept in the database (rule_runs and
 * rule_rows, schema/tables.sql) under a key hashing the rule's SQL, the
 * library and the catalogue rows it ran with; schema/derive.sql empties
 * them whenever the facts change, so an audit of an unchanged tree reads
 * its findings back instead of running every query again. A database that cannot be written
 * (read-only, locked by a writer) just runs the queries every time.
 */

static void cache_key(sqlite3 *db, const PhRule *rule, char key[24]) {
    const char *lib = ph_db_library_version();
    uint64_t h = ph_hash64(lib, strlen(lib)) * 1099511628211u ^ ph_hash64(rule->sql, strlen(rule->sql));
    h = h * 1099511628211u ^ ph_catalogue_hash(db);
    snprintf(key, 24, "%016llx", (unsigned long long)h);
}

/* The cached rows under key, if the rule ran over these facts before. */
static bool cache_read(sqlite3 *db, const char *key, Rows *rows) {
    sqlite3_stmt *st;
    bool hit = false;
    if (sqlite3_prepare_v2(db, ph_db_statement("cache_rows"), -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hit = true;
        if (sqlite3_column_type(st, 0) == SQLITE_NULL)    /* the run's own row: no results */
            continue;
        Row r = {.file_id = sqlite3_column_int64(st, 0),
                 .line = sqlite3_column_int(st, 1),
                 .col = sqlite3_column_int(st, 2),
                 .end_line = sqlite3_column_int(st, 3),
                 .end_col = sqlite3_column_int(st, 4),
                 .severity = column_dup(st, 5),
                 .message = column_dup(st, 6),
                 .related = column_dup(st, 7),
                 .fix = column_dup(st, 8),
                 .edits = column_dup(st, 9)};
        ph_vec_push(rows, r);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {     /* a partial read is no read */
        rows_free(rows);
        memset(rows, 0, sizeof *rows);
        return false;
    }
    return hit;
}

/* One warning for the rows whose message or fix lost a placeholder to a
 * NULL column: the finding reads wrong ("inside async def " and nothing),
 * which is the rule's defect to fix (a COALESCE), not the user's. */
static void warn_unfilled(Lookup *lk, const PhRule *rule, const Rows *rows, PhDiags *diags) {
    const Row *first = NULL;
    int n = 0;
    for (size_t i = 0; i < rows->len; i++)
        if (rows->items[i].unfilled) {
            first = first ? first : &rows->items[i];
            n++;
        }
    if (!first)
        return;
    char *path = file_path(lk, first->file_id, NULL);
    ph_diags_add(diags, PH_WARNING, rule->path, ph_rules_tag_line(rule->sql, "message"), 0, 0, NULL,
                 "rule %s left {%s} empty (its column is NULL) in %d finding%s, the first at %s:%d:%d", rule->id,
                 first->unfilled, n, n == 1 ? "" : "s", path, first->line, first->col);
    free(path);
}

/* The findings of a rule's rows, `# noqa` applied, appended to out; the
 * rows' strings move into them (the caller still frees rows). Returns -1,
 * with an error in diags, when a row's edits are not well-formed: the rule
 * failed. */
static int add_findings(sqlite3 *db, const PhRule *rule, Rows *rows, PhFindings *out, PhDiags *diags) {
    Lookup lk = {0};
    sqlite3_prepare_v2(db, ph_db_statement("file_path"), -1, &lk.path, NULL);
    sqlite3_prepare_v2(db, ph_db_statement("suppressions"), -1, &lk.noqa, NULL);
    sqlite3_prepare_v2(db, ph_db_statement("related"), -1, &lk.related, NULL);
    sqlite3_prepare_v2(db, ph_db_statement("edits"), -1, &lk.edits, NULL);
    warn_unfilled(&lk, rule, rows, diags);
    bool bad_edits = false;
    for (size_t i = 0; i < rows->len; i++) {
        Row *r = &rows->items[i];
        if (suppressed(&lk, r->file_id, r->line, rule->id)) {
            out->suppressed++;
            continue;
        }
        PhFinding f;
        memset(&f, 0, sizeof f);
        f.rule = rule;
        snprintf(f.severity, sizeof f.severity, "%s", ph_severity_rank(r->severity) <= 3 ? r->severity : rule->severity);
        f.loc.file_id = (int)r->file_id;
        f.loc.path = file_path(&lk, r->file_id, &f.context);
        f.loc.line = r->line;
        f.loc.col = r->col;
        f.loc.end_line = r->end_line;
        f.loc.end_col = r->end_col;
        f.message = r->message;           /* moved */
        r->message = NULL;
        f.fix = r->fix ? r->fix : ph_xstrdup("");
        r->fix = NULL;
        if (r->related && *r->related)
            add_related(&lk, &f, r->related);
        if (r->edits && *r->edits && !add_edits(&lk, &f, r->edits) && !bad_edits) {
            ph_diags_add(diags, PH_ERROR, rule->path, body_line(rule), 0, 0, NULL,
                         "rule %s: its edits column is not a JSON array of {line, col, end_line, end_col, old, "
                         "new} (%s:%d:%d)", rule->id, f.loc.path, f.loc.line, f.loc.col);
            bad_edits = true;
        }
        if (out->len == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->items = ph_xrealloc(out->items, out->cap * sizeof *out->items);
        }
        out->items[out->len++] = f;
    }
    sqlite3_finalize(lk.path);
    sqlite3_finalize(lk.noqa);
    sqlite3_finalize(lk.related);
    sqlite3_finalize(lk.edits);
    return bad_edits ? -1 : 0;
}

/* ---------------------------------------------------------------------------
 * Running a set: the rules whose results are not cached run on `jobs`
 * threads, each with a read connection of its own (rules only read, and a
 * WAL database serves readers in parallel). Every rule's rows and
 * diagnostics are kept apart and merged in the set's order, so the output
 * never depends on which thread finished first. The longest rules (by the
 * time each took last, rule_times in schema/tables.sql) start first.
 */

typedef struct Task {
    const PhRule *rule;
    char key[24];
    Rows rows;             /* every result: read back, then those of `fresh` added */
    Rows fresh;            /* what the query returned this run */
    PhVec(int64_t) stale;  /* a cached @scope file rule: the files to compute again */
    PhDiags *diags;
    bool hit;              /* its rows were read back from the cache */
    bool failed;
    double seconds;        /* the query's own time */
    double estimate;       /* the time it took last, or -1 */
} Task;

typedef struct Runner {
    const PhRuleSet *set;
    const char *db_path;
    Task **queue;          /* the tasks to run, longest estimate first */
    size_t nqueue, next, finished;
    int alive;             /* workers not yet done */
    pthread_mutex_t mu;
    pthread_cond_t cond;
} Runner;

/* The fact tables shadowed by TEMP views holding only the rows of `files`
 * (ascending): what a rule of @scope file sees when it computes the results
 * of those files again. Every table with an id and a file_id column is
 * shadowed, and files itself; the views are single-table selections over
 * rowid ranges, which SQLite flattens into the rule's joins. With
 * `interface` (a rule of @scope interface), the tables that hold the files'
 * interfaces (files.interface: functions, classes, bases, imports, and
 * files) keep every file's rows. Undone by unshadow(). Returns an SQLite
 * code. */
static int shadow(sqlite3 *db, const int64_t *files, size_t n, bool interface) {
    sqlite3_str *range = sqlite3_str_new(NULL), *ids = sqlite3_str_new(NULL);
    for (size_t i = 0; i < n; i++) {
        sqlite3_str_appendf(range, "%sid BETWEEN %lld AND %lld", i ? " OR " : "", ph_db_first_id(files[i]),
                            ph_db_last_id(files[i]));
        sqlite3_str_appendf(ids, "%s%lld", i ? "," : "", (long long)files[i]);
    }
    char *r = sqlite3_str_finish(range), *f = sqlite3_str_finish(ids);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, ph_db_statement(interface ? "private_fact_tables" : "fact_tables"), -1, &st,
                                NULL);
    PhVec(char *) tables = {0};
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        ph_vec_push(&tables, ph_xstrdup((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    for (size_t i = 0; rc == SQLITE_OK && i < tables.len; i++) {
        char *sql = sqlite3_mprintf(ph_db_statement("shadow_table"), tables.items[i], tables.items[i], r ? r : "0");
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        sqlite3_free(sql);
    }
    if (rc == SQLITE_OK && !interface) {
        char *sql = sqlite3_mprintf(ph_db_statement("shadow_files"), f ? f : "");
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        sqlite3_free(sql);
    }
    for (size_t i = 0; i < tables.len; i++)
        free(tables.items[i]);
    free(tables.items);
    sqlite3_free(r);
    sqlite3_free(f);
    return rc;
}

/* Drop the views of shadow(). */
static void unshadow(sqlite3 *db) {
    sqlite3_stmt *st = NULL;
    PhVec(char *) views = {0};
    if (sqlite3_prepare_v2(db, ph_db_statement("shadow_views"), -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            ph_vec_push(&views, ph_xstrdup((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    for (size_t i = 0; i < views.len; i++) {
        char *sql = sqlite3_mprintf("DROP VIEW temp.\"%w\"", views.items[i]);
        sqlite3_exec(db, sql, NULL, NULL, NULL);
        sqlite3_free(sql);
        free(views.items[i]);
    }
    free(views.items);
}

/* Whether `id` is among the n ascending ids. */
static bool among(const int64_t *ids, size_t n, int64_t id) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] == id)
            return true;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Keep only the fresh rows in the stale files: a rule of @scope interface
 * over shadow(..., true) also returns rows elsewhere (what it drives from
 * an interface table), which are its cached rows' business. */
static void keep_stale_rows(Task *t) {
    size_t k = 0;
    for (size_t i = 0; i < t->fresh.len; i++) {
        Row *r = &t->fresh.items[i];
        if (among(t->stale.items, t->stale.len, r->file_id))
            t->fresh.items[k++] = *r;
        else
            row_free(r);
    }
    t->fresh.len = k;
}

/* Run a task's query into t->fresh: over everything, or over its stale
 * files alone (a cached rule of @scope file or interface). */
static void run_task(sqlite3 *db, Task *t) {
    double t0 = ph_now();
    if (t->hit) {
        int rc = shadow(db, t->stale.items, t->stale.len, t->rule->interface_scope);
        if (rc != SQLITE_OK)
            ph_diags_add(t->diags, PH_ERROR, t->rule->path, 1, 0, 0, NULL, "rule %s could not be limited to the "
                         "changed files: %s", t->rule->id, sqlite3_errmsg(db));
        t->failed = rc != SQLITE_OK || query_rows(db, t->rule, &t->fresh, t->diags) != 0;
        unshadow(db);
        if (!t->failed)
            keep_stale_rows(t);
    } else {
        t->failed = query_rows(db, t->rule, &t->fresh, t->diags) != 0;
    }
    t->seconds = ph_now() - t0;
}

/* Start a task: its cached rows if any, and the files a cached rule of
 * @scope file or interface has to compute again. Returns whether a query
 * must run. */
static bool task_begin(sqlite3 *db, Task *t, const PhRule *rule, bool cached) {
    t->rule = rule;
    t->diags = ph_diags_new();
    cache_key(db, rule, t->key);
    t->hit = cached && cache_read(db, t->key, &t->rows);
    if (t->hit && (rule->file_scope || rule->interface_scope)) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, ph_db_statement("cache_stale"), -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, t->key, -1, SQLITE_STATIC);
            while (sqlite3_step(st) == SQLITE_ROW)
                ph_vec_push(&t->stale, sqlite3_column_int64(st, 0));
        }
        sqlite3_finalize(st);
    }
    return !t->hit || t->stale.len;
}

/* Move the fresh rows after the cached ones. */
static void task_merge(Task *t) {
    for (size_t i = 0; i < t->fresh.len; i++)
        ph_vec_push(&t->rows, t->fresh.items[i]);
    free(t->fresh.items);
    memset(&t->fresh, 0, sizeof t->fresh);
}

static void task_free(Task *t) {
    rows_free(&t->rows);
    rows_free(&t->fresh);
    free(t->stale.items);
    ph_diags_free(t->diags);
}

static Task *take(Runner *r) {
    pthread_mutex_lock(&r->mu);
    Task *t = r->next < r->nqueue ? r->queue[r->next++] : NULL;
    pthread_mutex_unlock(&r->mu);
    return t;
}

static void *run_worker(void *arg) {
    Runner *r = arg;
    sqlite3 *db = NULL;
    PhDiags *d = ph_diags_new();
    /* A connection that cannot open leaves its share to the others and, at
     * the end, to the caller's own connection. */
    if (ph_db_open(r->db_path, true, &db, d) == PH_DB_OK && ph_rules_attach(r->set, db, d) == 0 &&
        sqlite3_exec(db, ph_db_statement("reader_cache"), NULL, NULL, NULL) == SQLITE_OK)
        for (Task *t; (t = take(r));) {
            run_task(db, t);
            pthread_mutex_lock(&r->mu);
            r->finished++;
            pthread_cond_signal(&r->cond);
            pthread_mutex_unlock(&r->mu);
        }
    ph_db_close(db);
    ph_diags_free(d);
    pthread_mutex_lock(&r->mu);
    r->alive--;
    pthread_cond_signal(&r->cond);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

static int by_estimate(const void *a, const void *b) {
    const Task *x = *(Task *const *)a, *y = *(Task *const *)b;
    if (x->estimate != y->estimate)
        return x->estimate < 0 ? -1 : y->estimate < 0 ? 1 : x->estimate > y->estimate ? -1 : 1;
    return strcmp(x->rule->id, y->rule->id);
}

/* Each task's time of the last run, or -1. */
static void read_estimates(sqlite3 *db, Task *tasks, size_t n) {
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, ph_db_statement("rule_time"), -1, &st, NULL);
    for (size_t i = 0; i < n; i++) {
        tasks[i].estimate = -1;
        if (!st)
            continue;
        sqlite3_bind_text(st, 1, tasks[i].rule->id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            tasks[i].estimate = sqlite3_column_double(st, 0);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

/* Store a task's fresh rows with the two prepared statements (cache_run,
 * cache_insert): a whole run as a new rule_runs row, or a cached rule's
 * stale files after its other rows, which are then no longer stale. */
static int write_rows(sqlite3 *db, sqlite3_stmt *run, sqlite3_stmt *row, const Task *t) {
    sqlite3_int64 seq = 0;
    int rc = SQLITE_OK;
    if (t->hit) {
        sqlite3_stmt *st = NULL;
        rc = sqlite3_prepare_v2(db, ph_db_statement("cache_next_seq"), -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, t->key, -1, SQLITE_STATIC);
            rc = sqlite3_step(st) == SQLITE_ROW ? SQLITE_OK : SQLITE_ERROR;
            seq = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
        if (rc == SQLITE_OK && (rc = sqlite3_prepare_v2(db, ph_db_statement("cache_fresh"), -1, &st, NULL)) ==
                                   SQLITE_OK) {
            sqlite3_bind_text(st, 1, t->key, -1, SQLITE_STATIC);
            rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        }
        sqlite3_finalize(st);
    } else {
        sqlite3_bind_text(run, 1, t->key, -1, SQLITE_STATIC);
        sqlite3_bind_text(run, 2, t->rule->file_scope ? "file" : t->rule->interface_scope ? "interface" : "project",
                          -1, SQLITE_STATIC);
        rc = sqlite3_step(run) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(run);
    }
    for (size_t i = 0; rc == SQLITE_OK && i < t->fresh.len; i++) {
        const Row *r = &t->fresh.items[i];
        sqlite3_bind_text(row, 1, t->key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(row, 2, seq + (sqlite3_int64)i);
        sqlite3_bind_int64(row, 3, r->file_id);
        sqlite3_bind_int(row, 4, r->line);
        sqlite3_bind_int(row, 5, r->col);
        sqlite3_bind_int(row, 6, r->end_line);
        sqlite3_bind_int(row, 7, r->end_col);
        sqlite3_bind_text(row, 8, r->severity, -1, SQLITE_STATIC);
        sqlite3_bind_text(row, 9, r->message, -1, SQLITE_STATIC);
        sqlite3_bind_text(row, 10, r->related, -1, SQLITE_STATIC);
        sqlite3_bind_text(row, 11, r->fix ? r->fix : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(row, 12, r->edits, -1, SQLITE_STATIC);
        rc = sqlite3_step(row) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(row);
    }
    return rc;
}

/* Store the fresh tasks' rows and times in one transaction, unless the
 * facts changed since `data_version` or the database cannot be written now
 * (a cache never waits for a writer). */
static void store_tasks(sqlite3 *db, Task *tasks, size_t n, int data_version) {
    if (sqlite3_db_readonly(db, "main") == 1 || !sqlite3_get_autocommit(db))
        return;
    sqlite3_busy_timeout(db, 0);
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    sqlite3_stmt *run = NULL, *row = NULL, *time = NULL;
    int rc = ph_db_data_version(db) == data_version ? SQLITE_OK : SQLITE_ABORT;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, ph_db_statement("cache_run"), -1, &run, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, ph_db_statement("cache_insert"), -1, &row, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, ph_db_statement("rule_time_set"), -1, &time, NULL);
    for (size_t k = 0; k < n && rc == SQLITE_OK; k++) {
        const Task *t = &tasks[k];
        if (t->failed || (t->hit && !t->stale.len))
            continue;
        if (!t->hit) {
            sqlite3_bind_text(time, 1, t->rule->id, -1, SQLITE_STATIC);
            sqlite3_bind_double(time, 2, t->seconds);
            rc = sqlite3_step(time) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
            sqlite3_reset(time);
        }
        if (rc == SQLITE_OK)
            rc = write_rows(db, run, row, t);
    }
    sqlite3_finalize(run);
    sqlite3_finalize(row);
    sqlite3_finalize(time);
    sqlite3_exec(db, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
    sqlite3_busy_timeout(db, PH_DB_BUSY_MS);
}

int ph_rules_run(sqlite3 *db, const PhRule *rule, bool cached, PhFindings *out, PhDiags *diags) {
    Task t;
    memset(&t, 0, sizeof t);
    int version = ph_db_data_version(db);
    if (task_begin(db, &t, rule, cached)) {
        run_task(db, &t);
        if (cached && !t.failed)
            store_tasks(db, &t, 1, version);
    }
    task_merge(&t);
    for (size_t k = 0; k < ph_diags_len(t.diags); k++) {
        const PhDiag *d = ph_diags_at(t.diags, k);
        ph_diags_add(diags, d->severity, d->path, d->line, d->col, d->end_col, d->source_line, "%s", d->message);
    }
    bool failed = t.failed || add_findings(db, rule, &t.rows, out, diags) != 0;
    task_free(&t);
    return failed ? -1 : 0;
}

static int nproc(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int ph_rules_run_all(sqlite3 *db, const PhRuleSet *set, const PhRunOptions *o, PhFindings *out, PhRuleTime *times,
                     PhDiags *diags) {
    size_t n = set->v.len;
    Task *tasks = ph_xcalloc(n ? n : 1, sizeof *tasks);
    Runner r = {.set = set, .db_path = o->db_path, .queue = ph_xcalloc(n ? n : 1, sizeof(Task *))};
    int version = ph_db_data_version(db);
    for (size_t i = 0; i < n; i++)
        if (task_begin(db, &tasks[i], set->v.items[i], o->cached))
            r.queue[r.nqueue++] = &tasks[i];
    if (o->progress)
        o->progress(o->arg, n - r.nqueue, n);
    read_estimates(db, tasks, n);
    qsort(r.queue, r.nqueue, sizeof *r.queue, by_estimate);

    /* Threads only where there is more than one query to run at once. */
    int nthreads = o->jobs > 0 ? o->jobs : nproc();
    if ((size_t)nthreads > r.nqueue)
        nthreads = (int)r.nqueue;
    if (!o->db_path || nthreads < 2)
        nthreads = 0;
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cond, NULL);
    pthread_t *threads = ph_xcalloc((size_t)(nthreads ? nthreads : 1), sizeof *threads);
    int started = 0;
    while (started < nthreads && pthread_create(&threads[started], NULL, run_worker, &r) == 0)
        started++;
    /* The progress display follows the workers; with none, this thread
     * runs every task itself. */
    pthread_mutex_lock(&r.mu);
    r.alive = started;
    for (size_t seen = 0; r.alive > 0;) {
        pthread_cond_wait(&r.cond, &r.mu);
        if (r.finished != seen && o->progress) {
            seen = r.finished;
            pthread_mutex_unlock(&r.mu);
            o->progress(o->arg, n - r.nqueue + seen, n);
            pthread_mutex_lock(&r.mu);
        }
    }
    pthread_mutex_unlock(&r.mu);
    for (int k = 0; k < started; k++)
        pthread_join(threads[k], NULL);
    for (Task *t; (t = take(&r));) {
        run_task(db, t);
        r.finished++;
        if (o->progress)
            o->progress(o->arg, n - r.nqueue + r.finished, n);
    }
    free(threads);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.cond);

    if (o->cached)
        store_tasks(db, tasks, n, version);
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        Task *t = &tasks[i];
        for (size_t k = 0; k < ph_diags_len(t->diags); k++) {
            const PhDiag *d = ph_diags_at(t->diags, k);
            ph_diags_add(diags, d->severity, d->path, d->line, d->col, d->end_col, d->source_line, "%s", d->message);
        }
        task_merge(t);
        if (t->failed || add_findings(db, t->rule, &t->rows, out, diags) != 0)
            failed++;
        if (times)
            times[i] = (PhRuleTime){t->rule, t->seconds, t->hit && !t->stale.len};
        task_free(t);
    }
    free(r.queue);
    free(tasks);
    return failed;
}

static int cmp_int(int a, int b) { return a < b ? -1 : a > b; }

static int cmp_start(const PhLocation *x, const PhLocation *y) {
    int c = strcmp(x->path, y->path);
    if (!c)
        c = cmp_int(x->line, y->line);
    if (!c)
        c = cmp_int(x->col, y->col);
    return c;
}

static int cmp_location(const PhLocation *x, const PhLocation *y) {
    int c = cmp_start(x, y);
    if (!c)
        c = cmp_int(x->end_line, y->end_line);
    if (!c)
        c = cmp_int(x->end_col, y->end_col);
    if (!c)
        c = strcmp(x->message ? x->message : "", y->message ? y->message : "");
    return c;
}

/* A total order: where, which rule, then everything a report shows, so
 * that the order never depends on the order rules returned their rows in
 * (threads, a cache filled file by file). */
static int cmp_finding(const void *a, const void *b) {
    const PhFinding *x = a, *y = b;
    int c = cmp_start(&x->loc, &y->loc);
    if (!c)
        c = strcmp(x->rule->id, y->rule->id);
    if (!c)
        c = cmp_location(&x->loc, &y->loc);
    if (!c)
        c = strcmp(x->message, y->message);
    if (!c)
        c = strcmp(x->fix, y->fix);
    if (!c)
        c = strcmp(x->severity, y->severity);
    for (size_t i = 0; !c && i < x->nrelated && i < y->nrelated; i++)
        c = cmp_location(&x->related[i], &y->related[i]);
    if (!c)
        c = cmp_int((int)x->nrelated, (int)y->nrelated);
    return c;
}

void ph_findings_sort(PhFindings *self) {
    if (self->len)
        qsort(self->items, self->len, sizeof *self->items, cmp_finding);
}

static void loc_free(PhLocation *l) {
    free(l->path);
    free(l->message);
    free(l->snippet);
    free(l->end_snippet);
}

static void finding_free(PhFinding *f) {
    loc_free(&f->loc);
    free(f->message);
    free(f->fix);
    for (size_t i = 0; i < f->nrelated; i++)
        loc_free(&f->related[i]);
    free(f->related);
    for (size_t i = 0; i < f->nedits; i++) {
        free(f->edits[i].old);
        free(f->edits[i].text);
    }
    free(f->edits);
}

int ph_findings_keep(PhFindings *self, bool (*keep)(const PhFinding *f, void *ctx), void *ctx) {
    size_t k = 0;
    for (size_t i = 0; i < self->len; i++)
        if (keep(&self->items[i], ctx))
            self->items[k++] = self->items[i];
        else
            finding_free(&self->items[i]);
    int dropped = (int)(self->len - k);
    self->len = k;
    return dropped;
}

void ph_findings_min_severity(PhFindings *self, const char *min) {
    int rank = ph_severity_rank(min);
    size_t k = 0;
    for (size_t i = 0; i < self->len; i++)
        if (ph_severity_rank(self->items[i].severity) <= rank)
            self->items[k++] = self->items[i];
        else
            finding_free(&self->items[i]);
    self->len = k;
}

void ph_findings_contexts(PhFindings *self, PhContextSet chosen) {
    size_t k = 0;
    for (size_t i = 0; i < self->len; i++) {
        PhFinding *f = &self->items[i];
        if ((chosen ? chosen : f->rule->contexts) & (1u << f->context)) {
            self->items[k++] = *f;
        } else {
            self->left_out[f->context]++;
            finding_free(f);
        }
    }
    self->len = k;
}

int ph_findings_left_out(const PhFindings *self) {
    int n = 0;
    for (int c = 0; c < PH_CTX_COUNT; c++)
        n += self->left_out[c];
    return n;
}

void ph_findings_free(PhFindings *self) {
    for (size_t i = 0; i < self->len; i++)
        finding_free(&self->items[i]);
    free(self->items);
    memset(self, 0, sizeof *self);
}
