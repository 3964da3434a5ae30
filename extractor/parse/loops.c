/*
 * loops: loops: for, async for and while statements and comprehensions, each
 * a loops row with its targets and iterable; break and return mark the loops
 * they leave.
 */
#include "parse/internal.h"

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

static bool is_true(Parser *p, TSNode cond) {
    Kind k = kind(cond);
    return k == K_true || (k == K_integer && !text_is(p, cond, "0"));
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

static void mark_loop_exit(Ctx *c, bool all) {
    for (LoopInfo *l = c->loop; l; l = all ? l->parent : NULL)
        ph_val_int(&l->row[PH_C_loops_has_break], 1);
}
