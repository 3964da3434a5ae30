/*
 * expr: expressions: the role each expression plays for its parent, and the
 * dispatch over expression kinds (operators, subscripts, strings and
 * f-string interpolations, lambdas, comprehensions, yields).
 */
#include "parse/internal.h"

static Role role(const char *use) {
    Role r;
    memset(&r, 0, sizeof r);
    r.use = use;
    return r;
}

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
