/*
 * assign: assignments: one assignments row per target (tuples expanded),
 * chains `a = b = v` walked flat, and the bindings an assignment makes (a
 * name or `self.x` to the value's type).
 */
#include "parse/internal.h"

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

/* The named children of a tuple-like node, comments left out, into out[]
 * (at most max); -1 when there are more, or when one is starred. */
static int tuple_items(TSNode n, TSNode *out, int max) {
    int count = 0;
    Kids k;
    kids_open(&k, n);
    for (TSNode ch; kids_next(&k, &ch);) {
        if (!ts_node_is_named(ch) || kind(ch) == K_comment)
            continue;
        if (count == max || kind(ch) == K_list_splat || kind(ch) == K_list_splat_pattern) {
            count = -1;
            break;
        }
        out[count++] = ch;
    }
    kids_close(&k);
    return count;
}

/* `a, b = Path(x), Path(y)`: each name of the target takes the type of the
 * value at its place, when both sides have the same number of items and
 * none is starred. The assignments rows stay those of an unpacking; only
 * the bindings gain. All values are resolved before any name is bound, as
 * Python evaluates the right side first (`a, b = b, a`). */
static void bind_unpacked(Parser *p, Ctx *c, TSNode left, TSNode right) {
    enum { MAX_ITEMS = 16 };
    TSNode l[MAX_ITEMS], r[MAX_ITEMS];
    Kind rk = kind(right);
    if (c->at_module || !(rk == K_expression_list || rk == K_tuple))
        return;
    int n = tuple_items(left, l, MAX_ITEMS);
    if (n <= 0 || tuple_items(right, r, MAX_ITEMS) != n)
        return;
    Value v[MAX_ITEMS];
    for (int i = 0; i < n; i++)
        v[i] = kind(r[i]) == K_call ? resolve(p, c, r[i]) : NOVALUE;
    for (int i = 0; i < n; i++)
        if (kind(l[i]) == K_identifier && v[i].kind == B_INSTANCE && v[i].qual) {
            size_t len;
            const char *s = text(p, l[i], &len);
            scope_bind(p, c->scope, s, len, B_INSTANCE, v[i].qual);
        }
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
        /* only these say what the value is */
        if (!(kind(right) == K_call || kind(right) == K_await || kind(right) == K_identifier ||
              kind(right) == K_attribute || kind(right) == K_binary_operator))
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
    if (!single && kind(n) == K_assignment && !ts_node_is_null(right))
        bind_unpacked(p, c, left, right);
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
