/*
 * syntax: what the extractor reads of a file, without extracting it: the
 * text it parses for the file's bytes, and whether that text parses. The
 * front end asks both before it writes a fixed file (cli/fix.c), so that a
 * fix changes exactly the text the rule meant to change, as the extractor
 * reads it, and never leaves a file that no longer parses.
 */
#include "extractor.h"
#include "parse.h"
#include "source.h"
#include "util.h"

#include <string.h>

char *ph_extract_text(const char *bytes, size_t len, size_t *out_len) {
    char *text = ph_xmalloc(len + 1);
    memcpy(text, bytes, len);
    text[len] = 0;
    *out_len = len;
    PhDiags *d = ph_diags_new();     /* the extraction says them; here only the text matters */
    ph_source_prepare(&text, out_len, "", d);
    ph_diags_free(d);
    return text;
}

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
