/*
 * facts: one file's facts as plain rows in memory, the hand-off between a
 * parse worker (which fills a batch) and the writer (which stores it). No SQL
 * here: a row is an array of values in the column order listed below, and
 * the writer inserts by column name, checking the names against the schema
 * when it starts, so this list and schema/tables.sql cannot drift apart
 * silently.
 */
#ifndef PH_FACTS_H
#define PH_FACTS_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "util.h"
#include "db.h"
#include "diag.h"

#define PH_LOC(T, X) X(T, line) X(T, col) X(T, end_line) X(T, end_col)

#define PH_COLS_files(X) X(files, id) X(files, path) X(files, module) X(files, is_package) \
    X(files, context) X(files, hash) X(files, interface) X(files, size) X(files, mtime_ns) X(files, ctime_ns) \
    X(files, inode) X(files, lines) X(files, parse_errors)
#define PH_COLS_diagnostics(X) X(diagnostics, id) X(diagnostics, file_id) X(diagnostics, severity) \
    X(diagnostics, message) PH_LOC(diagnostics, X)
#define PH_COLS_functions(X) X(functions, id) X(functions, file_id) X(functions, name) \
    X(functions, qualname) X(functions, is_async) X(functions, is_lambda) X(functions, is_method) \
    X(functions, class_id) X(functions, parent_id) X(functions, is_generator) X(functions, has_await) \
    X(functions, is_stub) X(functions, n_params) X(functions, n_decorators) PH_LOC(functions, X)
#define PH_COLS_classes(X) X(classes, id) X(classes, file_id) X(classes, name) X(classes, qualname) \
    X(classes, function_id) X(classes, parent_id) PH_LOC(classes, X)
#define PH_COLS_bases(X) X(bases, id) X(bases, file_id) X(bases, class_id) X(bases, idx) \
    X(bases, text) X(bases, resolved) PH_LOC(bases, X)
#define PH_COLS_decorators(X) X(decorators, id) X(decorators, file_id) X(decorators, function_id) \
    X(decorators, class_id) X(decorators, idx) X(decorators, text) X(decorators, name) \
    X(decorators, resolved) X(decorators, call_id) PH_LOC(decorators, X)
#define PH_COLS_params(X) X(params, id) X(params, file_id) X(params, function_id) X(params, idx) \
    X(params, name) X(params, kind) X(params, annotation) X(params, annotation_resolved) \
    X(params, default_value) PH_LOC(params, X)
#define PH_COLS_statements(X) X(statements, id) X(statements, file_id) X(statements, function_id) \
    X(statements, kind) X(statements, parent_id) X(statements, block_id) X(statements, idx) \
    X(statements, loop_id) X(statements, in_main_guard) PH_LOC(statements, X)
#define PH_COLS_calls(X) X(calls, id) X(calls, file_id) X(calls, function_id) X(calls, async_id) \
    X(calls, class_id) X(calls, stmt_id) X(calls, callee) X(calls, name) X(calls, receiver) \
    X(calls, receiver_type) X(calls, resolved) X(calls, nargs) X(calls, kwargs) X(calls, star_args) \
    X(calls, awaited) X(calls, use) X(calls, target) X(calls, parent_call_id) X(calls, arg_idx) \
    X(calls, arg_kw) X(calls, loop_id) X(calls, loop_depth) X(calls, with_id) X(calls, try_id) \
    X(calls, in_try) X(calls, in_except) X(calls, in_finally) X(calls, in_decorator) \
    X(calls, in_main_guard) PH_LOC(calls, X)
#define PH_COLS_call_args(X) X(call_args, id) X(call_args, file_id) X(call_args, call_id) \
    X(call_args, idx) X(call_args, pos) X(call_args, keyword) X(call_args, star) X(call_args, kind) \
    X(call_args, text) X(call_args, names) X(call_args, resolved) PH_LOC(call_args, X)
#define PH_COLS_awaits(X) X(awaits, id) X(awaits, file_id) X(awaits, function_id) X(awaits, stmt_id) \
    X(awaits, call_id) X(awaits, expr) X(awaits, names) X(awaits, use) X(awaits, target) \
    X(awaits, loop_id) X(awaits, with_id) PH_LOC(awaits, X)
#define PH_COLS_loops(X) X(loops, id) X(loops, file_id) X(loops, function_id) X(loops, stmt_id) \
    X(loops, kind) X(loops, is_async) X(loops, is_while_true) X(loops, condition) X(loops, targets) X(loops, iter) \
    X(loops, iter_kind) X(loops, iter_call_id) X(loops, parent_id) X(loops, depth) \
    X(loops, has_break) X(loops, in_main_guard) PH_LOC(loops, X)
#define PH_COLS_withs(X) X(withs, id) X(withs, file_id) X(withs, function_id) X(withs, stmt_id) \
    X(withs, parent_with) X(withs, is_async) X(withs, idx) X(withs, context) X(withs, call_id) \
    X(withs, resolved) X(withs, as_name) PH_LOC(withs, X)
#define PH_COLS_assignments(X) X(assignments, id) X(assignments, file_id) \
    X(assignments, function_id) X(assignments, class_id) X(assignments, stmt_id) \
    X(assignments, scope) X(assignments, target) X(assignments, target_kind) \
    X(assignments, target_root) X(assignments, op) X(assignments, value) X(assignments, value_kind) \
    X(assignments, value_call_id) X(assignments, value_type) X(assignments, loop_id) \
    X(assignments, in_main_guard) PH_LOC(assignments, X)
#define PH_COLS_names(X) X(names, id) X(names, file_id) X(names, function_id) X(names, stmt_id) \
    X(names, name) X(names, ctx) X(names, role) X(names, call_id) X(names, loop_id) PH_LOC(names, X)
#define PH_COLS_imports(X) X(imports, id) X(imports, file_id) X(imports, function_id) \
    X(imports, stmt_id) X(imports, module) X(imports, name) X(imports, alias) X(imports, level) \
    X(imports, bound) X(imports, target) X(imports, loop_id) PH_LOC(imports, X)
#define PH_COLS_handlers(X) X(handlers, id) X(handlers, file_id) X(handlers, function_id) \
    X(handlers, try_id) X(handlers, types) X(handlers, resolved_types) X(handlers, is_bare) \
    X(handlers, as_name) X(handlers, reraises) X(handlers, returns) X(handlers, try_awaits) \
    PH_LOC(handlers, X)
#define PH_COLS_returns(X) X(returns, id) X(returns, file_id) X(returns, function_id) \
    X(returns, stmt_id) X(returns, kind) X(returns, value) X(returns, names) PH_LOC(returns, X)
#define PH_COLS_comments(X) X(comments, id) X(comments, file_id) X(comments, text) X(comments, noqa) \
    PH_LOC(comments, X)

/* Tables in the order the writer deletes and inserts them. */
#define PH_TABLES(X) X(files) X(diagnostics) X(functions) X(classes) X(bases) X(decorators) \
    X(params) X(statements) X(calls) X(call_args) X(awaits) X(loops) X(withs) X(assignments) \
    X(names) X(imports) X(handlers) X(returns) X(comments)

#define PH_TABLE_ENUM(t) PH_T_##t,
typedef enum { PH_TABLES(PH_TABLE_ENUM) PH_T_COUNT } PhTable;
#undef PH_TABLE_ENUM

/* Column indexes: PH_C_calls_resolved and so on. */
#define PH_COL_ENUM(t, c) PH_C_##t##_##c,
#define PH_TABLE_COLS_ENUM(t) enum { PH_COLS_##t(PH_COL_ENUM) PH_N_##t };
PH_TABLES(PH_TABLE_COLS_ENUM)
#undef PH_TABLE_COLS_ENUM
#undef PH_COL_ENUM

/* Table and column names, for the writer. Static. */
const char *ph_facts_table_name(PhTable t);
int ph_facts_table_ncols(PhTable t);
const char *const *ph_facts_table_cols(PhTable t);

typedef enum { PH_V_NULL = 0, PH_V_INT, PH_V_TEXT } PhValKind;

typedef struct PhVal {
    PhValKind kind;
    int len;             /* bytes of text */
    union {
        int64_t i;
        const char *s;   /* not NUL-terminated; lives in the batch's arena or source */
    };
} PhVal;

typedef struct PhRow {
    PhTable table;
    PhVal *v;            /* ph_facts_table_ncols(table) values */
} PhRow;

/* What a worker hands the writer: a file's identity, its facts, and what went
 * wrong reading or parsing it. */
typedef struct PhFacts {
    char *path;                /* relative path, '/'-separated; owned */
    char *abspath;             /* path to open; owned */
    int64_t file_id;           /* assigned before parsing */
    int64_t next_id;           /* facts numbered so far: ids are ph_facts_first_id() + 1.. */
    int64_t size, mtime_ns;
    int64_t ctime_ns, inode;   /* the rest of the stat the change check compares */
    uint64_t hash;
    int status;                /* PhFactsStatus */
    PhArena *arena;            /* rows, values and copied texts */
    char *source;              /* file bytes (texts point into it); owned */
    size_t source_len;
    PhVec(PhRow) rows;
    PhDiags *diags;            /* problems with this file, for the front end */
} PhFacts;

typedef enum {
    PH_FACTS_PARSED,     /* rows hold the new facts */
    PH_FACTS_UNCHANGED,  /* same content as stored: only mtime is refreshed */
    PH_FACTS_FAILED      /* unreadable/binary: previous facts (if any) are kept, error reported */
} PhFactsStatus;

PhFacts *ph_facts_new(const char *path, const char *abspath);  /* caller frees with ph_facts_free() */
void ph_facts_free(PhFacts *self);                              /* NULL is a no-op */

/* A fresh row for `t` with every value NULL. Borrowed, valid until
 * ph_facts_free(). Its id column is not set: see ph_facts_id(). */
PhVal *ph_facts_row(PhFacts *self, PhTable t);
int64_t ph_facts_id(PhFacts *self);   /* next id of this file */

/* Fact ids: a file owns the range [ph_facts_first_id(file_id),
 * ph_facts_last_id(file_id)] (the layout is the schema's: db.h). The first id
 * is the file's module scope and module block; facts count up from it. A
 * file with more than PH_FACTS_PER_FILE facts cannot be stored:
 * ph_facts_overflowed() says so, and the parser fails the file instead of
 * letting ids run into the next file's range. */
#define PH_FACTS_PER_FILE ((INT64_C(1) << PH_DB_ID_BITS) - 1)
static inline int64_t ph_facts_first_id(int64_t file_id) { return ph_db_first_id(file_id); }
static inline int64_t ph_facts_last_id(int64_t file_id) { return ph_db_last_id(file_id); }
static inline bool ph_facts_overflowed(const PhFacts *self) { return self->next_id > PH_FACTS_PER_FILE; }

static inline void ph_val_int(PhVal *v, int64_t i) { v->kind = PH_V_INT; v->i = i; }
static inline void ph_val_text(PhVal *v, const char *s, size_t n) {
    v->kind = PH_V_TEXT; v->s = s; v->len = (int)n;
}
static inline void ph_val_id(PhVal *v, int64_t id) { if (id) ph_val_int(v, id); else v->kind = PH_V_NULL; }
void ph_val_str(PhFacts *self, PhVal *v, const char *s);   /* copies s into the arena */
/* s is kept, not copied: it must outlive the batch (static, or already in
 * its arena or source). */
static inline void ph_val_cstr(PhVal *v, const char *s) { ph_val_text(v, s, strlen(s)); }

#endif
