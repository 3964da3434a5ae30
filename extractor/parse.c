/*
 * parse: the syntax tree of one file into fact rows.
 *
 * One recursive walk over the tree. Statements carry a context (enclosing
 * function, loop, with, try part, ...) down to the expressions they hold,
 * and each expression learns its role from its parent (its value is
 * discarded, assigned, awaited, passed as an argument...). That is how every
 * fact gets the context columns rules need without a join.
 *
 * Names are resolved while walking, with one scope per module, class and
 * function: a module's top-level definitions and imports are bound before its
 * body is walked (functions may call what is defined below them); function
 * bodies bind in source order. A binding says a name denotes a qualified
 * thing (`r` -> module `requests`), an instance of a type (`s` -> a
 * `requests.Session`), or something unknown. Receiver types of `self.x`
 * calls wait for the end of the class, where every `self.x = ...` is known.
 *
 * The walk is one translation unit gathered here from files of one concern
 * each under parse/, as tree-sitter's lib.c gathers parser.c, query.c,
 * stack.c...: every function stays static (and inlined as the compiler
 * sees fit), and parse/internal.h holds what the files share, the walker's
 * state first. This file keeps only the entry point, ph_parse_file.
 *
 *   parse/tree.c       node kinds, children, the depth guard, text, rows
 *   parse/scope.c      scopes, bindings, qualified names, module prebinding
 *   parse/resolve.c    what a name or an annotation denotes
 *   parse/expr.c       roles and the dispatch over expressions
 *   parse/names.c      names rows and the sinks of identifiers
 *   parse/calls.c      calls and their arguments, awaits, returns and yields
 *   parse/assign.c     assignments and the bindings they make
 *   parse/loops.c      for, while and comprehensions
 *   parse/compound.c   if (the main guard), with and try
 *   parse/defs.c       functions, lambdas, classes
 *   parse/imports.c    imports
 *   parse/stmt.c       statements and blocks, ERROR nodes recovered
 *   parse/comments.c   comments and their suppressions
 *   parse/errors.c     syntax errors as diagnostics
 *   parse/dump.c       --dump-tree
 */

#include "parse/internal.h"

#include "parse/tree.c"
#include "parse/scope.c"
#include "parse/resolve.c"
#include "parse/expr.c"
#include "parse/names.c"
#include "parse/calls.c"
#include "parse/assign.c"
#include "parse/loops.c"
#include "parse/compound.c"
#include "parse/defs.c"
#include "parse/imports.c"
#include "parse/stmt.c"
#include "parse/comments.c"
#include "parse/errors.c"
#include "parse/dump.c"

#define TOO_DEEP "nested more than %d levels deep; file not extracted"

int ph_parse_file(TSParser *parser, PhFacts *f, const char *module, bool is_package) {
    ph_parse_init();
    Parser p;
    memset(&p, 0, sizeof p);
    p.f = f;
    p.module = module;
    p.is_package = is_package;
    ph_source_init(&p.src, f->source, f->source_len);
    long deep = ph_source_deep_brackets(f->source, f->source_len, PH_PARSE_MAX_DEPTH);
    if (deep >= 0) {
        ph_source_diag(&p.src, f->diags, PH_ERROR, f->path, (size_t)deep, TOO_DEEP, PH_PARSE_MAX_DEPTH);
        ph_source_fini(&p.src);
        return -1;
    }
    TSTree *tree = ts_parser_parse_string_encoding(parser, NULL, f->source, (uint32_t)f->source_len,
                                                   TSInputEncodingUTF8);
    if (!tree) {
        ph_diags_add(f->diags, PH_ERROR, f->path, 0, 0, 0, NULL, "tree-sitter could not parse the file");
        ph_source_fini(&p.src);
        return 1;
    }
    TSNode root = ts_tree_root_node(tree);
    Scope scope = {0};
    Ctx c;
    memset(&c, 0, sizeof c);
    c.scope = &scope;
    c.prefix = module;
    c.at_module = true;
    prebind(&p, &c, root);
    visit_block(&p, &c, root, 0);
    names_fini(&p);
    if (!p.failure && ts_node_has_error(root))
        find_errors(&p, root);
    if (p.failure) {
        if (strcmp(p.failure, "too many facts") == 0)
            ph_source_diag(&p.src, f->diags, PH_ERROR, f->path, ts_node_start_byte(p.failed_at),
                           "more than %lld facts in one file from here on; file not extracted",
                           (long long)PH_FACTS_PER_FILE);
        else
            ph_source_diag(&p.src, f->diags, PH_ERROR, f->path, ts_node_start_byte(p.failed_at), TOO_DEEP,
                           PH_PARSE_MAX_DEPTH);
    }
    scope_fini(&scope);
    ts_tree_delete(tree);
    ph_source_fini(&p.src);
    return p.failure ? -1 : p.errors;
}
