/*
 * errors: syntax errors: a diagnostics row and a warning for each place
 * tree-sitter could not parse, found without recursion, what recovered
 * statements leave out reported once.
 */
#include "parse/internal.h"

/* A diagnostics row and a diagnostic for the front end, at node n. */
static void diagnostic(Parser *p, TSNode n, PhSeverity sev, const char *msg) {
    PhVal *v = row(p, PH_T_diagnostics, NULL);
    ph_val_cstr(&v[PH_C_diagnostics_severity], sev == PH_ERROR ? "error" : "warning");
    ph_val_str(p->f, &v[PH_C_diagnostics_message], msg);
    set_loc(p, v, PH_C_diagnostics_line, n);
    ph_source_diag(&p->src, p->f->diags, sev, p->f->path, ts_node_start_byte(n), "%s", msg);
}

/* Text of n for a message: its first line, at most 30 bytes, cut on a
 * character boundary. */
static int excerpt(Parser *p, TSNode n, const char **s) {
    size_t len, cut = 0;
    *s = text(p, n, &len);
    while (cut < len && cut < 30 && (*s)[cut] != '\n')
        cut++;
    while (cut && cut < len && ((unsigned char)(*s)[cut] & 0xC0) == 0x80)
        cut--;
    return (int)cut;
}

static void syntax_error(Parser *p, TSNode n) {
    p->errors++;
    if (p->errors > 20)
        return;
    char msg[160];
    const char *s;
    int cut = excerpt(p, n, &s);
    if (ts_node_is_missing(n))
        snprintf(msg, sizeof msg, "syntax error: missing '%s'", ts_node_type(n));
    else if (cut)
        snprintf(msg, sizeof msg, "syntax error: unexpected '%.*s'", cut, s);
    else    /* an empty error node: the parser gave up at this point */
        snprintf(msg, sizeof msg, "syntax error%s",
                 ts_node_end_byte(n) > ts_node_start_byte(n) ? ": unexpected end of line" : "");
    diagnostic(p, n, PH_WARNING, msg);
}

/* Is n an interpolation `{x:=...}`? tree-sitter reads `x := ...` as an
 * assignment and what follows as an error, but in an f-string a bare `:=`
 * is the format spec `=...` (`f"{score:=06.2f}"`): Python requires
 * parentheses around an assignment there. */
static bool is_format_walrus(TSNode n) {
    return kind(n) == K_interpolation && kind(ts_node_named_child(n, 0)) == K_named_expression;
}

/* Does an ERROR node hold statements? Then it is code tree-sitter could not
 * fit in its surroundings (it may wrap a whole module), and its statements
 * are extracted as if it were not there (visit_stmts). */
static bool holds_statements(TSNode n) {
    bool holds = false;
    Kids k;
    kids_open(&k, n);
    for (TSNode ch; !holds && kids_next(&k, &ch);)
        holds = is_statement(kind(ch));
    kids_close(&k);
    return holds;
}

/* Syntax errors, in source order, searching only subtrees that hold one.
 * Inside an ERROR that holds statements, what is reported is what the
 * statements leave out: each run of other nodes, once. Iterative: an error
 * may sit under any depth of nesting. */
static void find_errors(Parser *p, TSNode root) {
    TSTreeCursor cur = ts_tree_cursor_new(root);
    PhVec(bool) recovered = {0};   /* .items[d]: the node at depth d holds statements */
    size_t depth = 0;
    bool run = false;              /* the previous sibling was left out */
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&cur);
        Kind k = kind(n);
        bool holds = false, descend = false;
        if (depth > 0 && recovered.items[depth - 1] && k != K_ERROR && k != K_comment && !is_statement(k)) {
            if (!run)
                syntax_error(p, n);
            run = true;
        } else {
            run = false;
            if (ts_node_is_missing(n)) {
                syntax_error(p, n);
            } else if (k == K_ERROR) {
                descend = holds = holds_statements(n);
                if (!holds)
                    syntax_error(p, n);
            } else {
                descend = ts_node_has_error(n) && !is_format_walrus(n);
            }
        }
        if (descend && ts_tree_cursor_goto_first_child(&cur)) {
            if (depth == recovered.len)
                ph_vec_push(&recovered, holds);
            else
                recovered.items[depth] = holds;
            depth++;
            run = false;
            continue;
        }
        while (!ts_tree_cursor_goto_next_sibling(&cur)) {
            if (depth == 0 || !ts_tree_cursor_goto_parent(&cur)) {
                ts_tree_cursor_delete(&cur);
                free(recovered.items);
                return;
            }
            depth--;
            run = false;
        }
    }
}
