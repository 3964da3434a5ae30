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

/* How deeply the extractor follows nesting (statements in statements,
 * expressions in expressions, patterns in patterns): a file nested deeper
 * is not extracted, and ph_parse_file reports where it goes too deep. Chains
 * of binary and boolean operators (`a + b + ... + z`) do not count: they are
 * walked iteratively, whatever their length. What CPython accepts rarely
 * comes near: its tokenizer refuses more than 200 nested brackets and 100
 * indentation levels; only unbracketed chains (`a.b().c()...`, `x if c else
 * y if d else ...`) nest deeper, and its compiler refuses them from about
 * 3,000 levels. At the limit the walk needs under 2 MiB of stack (about 2 KiB a
 * level at most), so a thread that runs ph_parse_file should have
 * PH_PARSE_STACK_BYTES of it (glibc gives new threads only 2 MiB when the
 * stack limit is unlimited). */
#define PH_PARSE_MAX_DEPTH 1000
#define PH_PARSE_STACK_BYTES ((size_t)8 << 20)

/* Build the node-kind tables. Call once, before threads start; later calls
 * do nothing. */
void ph_parse_init(void);

/* The tree-sitter-python language. Static. */
const TSLanguage *ph_parse_language(void);

/* Parse f->source (f->source_len bytes, UTF-8: see ph_source_prepare) as
 * module `module` (is_package for __init__.py) and append its facts to f;
 * syntax errors become diagnostics rows and warnings in f->diags, and the
 * rest of the file is still extracted, statements that tree-sitter wrapped
 * in an ERROR node included. Returns the number of syntax errors, or -1
 * when the file cannot be extracted (nested deeper than PH_PARSE_MAX_DEPTH,
 * more facts than its id range holds): an error in f->diags says where,
 * and f's rows must not be stored. */
int ph_parse_file(TSParser *parser, PhFacts *f, const char *module, bool is_package);

/* Print the parse tree of source (one named node per line, indented, with
 * field names and 1-based positions) to out: `pyhunt extract --dump-tree`.
 * Returns 0, or -1 after adding an error to diags (at `path`) when the tree
 * could not be built or is nested deeper than PH_PARSE_MAX_DEPTH (what lies
 * above that depth is printed). */
int ph_parse_dump(TSParser *parser, const char *source, size_t len, const char *path, FILE *out, PhDiags *diags);

#endif
