/*
 * names: names: the names rows (every identifier read, written, deleted or
 * declared) and the sinks that gather, for an argument, an awaited or a
 * returned value, the identifiers it reads.
 */
#include "parse/internal.h"

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
