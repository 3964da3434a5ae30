/*
 * scope: scopes and bindings: one open-addressed table of names per module,
 * class and function, qualified names built in the file's arena, and the
 * module's names bound before its body is walked (prebind).
 */
#include "parse/internal.h"

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

static Binding *lookup(Ctx *c, const char *name, size_t n) {
    for (Scope *s = c->scope; s; s = s->parent) {
        Binding *b = scope_find(s, name, n);
        if (b)
            return b;
    }
    return NULL;
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
