/*
 * parse: one file's syntax tree into facts. Given the bytes of a file, a
 * tree-sitter parser and the file's module name, it fills a PhFacts batch
 * with every row of schema/tables.sql except `files` (the writer's). It
 * resolves names through the file's imports and local bindings as it goes;
 * what needs more than one file (project call graph, base classes) is left
 * to the SQL library views.
 */
#ifndef PH_PARSE_H
#define PH_PARSE_H

#include <tree_sitter/api.h>
#include "facts.h"

/* Build the node-kind tables. Call once, before threads start; later calls
 * do nothing. */
void ph_parse_init(void);

/* The tree-sitter-python language. Static. */
const TSLanguage *ph_parse_language(void);

/* Parse f->source (f->source_len bytes) as module `module` (is_package for
 * __init__.py) and append its facts to f; syntax errors become diagnostics
 * rows and entries in f->diags, and the rest of the file is still extracted.
 * Returns the number of syntax errors. */
int ph_parse_file(TSParser *parser, PhFacts *f, const char *module, bool is_package);

/* Print the parse tree of source (tree-sitter's S-expression, one node per
 * line with 1-based positions) to out: `pyhunt extract --dump-tree`. */
void ph_parse_dump(TSParser *parser, const char *source, size_t len, FILE *out);

#endif
