/*
 * tree: the tree as the walk reads it: node kinds mapped once from
 * tree-sitter's symbols, children through a cursor, the depth guard every
 * recursive step passes, node text and positions, and the rows and list
 * columns facts are written as.
 */
#include "parse/internal.h"

const TSLanguage *ph_parse_language(void) { return tree_sitter_python(); }

void ph_parse_init(void) {
    if (kind_of)
        return;
    const TSLanguage *L = ph_parse_language();
    static const char *names[] = {"",
#define KIND_NAME(k) #k,
                                  KINDS(KIND_NAME)
#undef KIND_NAME
    };
    nsymbols = ts_language_symbol_count(L);
    uint8_t *t = ph_xcalloc(nsymbols, 1);
    for (uint32_t s = 0; s < nsymbols; s++) {
        const char *n = ts_language_symbol_name(L, (TSSymbol)s);
        bool named = ts_language_symbol_type(L, (TSSymbol)s) == TSSymbolTypeRegular;
        if (!n)
            continue;
        if (strcmp(n, "ERROR") == 0) {
            t[s] = K_ERROR;
            continue;
        }
        if (!named)
            continue;
        for (int k = 1; k < K_COUNT; k++)
            if (strcmp(n, names[k]) == 0) {
                t[s] = (uint8_t)k;
                break;
            }
    }
#define FIELD(f) F_##f = ts_language_field_id_for_name(L, #f, (uint32_t)strlen(#f));
    FIELD(function) FIELD(arguments) FIELD(object) FIELD(attribute) FIELD(name) FIELD(value)
    FIELD(left) FIELD(right) FIELD(body) FIELD(condition) FIELD(consequence) FIELD(alternative)
    FIELD(parameters) FIELD(superclasses) FIELD(type) FIELD(module_name) FIELD(alias)
    FIELD(definition) FIELD(operator) FIELD(subject) FIELD(return_type)
#undef FIELD
    kind_of = t;
}

static Kind kind(TSNode n) {
    if (ts_node_is_null(n))
        return K_OTHER;
    TSSymbol s = ts_node_symbol(n);
    if (s < nsymbols)
        return (Kind)kind_of[s];
    return ts_node_is_error(n) ? K_ERROR : K_OTHER;   /* tree-sitter's builtin error symbol */
}

static void kids_open(Kids *k, TSNode n) {
    k->c = ts_tree_cursor_new(n);
    k->more = ts_tree_cursor_goto_first_child(&k->c);
}

static bool kids_next(Kids *k, TSNode *out) {
    if (!k->more)
        return false;
    *out = ts_tree_cursor_current_node(&k->c);
    k->more = ts_tree_cursor_goto_next_sibling(&k->c);
    return true;
}

static void kids_close(Kids *k) { ts_tree_cursor_delete(&k->c); }

static TSNode field(TSNode n, TSFieldId f) { return ts_node_child_by_field_id(n, f); }

/* The one named child of n that is not a comment (`(list  # c\n)` holds
 * list and a comment), or a null node when there are none or several. */
static TSNode sole_named_child(TSNode n) {
    TSNode only = {0};
    uint32_t count = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode ch = ts_node_named_child(n, i);
        if (kind(ch) == K_comment)
            continue;
        if (!ts_node_is_null(only))
            return (TSNode){0};
        only = ch;
    }
    return only;
}

/* `(expr)` -> expr, through any number of parentheses and the comments
 * inside them. */
static TSNode unparenthesized(TSNode n) {
    while (!ts_node_is_null(n) && kind(n) == K_parenthesized_expression) {
        TSNode inner = sole_named_child(n);
        if (ts_node_is_null(inner))
            break;
        n = inner;
    }
    return n;
}

static void nodes_init(Nodes *s) {
    s->v = s->local;
    s->len = 0;
    s->cap = sizeof s->local / sizeof s->local[0];
}

static void nodes_push(Nodes *s, TSNode n) {
    if (s->len == s->cap) {
        TSNode *bigger = ph_xmalloc(2 * s->cap * sizeof *bigger);
        memcpy(bigger, s->v, s->len * sizeof *bigger);
        if (s->v != s->local)
            free(s->v);
        s->v = bigger;
        s->cap *= 2;
    }
    s->v[s->len++] = n;
}

static void nodes_fini(Nodes *s) {
    if (s->v != s->local)
        free(s->v);
}

/* The grammar's statements (its _simple_statement and _compound_statement). */
static bool is_statement(Kind k) {
    switch (k) {
    case K_expression_statement: case K_return_statement: case K_if_statement: case K_for_statement:
    case K_while_statement: case K_try_statement: case K_with_statement: case K_function_definition:
    case K_class_definition: case K_decorated_definition: case K_import_statement:
    case K_import_from_statement: case K_future_import_statement: case K_raise_statement:
    case K_break_statement: case K_continue_statement: case K_pass_statement: case K_delete_statement:
    case K_global_statement: case K_nonlocal_statement: case K_match_statement:
    case K_type_alias_statement: case K_assert_statement: case K_print_statement: case K_exec_statement:
        return true;
    default:
        return false;
    }
}

/* Every recursive step of the walk goes through enter() and leave(): past
 * PH_PARSE_MAX_DEPTH levels, or once the file has more facts than its id
 * range holds, the file fails (ph_parse_file reports where) and the walk
 * unwinds without looking further. This bounds the stack whatever the input. */
static bool enter(Parser *p, TSNode n) {
    if (p->failure)
        return false;
    if (p->depth >= PH_PARSE_MAX_DEPTH)
        p->failure = "nested too deeply";
    else if (ph_facts_overflowed(p->f))
        p->failure = "too many facts";
    if (p->failure) {
        p->failed_at = n;
        return false;
    }
    p->depth++;
    return true;
}

static void leave(Parser *p) { p->depth--; }

static const char *text(Parser *p, TSNode n, size_t *len) {
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    if (b > p->f->source_len)
        b = (uint32_t)p->f->source_len;
    if (a > b)
        a = b;
    *len = b - a;
    return p->f->source + a;
}

/* Text cut at MAX_TEXT bytes, on a character boundary. */
static void set_text(Parser *p, PhVal *v, TSNode n) {
    size_t len;
    const char *s = text(p, n, &len);
    if (len > MAX_TEXT) {
        len = MAX_TEXT;
        while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    ph_val_text(v, s, len);
}

static bool text_is(Parser *p, TSNode n, const char *s) {
    size_t len;
    const char *t = text(p, n, &len);
    return len == strlen(s) && memcmp(t, s, len) == 0;
}

static void set_loc(Parser *p, PhVal *v, int first, TSNode n) {
    TSPoint a = ts_node_start_point(n), b = ts_node_end_point(n);
    PhPos s = ph_source_pos(&p->src, a.row, a.column), e = ph_source_pos(&p->src, b.row, b.column);
    ph_val_int(&v[first], s.line);
    ph_val_int(&v[first + 1], s.col);
    ph_val_int(&v[first + 2], e.line);
    ph_val_int(&v[first + 3], e.col);
}

static PhVal *row(Parser *p, PhTable t, int64_t *id_out) {
    PhVal *v = ph_facts_row(p->f, t);
    int64_t id = ph_facts_id(p->f);
    ph_val_int(&v[0], id);          /* every table: id first, file_id second */
    ph_val_int(&v[1], p->f->file_id);
    if (id_out)
        *id_out = id;
    return v;
}

static void set_bool(PhVal *v, bool b) { ph_val_int(v, b ? 1 : 0); }

static void buf_add(Buf *b, char sep, const char *s, size_t n) {
    if (b->len + n + 3 > b->cap) {
        b->cap = (b->len + n + 3) * 2;
        b->s = ph_xrealloc(b->s, b->cap);
    }
    b->s[b->len++] = sep;
    memcpy(b->s + b->len, s, n);
    b->len += n;
}

/* Store the list as ' a b ' (or ',a,b,'; '' when empty with `empty`) in v,
 * and free it. */
static void buf_store(Parser *p, Buf *b, char sep, bool empty, PhVal *v) {
    if (!b->len && empty) {
        ph_val_text(v, "", 0);
        return;
    }
    char *t = ph_arena_alloc(p->f->arena, b->len + 2);
    if (b->len)
        memcpy(t, b->s, b->len);
    t[b->len] = sep;
    ph_val_text(v, t, b->len + 1);
    free(b->s);
}
