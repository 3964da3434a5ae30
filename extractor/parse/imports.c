/*
 * imports: imports: an imports row per name an import statement binds,
 * relative imports resolved against the file's module, and the binding of
 * each name.
 */
#include "parse/internal.h"

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
