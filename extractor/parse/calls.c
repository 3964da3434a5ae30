/*
 * calls: calls, awaits and returned values: the calls row (callee, receiver
 * and its type, resolution, context) with its call_args rows, the awaits
 * row, and the returns rows of return, yield and yield from.
 */
#include "parse/internal.h"

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
