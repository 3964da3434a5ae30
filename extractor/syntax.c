/*
 * syntax: does a text parse as Python, without extracting anything. The
 * front end asks before it writes a fixed file (cli/fix.c), so that a fix
 * never leaves a file that no longer parses.
 */
#include "extractor.h"
#include "parse.h"

/* ERROR and MISSING nodes under n; only subtrees that hold one are walked. */
static int count_errors(TSNode n) {
    if (ts_node_is_missing(n))
        return 1;
    int k = ts_node_is_error(n);
    for (uint32_t i = 0, c = ts_node_child_count(n); i < c; i++) {
        TSNode ch = ts_node_child(n, i);
        if (ts_node_has_error(ch))
            k += count_errors(ch);
    }
    return k;
}

int ph_extract_syntax_errors(const char *text, size_t len) {
    ph_parse_init();
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, ph_parse_language());
    TSTree *tree = ts_parser_parse_string_encoding(parser, NULL, text, (uint32_t)len, TSInputEncodingUTF8);
    int errors = -1;
    if (tree) {
        TSNode root = ts_tree_root_node(tree);
        errors = ts_node_has_error(root) ? count_errors(root) : 0;
        ts_tree_delete(tree);
    }
    ts_parser_delete(parser);
    return errors;
}
