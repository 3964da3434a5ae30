/*
 * parse: the syntax tree of one file into fact rows.
 *
 * One recursive walk over the tree. Statements carry a context (enclosing
 * function, loop, with, try part, ...) down to the expressions they hold,
 * and each expression learns its role from its parent (its value is
 * discarded, assigned, awaited, passed as an argument...). That is how every
 * fact gets the context columns rules need without a join.
 *
 * Names are resolved while walking, with one scope per module, class and
 * function: a module's top-level definitions and imports are bound before its
 * body is walked (functions may call what is defined below them); function
 * bodies bind in source order. A binding says a name denotes a qualified
 * thing (`r` -> module `requests`), an instance of a type (`s` -> a
 * `requests.Session`), or something unknown. Receiver types of `self.x`
 * calls wait for the end of the class, where every `self.x = ...` is known.
 */
#define _GNU_SOURCE   /* memmem */
#include "parse.h"
#include "source.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const TSLanguage *tree_sitter_python(void);

const TSLanguage *ph_parse_language(void) { return tree_sitter_python(); }

/* ---------------------------------------------------------------------------
 * Node kinds: tree-sitter symbols mapped once to a small enum, so dispatch is
 * a switch and not string comparisons.
 */

#define KINDS(X) X(module) X(block) X(comment) X(identifier) X(attribute) X(call) \
    X(argument_list) X(keyword_argument) X(list_splat) X(dictionary_splat) X(await) \
    X(expression_statement) X(assignment) X(augmented_assignment) X(named_expression) \
    X(return_statement) X(if_statement) X(elif_clause) X(else_clause) X(for_statement) \
    X(while_statement) X(try_statement) X(except_clause) X(except_group_clause) X(finally_clause) \
    X(with_statement) X(with_clause) X(with_item) X(as_pattern) X(as_pattern_target) \
    X(function_definition) X(class_definition) X(decorated_definition) X(decorator) \
    X(parameters) X(lambda) X(lambda_parameters) X(typed_parameter) X(default_parameter) \
    X(typed_default_parameter) X(list_splat_pattern) X(dictionary_splat_pattern) \
    X(import_statement) X(import_from_statement) X(future_import_statement) X(aliased_import) \
    X(dotted_name) X(relative_import) X(import_prefix) X(wildcard_import) X(raise_statement) \
    X(break_statement) X(continue_statement) X(pass_statement) X(delete_statement) \
    X(global_statement) X(nonlocal_statement) X(list_comprehension) X(set_comprehension) \
    X(dictionary_comprehension) X(generator_expression) X(for_in_clause) X(if_clause) \
    X(yield) X(string) X(interpolation) X(parenthesized_expression) X(conditional_expression) \
    X(pattern_list) X(tuple_pattern) X(list_pattern) X(tuple) X(expression_list) X(list) \
    X(subscript) X(binary_operator) X(comparison_operator) X(true) X(integer) X(ellipsis) \
    X(match_statement) X(case_clause) X(type) X(ERROR) X(pair) X(dictionary) X(set) \
    X(not_operator) X(boolean_operator) X(concatenated_string) X(type_alias_statement) \
    X(assert_statement) X(print_statement) X(exec_statement) X(none) \
    X(generic_type) X(type_parameter) X(string_content)

#define KIND_ENUM(k) K_##k,
typedef enum { K_OTHER = 0, KINDS(KIND_ENUM) K_COUNT } Kind;
#undef KIND_ENUM

static uint8_t *kind_of;       /* symbol -> Kind */
static uint32_t nsymbols;
static TSFieldId F_function, F_arguments, F_object, F_attribute, F_name, F_value, F_left, F_right,
    F_body, F_condition, F_consequence, F_alternative, F_parameters, F_superclasses, F_type,
    F_module_name, F_alias, F_definition, F_operator, F_subject, F_return_type;

void ph_parse_init(void) {
    if (kind_of)
        return;
    const TSLanguage *L = ph_parse_language();
    static const char *names[] = {"",
#define KIND_NAME(k) #k,
                                  KINDS(KIND_NAME)
#undef KIND_NAME
    };
    nsymbols = ts_language_symbol_count(L);
    uint8_t *t = ph_xcalloc(nsymbols, 1);
    for (uint32_t s = 0; s < nsymbols; s++) {
        const char *n = ts_language_symbol_name(L, (TSSymbol)s);
        bool named = ts_language_symbol_type(L, (TSSymbol)s) == TSSymbolTypeRegular;
        if (!n)
            continue;
        if (strcmp(n, "ERROR") == 0) {
            t[s] = K_ERROR;
            continue;
        }
        if (!named)
            continue;
        for (int k = 1; k < K_COUNT; k++)
            if (strcmp(n, names[k]) == 0) {
                t[s] = (uint8_t)k;
                break;
            }
    }
#define FIELD(f) F_##f = ts_language_field_id_for_name(L, #f, (uint32_t)strlen(#f));
    FIELD(function) FIELD(arguments) FIELD(object) FIELD(attribute) FIELD(name) FIELD(value)
    FIELD(left) FIELD(right) FIELD(body) FIELD(condition) FIELD(consequence) FIELD(alternative)
    FIELD(parameters) FIELD(superclasses) FIELD(type) FIELD(module_name) FIELD(alias)
    FIELD(definition) FIELD(operator) FIELD(subject) FIELD(return_type)
#undef FIELD
    kind_of = t;
}

static Kind kind(TSNode n) {
    if (ts_node_is_null(n))
        return K_OTHER;
    TSSymbol s = ts_node_symbol(n);
    if (s < nsymbols)
        return (Kind)kind_of[s];
    return ts_node_is_error(n) ? K_ERROR : K_OTHER;   /* tree-sitter's builtin error symbol */
}

/* Children through a cursor: ts_node_child(i) walks from the first child
 * each time, which is quadratic over a long block. */
typedef struct Kids {
    TSTreeCursor c;
    bool more;
} Kids;

static void kids_open(Kids *k, TSNode n) {
    k->c = ts_tree_cursor_new(n);
    k->more = ts_tree_cursor_goto_first_child(&k->c);
}

static bool kids_next(Kids *k, TSNode *out) {
    if (!k->more)
        return false;
    *out = ts_tree_cursor_current_node(&k->c);
    k->more = ts_tree_cursor_goto_next_sibling(&k->c);
    return true;
}

static void kids_close(Kids *k) { ts_tree_cursor_delete(&k->c); }

static TSNode field(TSNode n, TSFieldId f) { return ts_node_child_by_field_id(n, f); }

/* `(expr)` -> expr, through any number of parentheses. */
static TSNode unparenthesized(TSNode n) {
    while (!ts_node_is_null(n) && kind(n) == K_parenthesized_expression && ts_node_named_child_count(n) == 1)
        n = ts_node_named_child(n, 0);
    return n;
}

/* A list of nodes, in place while short: the spine of a chain walked
 * without recursion. */
typedef struct Nodes {
    TSNode *v;
    size_t len, cap;
    TSNode local[8];
} Nodes;

static void nodes_init(Nodes *s) {
    s->v = s->local;
    s->len = 0;
    s->cap = sizeof s->local / sizeof s->local[0];
}

static void nodes_push(Nodes *s, TSNode n) {
    if (s->len == s->cap) {
        TSNode *bigger = ph_xmalloc(2 * s->cap * sizeof *bigger);
        memcpy(bigger, s->v, s->len * sizeof *bigger);
        if (s->v != s->local)
            free(s->v);
        s->v = bigger;
        s->cap *= 2;
    }
    s->v[s->len++] = n;
}

static void nodes_fini(Nodes *s) {
    if (s->v != s->local)
        free(s->v);
}

/* The grammar's statements (its _simple_statement and _compound_statement). */
static bool is_statement(Kind k) {
    switch (k) {
    case K_expression_statement: case K_return_statement: case K_if_statement: case K_for_statement:
    case K_while_statement: case K_try_statement: case K_with_statement: case K_function_definition:
    case K_class_definition: case K_decorated_definition: case K_import_statement:
    case K_import_from_statement: case K_future_import_statement: case K_raise_statement:
    case K_break_statement: case K_continue_statement: case K_pass_statement: case K_delete_statement:
    case K_global_statement: case K_nonlocal_statement: case K_match_statement:
    case K_type_alias_statement: case K_assert_statement: case K_print_statement: case K_exec_statement:
        return true;
    default:
        return false;
    }
}

/* The walk recurses through visit_expr and visit_stmt; the helpers they
 * dispatch to keep their large locals out of that recursion's frames. */
#define NOINLINE __attribute__((noinline))

/* ---------------------------------------------------------------------------
 * Scopes and bindings.
 */

typedef enum { B_OPAQUE, B_ALIAS, B_INSTANCE } BindKind;

typedef struct Binding {
    const char *name;      /* arena */
    size_t len;
    BindKind kind;
    const char *qual;      /* arena; NULL for B_OPAQUE */
} Binding;

typedef struct Scope {
    struct Scope *parent;  /* lexically enclosing scope, class bodies skipped for functions */
    Binding *slots;        /* open addressing */
    size_t cap, used;
} Scope;

/* What a class collects for its methods: the types of `self.x`, and the calls
 * on `self.x.m()` whose receiver type may be bound further down. */
typedef struct Patch {
    PhVal *row;            /* a calls row */
    const char *attr;
    size_t attr_len;
    const char *method;
    size_t method_len;
} Patch;

typedef struct ClassInfo {
    const char *qual;
    Scope attrs;           /* attribute -> instance type */
    PhVec(Patch) patches;
} ClassInfo;

typedef struct FnInfo {
    PhVal *row;
    bool has_await, is_generator;
} FnInfo;

typedef struct LoopInfo {
    struct LoopInfo *parent;
    PhVal *row;
} LoopInfo;

typedef struct HandlerInfo {
    bool reraises, returns;
} HandlerInfo;

/* A try statement being visited: does its body await (at any depth, nested
 * try statements and their handlers included)? */
typedef struct TryInfo {
    bool awaits;
    struct TryInfo *outer;   /* the try whose body holds this one, or NULL */
} TryInfo;

/* Identifiers read inside an expression (an argument, an awaited or
 * returned value), gathered as ' a b c '. Sinks nest, and an inner sink's
 * names are its outer sinks' names too, so every sink of a file is one
 * slice of one buffer (Parser.names): a sink remembers where it started,
 * and its row gets the slice when the file is done (names_fini). Memory stays
 * linear however deeply arguments nest. */
typedef struct Sink {
    struct Sink *parent;
    size_t start;          /* in Parser.names */
} Sink;

typedef struct SinkRow {
    PhVal *v;              /* the names column of a row */
    size_t start, end;     /* its slice of Parser.names */
} SinkRow;

/* A growable list: ' a b ' or ',a,b,'. */
typedef struct Buf {
    char *s;
    size_t len, cap;
} Buf;

typedef struct Parser {
    PhFacts *f;
    PhSource src;
    const char *module;
    bool is_package;
    int errors;
    int depth;             /* nesting of the visit: see enter() */
    PhVec(char) names;     /* names of every open sink, ' a b c' */
    PhVec(SinkRow) sink_rows;
    const char *failure;   /* why the file cannot be extracted, or NULL */
    TSNode failed_at;      /* where */
} Parser;

typedef struct Ctx {
    Scope *scope;
    ClassInfo *cls;        /* class of the enclosing method: what `self` is */
    const char *self_name; /* first parameter of that method */
    size_t self_len;
    const char *prefix;    /* qualified name of the enclosing definition */
    int64_t function_id, async_id, class_id, body_class_id, stmt_id, loop_id, with_id, try_id;
    int loop_depth;
    uint8_t try_part;      /* 0 none, 1 try body, 2 except, 3 finally */
    bool in_decorator, main_guard, at_module;
    FnInfo *fn;
    LoopInfo *loop;
    HandlerInfo *handler;
    TryInfo *try_info;
    Sink *sink;
} Ctx;

/* The role an expression plays for its parent. */
typedef struct Role {
    const char *use;       /* discard, assign, return, yield, arg, await, with, iter, cond, attr, other */
    TSNode target;         /* assignment target, for use = assign */
    int64_t parent_call;
    int arg_idx;
    TSNode arg_kw;
    bool awaited;
    bool store;            /* identifiers are written, not read */
    bool del;
} Role;

/* What is known of an expression's value. */
typedef struct Value {
    BindKind kind;         /* B_ALIAS: denotes `qual`; B_INSTANCE: an instance of `qual` */
    const char *qual;
    int64_t call_id;       /* the expression is this call */
    bool member;           /* qual is T.attr of an instance whose attr type is unknown */
} Value;

static const Value NOVALUE = {B_OPAQUE, NULL, 0, false};

static Role role(const char *use) {
    Role r;
    memset(&r, 0, sizeof r);
    r.use = use;
    r.target.id = NULL;
    return r;
}

/* Every recursive step of the walk goes through enter() and leave(): past
 * PH_PARSE_MAX_DEPTH levels, or once the file has more facts than its id
 * range holds, the file fails (ph_parse_file reports where) and the walk
 * unwinds without looking further. This bounds the stack whatever the input. */
static bool enter(Parser *p, TSNode n) {
    if (p->failure)
        return false;
    if (p->depth >= PH_PARSE_MAX_DEPTH)
        p->failure = "nested too deeply";
    else if (ph_facts_overflowed(p->f))
        p->failure = "too many facts";
    if (p->failure) {
        p->failed_at = n;
        return false;
    }
    p->depth++;
    return true;
}

static void leave(Parser *p) { p->depth--; }

static size_t hash_name(const char *s, size_t n) {
    size_t h = 5381;
    for (size_t i = 0; i < n; i++)
        h = h * 33 + (unsigned char)s[i];
    return h;
}

static Binding *scope_find(Scope *s, const char *name, size_t n) {
    if (!s->cap)
        return NULL;
    for (size_t i = hash_name(name, n) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        Binding *b = &s->slots[i];
        if (!b->name)
            return NULL;
        if (b->len == n && memcmp(b->name, name, n) == 0)
            return b;
    }
}

static void scope_bind(Parser *p, Scope *s, const char *name, size_t n, BindKind kind, const char *qual) {
    if (s->used * 2 >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        Binding *slots = ph_xcalloc(cap, sizeof *slots);
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i].name) {
                size_t j = hash_name(s->slots[i].name, s->slots[i].len) & (cap - 1);
                while (slots[j].name)
                    j = (j + 1) & (cap - 1);
                slots[j] = s->slots[i];
            }
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    Binding *b = scope_find(s, name, n);
    if (!b) {
        size_t i = hash_name(name, n) & (s->cap - 1);
        while (s->slots[i].name)
            i = (i + 1) & (s->cap - 1);
        b = &s->slots[i];
        b->name = ph_arena_strndup(p->f->arena, name, n);
        b->len = n;
        s->used++;
    }
    b->kind = kind;
    b->qual = qual;
}

static void scope_fini(Scope *s) { free(s->slots); }

/* ---------------------------------------------------------------------------
 * Text and positions.
 */

#define MAX_TEXT 200

static const char *text(Parser *p, TSNode n, size_t *len) {
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    if (b > p->f->source_len)
        b = (uint32_t)p->f->source_len;
    if (a > b)
        a = b;
    *len = b - a;
    return p->f->source + a;
}

/* Text cut at MAX_TEXT bytes, on a character boundary. */
static void set_text(Parser *p, PhVal *v, TSNode n) {
    size_t len;
    const char *s = text(p, n, &len);
    if (len > MAX_TEXT) {
        len = MAX_TEXT;
        while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    ph_val_text(v, s, len);
}

static bool text_is(Parser *p, TSNode n, const char *s) {
    size_t len;
    const char *t = text(p, n, &len);
    return len == strlen(s) && memcmp(t, s, len) == 0;
}

static void set_loc(Parser *p, PhVal *v, int first, TSNode n) {
    TSPoint a = ts_node_start_point(n), b = ts_node_end_point(n);
    PhPos s = ph_source_pos(&p->src, a.row, a.column), e = ph_source_pos(&p->src, b.row, b.column);
    ph_val_int(&v[first], s.line);
    ph_val_int(&v[first + 1], s.col);
    ph_val_int(&v[first + 2], e.line);
    ph_val_int(&v[first + 3], e.col);
}

static const char *qjoin(Parser *p, const char *a, const char *b, size_t blen) {
    size_t alen = strlen(a);
    char *s = ph_arena_alloc(p->f->arena, alen + blen + 2);
    memcpy(s, a, alen);
    s[alen] = '.';
    memcpy(s + alen + 1, b, blen);
    return s;
}

static const char *qdup(Parser *p, const char *s, size_t n) { return ph_arena_strndup(p->f->arena, s, n); }

/* The qualified name of `name` in module or class `of`: the builtins
 * module's names are the builtins themselves (`builtins.open` is `open`). */
static const char *member_of(Parser *p, const char *of, const char *name, size_t n) {
    return strcmp(of, "builtins") == 0 ? qdup(p, name, n) : qjoin(p, of, name, n);
}

/* ---------------------------------------------------------------------------
 * Name resolution.
 */

static Binding *lookup(Ctx *c, const char *name, size_t n) {
    for (Scope *s = c->scope; s; s = s->parent) {
        Binding *b = scope_find(s, name, n);
        if (b)
            return b;
    }
    return NULL;
}

/* Resolution looks this many levels into an expression (`a.b.c` is three)
 * and builds qualified names up to this many bytes: beyond, nothing is
 * known. Both keep the cost of resolving one node bounded, so that a long
 * chain `a.b.c...` costs linear time however it is nested. */
#define MAX_RESOLVE_DEPTH 32
#define MAX_QUAL 512

static Value resolve_in(Parser *p, Ctx *c, TSNode n, int depth);

/* Attribute types that keep their receiver's type: `path.parent` is a Path. */
static bool keeps_type(const char *type, const char *attr, size_t n) {
    static const char *const path_attrs[] = {"parent", "with_name", "with_suffix", "with_stem", "resolve",
                                             "absolute", "expanduser", "joinpath", "home", "cwd", NULL};
    if (strcmp(type, "pathlib.Path") != 0 && strcmp(type, "pathlib.PurePath") != 0)
        return false;
    for (int i = 0; path_attrs[i]; i++)
        if (strlen(path_attrs[i]) == n && memcmp(path_attrs[i], attr, n) == 0)
            return true;
    return false;
}

static Value resolve_attribute(Parser *p, Ctx *c, TSNode n, int depth) {
    TSNode obj = field(n, F_object), attr = field(n, F_attribute);
    size_t alen;
    const char *a = text(p, attr, &alen);
    Value o = resolve_in(p, c, obj, depth + 1);
    Value v = NOVALUE;
    if (!o.qual || o.member || strlen(o.qual) + alen + 1 > MAX_QUAL)
        return v;
    if (o.kind == B_ALIAS) {
        v.kind = B_ALIAS;
        v.qual = member_of(p, o.qual, a, alen);
    } else if (o.kind == B_INSTANCE) {
        if (keeps_type(o.qual, a, alen))
            return (Value){B_INSTANCE, o.qual, 0, false};
        /* An attribute of an instance of a class of this file with a known type */
        if (c->cls && strcmp(o.qual, c->cls->qual) == 0) {
            Binding *b = scope_find(&c->cls->attrs, a, alen);
            if (b)
                return (Value){B_INSTANCE, b->qual, 0, false};
        }
        v.kind = B_ALIAS;
        v.qual = qjoin(p, o.qual, a, alen);
        v.member = true;
    }
    return v;
}

/* What `n` denotes or holds, as far as this file tells. */
static Value resolve_in(Parser *p, Ctx *c, TSNode n, int depth) {
    if (depth > MAX_RESOLVE_DEPTH)
        return NOVALUE;
    switch (kind(n)) {
    case K_identifier: {
        size_t len;
        const char *s = text(p, n, &len);
        Binding *b = lookup(c, s, len);
        if (!b)
            return len <= MAX_QUAL ? (Value){B_ALIAS, qdup(p, s, len), 0, false} : NOVALUE; /* builtin or global */
        if (b->kind == B_OPAQUE)
            return NOVALUE;
        return (Value){b->kind, b->qual, 0, false};
    }
    case K_attribute:
        return resolve_attribute(p, c, n, depth);
    case K_call: {
        Value f = resolve_in(p, c, field(n, F_function), depth + 1);
        if (!f.qual || f.kind != B_ALIAS || f.member)
            return NOVALUE;
        return (Value){B_INSTANCE, f.qual, 0, false};
    }
    case K_await:
    case K_parenthesized_expression: {
        TSNode inner = ts_node_named_child(n, 0);
        return ts_node_is_null(inner) ? NOVALUE : resolve_in(p, c, inner, depth + 1);
    }
    case K_binary_operator: {
        Value l = resolve_in(p, c, field(n, F_left), depth + 1);
        if (l.kind == B_INSTANCE && l.qual && keeps_type(l.qual, "parent", 6) &&
            text_is(p, field(n, F_operator), "/"))
            return l;
        return NOVALUE;
    }
    default:
        return NOVALUE;
    }
}

static Value resolve(Parser *p, Ctx *c, TSNode n) { return resolve_in(p, c, n, 0); }

/* Qualified name of a dotted name (`Path`, `httpx.Client`), or NULL. */
static const char *resolve_name(Parser *p, Ctx *c, TSNode n) {
    Value v = kind(n) == K_identifier || kind(n) == K_attribute ? resolve(p, c, n) : NOVALUE;
    return v.kind == B_ALIAS && v.qual && !v.member ? v.qual : NULL;
}

/* Is q typing.NAME or typing_extensions.NAME? */
static bool is_typing(const char *q, const char *name) {
    const char *rest = !q                                    ? NULL
                       : ph_str_starts(q, "typing.")            ? q + 7
                       : ph_str_starts(q, "typing_extensions.") ? q + 18
                                                                : NULL;
    return rest && strcmp(rest, name) == 0;
}

/* The qualified name a string annotation names (`"Client"`,
 * `"http.Client"`): its first name looked up as an identifier would be. */
static const char *resolve_string_name(Parser *p, Ctx *c, TSNode str) {
    TSNode content = ts_node_named_child(str, 1);   /* string_start, string_content, string_end */
    if (ts_node_named_child_count(str) != 3 || kind(content) != K_string_content)
        return NULL;
    size_t n;
    const char *t = text(p, content, &n);
    size_t first = 0;
    while (first < n && t[first] != '.')
        first++;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)t[i]) || t[i] == '_' || (t[i] == '.' && i && i + 1 < n)))
            return NULL;
    if (!first || n > MAX_QUAL)
        return NULL;
    Binding *b = lookup(c, t, first);
    const char *head = !b ? qdup(p, t, first) : b->kind == B_ALIAS ? b->qual : NULL;
    if (!head)
        return NULL;
    return first == n ? head : qjoin(p, head, t + first + 1, n - first - 1);
}

/* What an annotation says a value is: the qualified name of T for `T`,
 * `"T"`, `Optional[T]`, `Union[T, None]` (from typing or
 * typing_extensions), `T | None` and `None | T`, or NULL. Another generic
 * annotation (`List[int]`, `dict[str, T]`) says what kind of container the
 * value is: *generic gets the qualified name of its head, and NULL is
 * returned. */
static const char *annotation_type(Parser *p, Ctx *c, TSNode ann, const char **generic) {
    *generic = NULL;
    for (int hops = 0; hops < 8 && !ts_node_is_null(ann); hops++) {
        switch (kind(ann)) {
        case K_type:
        case K_parenthesized_expression:
            ann = ts_node_named_child(ann, 0);
            break;
        case K_binary_operator: {
            TSNode l = field(ann, F_left), r = field(ann, F_right);
            if (!text_is(p, field(ann, F_operator), "|") || (kind(l) == K_none) == (kind(r) == K_none))
                return NULL;
            ann = kind(l) == K_none ? r : l;
            break;
        }
        case K_subscript:       /* typing.Optional[T] */
        case K_generic_type: {  /* Optional[T] */
            bool sub = kind(ann) == K_subscript;
            TSNode head_node = sub ? field(ann, F_value) : ts_node_named_child(ann, 0);
            const char *head = resolve_name(p, c, head_node);
            TSNode only = {0};
            int n = 0;
            Kids k;
            kids_open(&k, sub ? ann : ts_node_named_child(ann, 1));
            for (TSNode ch; kids_next(&k, &ch);) {
                TSNode t = kind(ch) == K_type ? ts_node_named_child(ch, 0) : ch;
                if (ts_node_is_named(ch) && !ts_node_eq(ch, head_node) && kind(ch) != K_comment && kind(t) != K_none) {
                    only = ch;
                    n++;
                }
            }
            kids_close(&k);
            if (!(is_typing(head, "Optional") || is_typing(head, "Union")) || n != 1) {
                *generic = head;
                return NULL;
            }
            ann = only;
            break;
        }
        case K_string:
            return resolve_string_name(p, c, ann);
        default:
            return resolve_name(p, c, ann);
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------------
 * Sinks of identifiers.
 */

static void buf_add(Buf *b, char sep, const char *s, size_t n) {
    if (b->len + n + 3 > b->cap) {
        b->cap = (b->len + n + 3) * 2;
        b->s = ph_xrealloc(b->s, b->cap);
    }
    b->s[b->len++] = sep;
    memcpy(b->s + b->len, s, n);
    b->len += n;
}

/* Store the list as ' a b ' (or ',a,b,'; '' when empty with `empty`) in v,
 * and free it. */
static void buf_store(Parser *p, Buf *b, char sep, bool empty, PhVal *v) {
    if (!b->len && empty) {
        ph_val_text(v, "", 0);
        return;
    }
    char *t = ph_arena_alloc(p->f->arena, b->len + 2);
    if (b->len)
        memcpy(t, b->s, b->len);
    t[b->len] = sep;
    ph_val_text(v, t, b->len + 1);
    free(b->s);
}

/* Names read from here on, up to sink_close(), are v's (and the enclosing
 * sinks'): c->sink is s meanwhile. */
static void sink_open(Parser *p, Ctx *c, Sink *s) {
    s->parent = c->sink;
    s->start = p->names.len;
    c->sink = s;
}

static void sink_close(Parser *p, Ctx *c, Sink *s, PhVal *v) {
    c->sink = s->parent;
    SinkRow r = {v, s->start, p->names.len};
    ph_vec_push(&p->sink_rows, r);
}

static void sink_add(Parser *p, Sink *s, const char *name, size_t n) {
    if (!s)
        return;
    for (size_t i = 0; i <= n; i++)
        ph_vec_push(&p->names, i ? name[i - 1] : ' ');
}

/* Give every sink's row its slice ' a b ' of the names, now final. */
static void names_fini(Parser *p) {
    ph_vec_push(&p->names, ' ');   /* a slice's closing space is the next name's opening one */
    char *t = ph_arena_strndup(p->f->arena, p->names.items, p->names.len);
    for (size_t i = 0; i < p->sink_rows.len; i++) {
        SinkRow *r = &p->sink_rows.items[i];
        ph_val_text(r->v, t + r->start, r->end - r->start + 1);
    }
    free(p->names.items);
    free(p->sink_rows.items);
}

/* ---------------------------------------------------------------------------
 * Common row helpers.
 */

static PhVal *row(Parser *p, PhTable t, int64_t *id_out) {
    PhVal *v = ph_facts_row(p->f, t);
    int64_t id = ph_facts_id(p->f);
    ph_val_int(&v[0], id);          /* every table: id first, file_id second */
    ph_val_int(&v[1], p->f->file_id);
    if (id_out)
        *id_out = id;
    return v;
}

static void set_bool(PhVal *v, bool b) { ph_val_int(v, b ? 1 : 0); }

static void visit_expr_list(Parser *p, Ctx *c, TSNode n, Role r);
static Value visit_expr(Parser *p, Ctx *c, TSNode n, Role r);
static void visit_block(Parser *p, Ctx *c, TSNode block, int64_t parent_stmt);
static int visit_body(Parser *p, Ctx *c, TSNode owner, TSNode body, int64_t parent_stmt);
static void visit_stmt(Parser *p, Ctx *c, TSNode n, int64_t block_id, int idx, int64_t parent_stmt);

/* A diagnostics row and a diagnostic for the front end, at node n. */
static void diagnostic(Parser *p, TSNode n, PhSeverity sev, const char *msg) {
    PhVal *v = row(p, PH_T_diagnostics, NULL);
    ph_val_cstr(&v[PH_C_diagnostics_severity], sev == PH_ERROR ? "error" : "warning");
    ph_val_str(p->f, &v[PH_C_diagnostics_message], msg);
    set_loc(p, v, PH_C_diagnostics_line, n);
    ph_source_diag(&p->src, p->f->diags, sev, p->f->path, ts_node_start_byte(n), "%s", msg);
}

/* Text of n for a message: its first line, at most 30 bytes, cut on a
 * character boundary. */
static int excerpt(Parser *p, TSNode n, const char **s) {
    size_t len, cut = 0;
    *s = text(p, n, &len);
    while (cut < len && cut < 30 && (*s)[cut] != '\n')
        cut++;
    while (cut && cut < len && ((unsigned char)(*s)[cut] & 0xC0) == 0x80)
        cut--;
    return (int)cut;
}

static void syntax_error(Parser *p, TSNode n) {
    p->errors++;
    if (p->errors > 20)
        return;
    char msg[160];
    const char *s;
    int cut = excerpt(p, n, &s);
    if (ts_node_is_missing(n))
        snprintf(msg, sizeof msg, "syntax error: missing '%s'", ts_node_type(n));
    else if (cut)
        snprintf(msg, sizeof msg, "syntax error: unexpected '%.*s'", cut, s);
    else    /* an empty error node: the parser gave up at this point */
        snprintf(msg, sizeof msg, "syntax error%s",
                 ts_node_end_byte(n) > ts_node_start_byte(n) ? ": unexpected end of line" : "");
    diagnostic(p, n, PH_WARNING, msg);
}

/* Is n an interpolation `{x:=...}`? tree-sitter reads `x := ...` as an
 * assignment and what follows as an error, but in an f-string a bare `:=`
 * is the format spec `=...` (`f"{score:=06.2f}"`): Python requires
 * parentheses around an assignment there. */
static bool is_format_walrus(TSNode n) {
    return kind(n) == K_interpolation && kind(ts_node_named_child(n, 0)) == K_named_expression;
}

/* Does an ERROR node hold statements? Then it is code tree-sitter could not
 * fit in its surroundings (it may wrap a whole module), and its statements
 * are extracted as if it were not there (visit_stmts). */
static bool holds_statements(TSNode n) {
    bool holds = false;
    Kids k;
    kids_open(&k, n);
    for (TSNode ch; !holds && kids_next(&k, &ch);)
        holds = is_statement(kind(ch));
    kids_close(&k);
    return holds;
}

/* Syntax errors, in source order, searching only subtrees that hold one.
 * Inside an ERROR that holds statements, what is reported is what the
 * statements leave out: each run of other nodes, once. Iterative: an error
 * may sit under any depth of nesting. */
static void find_errors(Parser *p, TSNode root) {
    TSTreeCursor cur = ts_tree_cursor_new(root);
    PhVec(bool) recovered = {0};   /* .items[d]: the node at depth d holds statements */
    size_t depth = 0;
    bool run = false;              /* the previous sibling was left out */
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&cur);
        Kind k = kind(n);
        bool holds = false, descend = false;
        if (depth > 0 && recovered.items[depth - 1] && k != K_ERROR && k != K_comment && !is_statement(k)) {
            if (!run)
                syntax_error(p, n);
            run = true;
        } else {
            run = false;
            if (ts_node_is_missing(n)) {
                syntax_error(p, n);
            } else if (k == K_ERROR) {
                descend = holds = holds_statements(n);
                if (!holds)
                    syntax_error(p, n);
            } else {
                descend = ts_node_has_error(n) && !is_format_walrus(n);
            }
        }
        if (descend && ts_tree_cursor_goto_first_child(&cur)) {
            if (depth == recovered.len)
                ph_vec_push(&recovered, holds);
            else
                recovered.items[depth] = holds;
            depth++;
            run = false;
            continue;
        }
        while (!ts_tree_cursor_goto_next_sibling(&cur)) {
            if (depth == 0 || !ts_tree_cursor_goto_parent(&cur)) {
                ts_tree_cursor_delete(&cur);
                free(recovered.items);
                return;
            }
            depth--;
            run = false;
        }
    }
}

/* ---------------------------------------------------------------------------
 * Comments and suppressions.
 */

/* `# noqa`, `# noqa: PH101,PH113`, `# pyhunt: ignore[PH101]`: the ids as
 * ',PH101,PH113,', '*' for all, or NULL. Caller frees. */
static char *parse_noqa(const char *s, size_t n) {
    char *t = ph_xstrndup(s, n);
    char *out = NULL;
    const char *codes = NULL;
    for (char *q = t; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    char *at = strstr(t, "noqa");
    char *ig = strstr(t, "pyhunt: ignore[");
    if (!ig)
        ig = strstr(t, "pyhunt:ignore[");
    if (ig) {
        codes = s + (strchr(ig, '[') - t) + 1;
    } else if (at) {
        const char *after = at + 4;
        while (*after == ' ')
            after++;
        if (*after == ':')
            codes = s + (after - t) + 1;
        else
            out = ph_xstrdup("*");
    }
    if (codes) {
        size_t cap = n + 3, len = 0;
        out = ph_xmalloc(cap);
        out[len++] = ',';
        const char *q = codes;
        while (q < s + n) {
            while (q < s + n && (*q == ' ' || *q == ','))
                q++;
            const char *start = q;
            while (q < s + n && isalnum((unsigned char)*q))
                q++;
            if (q == start)
                break;
            memcpy(out + len, start, (size_t)(q - start));
            len += (size_t)(q - start);
            out[len++] = ',';
        }
        out[len] = 0;
        if (len == 1)
            out[0] = '*', out[1] = 0;   /* `# noqa:` with no ids: every rule */
        for (char *u = out; *u; u++)
            *u = (char)toupper((unsigned char)*u);
    }
    free(t);
    return out;
}

static void visit_comment(Parser *p, TSNode n) {
    PhVal *v = row(p, PH_T_comments, NULL);
    set_text(p, &v[PH_C_comments_text], n);
    size_t len;
    const char *s = text(p, n, &len);
    char *noqa = parse_noqa(s, len);
    if (noqa) {
        ph_val_str(p->f, &v[PH_C_comments_noqa], noqa);
        free(noqa);
    }
    set_loc(p, v, PH_C_comments_line, n);
}

/* ---------------------------------------------------------------------------
 * Expressions.
 */

static void name_row(Parser *p, Ctx *c, TSNode n, const char *s, size_t len, const char *ctx,
                     const char *role_name, int64_t call_id) {
    PhVal *v = row(p, PH_T_names, NULL);
    ph_val_id(&v[PH_C_names_function_id], c->function_id);
    ph_val_id(&v[PH_C_names_stmt_id], c->stmt_id);
    ph_val_text(&v[PH_C_names_name], s, len);
    ph_val_cstr(&v[PH_C_names_ctx], ctx);
    ph_val_cstr(&v[PH_C_names_role], role_name);
    ph_val_id(&v[PH_C_names_call_id], call_id);
    ph_val_id(&v[PH_C_names_loop_id], c->loop_id);
    set_loc(p, v, PH_C_names_line, n);
}

static const char *role_name(const Role *r) {
    if (r->store)
        return "store_target";
    if (strcmp(r->use, "attr") == 0)
        return "receiver";
    return r->use;
}

static void visit_identifier(Parser *p, Ctx *c, TSNode n, Role r) {
    size_t len;
    const char *s = text(p, n, &len);
    const char *ctx = r.del ? "del" : r.store ? "store" : "load";
    if (!r.store && !r.del)
        sink_add(p, c->sink, s, len);
    /* `self` as a receiver says nothing the `self.x` row or the call's
     * receiver does not: a sixth of all names, skipped. */
    if (strcmp(r.use, "attr") == 0 && c->self_name && len == c->self_len && memcmp(s, c->self_name, len) == 0)
        return;
    name_row(p, c, n, s, len, ctx, role_name(&r), r.parent_call);
}

/* Bind every identifier of an assignment target as unknown. */
static void bind_targets(Parser *p, Ctx *c, TSNode n) {
    switch (kind(n)) {
    case K_identifier: {
        size_t len;
        const char *s = text(p, n, &len);
        if (!c->at_module)
            scope_bind(p, c->scope, s, len, B_OPAQUE, NULL);
        break;
    }
    case K_pattern_list:
    case K_tuple_pattern:
    case K_list_pattern:
    case K_tuple:
    case K_list:
    case K_parenthesized_expression:
    case K_list_splat_pattern:
    case K_expression_list: {
        if (!enter(p, n))
            break;
        Kids k;
        kids_open(&k, n);
        for (TSNode ch; kids_next(&k, &ch);)
            if (ts_node_is_named(ch))
                bind_targets(p, c, ch);
        kids_close(&k);
        leave(p);
        break;
    }
    default:
        break;
    }
}

static const char *target_kind(TSNode t) {
    switch (kind(t)) {
    case K_identifier:
        return "name";
    case K_attribute:
        return "attribute";
    case K_subscript:
        return "subscript";
    case K_list_splat_pattern:
        return "starred";
    default:
        return "pattern";
    }
}

static TSNode target_root(TSNode t) {
    for (;;) {
        Kind k = kind(t);
        if (k == K_attribute)
            t = field(t, F_object);
        else if (k == K_subscript)
            t = field(t, F_value);
        else
            return t;
        if (ts_node_is_null(t))
            return t;
    }
}

/* One assignments row for target t (expanded over tuples), and the binding
 * of t to the value's type when it is a single name or `self.x`. */
static void assign_target(Parser *p, Ctx *c, TSNode t, TSNode value, Value val, const char *op,
                          TSNode stmt_node, bool single) {
    Kind k = kind(t);
    if (k == K_pattern_list || k == K_tuple_pattern || k == K_list_pattern || k == K_tuple ||
        k == K_list || k == K_parenthesized_expression || k == K_expression_list) {
        if (!enter(p, t))
            return;
        Kids kk;
        kids_open(&kk, t);
        for (TSNode ch; kids_next(&kk, &ch);)
            if (ts_node_is_named(ch) && kind(ch) != K_comment)
                assign_target(p, c, ch, value, NOVALUE, op, stmt_node, false);
        kids_close(&kk);
        leave(p);
        return;
    }
    PhVal *v = row(p, PH_T_assignments, NULL);
    ph_val_id(&v[PH_C_assignments_function_id], c->function_id);
    ph_val_id(&v[PH_C_assignments_class_id], c->body_class_id);
    ph_val_id(&v[PH_C_assignments_stmt_id], c->stmt_id);
    ph_val_cstr(&v[PH_C_assignments_scope],
               c->function_id ? "function" : c->body_class_id ? "class" : "module");
    set_text(p, &v[PH_C_assignments_target], t);
    ph_val_cstr(&v[PH_C_assignments_target_kind], target_kind(t));
    TSNode root = target_root(t);
    if (kind(root) == K_identifier)
        set_text(p, &v[PH_C_assignments_target_root], root);
    ph_val_str(p->f, &v[PH_C_assignments_op], op);
    if (!ts_node_is_null(value)) {
        set_text(p, &v[PH_C_assignments_value], value);
        ph_val_cstr(&v[PH_C_assignments_value_kind], single ? ts_node_type(value) : "unpack");
    }
    if (single)
        ph_val_id(&v[PH_C_assignments_value_call_id], val.call_id);
    const char *type = single && val.kind == B_INSTANCE ? val.qual : NULL;
    if (type)
        ph_val_cstr(&v[PH_C_assignments_value_type], type);
    ph_val_id(&v[PH_C_assignments_loop_id], c->loop_id);
    set_bool(&v[PH_C_assignments_in_main_guard], c->main_guard);
    set_loc(p, v, PH_C_assignments_line, ts_node_is_null(stmt_node) ? t : stmt_node);

    /* Bindings */
    size_t len;
    const char *s = text(p, t, &len);
    if (k == K_identifier && !c->at_module) {
        if (type)
            scope_bind(p, c->scope, s, len, B_INSTANCE, type);
        else if (single && val.kind == B_ALIAS && val.qual && !val.member)
            scope_bind(p, c->scope, s, len, B_ALIAS, val.qual);
        else
            scope_bind(p, c->scope, s, len, B_OPAQUE, NULL);
    } else if (k == K_attribute && c->cls && type) {
        TSNode obj = field(t, F_object);
        if (kind(obj) == K_identifier && c->self_name && text_is(p, obj, c->self_name)) {
            size_t alen;
            const char *a = text(p, field(t, F_attribute), &alen);
            scope_bind(p, &c->cls->attrs, a, alen, B_INSTANCE, type);
        }
    }
    /* A class-level `client = httpx.Client()` is `self.client` in methods. */
    if (k == K_identifier && c->body_class_id && !c->function_id && c->cls && type)
        scope_bind(p, &c->cls->attrs, s, len, B_INSTANCE, type);
}

/* One assignment; `right_done`: its right-hand side, an inner assignment of a
 * chain, was visited already. */
static void assign_one(Parser *p, Ctx *c, TSNode n, Role outer, bool right_done) {
    TSNode left = field(n, F_left), right = field(n, F_right);
    const char *op = "=";
    char opbuf[8];
    if (kind(n) == K_augmented_assignment) {
        size_t len;
        const char *s = text(p, field(n, F_operator), &len);
        snprintf(opbuf, sizeof opbuf, "%.*s", (int)(len < 7 ? len : 7), s);
        op = opbuf;
    } else if (kind(n) == K_named_expression) {
        left = field(n, F_name);
        right = field(n, F_value);
        op = ":=";
    }
    Value val = NOVALUE;
    if (!ts_node_is_null(right) && !right_done) {
        Role r = role("assign");
        r.target = left;
        if (kind(n) == K_augmented_assignment)
            r.use = "other";
        val = visit_expr(p, c, right, r);
        if (kind(right) == K_binary_operator)
            val = resolve(p, c, right); /* `Path(d) / "f"` is still a Path */
        if (kind(right) == K_call || kind(right) == K_await || kind(right) == K_identifier ||
            kind(right) == K_attribute || kind(right) == K_binary_operator)
            ; /* val is meaningful */
        else
            val = (Value){B_OPAQUE, NULL, val.call_id, false};
    }
    /* `client: httpx.Client = make()`: the annotation types the target, over
     * the value's type */
    TSNode ann = kind(n) == K_assignment ? field(n, F_type) : (TSNode){0};
    const char *generic, *atype = ts_node_is_null(ann) ? NULL : annotation_type(p, c, ann, &generic);
    if (atype)
        val = (Value){B_INSTANCE, atype, val.call_id, false};
    if (ts_node_is_null(left))
        return;
    /* Target expressions: the names stored, and what subscripts/attributes read */
    Role st = role("other");
    st.store = true;
    visit_expr(p, c, left, st);
    bool single = kind(left) != K_pattern_list && kind(left) != K_tuple_pattern &&
                  kind(left) != K_list_pattern && kind(left) != K_expression_list;
    TSNode stmt = outer.use && strcmp(outer.use, "discard") == 0 ? ts_node_parent(n) : n;
    if (kind(stmt) != K_expression_statement)
        stmt = n;
    if (kind(n) == K_augmented_assignment)
        val = NOVALUE;
    assign_target(p, c, left, right, val, op, stmt, single);
}

/* A chain `a = b = c = v` is nested to the right by tree-sitter, one level
 * per target; it is walked iteratively, innermost first as a recursion
 * would, so that any number of targets is flat (as in CPython). */
NOINLINE static void visit_assignment(Parser *p, Ctx *c, TSNode n, Role outer) {
    Nodes chain;
    nodes_init(&chain);
    nodes_push(&chain, n);
    if (kind(n) == K_assignment)
        for (TSNode a = field(n, F_right); kind(a) == K_assignment; a = field(a, F_right))
            nodes_push(&chain, a);
    for (size_t i = chain.len; i-- > 0;) {
        Role r = outer;
        if (i > 0) {
            r = role("assign");
            r.target = field(chain.v[i - 1], F_left);
        }
        assign_one(p, c, chain.v[i], r, i + 1 < chain.len);
    }
    nodes_fini(&chain);
}

NOINLINE static void visit_call(Parser *p, Ctx *c, TSNode n, Role r, Value *out) {
    int64_t id;
    PhVal *v = row(p, PH_T_calls, &id);
    TSNode fn = unparenthesized(field(n, F_function)), args = field(n, F_arguments);
    ph_val_id(&v[PH_C_calls_function_id], c->function_id);
    ph_val_id(&v[PH_C_calls_async_id], c->async_id);
    ph_val_id(&v[PH_C_calls_class_id], c->cls ? c->class_id : 0);
    ph_val_id(&v[PH_C_calls_stmt_id], c->stmt_id);
    set_text(p, &v[PH_C_calls_callee], fn);

    /* Name, receiver and resolution */
    Value callee = NOVALUE;
    const char *resolved = NULL, *rtype = NULL;
    Kind fk = kind(fn);
    if (fk == K_identifier) {
        set_text(p, &v[PH_C_calls_name], fn);
        callee = resolve(p, c, fn);
        if (callee.kind == B_ALIAS && callee.qual)
            resolved = callee.qual;
    } else if (fk == K_attribute) {
        TSNode obj = field(fn, F_object), attr = field(fn, F_attribute);
        set_text(p, &v[PH_C_calls_name], attr);
        set_text(p, &v[PH_C_calls_receiver], obj);
        Value o = resolve(p, c, obj);
        size_t alen;
        const char *a = text(p, attr, &alen);
        if (o.qual && !o.member) {
            resolved = o.kind == B_ALIAS ? member_of(p, o.qual, a, alen) : qjoin(p, o.qual, a, alen);
            if (o.kind == B_INSTANCE)
                rtype = o.qual;
        } else if (c->cls && kind(obj) == K_attribute && c->self_name) {
            /* self.x.m(): the type of self.x may be bound later in the class */
            TSNode so = field(obj, F_object);
            if (kind(so) == K_identifier && text_is(p, so, c->self_name)) {
                size_t xl;
                const char *x = text(p, field(obj, F_attribute), &xl);
                Patch pt = {v, x, xl, a, alen};
                ph_vec_push(&c->cls->patches, pt);
            }
        }
    }
    if (resolved)
        ph_val_cstr(&v[PH_C_calls_resolved], resolved);
    if (rtype)
        ph_val_cstr(&v[PH_C_calls_receiver_type], rtype);

    set_bool(&v[PH_C_calls_awaited], r.awaited);
    ph_val_cstr(&v[PH_C_calls_use], r.use);
    if (!ts_node_is_null(r.target) && strcmp(r.use, "assign") == 0)
        set_text(p, &v[PH_C_calls_target], r.target);
    ph_val_id(&v[PH_C_calls_parent_call_id], r.parent_call);
    if (r.parent_call) {
        ph_val_int(&v[PH_C_calls_arg_idx], r.arg_idx);
        if (!ts_node_is_null(r.arg_kw))
            set_text(p, &v[PH_C_calls_arg_kw], r.arg_kw);
    }
    ph_val_id(&v[PH_C_calls_loop_id], c->loop_id);
    ph_val_int(&v[PH_C_calls_loop_depth], c->loop_depth);
    ph_val_id(&v[PH_C_calls_with_id], c->with_id);
    ph_val_id(&v[PH_C_calls_try_id], c->try_id);
    set_bool(&v[PH_C_calls_in_try], c->try_part == 1);
    set_bool(&v[PH_C_calls_in_except], c->try_part == 2);
    set_bool(&v[PH_C_calls_in_finally], c->try_part == 3);
    set_bool(&v[PH_C_calls_in_decorator], c->in_decorator);
    set_bool(&v[PH_C_calls_in_main_guard], c->main_guard);
    set_loc(p, v, PH_C_calls_line, n);

    /* The callee expression. A plain name and the `obj.method` chain are
     * already this row's callee, so only the receiver is visited: its names
     * are 'receiver' reads, and a call as receiver (`open(p).read()`) has
     * use 'attr'. */
    if (fk == K_attribute) {
        Role fr = role("attr");
        fr.parent_call = id;
        TSNode obj = field(fn, F_object);
        if (kind(obj) == K_identifier)
            visit_identifier(p, c, obj, fr);
        else
            visit_expr(p, c, obj, fr);
    } else if (fk != K_identifier && !ts_node_is_null(fn)) {
        Role fr = role("attr");
        fr.parent_call = id;
        visit_expr(p, c, fn, fr);
    }

    /* Arguments */
    int nargs = 0, idx = 0;
    bool star = false;
    Buf kw = {0};
    bool is_len = fk == K_identifier && text_is(p, fn, "len");
    if (kind(args) == K_generator_expression) {
        PhVal *a = row(p, PH_T_call_args, NULL);
        ph_val_int(&a[PH_C_call_args_call_id], id);
        ph_val_int(&a[PH_C_call_args_idx], 0);
        ph_val_int(&a[PH_C_call_args_pos], 0);
        ph_val_int(&a[PH_C_call_args_star], 0);
        ph_val_cstr(&a[PH_C_call_args_kind], "generator_expression");
        set_text(p, &a[PH_C_call_args_text], args);
        set_loc(p, a, PH_C_call_args_line, args);
        Sink s;
        sink_open(p, c, &s);
        Role ar = role("arg");
        ar.parent_call = id;
        visit_expr(p, c, args, ar);
        sink_close(p, c, &s, &a[PH_C_call_args_names]);
        nargs = 1;
    } else if (!ts_node_is_null(args)) {
        Kids k;
        kids_open(&k, args);
        for (TSNode a; kids_next(&k, &a);) {
            if (!ts_node_is_named(a))
                continue;
            Kind ak = kind(a);
            if (ak == K_comment) {
                visit_comment(p, a);
                continue;
            }
            PhVal *av = row(p, PH_T_call_args, NULL);
            ph_val_int(&av[PH_C_call_args_call_id], id);
            ph_val_int(&av[PH_C_call_args_idx], idx);
            TSNode val = a, kwname = {0};
            int starred = 0;
            if (ak == K_keyword_argument) {
                kwname = field(a, F_name);
                val = field(a, F_value);
                set_text(p, &av[PH_C_call_args_keyword], kwname);
                size_t l;
                const char *s = text(p, kwname, &l);
                buf_add(&kw, ',', s, l);
            } else if (ak == K_list_splat || ak == K_dictionary_splat) {
                starred = ak == K_list_splat ? 1 : 2;
                star = true;
                TSNode inner = ts_node_named_child(a, 0);
                if (!ts_node_is_null(inner))
                    val = inner;
                if (starred == 1)
                    ph_val_int(&av[PH_C_call_args_pos], nargs);
            } else {
                ph_val_int(&av[PH_C_call_args_pos], nargs++);
            }
            ph_val_int(&av[PH_C_call_args_star], starred);
            ph_val_cstr(&av[PH_C_call_args_kind], ts_node_type(val));
            set_text(p, &av[PH_C_call_args_text], val);
            set_loc(p, av, PH_C_call_args_line, a);
            Sink s;
            sink_open(p, c, &s);
            Role ar = role(is_len ? "len" : "arg");
            ar.parent_call = id;
            ar.arg_idx = ak == K_keyword_argument ? -1 : idx;
            ar.arg_kw = kwname;
            Value avl = visit_expr(p, c, val, ar);
            sink_close(p, c, &s, &av[PH_C_call_args_names]);
            if ((kind(val) == K_identifier || kind(val) == K_attribute) && avl.qual && avl.kind == B_ALIAS &&
                !avl.member)
                ph_val_cstr(&av[PH_C_call_args_resolved], avl.qual);
            idx++;
        }
        kids_close(&k);
    }
    ph_val_int(&v[PH_C_calls_nargs], nargs);
    buf_store(p, &kw, ',', true, &v[PH_C_calls_kwargs]);
    set_bool(&v[PH_C_calls_star_args], star);

    out->call_id = id;
    if (resolved) {
        out->kind = B_INSTANCE;
        out->qual = resolved;
    }
}

/* An await at this point: every try whose body holds it awaits. */
static void mark_try_awaits(Ctx *c) {
    for (TryInfo *t = c->try_info; t; t = t->outer)
        t->awaits = true;
}

NOINLINE static void visit_await(Parser *p, Ctx *c, TSNode n, Role r, Value *out) {
    if (c->fn)
        c->fn->has_await = true;
    mark_try_awaits(c);
    PhVal *v = row(p, PH_T_awaits, NULL);
    ph_val_id(&v[PH_C_awaits_function_id], c->function_id);
    ph_val_id(&v[PH_C_awaits_stmt_id], c->stmt_id);
    TSNode operand = ts_node_named_child(n, 0);
    if (!ts_node_is_null(operand))
        set_text(p, &v[PH_C_awaits_expr], operand);
    else
        ph_val_cstr(&v[PH_C_awaits_expr], "");
    ph_val_cstr(&v[PH_C_awaits_use], r.use);
    if (!ts_node_is_null(r.target) && strcmp(r.use, "assign") == 0)
        set_text(p, &v[PH_C_awaits_target], r.target);
    ph_val_id(&v[PH_C_awaits_loop_id], c->loop_id);
    ph_val_id(&v[PH_C_awaits_with_id], c->with_id);
    set_loc(p, v, PH_C_awaits_line, n);
    Sink s;
    sink_open(p, c, &s);
    Role inner = r;
    inner.awaited = true;
    Value val = NOVALUE;
    if (!ts_node_is_null(operand))
        val = visit_expr(p, c, operand, inner);
    sink_close(p, c, &s, &v[PH_C_awaits_names]);
    ph_val_id(&v[PH_C_awaits_call_id], kind(unparenthesized(operand)) == K_call ? val.call_id : 0);
    *out = val;
}

NOINLINE static void visit_return_value(Parser *p, Ctx *c, TSNode n, TSNode value, const char *k) {
    PhVal *v = row(p, PH_T_returns, NULL);
    ph_val_id(&v[PH_C_returns_function_id], c->function_id);
    ph_val_id(&v[PH_C_returns_stmt_id], c->stmt_id);
    ph_val_cstr(&v[PH_C_returns_kind], k);
    set_loc(p, v, PH_C_returns_line, n);
    Sink s;
    sink_open(p, c, &s);
    if (!ts_node_is_null(value)) {
        set_text(p, &v[PH_C_returns_value], value);
        visit_expr(p, c, value, role(strcmp(k, "return") == 0 ? "return" : "yield"));
    }
    sink_close(p, c, &s, &v[PH_C_returns_names]);
}

/* Identifiers bound by a for target, as ' a b '. */
static void collect_targets(Parser *p, TSNode n, Buf *s) {
    if (kind(n) == K_identifier) {
        size_t len;
        const char *t = text(p, n, &len);
        buf_add(s, ' ', t, len);
        return;
    }
    if (!enter(p, n))
        return;
    Kids k;
    kids_open(&k, n);
    for (TSNode ch; kids_next(&k, &ch);)
        if (ts_node_is_named(ch) && kind(ch) != K_attribute && kind(ch) != K_subscript)
            collect_targets(p, ch, s);
    kids_close(&k);
    leave(p);
}

static PhVal *loop_row(Parser *p, Ctx *c, TSNode n, const char *k, int64_t *id) {
    PhVal *v = row(p, PH_T_loops, id);
    ph_val_id(&v[PH_C_loops_function_id], c->function_id);
    ph_val_cstr(&v[PH_C_loops_kind], k);
    ph_val_int(&v[PH_C_loops_is_while_true], 0);
    ph_val_id(&v[PH_C_loops_parent_id], c->loop_id);
    ph_val_int(&v[PH_C_loops_depth], c->loop_depth + 1);
    ph_val_int(&v[PH_C_loops_has_break], 0);
    ph_val_int(&v[PH_C_loops_is_async], 0);
    set_bool(&v[PH_C_loops_in_main_guard], c->main_guard);
    set_loc(p, v, PH_C_loops_line, n);
    return v;
}

static void loop_targets(Parser *p, Ctx *c, PhVal *v, TSNode left, TSNode right) {
    Buf s = {0};
    if (!ts_node_is_null(left))
        collect_targets(p, left, &s);
    buf_store(p, &s, ' ', false, &v[PH_C_loops_targets]);
    if (!ts_node_is_null(right)) {
        set_text(p, &v[PH_C_loops_iter], right);
        ph_val_cstr(&v[PH_C_loops_iter_kind], ts_node_type(right));
    }
    if (!ts_node_is_null(left))
        bind_targets(p, c, left);
}

static const char *comp_kind(Kind k) {
    return k == K_list_comprehension ? "list_comp"
           : k == K_set_comprehension ? "set_comp"
           : k == K_dictionary_comprehension ? "dict_comp"
                                             : "generator";
}

/* A comprehension is one loop (one loops row) with a scope of its own.
 * The targets of all its `for` clauses are bound first: the element comes
 * first in the source but reads them, and must not see a binding of the
 * same name outside. The first iterable is evaluated outside, everything
 * else inside. */
NOINLINE static void visit_comprehension(Parser *p, Ctx *c, TSNode n) {
    int64_t id;
    PhVal *v = loop_row(p, c, n, comp_kind(kind(n)), &id);
    ph_val_id(&v[PH_C_loops_stmt_id], c->stmt_id);
    Scope scope = {c->scope, NULL, 0, 0};
    Ctx in = *c;
    in.scope = &scope;
    in.at_module = false;
    in.loop_id = id;
    in.loop_depth = c->loop_depth + 1;
    LoopInfo li = {c->loop, v};
    in.loop = &li;
    Buf targets = {0};
    bool is_async = false;
    Kids k;
    kids_open(&k, n);
    for (TSNode ch; kids_next(&k, &ch);)
        if (kind(ch) == K_for_in_clause) {
            TSNode left = field(ch, F_left);
            if (!ts_node_is_null(left)) {
                collect_targets(p, left, &targets);
                bind_targets(p, &in, left);
            }
            is_async |= text_is(p, ts_node_child(ch, 0), "async");
        }
    kids_close(&k);
    buf_store(p, &targets, ' ', false, &v[PH_C_loops_targets]);
    set_bool(&v[PH_C_loops_is_async], is_async);
    if (is_async && c->fn)
        c->fn->has_await = true;
    bool first = true;
    kids_open(&k, n);
    for (TSNode ch; kids_next(&k, &ch);) {
        if (!ts_node_is_named(ch))
            continue;
        if (kind(ch) != K_for_in_clause) {
            visit_expr(p, &in, ch, role("other"));
            continue;
        }
        TSNode right = field(ch, F_right);
        if (!first) {
            visit_expr(p, &in, right, role("iter"));
            continue;
        }
        first = false;
        Value it = visit_expr(p, c, right, role("iter"));
        if (!ts_node_is_null(right)) {
            set_text(p, &v[PH_C_loops_iter], right);
            ph_val_cstr(&v[PH_C_loops_iter_kind], ts_node_type(right));
        }
        if (kind(right) == K_call)
            ph_val_id(&v[PH_C_loops_iter_call_id], it.call_id);
    }
    kids_close(&k);
    scope_fini(&scope);
}

static Value visit_lambda(Parser *p, Ctx *c, TSNode n);

/* A left-nested chain of one operator (`a + b + c`, `a or b or c`: the tree
 * is as deep as the chain is long), walked without recursion: the leftmost
 * operand, then each right operand in source order. */
NOINLINE static void visit_chain(Parser *p, Ctx *c, TSNode n, Role r) {
    Kind k = kind(n);
    Nodes spine;
    nodes_init(&spine);
    for (; kind(n) == k; n = field(n, F_left))
        nodes_push(&spine, n);
    visit_expr(p, c, n, r);
    for (size_t i = spine.len; i-- > 0;) {
        TSNode left = field(spine.v[i], F_left);
        Kids kk;
        kids_open(&kk, spine.v[i]);
        for (TSNode ch; kids_next(&kk, &ch);)
            if (ts_node_is_named(ch) && !ts_node_eq(ch, left))
                visit_expr(p, c, ch, r);
        kids_close(&kk);
    }
    nodes_fini(&spine);
}

/* The role of an operand of an operator (or of any other node): 'other',
 * written or deleted as the whole is, in the same call. */
static Role inner_role(Role r) {
    Role cr = role("other");
    cr.store = r.store;
    cr.del = r.del;
    cr.parent_call = r.parent_call;
    return cr;
}

static Value visit_expr_node(Parser *p, Ctx *c, TSNode n, Role r) {
    Value out = NOVALUE;
    switch (kind(n)) {
    case K_identifier:
        visit_identifier(p, c, n, r);
        return resolve(p, c, n);
    case K_attribute: {
        TSNode obj = field(n, F_object);
        if (kind(obj) == K_identifier) {
            Role orl = r;
            orl.use = "attr";
            orl.store = false;
            orl.del = false;
            visit_identifier(p, c, obj, orl);
            size_t len;
            const char *s = text(p, n, &len);
            name_row(p, c, n, s, len, r.del ? "del" : r.store ? "store" : "load", role_name(&r),
                     r.parent_call);
        } else {
            Role orl = role("attr");
            orl.parent_call = r.parent_call;
            visit_expr(p, c, obj, orl);
        }
        return resolve_attribute(p, c, n, 0);
    }
    case K_call:
        visit_call(p, c, n, r, &out);
        return out;
    case K_await:
        visit_await(p, c, n, r, &out);
        return out;
    case K_assignment:
    case K_augmented_assignment:
    case K_named_expression:
        visit_assignment(p, c, n, r);
        return out;
    case K_boolean_operator:
        /* The role flows through: `x = a() or b()` */
        visit_chain(p, c, n, r);
        return out;
    case K_binary_operator:
        visit_chain(p, c, n, inner_role(r));
        return out;
    case K_parenthesized_expression:
    case K_conditional_expression: {
        /* The value flows through: `x = (await f())`, `x = a if c else b` */
        Kids k;
        kids_open(&k, n);
        int i = 0;
        for (TSNode ch; kids_next(&k, &ch);) {
            if (!ts_node_is_named(ch))
                continue;
            if (kind(ch) == K_comment) {
                visit_comment(p, ch);
                continue;
            }
            Role cr = r;
            /* the condition of `a if cond else b` is only tested */
            if (kind(n) == K_conditional_expression && i == 1)
                cr = role("cond");
            Value v = visit_expr(p, c, ch, cr);
            if (i++ == 0)
                out = v;
        }
        kids_close(&k);
        if (kind(n) != K_parenthesized_expression)
            out = NOVALUE;
        return out;
    }
    case K_subscript: {
        Role vr = role("subscript");
        vr.parent_call = r.parent_call;
        visit_expr(p, c, field(n, F_value), vr);
        Kids k;
        kids_open(&k, n);
        for (TSNode ch; kids_next(&k, &ch);)
            if (ts_node_is_named(ch) && !ts_node_eq(ch, field(n, F_value)))
                visit_expr(p, c, ch, role("other"));
        kids_close(&k);
        return out;
    }
    case K_list_comprehension:
    case K_set_comprehension:
    case K_dictionary_comprehension:
    case K_generator_expression:
        visit_comprehension(p, c, n);
        return out;
    case K_lambda:
        return visit_lambda(p, c, n);
    case K_yield: {
        if (c->fn)
            c->fn->is_generator = true;
        bool from = false;
        Kids k;
        kids_open(&k, n);
        for (TSNode ch; kids_next(&k, &ch);)
            if (!ts_node_is_named(ch) && strcmp(ts_node_type(ch), "from") == 0)
                from = true;
        kids_close(&k);
        visit_return_value(p, c, n, ts_node_named_child(n, 0), from ? "yield_from" : "yield");
        return out;
    }
    case K_string:
    case K_concatenated_string: {
        /* Only f-string interpolations hold code. */
        Kids k;
        kids_open(&k, n);
        for (TSNode ch; kids_next(&k, &ch);)
            if (kind(ch) == K_interpolation || kind(ch) == K_string) {
                if (kind(ch) == K_string) {
                    visit_expr(p, c, ch, role("other"));
                    continue;
                }
                /* `{x:=06.2f}` reads x: the rest is its format spec (is_format_walrus) */
                TSNode e = ts_node_named_child(ch, 0);
                if (is_format_walrus(ch))
                    e = field(e, F_name);
                visit_expr(p, c, e, role("other"));
            }
        kids_close(&k);
        return out;
    }
    case K_comment:
        visit_comment(p, n);
        return out;
    case K_keyword_argument:
        visit_expr(p, c, field(n, F_value), r);
        return out;
    case K_list_splat:
    case K_dictionary_splat:
    case K_list_splat_pattern: {
        TSNode inner = ts_node_named_child(n, 0);
        visit_expr(p, c, inner, r);
        return out;
    }
    case K_pattern_list:
    case K_tuple_pattern:
    case K_list_pattern:
        visit_expr_list(p, c, n, r);
        return out;
    case K_ERROR:
    default:
        visit_expr_list(p, c, n, inner_role(r));
        return out;
    }
}

static Value visit_expr(Parser *p, Ctx *c, TSNode n, Role r) {
    if (ts_node_is_null(n) || !enter(p, n))
        return NOVALUE;
    Value v = visit_expr_node(p, c, n, r);
    leave(p);
    return v;
}

static void visit_expr_list(Parser *p, Ctx *c, TSNode n, Role r) {
    Kids k;
    kids_open(&k, n);
    for (TSNode ch; kids_next(&k, &ch);)
        if (ts_node_is_named(ch))
            visit_expr(p, c, ch, r);
    kids_close(&k);
}

/* ---------------------------------------------------------------------------
 * Definitions.
 */

NOINLINE static void visit_params(Parser *p, Ctx *outer, Ctx *in, TSNode params, int64_t fid, int *count,
                         bool is_method, bool is_classmethod, bool is_static) {
    if (ts_node_is_null(params))
        return;
    Kids k;
    kids_open(&k, params);
    int idx = 0;
    for (TSNode prm; kids_next(&k, &prm);) {
        if (!ts_node_is_named(prm))
            continue;
        Kind pk = kind(prm);
        TSNode name = {0}, ann = {0}, def = {0};
        const char *pkind = "plain";
        switch (pk) {
        case K_identifier:
            name = prm;
            break;
        case K_typed_parameter:
            name = ts_node_named_child(prm, 0);
            ann = field(prm, F_type);
            if (kind(name) == K_list_splat_pattern || kind(name) == K_dictionary_splat_pattern) {
                pkind = kind(name) == K_list_splat_pattern ? "args" : "kwargs";
                name = ts_node_named_child(name, 0);
            }
            break;
        case K_default_parameter:
            name = field(prm, F_name);
            def = field(prm, F_value);
            break;
        case K_typed_default_parameter:
            name = field(prm, F_name);
            ann = field(prm, F_type);
            def = field(prm, F_value);
            break;
        case K_list_splat_pattern:
        case K_dictionary_splat_pattern:
            pkind = pk == K_list_splat_pattern ? "args" : "kwargs";
            name = ts_node_named_child(prm, 0);
            break;
        default:
            continue;
        }
        if (ts_node_is_null(name) || kind(name) != K_identifier)
            continue;
        PhVal *v = row(p, PH_T_params, NULL);
        ph_val_int(&v[PH_C_params_function_id], fid);
        ph_val_int(&v[PH_C_params_idx], idx);
        set_text(p, &v[PH_C_params_name], name);
        ph_val_cstr(&v[PH_C_params_kind], pkind);
        set_loc(p, v, PH_C_params_line, prm);
        size_t len;
        const char *s = text(p, name, &len);
        BindKind bk = B_OPAQUE;
        const char *q = NULL;
        if (!ts_node_is_null(ann)) {
            set_text(p, &v[PH_C_params_annotation], ann);
            const char *generic, *type = annotation_type(p, outer, ann, &generic);
            if (type || generic)
                ph_val_cstr(&v[PH_C_params_annotation_resolved], type ? type : generic);
            if (type) {
                bk = B_INSTANCE;
                q = type;
            }
        }
        if (!ts_node_is_null(def)) {
            set_text(p, &v[PH_C_params_default_value], def);
            visit_expr(p, outer, def, role("other"));
        }
        if (idx == 0 && is_method && !is_static && outer->prefix) {
            bk = is_classmethod ? B_ALIAS : B_INSTANCE;
            q = outer->prefix;   /* the class */
            in->self_name = qdup(p, s, len);
            in->self_len = len;
        }
        scope_bind(p, in->scope, s, len, bk, q);
        idx++;
    }
    kids_close(&k);
    *count = idx;
}

/* Is a function body only a docstring, pass, ... or raise NotImplementedError? */
static bool is_stub_body(Parser *p, TSNode body) {
    bool stub = true;
    Kids k;
    kids_open(&k, body);
    for (TSNode s; kids_next(&k, &s);) {
        if (!ts_node_is_named(s) || kind(s) == K_comment)
            continue;
        Kind sk = kind(s);
        if (sk == K_pass_statement)
            continue;
        if (sk == K_expression_statement) {
            Kind e = kind(ts_node_named_child(s, 0));
            if (e == K_string || e == K_ellipsis || e == K_concatenated_string)
                continue;
        }
        if (sk == K_raise_statement) {
            size_t len;
            const char *t = text(p, s, &len);
            if (len < 200 && memmem(t, len, "NotImplementedError", 19))
                continue;
        }
        stub = false;
        break;
    }
    kids_close(&k);
    return stub;
}

NOINLINE static void visit_decorators(Parser *p, Ctx *c, TSNode decorated, int64_t fid, int64_t cid, int *count) {
    if (ts_node_is_null(decorated))
        return;
    int idx = 0;
    Kids k;
    kids_open(&k, decorated);
    for (TSNode d; kids_next(&k, &d);) {
        if (kind(d) != K_decorator)
            continue;
        TSNode e = ts_node_named_child(d, 0);
        if (ts_node_is_null(e))
            continue;
        PhVal *v = row(p, PH_T_decorators, NULL);
        ph_val_id(&v[PH_C_decorators_function_id], fid);
        ph_val_id(&v[PH_C_decorators_class_id], cid);
        ph_val_int(&v[PH_C_decorators_idx], idx++);
        set_text(p, &v[PH_C_decorators_text], e);
        TSNode callee = kind(e) == K_call ? field(e, F_function) : e;
        set_text(p, &v[PH_C_decorators_name], callee);
        Value rv = resolve(p, c, callee);
        if (rv.kind == B_ALIAS && rv.qual && !rv.member)
            ph_val_cstr(&v[PH_C_decorators_resolved], rv.qual);
        set_loc(p, v, PH_C_decorators_line, d);
        Ctx dc = *c;
        dc.in_decorator = true;
        Value dv = visit_expr(p, &dc, e, role("other"));
        if (kind(e) == K_call)
            ph_val_id(&v[PH_C_decorators_call_id], dv.call_id);
    }
    kids_close(&k);
    *count = idx;
}

static bool has_decorator(Parser *p, TSNode decorated, const char *name) {
    if (ts_node_is_null(decorated))
        return false;
    bool found = false;
    Kids k;
    kids_open(&k, decorated);
    for (TSNode d; kids_next(&k, &d);)
        if (kind(d) == K_decorator && text_is(p, ts_node_named_child(d, 0), name))
            found = true;
    kids_close(&k);
    return found;
}

NOINLINE static void visit_function(Parser *p, Ctx *c, TSNode n, TSNode decorated) {
    int64_t id;
    PhVal *v = row(p, PH_T_functions, &id);
    TSNode name = field(n, F_name);
    size_t nlen;
    const char *ns = text(p, name, &nlen);
    const char *qual = qjoin(p, c->prefix, ns, nlen);
    bool is_async = text_is(p, ts_node_child(n, 0), "async");
    bool is_method = c->body_class_id != 0;
    ph_val_text(&v[PH_C_functions_name], ns, nlen);
    ph_val_cstr(&v[PH_C_functions_qualname], qual);
    set_bool(&v[PH_C_functions_is_async], is_async);
    set_bool(&v[PH_C_functions_is_lambda], false);
    set_bool(&v[PH_C_functions_is_method], is_method);
    ph_val_id(&v[PH_C_functions_class_id], is_method ? c->body_class_id : 0);
    ph_val_id(&v[PH_C_functions_parent_id], c->function_id);
    set_loc(p, v, PH_C_functions_line, n);

    int ndec = 0, nparams = 0;
    visit_decorators(p, c, decorated, id, 0, &ndec);
    if (!c->at_module || c->body_class_id)
        scope_bind(p, c->scope, ns, nlen, B_ALIAS, qual);

    /* The body's context: a new scope whose parent skips class bodies. */
    Scope scope = {0};
    Scope *parent = c->scope;
    if (c->body_class_id && parent)
        parent = parent->parent;
    scope.parent = parent;
    FnInfo fi = {v, false, false};
    Ctx in;
    memset(&in, 0, sizeof in);
    in.scope = &scope;
    in.prefix = qual;
    in.function_id = id;
    in.async_id = is_async ? id : 0;
    in.class_id = is_method ? c->body_class_id : c->class_id;
    in.cls = is_method ? c->cls : c->cls;
    in.self_name = is_method ? NULL : c->self_name;
    in.self_len = is_method ? 0 : c->self_len;
    in.main_guard = false;
    in.fn = &fi;

    Ctx outer = *c;
    if (is_method)
        outer.prefix = c->prefix;   /* the class's qualified name, for `self` */
    visit_params(p, &outer, &in, field(n, F_parameters), id, &nparams, is_method,
                 has_decorator(p, decorated, "classmethod"), has_decorator(p, decorated, "staticmethod"));
    TSNode rt = field(n, F_return_type);
    if (!ts_node_is_null(rt))
        visit_expr(p, c, rt, role("other"));
    TSNode body = field(n, F_body);
    int recovered = visit_body(p, &in, n, body, c->stmt_id);
    set_bool(&v[PH_C_functions_is_stub], !recovered && (ts_node_is_null(body) || is_stub_body(p, body)));
    set_bool(&v[PH_C_functions_is_generator], fi.is_generator);
    set_bool(&v[PH_C_functions_has_await], fi.has_await);
    ph_val_int(&v[PH_C_functions_n_params], nparams);
    ph_val_int(&v[PH_C_functions_n_decorators], ndec);
    scope_fini(&scope);
}

NOINLINE static Value visit_lambda(Parser *p, Ctx *c, TSNode n) {
    int64_t id;
    PhVal *v = row(p, PH_T_functions, &id);
    ph_val_cstr(&v[PH_C_functions_name], "<lambda>");
    ph_val_cstr(&v[PH_C_functions_qualname], qjoin(p, c->prefix, "<lambda>", 8));
    set_bool(&v[PH_C_functions_is_async], false);
    set_bool(&v[PH_C_functions_is_lambda], true);
    set_bool(&v[PH_C_functions_is_method], false);
    ph_val_id(&v[PH_C_functions_parent_id], c->function_id);
    set_loc(p, v, PH_C_functions_line, n);
    Scope scope = {c->scope, NULL, 0, 0};
    FnInfo fi = {v, false, false};
    Ctx in = *c;
    in.scope = &scope;
    in.function_id = id;
    in.async_id = 0;
    in.loop_id = 0;
    in.loop_depth = 0;
    in.loop = NULL;
    in.with_id = 0;
    in.try_id = 0;
    in.try_part = 0;
    in.try_info = NULL;
    in.handler = NULL;
    in.at_module = false;
    in.body_class_id = 0;
    in.fn = &fi;
    int nparams = 0;
    visit_params(p, c, &in, field(n, F_parameters), id, &nparams, false, false, false);
    visit_expr(p, &in, field(n, F_body), role("return"));
    set_bool(&v[PH_C_functions_is_generator], fi.is_generator);
    set_bool(&v[PH_C_functions_has_await], fi.has_await);
    set_bool(&v[PH_C_functions_is_stub], false);
    ph_val_int(&v[PH_C_functions_n_params], nparams);
    ph_val_int(&v[PH_C_functions_n_decorators], 0);
    scope_fini(&scope);
    return NOVALUE;
}

NOINLINE static void visit_class(Parser *p, Ctx *c, TSNode n, TSNode decorated) {
    int64_t id;
    PhVal *v = row(p, PH_T_classes, &id);
    TSNode name = field(n, F_name);
    size_t nlen;
    const char *ns = text(p, name, &nlen);
    const char *qual = qjoin(p, c->prefix, ns, nlen);
    ph_val_text(&v[PH_C_classes_name], ns, nlen);
    ph_val_cstr(&v[PH_C_classes_qualname], qual);
    ph_val_id(&v[PH_C_classes_function_id], c->function_id);
    ph_val_id(&v[PH_C_classes_parent_id], c->body_class_id);
    set_loc(p, v, PH_C_classes_line, n);
    int ndec = 0;
    visit_decorators(p, c, decorated, 0, id, &ndec);
    if (!c->at_module || c->body_class_id)
        scope_bind(p, c->scope, ns, nlen, B_ALIAS, qual);

    TSNode supers = field(n, F_superclasses);
    if (!ts_node_is_null(supers)) {
        int idx = 0;
        Kids k;
        kids_open(&k, supers);
        for (TSNode b; kids_next(&k, &b);) {
            if (!ts_node_is_named(b) || kind(b) == K_comment)
                continue;
            PhVal *bv = row(p, PH_T_bases, NULL);
            ph_val_int(&bv[PH_C_bases_class_id], id);
            ph_val_int(&bv[PH_C_bases_idx], idx++);
            set_text(p, &bv[PH_C_bases_text], b);
            if (kind(b) != K_keyword_argument) {
                Value rv = resolve(p, c, b);
                if (rv.kind == B_ALIAS && rv.qual && !rv.member)
                    ph_val_cstr(&bv[PH_C_bases_resolved], rv.qual);
            }
            set_loc(p, bv, PH_C_bases_line, b);
            visit_expr(p, c, b, role("other"));
        }
        kids_close(&k);
    }

    ClassInfo ci;
    memset(&ci, 0, sizeof ci);
    ci.qual = qual;
    Scope scope = {c->scope, NULL, 0, 0};
    Ctx in = *c;
    in.scope = &scope;
    in.prefix = qual;
    in.body_class_id = id;
    in.class_id = id;
    in.cls = &ci;
    in.self_name = NULL;
    in.at_module = false;
    visit_body(p, &in, n, field(n, F_body), c->stmt_id);

    /* Receivers `self.x` whose type was bound anywhere in the class. */
    for (size_t i = 0; i < ci.patches.len; i++) {
        Patch *pt = &ci.patches.items[i];
        Binding *b = scope_find(&ci.attrs, pt->attr, pt->attr_len);
        if (b && b->kind == B_INSTANCE) {
            ph_val_cstr(&pt->row[PH_C_calls_receiver_type], b->qual);
            ph_val_cstr(&pt->row[PH_C_calls_resolved], qjoin(p, b->qual, pt->method, pt->method_len));
        }
    }
    free(ci.patches.items);
    scope_fini(&ci.attrs);
    scope_fini(&scope);
}

/* ---------------------------------------------------------------------------
 * Imports.
 */

/* The package a relative import of `level` dots starts from, or NULL when it
 * climbs above the root. Arena. */
static const char *relative_base(Parser *p, int level) {
    const char *m = p->module;
    size_t n = strlen(m);
    int strip = p->is_package ? level - 1 : level;
    while (strip-- > 0) {
        while (n > 0 && m[n - 1] != '.')
            n--;
        if (n == 0)
            return strip >= 0 ? NULL : "";
        n--;
    }
    return qdup(p, m, n);
}

static void import_row(Parser *p, Ctx *c, TSNode n, const char *module, size_t mlen, const char *name,
                       size_t namelen, const char *alias, size_t alen, int level, const char *bound,
                       size_t blen, const char *target) {
    PhVal *v = row(p, PH_T_imports, NULL);
    ph_val_id(&v[PH_C_imports_function_id], c->function_id);
    ph_val_id(&v[PH_C_imports_stmt_id], c->stmt_id);
    if (module)
        ph_val_text(&v[PH_C_imports_module], module, mlen);
    if (name)
        ph_val_text(&v[PH_C_imports_name], name, namelen);
    if (alias)
        ph_val_text(&v[PH_C_imports_alias], alias, alen);
    ph_val_int(&v[PH_C_imports_level], level);
    ph_val_text(&v[PH_C_imports_bound], bound, blen);
    ph_val_cstr(&v[PH_C_imports_target], target);
    ph_val_id(&v[PH_C_imports_loop_id], c->loop_id);
    set_loc(p, v, PH_C_imports_line, n);
    if (strcmp(bound, "*") != 0) {
        /* An import inside `try:` at module level may be followed by a
         * fallback; the first binding of a module-level name wins. */
        Binding *b = c->at_module ? scope_find(c->scope, bound, blen) : NULL;
        if (!b || b->kind == B_OPAQUE)
            scope_bind(p, c->scope, bound, blen, B_ALIAS, target);
    }
}

NOINLINE static void visit_import(Parser *p, Ctx *c, TSNode n, bool emit) {
    Kind k = kind(n);
    if (k == K_import_statement) {
        Kids kk;
        kids_open(&kk, n);
        for (TSNode ch; kids_next(&kk, &ch);) {
            size_t ml, al = 0;
            const char *m, *a = NULL;
            if (kind(ch) == K_dotted_name) {
                m = text(p, ch, &ml);
            } else if (kind(ch) == K_aliased_import) {
                m = text(p, field(ch, F_name), &ml);
                a = text(p, field(ch, F_alias), &al);
            } else {
                continue;
            }
            const char *target = qdup(p, m, ml);
            if (a) {
                if (emit)
                    import_row(p, c, n, m, ml, NULL, 0, a, al, 0, a, al, target);
                else
                    scope_bind(p, c->scope, a, al, B_ALIAS, target);
            } else {
                size_t first = 0;
                while (first < ml && m[first] != '.')
                    first++;
                const char *t = qdup(p, m, first);
                if (emit)
                    import_row(p, c, n, m, ml, NULL, 0, NULL, 0, 0, m, first, t);
                else
                    scope_bind(p, c->scope, m, first, B_ALIAS, t);
            }
        }
        kids_close(&kk);
        return;
    }
    /* from M import a, b as c */
    TSNode mod = field(n, F_module_name);
    int level = 0;
    const char *m = NULL;
    size_t ml = 0;
    if (kind(mod) == K_relative_import) {
        Kids kk;
        kids_open(&kk, mod);
        for (TSNode ch; kids_next(&kk, &ch);) {
            if (kind(ch) == K_import_prefix) {
                size_t l;
                text(p, ch, &l);
                level = (int)l;
            } else if (kind(ch) == K_dotted_name) {
                m = text(p, ch, &ml);
            }
        }
        kids_close(&kk);
    } else if (!ts_node_is_null(mod)) {
        m = text(p, mod, &ml);
    } else if (k == K_future_import_statement) {
        m = "__future__";
        ml = 10;
    }
    const char *base;
    if (level > 0) {
        const char *rb = relative_base(p, level);
        if (!rb)
            rb = "";
        if (m && *rb)
            base = qjoin(p, rb, m, ml);
        else if (m)
            base = qdup(p, m, ml);
        else
            base = rb;
    } else {
        base = m ? qdup(p, m, ml) : "";
    }
    Kids kk;
    kids_open(&kk, n);
    for (TSNode ch; kids_next(&kk, &ch);) {
        if (ts_node_eq(ch, mod))
            continue;
        size_t nl, al = 0;
        const char *nm, *a = NULL;
        if (kind(ch) == K_dotted_name) {
            nm = text(p, ch, &nl);
        } else if (kind(ch) == K_aliased_import) {
            nm = text(p, field(ch, F_name), &nl);
            a = text(p, field(ch, F_alias), &al);
        } else if (kind(ch) == K_wildcard_import) {
            if (emit)
                import_row(p, c, n, m, ml, "*", 1, NULL, 0, level, "*", 1, base);
            continue;
        } else {
            continue;
        }
        const char *target = *base ? member_of(p, base, nm, nl) : qdup(p, nm, nl);
        const char *bound = a ? a : nm;
        size_t bl = a ? al : nl;
        if (emit)
            import_row(p, c, n, m, ml, nm, nl, a, al, level, bound, bl, target);
        else
            scope_bind(p, c->scope, bound, bl, B_ALIAS, target);
    }
    kids_close(&kk);
}

/* ---------------------------------------------------------------------------
 * Statements.
 */

static bool is_main_guard(Parser *p, TSNode cond) {
    if (kind(cond) != K_comparison_operator)
        return false;
    size_t len;
    const char *t = text(p, cond, &len);
    return len < 80 && memmem(t, len, "__name__", 8) && memmem(t, len, "__main__", 8);
}

static bool is_true(Parser *p, TSNode cond) {
    Kind k = kind(cond);
    return k == K_true || (k == K_integer && !text_is(p, cond, "0"));
}

NOINLINE static void visit_with(Parser *p, Ctx *c, TSNode n) {
    bool is_async = text_is(p, ts_node_child(n, 0), "async");
    if (is_async) {
        if (c->fn)
            c->fn->has_await = true;
        mark_try_awaits(c);
    }
    int idx = 0;
    Kids k;
    kids_open(&k, n);
    for (TSNode clause; kids_next(&k, &clause);) {
        if (kind(clause) != K_with_clause)
            continue;
        Kids ki;
        kids_open(&ki, clause);
        for (TSNode item; kids_next(&ki, &item);) {
            if (kind(item) != K_with_item)
                continue;
            TSNode val = field(item, F_value), ctxe = val, as = {0};
            if (kind(val) == K_as_pattern) {
                ctxe = ts_node_named_child(val, 0);
                TSNode tgt = field(val, F_alias);
                if (!ts_node_is_null(tgt))
                    as = kind(tgt) == K_as_pattern_target ? ts_node_named_child(tgt, 0) : tgt;
            }
            PhVal *v = row(p, PH_T_withs, NULL);
            ph_val_id(&v[PH_C_withs_function_id], c->function_id);
            ph_val_int(&v[PH_C_withs_stmt_id], c->stmt_id);
            ph_val_id(&v[PH_C_withs_parent_with], c->with_id);
            set_bool(&v[PH_C_withs_is_async], is_async);
            ph_val_int(&v[PH_C_withs_idx], idx++);
            set_text(p, &v[PH_C_withs_context], ctxe);
            set_loc(p, v, PH_C_withs_line, item);
            Role r = role("with");
            if (!ts_node_is_null(as))
                r.target = as;
            Value cv = visit_expr(p, c, ctxe, r);
            if (kind(ctxe) == K_call)
                ph_val_id(&v[PH_C_withs_call_id], cv.call_id);
            Value rv = resolve(p, c, kind(ctxe) == K_call ? field(ctxe, F_function) : ctxe);
            if (rv.qual && !rv.member)
                ph_val_cstr(&v[PH_C_withs_resolved], rv.qual);
            if (!ts_node_is_null(as)) {
                set_text(p, &v[PH_C_withs_as_name], as);
                Role st = role("with");
                st.store = true;
                visit_expr(p, c, as, st);
                /* an assignment (op 'with') that binds the target; `with lock
                 * as l` binds what __enter__ returns, not lock */
                Value wv = cv.kind == B_INSTANCE ? cv : (Value){B_OPAQUE, NULL, cv.call_id, false};
                assign_target(p, c, as, ctxe, wv, "with", item, kind(as) == K_identifier);
            }
        }
        kids_close(&ki);
    }
    kids_close(&k);
    Ctx in = *c;
    in.with_id = c->stmt_id;
    visit_body(p, &in, n, field(n, F_body), c->stmt_id);
}

/* One resolved exception type of a handler into its ',a,b,' list. */
static void add_type(Parser *p, Ctx *c, Buf *types, TSNode t) {
    Value tv = resolve(p, c, t);
    if (tv.qual && !tv.member)
        buf_add(types, ',', tv.qual, strlen(tv.qual));
}

/* The handlers are visited after the body, so each knows whether the body
 * awaits (TryInfo). */
NOINLINE static void visit_try(Parser *p, Ctx *c, TSNode n) {
    TryInfo ti = {false, c->try_info};
    Ctx body = *c;
    body.try_id = c->stmt_id;
    body.try_part = 1;
    body.try_info = &ti;
    visit_body(p, &body, n, field(n, F_body), c->stmt_id);
    Kids k;
    kids_open(&k, n);
    for (TSNode ch; kids_next(&k, &ch);) {
        Kind ck = kind(ch);
        if (ck == K_except_clause || ck == K_except_group_clause) {
            HandlerInfo hi = {false, false};
            PhVal *v = row(p, PH_T_handlers, NULL);
            ph_val_id(&v[PH_C_handlers_function_id], c->function_id);
            ph_val_int(&v[PH_C_handlers_try_id], c->stmt_id);
            set_loc(p, v, PH_C_handlers_line, ch);
            Ctx hc = *c;
            hc.try_id = c->stmt_id;
            hc.try_part = 2;
            hc.handler = &hi;
            Buf types = {0};
            bool bare = true;
            TSNode block = {0};
            Kids kk;
            kids_open(&kk, ch);
            for (TSNode e; kids_next(&kk, &e);) {
                if (!ts_node_is_named(e))
                    continue;
                Kind ek = kind(e);
                if (ek == K_block) {
                    block = e;
                    continue;
                }
                if (ek == K_comment) {
                    visit_comment(p, e);
                    continue;
                }
                TSNode tnode = e, alias = {0};
                if (ek == K_as_pattern) {
                    tnode = ts_node_named_child(e, 0);
                    TSNode tgt = field(e, F_alias);
                    alias = kind(tgt) == K_as_pattern_target ? ts_node_named_child(tgt, 0) : tgt;
                }
                if (bare) {
                    bare = false;
                    set_text(p, &v[PH_C_handlers_types], tnode);
                    /* resolve each listed type */
                    TSNode list = kind(tnode) == K_parenthesized_expression ? ts_node_named_child(tnode, 0) : tnode;
                    if (kind(list) == K_tuple || kind(list) == K_expression_list) {
                        Kids kt;
                        kids_open(&kt, list);
                        for (TSNode t; kids_next(&kt, &t);)
                            if (ts_node_is_named(t))
                                add_type(p, c, &types, t);
                        kids_close(&kt);
                    } else {
                        add_type(p, c, &types, list);
                    }
                    visit_expr(p, c, tnode, role("other"));
                } else if (ts_node_is_null(alias)) {
                    alias = e;   /* old `except E, e` form */
                }
                if (!ts_node_is_null(alias) && kind(alias) == K_identifier) {
                    set_text(p, &v[PH_C_handlers_as_name], alias);
                    size_t al;
                    const char *as = text(p, alias, &al);
                    if (!c->at_module)
                        scope_bind(p, c->scope, as, al, B_OPAQUE, NULL);
                }
            }
            kids_close(&kk);
            buf_store(p, &types, ',', true, &v[PH_C_handlers_resolved_types]);
            set_bool(&v[PH_C_handlers_is_bare], bare);
            if (!ts_node_is_null(block))
                visit_block(p, &hc, block, c->stmt_id);
            set_bool(&v[PH_C_handlers_reraises], hi.reraises);
            set_bool(&v[PH_C_handlers_returns], hi.returns);
            set_bool(&v[PH_C_handlers_try_awaits], ti.awaits);
        } else if (ck == K_else_clause) {
            Ctx ec = *c;   /* in the try, in none of its parts: what its handlers do not catch */
            ec.try_id = c->stmt_id;
            ec.try_part = 0;
            visit_block(p, &ec, field(ch, F_body), c->stmt_id);
        } else if (ck == K_finally_clause) {
            Ctx fc = *c;
            fc.try_id = c->stmt_id;
            fc.try_part = 3;
            Kids kk;
            kids_open(&kk, ch);
            for (TSNode b; kids_next(&kk, &b);)
                if (kind(b) == K_block)
                    visit_block(p, &fc, b, c->stmt_id);
            kids_close(&kk);
        } else if (ck == K_comment) {
            visit_comment(p, ch);
        }
    }
    kids_close(&k);
}

NOINLINE static void visit_loop(Parser *p, Ctx *c, TSNode n, bool is_for) {
    int64_t id;
    bool is_async = is_for && text_is(p, ts_node_child(n, 0), "async");
    PhVal *v = loop_row(p, c, n, is_for ? (is_async ? "async_for" : "for") : "while", &id);
    set_bool(&v[PH_C_loops_is_async], is_async);
    ph_val_int(&v[PH_C_loops_stmt_id], c->stmt_id);
    if (is_async && c->fn)
        c->fn->has_await = true;
    if (is_async)
        mark_try_awaits(c);
    Ctx in = *c;
    in.loop_id = id;
    in.loop_depth = c->loop_depth + 1;
    LoopInfo li = {c->loop, v};
    in.loop = &li;
    if (is_for) {
        TSNode left = field(n, F_left), right = field(n, F_right);
        Value it = visit_expr(p, c, right, role("iter"));
        if (kind(right) == K_call)
            ph_val_id(&v[PH_C_loops_iter_call_id], it.call_id);
        loop_targets(p, &in, v, left, right);
        Role st = role("iter");
        st.store = true;
        visit_expr(p, &in, left, st);
        if (!ts_node_is_null(left))
            assign_target(p, &in, left, right, NOVALUE, "for", left, false);
    } else {
        TSNode cond = field(n, F_condition);
        set_text(p, &v[PH_C_loops_condition], cond);
        ph_val_int(&v[PH_C_loops_is_while_true], is_true(p, cond));
        ph_val_cstr(&v[PH_C_loops_targets], " ");
        visit_expr(p, &in, cond, role("cond"));
    }
    visit_body(p, &in, n, field(n, F_body), c->stmt_id);
    TSNode alt = field(n, F_alternative);
    if (!ts_node_is_null(alt))
        visit_block(p, c, field(alt, F_body), c->stmt_id);
}

NOINLINE static void visit_if(Parser *p, Ctx *c, TSNode n) {
    TSNode cond = field(n, F_condition);
    visit_expr(p, c, cond, role("cond"));
    Ctx in = *c;
    if (c->at_module && is_main_guard(p, cond))
        in.main_guard = true;
    visit_body(p, &in, n, field(n, F_consequence), c->stmt_id);
    Kids k;
    kids_open(&k, n);
    for (TSNode ch; kids_next(&k, &ch);) {
        if (kind(ch) == K_elif_clause) {
            visit_expr(p, c, field(ch, F_condition), role("cond"));
            visit_block(p, c, field(ch, F_consequence), c->stmt_id);
        } else if (kind(ch) == K_else_clause) {
            visit_block(p, c, field(ch, F_body), c->stmt_id);
        } else if (kind(ch) == K_comment) {
            visit_comment(p, ch);
        }
    }
    kids_close(&k);
}

static void mark_loop_exit(Ctx *c, bool all) {
    for (LoopInfo *l = c->loop; l; l = all ? l->parent : NULL)
        ph_val_int(&l->row[PH_C_loops_has_break], 1);
}

static void visit_stmt_node(Parser *p, Ctx *c, TSNode n, int64_t block_id, int idx, int64_t parent_stmt) {
    int64_t id;
    PhVal *v = row(p, PH_T_statements, &id);
    ph_val_id(&v[PH_C_statements_function_id], c->function_id);
    ph_val_cstr(&v[PH_C_statements_kind], is_statement(kind(n)) ? ts_node_type(n) : "ERROR");
    ph_val_id(&v[PH_C_statements_parent_id], parent_stmt);
    ph_val_int(&v[PH_C_statements_block_id], block_id);
    ph_val_int(&v[PH_C_statements_idx], idx);
    ph_val_id(&v[PH_C_statements_loop_id], c->loop_id);
    set_bool(&v[PH_C_statements_in_main_guard], c->main_guard);
    set_loc(p, v, PH_C_statements_line, n);
    Ctx sc = *c;
    sc.stmt_id = id;
    c = &sc;

    switch (kind(n)) {
    case K_expression_statement:
        visit_expr_list(p, c, n, role("discard"));
        break;
    case K_return_statement:
        if (c->handler)
            c->handler->returns = true;
        mark_loop_exit(c, true);
        visit_return_value(p, c, n, ts_node_named_child(n, 0), "return");
        break;
    case K_if_statement:
        visit_if(p, c, n);
        break;
    case K_for_statement:
        visit_loop(p, c, n, true);
        break;
    case K_while_statement:
        visit_loop(p, c, n, false);
        break;
    case K_try_statement:
        visit_try(p, c, n);
        break;
    case K_with_statement:
        visit_with(p, c, n);
        break;
    case K_function_definition:
        visit_function(p, c, n, (TSNode){0});
        break;
    case K_class_definition:
        visit_class(p, c, n, (TSNode){0});
        break;
    case K_decorated_definition: {
        TSNode def = field(n, F_definition);
        if (kind(def) == K_function_definition)
            visit_function(p, c, def, n);
        else if (kind(def) == K_class_definition)
            visit_class(p, c, def, n);
        break;
    }
    case K_import_statement:
    case K_import_from_statement:
    case K_future_import_statement:
        visit_import(p, c, n, true);
        break;
    case K_raise_statement:
        if (c->handler)
            c->handler->reraises = true;
        visit_expr_list(p, c, n, role("other"));
        break;
    case K_break_statement:
        if (c->handler)
            c->handler->returns = true;
        mark_loop_exit(c, false);
        break;
    case K_delete_statement: {
        Role d = role("other");
        d.del = true;
        visit_expr_list(p, c, n, d);
        break;
    }
    case K_global_statement:
    case K_nonlocal_statement: {
        /* the names declared: an assignment to them outlives the call */
        const char *how = kind(n) == K_global_statement ? "global" : "nonlocal";
        Kids k;
        kids_open(&k, n);
        for (TSNode ch; kids_next(&k, &ch);)
            if (kind(ch) == K_identifier) {
                size_t len;
                const char *s = text(p, ch, &len);
                name_row(p, c, ch, s, len, "declare", how, 0);
            }
        kids_close(&k);
        break;
    }
    case K_pass_statement:
    case K_continue_statement:
    case K_type_alias_statement:
        break;
    case K_match_statement: {
        visit_expr(p, c, field(n, F_subject), role("cond"));
        Kids k;
        kids_open(&k, n);
        for (TSNode ch; kids_next(&k, &ch);)
            if (kind(ch) == K_block) {
                Kids kc;
                kids_open(&kc, ch);
                for (TSNode cc; kids_next(&kc, &cc);)
                    if (kind(cc) == K_case_clause) {
                        TSNode body = field(cc, F_consequence);
                        visit_block(p, c, body, id);
                    }
                kids_close(&kc);
            }
        kids_close(&k);
        break;
    }
    case K_assert_statement:
    case K_print_statement:
    case K_exec_statement:
        visit_expr_list(p, c, n, role("other"));
        break;
    default:   /* a part of a statement, left in an ERROR node */
        visit_expr(p, c, n, role("other"));
        break;
    }
}

static void visit_stmt(Parser *p, Ctx *c, TSNode n, int64_t block_id, int idx, int64_t parent_stmt) {
    if (!enter(p, n))
        return;
    visit_stmt_node(p, c, n, block_id, idx, parent_stmt);
    leave(p);
}

/* The statements of n (a block, or an ERROR node), appended to block
 * block_id from *idx on. Statements tree-sitter wrapped in an ERROR node
 * (code it could not fit, sometimes a whole module) are taken as statements
 * of the same block; other nodes there become statements of kind 'ERROR'.
 * Returns how many statements came out of ERROR nodes. */
static int visit_stmts(Parser *p, Ctx *c, TSNode n, int64_t block_id, int *idx, int64_t parent_stmt) {
    int recovered = 0;
    bool in_error = kind(n) == K_ERROR;
    Kids k;
    kids_open(&k, n);
    for (TSNode s; kids_next(&k, &s);) {
        if (!ts_node_is_named(s))
            continue;
        Kind sk = kind(s);
        if (sk == K_comment) {
            visit_comment(p, s);
        } else if (sk == K_ERROR) {
            if (enter(p, s)) {
                recovered += visit_stmts(p, c, s, block_id, idx, parent_stmt);
                leave(p);
            }
        } else {
            recovered += in_error;
            visit_stmt(p, c, s, block_id, (*idx)++, parent_stmt);
        }
    }
    kids_close(&k);
    return recovered;
}

/* A body: the statements of `body`, and those of the ERROR children of
 * `owner` (the definition or compound statement it belongs to, or a null
 * node), in source order, as one block. tree-sitter puts statements it
 * could not fit there, sometimes with no body left at all. Returns how many
 * statements came out of ERROR nodes. */
static int visit_body(Parser *p, Ctx *c, TSNode owner, TSNode body, int64_t parent_stmt) {
    int64_t block_id = kind(body) == K_module ? ph_facts_first_id(p->f->file_id) : ph_facts_id(p->f);
    int idx = 0, recovered = 0;
    if (ts_node_is_null(owner) || !ts_node_has_error(owner)) {
        if (!ts_node_is_null(body))
            recovered = visit_stmts(p, c, body, block_id, &idx, parent_stmt);
        return recovered;
    }
    Kids k;
    kids_open(&k, owner);
    for (TSNode ch; kids_next(&k, &ch);)
        if (ts_node_eq(ch, body) || kind(ch) == K_ERROR)
            recovered += visit_stmts(p, c, ch, block_id, &idx, parent_stmt);
    kids_close(&k);
    return recovered;
}

static void visit_block(Parser *p, Ctx *c, TSNode block, int64_t parent_stmt) {
    visit_body(p, c, (TSNode){0}, block, parent_stmt);
}

/* A module-level binding of the names of target t to val. A name is known
 * to hold an instance only when every module-level binding of it agrees (the
 * evidence of "a unique module-level binding"); two that differ make it
 * unknown. A later plain assignment does not undo a def, class or import
 * (`try: import ujson as json` / `except: json = None`). */
static void prebind_targets(Parser *p, Ctx *c, TSNode t, Value val) {
    if (kind(t) != K_identifier) {
        if (!enter(p, t))
            return;
        Kids k;
        kids_open(&k, t);
        for (TSNode ch; kids_next(&k, &ch);)
            if (ts_node_is_named(ch) && kind(ch) != K_attribute && kind(ch) != K_subscript)
                prebind_targets(p, c, ch, NOVALUE);
        kids_close(&k);
        leave(p);
        return;
    }
    size_t len;
    const char *name = text(p, t, &len);
    Binding *b = scope_find(c->scope, name, len);
    bool instance = val.kind == B_INSTANCE && val.qual;
    if (!b)
        scope_bind(p, c->scope, name, len, instance ? B_INSTANCE : B_OPAQUE, instance ? val.qual : NULL);
    else if (b->kind == B_INSTANCE ? !instance || strcmp(b->qual, val.qual) != 0 : b->kind == B_ALIAS && instance)
        scope_bind(p, c->scope, name, len, B_OPAQUE, NULL);
}

/* Module-level names first: definitions, imports and constructed instances
 * anywhere in the module's top-level statements (including under if/try/with,
 * not inside functions or classes). */
static void prebind(Parser *p, Ctx *c, TSNode block) {
    if (!enter(p, block))
        return;
    Kids k;
    kids_open(&k, block);
    for (TSNode s; kids_next(&k, &s);) {
        Kind sk = kind(s);
        TSNode def = sk == K_decorated_definition ? field(s, F_definition) : s;
        Kind dk = kind(def);
        if (dk == K_function_definition || dk == K_class_definition) {
            size_t len;
            const char *name = text(p, field(def, F_name), &len);
            scope_bind(p, c->scope, name, len, B_ALIAS, qjoin(p, c->prefix, name, len));
        } else if (sk == K_import_statement || sk == K_import_from_statement) {
            visit_import(p, c, s, false);
        } else if (sk == K_expression_statement) {
            /* `a = b = T()`: every target */
            for (TSNode a = ts_node_named_child(s, 0); kind(a) == K_assignment; a = field(a, F_right)) {
                TSNode left = field(a, F_left), right = field(a, F_right), ann = field(a, F_type);
                Value val = kind(right) == K_call ? resolve(p, c, right) : NOVALUE;
                const char *generic, *atype = ts_node_is_null(ann) ? NULL : annotation_type(p, c, ann, &generic);
                if (atype)
                    val = (Value){B_INSTANCE, atype, 0, false};
                prebind_targets(p, c, left, kind(left) == K_identifier ? val : NOVALUE);
            }
        } else if (sk == K_for_statement) {
            prebind_targets(p, c, field(s, F_left), NOVALUE);
            prebind(p, c, s);
        } else if (sk == K_if_statement || sk == K_try_statement || sk == K_with_statement ||
                   sk == K_else_clause || sk == K_elif_clause || sk == K_except_clause ||
                   sk == K_finally_clause || sk == K_block || sk == K_ERROR) {
            prebind(p, c, s);
        }
    }
    kids_close(&k);
    leave(p);
}

#define TOO_DEEP "nested more than %d levels deep; file not extracted"

int ph_parse_file(TSParser *parser, PhFacts *f, const char *module, bool is_package) {
    ph_parse_init();
    Parser p;
    memset(&p, 0, sizeof p);
    p.f = f;
    p.module = module;
    p.is_package = is_package;
    ph_source_init(&p.src, f->source, f->source_len);
    long deep = ph_source_deep_brackets(f->source, f->source_len, PH_PARSE_MAX_DEPTH);
    if (deep >= 0) {
        ph_source_diag(&p.src, f->diags, PH_ERROR, f->path, (size_t)deep, TOO_DEEP, PH_PARSE_MAX_DEPTH);
        ph_source_fini(&p.src);
        return -1;
    }
    TSTree *tree = ts_parser_parse_string_encoding(parser, NULL, f->source, (uint32_t)f->source_len,
                                                   TSInputEncodingUTF8);
    if (!tree) {
        ph_diags_add(f->diags, PH_ERROR, f->path, 0, 0, 0, NULL, "tree-sitter could not parse the file");
        ph_source_fini(&p.src);
        return 1;
    }
    TSNode root = ts_tree_root_node(tree);
    Scope scope = {0};
    Ctx c;
    memset(&c, 0, sizeof c);
    c.scope = &scope;
    c.prefix = module;
    c.at_module = true;
    prebind(&p, &c, root);
    visit_block(&p, &c, root, 0);
    names_fini(&p);
    if (!p.failure && ts_node_has_error(root))
        find_errors(&p, root);
    if (p.failure) {
        if (strcmp(p.failure, "too many facts") == 0)
            ph_source_diag(&p.src, f->diags, PH_ERROR, f->path, ts_node_start_byte(p.failed_at),
                           "more than %lld facts in one file from here on; file not extracted",
                           (long long)PH_FACTS_PER_FILE);
        else
            ph_source_diag(&p.src, f->diags, PH_ERROR, f->path, ts_node_start_byte(p.failed_at), TOO_DEEP,
                           PH_PARSE_MAX_DEPTH);
    }
    scope_fini(&scope);
    ts_tree_delete(tree);
    ph_source_fini(&p.src);
    return p.failure ? -1 : p.errors;
}

int ph_parse_dump(TSParser *parser, const char *source, size_t len, const char *path, FILE *out, PhDiags *diags) {
    ph_parse_init();
    PhSource src;
    ph_source_init(&src, source, len);
    long deep = ph_source_deep_brackets(source, len, PH_PARSE_MAX_DEPTH);
    TSTree *tree = deep < 0 ? ts_parser_parse_string_encoding(parser, NULL, source, (uint32_t)len,
                                                              TSInputEncodingUTF8)
                            : NULL;
    int rc = 0;
    if (deep >= 0) {
        ph_source_diag(&src, diags, PH_ERROR, path, (size_t)deep, "nested more than %d levels deep; not shown",
                       PH_PARSE_MAX_DEPTH);
        rc = -1;
    } else if (!tree) {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "tree-sitter could not parse the file");
        rc = -1;
    }
    /* Pre-order over named (and missing) nodes with one cursor: any depth of
     * nesting, constant stack, and the indentation stops at the limit. */
    TSTreeCursor cur = ts_tree_cursor_new(tree ? ts_tree_root_node(tree) : (TSNode){0});
    for (int depth = 0; tree;) {
        TSNode n = ts_tree_cursor_current_node(&cur);
        bool shown = depth == 0 || ts_node_is_named(n) || ts_node_is_missing(n);
        if (shown && depth > PH_PARSE_MAX_DEPTH) {
            ph_source_diag(&src, diags, PH_ERROR, path, ts_node_start_byte(n),
                           "nested more than %d levels deep; the tree is not shown below this level",
                           PH_PARSE_MAX_DEPTH);
            rc = -1;
            break;
        }
        if (shown) {
            TSPoint a = ts_node_start_point(n), b = ts_node_end_point(n);
            PhPos s = ph_source_pos(&src, a.row, a.column), e = ph_source_pos(&src, b.row, b.column);
            const char *field_name = depth ? ts_tree_cursor_current_field_name(&cur) : NULL;
            fprintf(out, "%*s%s%s%s [%d:%d - %d:%d]\n", depth * 2, "", field_name ? field_name : "",
                    field_name ? ": " : "", ts_node_is_missing(n) ? "MISSING" : ts_node_type(n), s.line, s.col,
                    e.line, e.col);
        }
        if (shown && ts_tree_cursor_goto_first_child(&cur)) {
            depth++;
            continue;
        }
        while (depth > 0 && !ts_tree_cursor_goto_next_sibling(&cur)) {
            ts_tree_cursor_goto_parent(&cur);
            depth--;
        }
        if (depth == 0)
            break;
    }
    ts_tree_cursor_delete(&cur);
    if (tree)
        ts_tree_delete(tree);
    ph_source_fini(&src);
    return rc;
}
