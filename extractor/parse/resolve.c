/*
 * resolve: name resolution: what an expression denotes or holds as far as
 * the file tells (a module, a class, an instance of a type), and what an
 * annotation says a value is.
 */
#include "parse/internal.h"

/* Resolution looks this many levels into an expression (`a.b.c` is three)
 * and builds qualified names up to this many bytes: beyond, nothing is
 * known. Both keep the cost of resolving one node bounded, so that a long
 * chain `a.b.c...` costs linear time however it is nested. */
#define MAX_RESOLVE_DEPTH 32
#define MAX_QUAL 512

/* Attribute types that keep their receiver's type: `path.parent` is a Path. */
static bool keeps_type(const char *type, const char *attr, size_t n) {
    static const char *const path_attrs[] = {"parent", "with_name", "with_suffix", "with_stem", "resolve",
                                             "absolute", "expanduser", "joinpath", "home", "cwd", NULL};
    if (strcmp(type, "pathlib.Path") != 0 && strcmp(type, "pathlib.PurePath") != 0)
        return false;
    for (int i = 0; path_attrs[i]; i++)
        if (strlen(path_attrs[i]) == n && memcmp(path_attrs[i], attr, n) == 0)
            return true;
    return false;
}

static Value resolve_attribute(Parser *p, Ctx *c, TSNode n, int depth) {
    TSNode obj = field(n, F_object), attr = field(n, F_attribute);
    size_t alen;
    const char *a = text(p, attr, &alen);
    Value o = resolve_in(p, c, obj, depth + 1);
    Value v = NOVALUE;
    if (!o.qual || o.member || strlen(o.qual) + alen + 1 > MAX_QUAL)
        return v;
    if (o.kind == B_ALIAS) {
        v.kind = B_ALIAS;
        v.qual = member_of(p, o.qual, a, alen);
    } else if (o.kind == B_INSTANCE) {
        if (keeps_type(o.qual, a, alen))
            return (Value){B_INSTANCE, o.qual, 0, false};
        /* An attribute of an instance of a class of this file with a known type */
        if (c->cls && strcmp(o.qual, c->cls->qual) == 0) {
            Binding *b = scope_find(&c->cls->attrs, a, alen);
            if (b)
                return (Value){B_INSTANCE, b->qual, 0, false};
        }
        v.kind = B_ALIAS;
        v.qual = qjoin(p, o.qual, a, alen);
        v.member = true;
    }
    return v;
}

/* What `n` denotes or holds, as far as this file tells. */
static Value resolve_in(Parser *p, Ctx *c, TSNode n, int depth) {
    if (depth > MAX_RESOLVE_DEPTH)
        return NOVALUE;
    switch (kind(n)) {
    case K_identifier: {
        size_t len;
        const char *s = text(p, n, &len);
        Binding *b = lookup(c, s, len);
        if (!b)
            return len <= MAX_QUAL ? (Value){B_ALIAS, qdup(p, s, len), 0, false} : NOVALUE; /* builtin or global */
        if (b->kind == B_OPAQUE)
            return NOVALUE;
        return (Value){b->kind, b->qual, 0, false};
    }
    case K_attribute:
        return resolve_attribute(p, c, n, depth);
    case K_call: {
        Value f = resolve_in(p, c, field(n, F_function), depth + 1);
        if (!f.qual || f.kind != B_ALIAS || f.member)
            return NOVALUE;
        return (Value){B_INSTANCE, f.qual, 0, false};
    }
    case K_await:
    case K_parenthesized_expression: {
        TSNode inner = sole_named_child(n);
        return ts_node_is_null(inner) ? NOVALUE : resolve_in(p, c, inner, depth + 1);
    }
    case K_binary_operator: {
        Value l = resolve_in(p, c, field(n, F_left), depth + 1);
        if (l.kind == B_INSTANCE && l.qual && keeps_type(l.qual, "parent", 6) &&
            text_is(p, field(n, F_operator), "/"))
            return l;
        return NOVALUE;
    }
    default:
        return NOVALUE;
    }
}

static Value resolve(Parser *p, Ctx *c, TSNode n) { return resolve_in(p, c, n, 0); }

/* Qualified name of a dotted name (`Path`, `httpx.Client`), or NULL. */
static const char *resolve_name(Parser *p, Ctx *c, TSNode n) {
    Value v = kind(n) == K_identifier || kind(n) == K_attribute ? resolve(p, c, n) : NOVALUE;
    return v.kind == B_ALIAS && v.qual && !v.member ? v.qual : NULL;
}

/* Is q typing.NAME or typing_extensions.NAME? */
static bool is_typing(const char *q, const char *name) {
    const char *rest = !q                                    ? NULL
                       : ph_str_starts(q, "typing.")            ? q + 7
                       : ph_str_starts(q, "typing_extensions.") ? q + 18
                                                                : NULL;
    return rest && strcmp(rest, name) == 0;
}

/* The qualified name a string annotation names (`"Client"`,
 * `"http.Client"`): its first name looked up as an identifier would be. */
static const char *resolve_string_name(Parser *p, Ctx *c, TSNode str) {
    TSNode content = ts_node_named_child(str, 1);   /* string_start, string_content, string_end */
    if (ts_node_named_child_count(str) != 3 || kind(content) != K_string_content)
        return NULL;
    size_t n;
    const char *t = text(p, content, &n);
    size_t first = 0;
    while (first < n && t[first] != '.')
        first++;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)t[i]) || t[i] == '_' || (t[i] == '.' && i && i + 1 < n)))
            return NULL;
    if (!first || n > MAX_QUAL)
        return NULL;
    Binding *b = lookup(c, t, first);
    const char *head = !b ? qdup(p, t, first) : b->kind == B_ALIAS ? b->qual : NULL;
    if (!head)
        return NULL;
    return first == n ? head : qjoin(p, head, t + first + 1, n - first - 1);
}

/* What an annotation says a value is: the qualified name of T for `T`,
 * `"T"`, `Optional[T]`, `Union[T, None]` (from typing or
 * typing_extensions), `T | None` and `None | T`, or NULL. Another generic
 * annotation (`List[int]`, `dict[str, T]`) says what kind of container the
 * value is: *generic gets the qualified name of its head, and NULL is
 * returned. */
static const char *annotation_type(Parser *p, Ctx *c, TSNode ann, const char **generic) {
    *generic = NULL;
    for (int hops = 0; hops < 8 && !ts_node_is_null(ann); hops++) {
        switch (kind(ann)) {
        case K_type:
        case K_parenthesized_expression:
            ann = ts_node_named_child(ann, 0);
            break;
        case K_binary_operator: {
            TSNode l = field(ann, F_left), r = field(ann, F_right);
            if (!text_is(p, field(ann, F_operator), "|") || (kind(l) == K_none) == (kind(r) == K_none))
                return NULL;
            ann = kind(l) == K_none ? r : l;
            break;
        }
        case K_subscript:       /* typing.Optional[T] */
        case K_generic_type: {  /* Optional[T] */
            bool sub = kind(ann) == K_subscript;
            TSNode head_node = sub ? field(ann, F_value) : ts_node_named_child(ann, 0);
            const char *head = resolve_name(p, c, head_node);
            TSNode only = {0};
            int n = 0;
            Kids k;
            kids_open(&k, sub ? ann : ts_node_named_child(ann, 1));
            for (TSNode ch; kids_next(&k, &ch);) {
                TSNode t = kind(ch) == K_type ? ts_node_named_child(ch, 0) : ch;
                if (ts_node_is_named(ch) && !ts_node_eq(ch, head_node) && kind(ch) != K_comment && kind(t) != K_none) {
                    only = ch;
                    n++;
                }
            }
            kids_close(&k);
            if (!(is_typing(head, "Optional") || is_typing(head, "Union")) || n != 1) {
                *generic = head;
                return NULL;
            }
            ann = only;
            break;
        }
        case K_string:
            return resolve_string_name(p, c, ann);
        default:
            return resolve_name(p, c, ann);
        }
    }
    return NULL;
}
