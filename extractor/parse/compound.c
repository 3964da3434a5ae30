/*
 * compound: the compound statements whose parts give their statements a
 * context: if (the `__main__` guard), with (withs rows and the names they
 * bind) and try (handlers rows, the part of the try a call is in, whether
 * its body awaits).
 */
#include "parse/internal.h"

static bool is_main_guard(Parser *p, TSNode cond) {
    if (kind(cond) != K_comparison_operator)
        return false;
    size_t len;
    const char *t = text(p, cond, &len);
    return len < 80 && memmem(t, len, "__name__", 8) && memmem(t, len, "__main__", 8);
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

/* An await at this point: every try whose body holds it awaits. */
static void mark_try_awaits(Ctx *c) {
    for (TryInfo *t = c->try_info; t; t = t->outer)
        t->awaits = true;
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
