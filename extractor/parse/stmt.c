/*
 * stmt: statements and blocks: the statements row of every statement and the
 * dispatch over statement kinds; blocks, with the statements tree-sitter
 * wrapped in ERROR nodes taken as statements of the block they stand in.
 */
#include "parse/internal.h"

static void visit_stmt_node(Parser *p, Ctx *c, TSNode n, int64_t block_id, int idx, int64_t parent_stmt) {
    int64_t id;
    PhVal *v = row(p, PH_T_statements, &id);
    ph_val_id(&v[PH_C_statements_function_id], c->function_id);
    ph_val_cstr(&v[PH_C_statements_kind], is_statement(kind(n)) ? ts_node_type(n) : "ERROR");
    ph_val_id(&v[PH_C_statements_parent_id], parent_stmt);
    ph_val_int(&v[PH_C_statements_block_id], block_id);
    ph_val_int(&v[PH_C_statements_idx], idx);
    ph_val_id(&v[PH_C_statements_loop_id], c->loop_id);
    set_bool(&v[PH_C_statements_in_main_guard], c->main_guard);
    set_loc(p, v, PH_C_statements_line, n);
    Ctx sc = *c;
    sc.stmt_id = id;
    c = &sc;

    switch (kind(n)) {
    case K_expression_statement:
        visit_expr_list(p, c, n, role("discard"));
        break;
    case K_return_statement:
        if (c->handler)
            c->handler->returns = true;
        mark_loop_exit(c, true);
        visit_return_value(p, c, n, ts_node_named_child(n, 0), "return");
        break;
    case K_if_statement:
        visit_if(p, c, n);
        break;
    case K_for_statement:
        visit_loop(p, c, n, true);
        break;
    case K_while_statement:
        visit_loop(p, c, n, false);
        break;
    case K_try_statement:
        visit_try(p, c, n);
        break;
    case K_with_statement:
        visit_with(p, c, n);
        break;
    case K_function_definition:
        visit_function(p, c, n, (TSNode){0});
        break;
    case K_class_definition:
        visit_class(p, c, n, (TSNode){0});
        break;
    case K_decorated_definition: {
        TSNode def = field(n, F_definition);
        if (kind(def) == K_function_definition)
            visit_function(p, c, def, n);
        else if (kind(def) == K_class_definition)
            visit_class(p, c, def, n);
        break;
    }
    case K_import_statement:
    case K_import_from_statement:
    case K_future_import_statement:
        visit_import(p, c, n, true);
        break;
    case K_raise_statement:
        if (c->handler)
            c->handler->reraises = true;
        visit_expr_list(p, c, n, role("other"));
        break;
    case K_break_statement:
        if (c->handler)
            c->handler->returns = true;
        mark_loop_exit(c, false);
        break;
    case K_delete_statement: {
        Role d = role("other");
        d.del = true;
        visit_expr_list(p, c, n, d);
        break;
    }
    case K_global_statement:
    case K_nonlocal_statement: {
        /* the names declared: an assignment to them outlives the call */
        const char *how = kind(n) == K_global_statement ? "global" : "nonlocal";
        Kids k;
        kids_open(&k, n);
        for (TSNode ch; kids_next(&k, &ch);)
            if (kind(ch) == K_identifier) {
                size_t len;
                const char *s = text(p, ch, &len);
                name_row(p, c, ch, s, len, "declare", how, 0);
            }
        kids_close(&k);
        break;
    }
    case K_pass_statement:
    case K_continue_statement:
    case K_type_alias_statement:
        break;
    case K_match_statement: {
        visit_expr(p, c, field(n, F_subject), role("cond"));
        Kids k;
        kids_open(&k, n);
        for (TSNode ch; kids_next(&k, &ch);)
            if (kind(ch) == K_block) {
                Kids kc;
                kids_open(&kc, ch);
                for (TSNode cc; kids_next(&kc, &cc);)
                    if (kind(cc) == K_case_clause) {
                        TSNode body = field(cc, F_consequence);
                        visit_block(p, c, body, id);
                    }
                kids_close(&kc);
            }
        kids_close(&k);
        break;
    }
    case K_assert_statement:
    case K_print_statement:
    case K_exec_statement:
        visit_expr_list(p, c, n, role("other"));
        break;
    default:   /* a part of a statement, left in an ERROR node */
        visit_expr(p, c, n, role("other"));
        break;
    }
}

static void visit_stmt(Parser *p, Ctx *c, TSNode n, int64_t block_id, int idx, int64_t parent_stmt) {
    if (!enter(p, n))
        return;
    visit_stmt_node(p, c, n, block_id, idx, parent_stmt);
    leave(p);
}

/* The statements of n (a block, or an ERROR node), appended to block
 * block_id from *idx on. Statements tree-sitter wrapped in an ERROR node
 * (code it could not fit, sometimes a whole module) are taken as statements
 * of the same block; other nodes there become statements of kind 'ERROR'.
 * Returns how many statements came out of ERROR nodes. */
static int visit_stmts(Parser *p, Ctx *c, TSNode n, int64_t block_id, int *idx, int64_t parent_stmt) {
    int recovered = 0;
    bool in_error = kind(n) == K_ERROR;
    Kids k;
    kids_open(&k, n);
    for (TSNode s; kids_next(&k, &s);) {
        if (!ts_node_is_named(s))
            continue;
        Kind sk = kind(s);
        if (sk == K_comment) {
            visit_comment(p, s);
        } else if (sk == K_ERROR) {
            if (enter(p, s)) {
                recovered += visit_stmts(p, c, s, block_id, idx, parent_stmt);
                leave(p);
            }
        } else {
            recovered += in_error;
            visit_stmt(p, c, s, block_id, (*idx)++, parent_stmt);
        }
    }
    kids_close(&k);
    return recovered;
}

/* A body: the statements of `body`, and those of the ERROR children of
 * `owner` (the definition or compound statement it belongs to, or a null
 * node), in source order, as one block. tree-sitter puts statements it
 * could not fit there, sometimes with no body left at all. Returns how many
 * statements came out of ERROR nodes. */
static int visit_body(Parser *p, Ctx *c, TSNode owner, TSNode body, int64_t parent_stmt) {
    int64_t block_id = kind(body) == K_module ? ph_facts_first_id(p->f->file_id) : ph_facts_id(p->f);
    int idx = 0, recovered = 0;
    if (ts_node_is_null(owner) || !ts_node_has_error(owner)) {
        if (!ts_node_is_null(body))
            recovered = visit_stmts(p, c, body, block_id, &idx, parent_stmt);
        return recovered;
    }
    Kids k;
    kids_open(&k, owner);
    for (TSNode ch; kids_next(&k, &ch);)
        if (ts_node_eq(ch, body) || kind(ch) == K_ERROR)
            recovered += visit_stmts(p, c, ch, block_id, &idx, parent_stmt);
    kids_close(&k);
    return recovered;
}

static void visit_block(Parser *p, Ctx *c, TSNode block, int64_t parent_stmt) {
    visit_body(p, c, (TSNode){0}, block, parent_stmt);
}
