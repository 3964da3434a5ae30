/*
 * dump: the parse tree printed for `pyhunt extract --dump-tree`.
 */
#include "parse/internal.h"

int ph_parse_dump(TSParser *parser, const char *source, size_t len, const char *path, FILE *out, PhDiags *diags) {
    ph_parse_init();
    PhSource src;
    ph_source_init(&src, source, len);
    long deep = ph_source_deep_brackets(source, len, PH_PARSE_MAX_DEPTH);
    TSTree *tree = deep < 0 ? ts_parser_parse_string_encoding(parser, NULL, source, (uint32_t)len,
                                                              TSInputEncodingUTF8)
                            : NULL;
    int rc = 0;
    if (deep >= 0) {
        ph_source_diag(&src, diags, PH_ERROR, path, (size_t)deep, "nested more than %d levels deep; not shown",
                       PH_PARSE_MAX_DEPTH);
        rc = -1;
    } else if (!tree) {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "tree-sitter could not parse the file");
        rc = -1;
    }
    /* Pre-order over named (and missing) nodes with one cursor: any depth of
     * nesting, constant stack, and the indentation stops at the limit. */
    TSTreeCursor cur = ts_tree_cursor_new(tree ? ts_tree_root_node(tree) : (TSNode){0});
    for (int depth = 0; tree;) {
        TSNode n = ts_tree_cursor_current_node(&cur);
        bool shown = depth == 0 || ts_node_is_named(n) || ts_node_is_missing(n);
        if (shown && depth > PH_PARSE_MAX_DEPTH) {
            ph_source_diag(&src, diags, PH_ERROR, path, ts_node_start_byte(n),
                           "nested more than %d levels deep; the tree is not shown below this level",
                           PH_PARSE_MAX_DEPTH);
            rc = -1;
            break;
        }
        if (shown) {
            TSPoint a = ts_node_start_point(n), b = ts_node_end_point(n);
            PhPos s = ph_source_pos(&src, a.row, a.column), e = ph_source_pos(&src, b.row, b.column);
            const char *field_name = depth ? ts_tree_cursor_current_field_name(&cur) : NULL;
            fprintf(out, "%*s%s%s%s [%d:%d - %d:%d]\n", depth * 2, "", field_name ? field_name : "",
                    field_name ? ": " : "", ts_node_is_missing(n) ? "MISSING" : ts_node_type(n), s.line, s.col,
                    e.line, e.col);
        }
        if (shown && ts_tree_cursor_goto_first_child(&cur)) {
            depth++;
            continue;
        }
        while (depth > 0 && !ts_tree_cursor_goto_next_sibling(&cur)) {
            ts_tree_cursor_goto_parent(&cur);
            depth--;
        }
        if (depth == 0)
            break;
    }
    ts_tree_cursor_delete(&cur);
    if (tree)
        ts_tree_delete(tree);
    ph_source_fini(&src);
    return rc;
}
