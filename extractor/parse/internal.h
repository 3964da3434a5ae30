/*
 * parse/internal.h: what the files of the walk share (parse.c gathers them
 * into one translation unit, as tree-sitter's lib.c does, so every function
 * stays static): node kinds and field ids, the walker's state (Parser for
 * the file, Ctx for the statement and expression being visited, Role for
 * what an expression is to its parent, Value for what is known of it), and
 * the functions one file of the walk calls in another, by the file that
 * defines them.
 */
#ifndef PH_PARSE_INTERNAL_H
#define PH_PARSE_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* memmem */
#endif
#include "parse.h"
#include "source.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---------------------------------------------------------------------------
 * Node kinds: tree-sitter symbols mapped once to a small enum, so dispatch is
 * a switch and not string comparisons.
 */

#define KINDS(X) X(module) X(block) X(comment) X(identifier) X(attribute) X(call) \
    X(keyword_argument) X(list_splat) X(dictionary_splat) X(await) \
    X(expression_statement) X(assignment) X(augmented_assignment) X(named_expression) \
    X(return_statement) X(if_statement) X(elif_clause) X(else_clause) X(for_statement) \
    X(while_statement) X(try_statement) X(except_clause) X(except_group_clause) X(finally_clause) \
    X(with_statement) X(with_clause) X(with_item) X(as_pattern) X(as_pattern_target) \
    X(function_definition) X(class_definition) X(decorated_definition) X(decorator) \
    X(lambda) X(typed_parameter) X(default_parameter) \
    X(typed_default_parameter) X(list_splat_pattern) X(dictionary_splat_pattern) \
    X(import_statement) X(import_from_statement) X(future_import_statement) X(aliased_import) \
    X(dotted_name) X(relative_import) X(import_prefix) X(wildcard_import) X(raise_statement) \
    X(break_statement) X(continue_statement) X(pass_statement) X(delete_statement) \
    X(global_statement) X(nonlocal_statement) X(list_comprehension) X(set_comprehension) \
    X(dictionary_comprehension) X(generator_expression) X(for_in_clause) \
    X(yield) X(string) X(interpolation) X(parenthesized_expression) X(conditional_expression) \
    X(pattern_list) X(tuple_pattern) X(list_pattern) X(tuple) X(expression_list) X(list) \
    X(subscript) X(binary_operator) X(comparison_operator) X(true) X(integer) X(ellipsis) \
    X(match_statement) X(case_clause) X(type) X(ERROR) \
    X(boolean_operator) X(concatenated_string) X(type_alias_statement) \
    X(assert_statement) X(print_statement) X(exec_statement) X(none) \
    X(generic_type) X(string_content)

#define KIND_ENUM(k) K_##k,
typedef enum { K_OTHER = 0, KINDS(KIND_ENUM) K_COUNT } Kind;
#undef KIND_ENUM

static uint8_t *kind_of;       /* symbol -> Kind */
static uint32_t nsymbols;
static TSFieldId F_function, F_arguments, F_object, F_attribute, F_name, F_value, F_left, F_right,
    F_body, F_condition, F_consequence, F_alternative, F_parameters, F_superclasses, F_type,
    F_module_name, F_alias, F_definition, F_operator, F_subject, F_return_type;

/* Children through a cursor: ts_node_child(i) walks from the first child
 * each time, which is quadratic over a long block. */
typedef struct Kids {
    TSTreeCursor c;
    bool more;
} Kids;

/* A list of nodes, in place while short: the spine of a chain walked
 * without recursion. */
typedef struct Nodes {
    TSNode *v;
    size_t len, cap;
    TSNode local[8];
} Nodes;

/* The walk recurses through visit_expr and visit_stmt; the helpers they
 * dispatch to keep their large locals out of that recursion's frames. */
#define NOINLINE __attribute__((noinline))

/* ---------------------------------------------------------------------------
 * The walker's state.
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

#define MAX_TEXT 200

/* ---------------------------------------------------------------------------
 * Across the files of the walk.
 */

const TSLanguage *tree_sitter_python(void);

/* tree.c */
static Kind kind(TSNode n);
static void kids_open(Kids *k, TSNode n);
static bool kids_next(Kids *k, TSNode *out);
static void kids_close(Kids *k);
static TSNode field(TSNode n, TSFieldId f);
static TSNode sole_named_child(TSNode n);
static TSNode unparenthesized(TSNode n);
static void nodes_init(Nodes *s);
static void nodes_push(Nodes *s, TSNode n);
static void nodes_fini(Nodes *s);
static bool is_statement(Kind k);
static bool enter(Parser *p, TSNode n);
static void leave(Parser *p);
static const char *text(Parser *p, TSNode n, size_t *len);
static void set_text(Parser *p, PhVal *v, TSNode n);
static bool text_is(Parser *p, TSNode n, const char *s);
static void set_loc(Parser *p, PhVal *v, int first, TSNode n);
static PhVal *row(Parser *p, PhTable t, int64_t *id_out);
static void set_bool(PhVal *v, bool b);
static void buf_add(Buf *b, char sep, const char *s, size_t n);
static void buf_store(Parser *p, Buf *b, char sep, bool empty, PhVal *v);

/* scope.c */
static Binding *scope_find(Scope *s, const char *name, size_t n);
static void scope_bind(Parser *p, Scope *s, const char *name, size_t n, BindKind kind, const char *qual);
static void scope_fini(Scope *s);
static const char *qjoin(Parser *p, const char *a, const char *b, size_t blen);
static const char *qdup(Parser *p, const char *s, size_t n);
static const char *member_of(Parser *p, const char *of, const char *name, size_t n);
static Binding *lookup(Ctx *c, const char *name, size_t n);

/* resolve.c */
static Value resolve_attribute(Parser *p, Ctx *c, TSNode n, int depth);
static Value resolve_in(Parser *p, Ctx *c, TSNode n, int depth);
static Value resolve(Parser *p, Ctx *c, TSNode n);
static const char *annotation_type(Parser *p, Ctx *c, TSNode ann, const char **generic);

/* expr.c */
static Role role(const char *use);
static Value visit_expr(Parser *p, Ctx *c, TSNode n, Role r);
static void visit_expr_list(Parser *p, Ctx *c, TSNode n, Role r);

/* names.c */
static void sink_open(Parser *p, Ctx *c, Sink *s);
static void sink_close(Parser *p, Ctx *c, Sink *s, PhVal *v);
static void name_row(Parser *p, Ctx *c, TSNode n, const char *s, size_t len, const char *ctx,
                     const char *role_name, int64_t call_id);
static const char *role_name(const Role *r);
static void visit_identifier(Parser *p, Ctx *c, TSNode n, Role r);

/* calls.c */
static void visit_call(Parser *p, Ctx *c, TSNode n, Role r, Value *out);
static void visit_await(Parser *p, Ctx *c, TSNode n, Role r, Value *out);
static void visit_return_value(Parser *p, Ctx *c, TSNode n, TSNode value, const char *k);

/* assign.c */
static void bind_targets(Parser *p, Ctx *c, TSNode n);
static void assign_target(Parser *p, Ctx *c, TSNode t, TSNode value, Value val, const char *op,
                          TSNode stmt_node, bool single);
static void visit_assignment(Parser *p, Ctx *c, TSNode n, Role outer);

/* loops.c */
static void visit_comprehension(Parser *p, Ctx *c, TSNode n);
static void visit_loop(Parser *p, Ctx *c, TSNode n, bool is_for);
static void mark_loop_exit(Ctx *c, bool all);

/* compound.c */
static void visit_if(Parser *p, Ctx *c, TSNode n);
static void visit_with(Parser *p, Ctx *c, TSNode n);
static void mark_try_awaits(Ctx *c);
static void visit_try(Parser *p, Ctx *c, TSNode n);

/* defs.c */
static void visit_function(Parser *p, Ctx *c, TSNode n, TSNode decorated);
static Value visit_lambda(Parser *p, Ctx *c, TSNode n);
static void visit_class(Parser *p, Ctx *c, TSNode n, TSNode decorated);

/* imports.c */
static void visit_import(Parser *p, Ctx *c, TSNode n, bool emit);

/* stmt.c */
static int visit_body(Parser *p, Ctx *c, TSNode owner, TSNode body, int64_t parent_stmt);
static void visit_block(Parser *p, Ctx *c, TSNode block, int64_t parent_stmt);

/* comments.c */
static void visit_comment(Parser *p, TSNode n);

/* errors.c */
static bool is_format_walrus(TSNode n);

#endif
