/*
 * defs: definitions: functions, lambdas and classes (their rows, parameters,
 * decorators and bases), each with the scope and context its body is walked
 * in; receiver types of `self.x` calls bound at the end of the class.
 */
#include "parse/internal.h"

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
    in.cls = c->cls;
    in.self_name = is_method ? NULL : c->self_name;
    in.self_len = is_method ? 0 : c->self_len;
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
