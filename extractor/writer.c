/*
 * writer: prepared inserts built from facts.h's column lists, range deletes
 * by file.
 *
 * The INSERT and DELETE statements are derived from the table and column
 * names of facts.h (internal constants, quoted with %w), not written out:
 * the schema in schema/tables.sql stays the one place where tables are
 * defined, and a column facts.h names that the schema lacks fails at prepare
 * time, before any row is written.
 */
#include "writer.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct PhWriter {
    sqlite3 *db;
    bool bulk;
    sqlite3_stmt *insert[PH_T_COUNT];
    sqlite3_stmt *remove[PH_T_COUNT];
    sqlite3_stmt *touch;
    sqlite3_stmt *changed;   /* into temp.changed_files (updates only) */
};

static sqlite3_stmt *prepare_text(sqlite3 *db, const char *sql, PhDiags *diags) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        ph_diags_add(diags, PH_ERROR, NULL, 0, 0, 0, NULL, "database schema does not match the extractor: %s",
                     sqlite3_errmsg(db));
        st = NULL;
    }
    return st;
}

/* prepare_text() of SQL built with sqlite3_mprintf or sqlite3_str, which it frees. */
static sqlite3_stmt *prepare(sqlite3 *db, char *sql, PhDiags *diags) {
    sqlite3_stmt *st = prepare_text(db, sql, diags);
    sqlite3_free(sql);
    return st;
}

PhWriter *ph_writer_open(sqlite3 *db, bool bulk, PhDiags *diags) {
    PhWriter *w = ph_xcalloc(1, sizeof *w);
    w->db = db;
    w->bulk = bulk;
    bool ok = true;
    for (int t = 0; t < PH_T_COUNT && ok; t++) {
        const char *name = ph_facts_table_name((PhTable)t);
        const char *const *cols = ph_facts_table_cols((PhTable)t);
        int n = ph_facts_table_ncols((PhTable)t);
        sqlite3_str *s = sqlite3_str_new(db);
        /* A bulk load into empty tables needs no conflict handling. */
        sqlite3_str_appendf(s, "%s INTO \"%w\"(", bulk ? "INSERT" : "INSERT OR REPLACE", name);
        for (int i = 0; i < n; i++)
            sqlite3_str_appendf(s, "%s\"%w\"", i ? "," : "", cols[i]);
        sqlite3_str_appendall(s, ") VALUES(");
        for (int i = 0; i < n; i++)
            sqlite3_str_appendall(s, i ? ",?" : "?");
        sqlite3_str_appendall(s, ")");
        ok = (w->insert[t] = prepare(db, sqlite3_str_finish(s), diags)) != NULL;
        if (ok)
            ok = (w->remove[t] = prepare(db, sqlite3_mprintf("DELETE FROM \"%w\" WHERE id BETWEEN ?1 AND ?2", name),
                                         diags)) != NULL;
    }
    if (ok)
        ok = (w->touch = prepare_text(db, ph_db_statement("touch_file"), diags)) != NULL;
    if (ok && !bulk)
        ok = sqlite3_exec(db, ph_db_statement("changed_files_create"), NULL, NULL, NULL) == SQLITE_OK &&
             (w->changed = prepare_text(db, ph_db_statement("changed_file"), diags)) != NULL;
    if (!ok) {
        ph_writer_close(w);
        return NULL;
    }
    return w;
}

void ph_writer_close(PhWriter *self) {
    if (!self)
        return;
    for (int t = 0; t < PH_T_COUNT; t++) {
        sqlite3_finalize(self->insert[t]);
        sqlite3_finalize(self->remove[t]);
    }
    sqlite3_finalize(self->touch);
    sqlite3_finalize(self->changed);
    free(self);
}

static int step(sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int remove_facts(PhWriter *self, int64_t file_id, bool with_file) {
    int rc = SQLITE_OK;
    if (self->changed) {
        sqlite3_bind_int64(self->changed, 1, file_id);
        rc = step(self->changed);
    }
    int64_t lo = ph_facts_first_id(file_id), hi = ph_facts_last_id(file_id);
    for (int t = 0; t < PH_T_COUNT && rc == SQLITE_OK; t++) {
        bool files = t == PH_T_files;   /* its ids are file ids, not fact ids */
        if (files && !with_file)
            continue;
        sqlite3_stmt *st = self->remove[t];
        sqlite3_bind_int64(st, 1, files ? file_id : lo);
        sqlite3_bind_int64(st, 2, files ? file_id : hi);
        rc = step(st);
    }
    return rc;
}

int ph_writer_remove(PhWriter *self, int64_t file_id) { return remove_facts(self, file_id, true); }

int ph_writer_touch(PhWriter *self, const PhFacts *f) {
    sqlite3_bind_int64(self->touch, 1, f->file_id);
    sqlite3_bind_int64(self->touch, 2, f->mtime_ns);
    sqlite3_bind_int64(self->touch, 3, f->ctime_ns);
    sqlite3_bind_int64(self->touch, 4, f->inode);
    return step(self->touch);
}

static int insert_row(PhWriter *self, PhTable t, const PhVal *v) {
    sqlite3_stmt *st = self->insert[t];
    int n = ph_facts_table_ncols(t);
    for (int i = 0; i < n; i++) {
        switch (v[i].kind) {
        case PH_V_NULL:
            sqlite3_bind_null(st, i + 1);
            break;
        case PH_V_INT:
            sqlite3_bind_int64(st, i + 1, v[i].i);
            break;
        case PH_V_TEXT:
            sqlite3_bind_text(st, i + 1, v[i].s, v[i].len, SQLITE_STATIC);
            break;
        }
    }
    return step(st);
}

/* The columns of the interface (schema/tables.sql, files.interface): what
 * schema/derive.sql reads of a file to resolve other files' calls and bases
 * (call_resolution, import_bindings, class_bases in views/10-resolution.sql),
 * and the name of a `from m import name` (iterated_once, views/40-memory.sql,
 * tells a module-level name other modules import). Positions are not in it,
 * nor what a definition does (is_async...). A rule of @scope interface reads
 * other files through these columns alone. */
static const struct {
    PhTable table;
    int cols[8];           /* -1 ends the list */
} interface_cols[] = {
    {PH_T_functions, {PH_C_functions_id, PH_C_functions_name, PH_C_functions_qualname, PH_C_functions_is_lambda,
                      PH_C_functions_is_method, PH_C_functions_class_id, PH_C_functions_parent_id, -1}},
    {PH_T_classes, {PH_C_classes_id, PH_C_classes_name, PH_C_classes_qualname, PH_C_classes_function_id,
                    PH_C_classes_parent_id, -1}},
    {PH_T_bases, {PH_C_bases_class_id, PH_C_bases_text, PH_C_bases_resolved, -1}},
    {PH_T_imports, {PH_C_imports_function_id, PH_C_imports_name, PH_C_imports_bound, PH_C_imports_target, -1}},
};

static uint64_t mix(uint64_t h, const void *data, size_t n) {
    return (h ^ ph_hash64(data, n)) * 1099511628211u;
}

uint64_t ph_writer_interface(const PhFacts *f, const char *module, bool is_package) {
    uint64_t h = mix(mix(14695981039346656037u, module, strlen(module)), &is_package, sizeof is_package);
    for (size_t i = 0; i < f->rows.len; i++) {
        const PhRow *r = &f->rows.items[i];
        for (size_t k = 0; k < sizeof interface_cols / sizeof interface_cols[0]; k++) {
            if (interface_cols[k].table != r->table)
                continue;
            h = mix(h, &r->table, sizeof r->table);
            for (const int *c = interface_cols[k].cols; *c >= 0; c++) {
                const PhVal *v = &r->v[*c];
                h = mix(h, &v->kind, sizeof v->kind);
                if (v->kind == PH_V_INT)
                    h = mix(h, &v->i, sizeof v->i);
                else if (v->kind == PH_V_TEXT)
                    h = mix(h, v->s, (size_t)v->len);
            }
        }
    }
    return h;
}

int ph_writer_put(PhWriter *self, const PhFacts *f, const char *module, bool is_package, PhContext context,
                  int lines, int parse_errors, uint64_t interface) {
    int rc = self->bulk ? SQLITE_OK : remove_facts(self, f->file_id, false);
    PhVal v[PH_N_files];
    memset(v, 0, sizeof v);
    char hash[17], iface[17];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)f->hash);
    snprintf(iface, sizeof iface, "%016llx", (unsigned long long)interface);
    ph_val_int(&v[PH_C_files_id], f->file_id);
    ph_val_text(&v[PH_C_files_path], f->path, strlen(f->path));
    ph_val_text(&v[PH_C_files_module], module, strlen(module));
    ph_val_int(&v[PH_C_files_is_package], is_package);
    const char *ctx = ph_context_name(context);
    ph_val_text(&v[PH_C_files_context], ctx, strlen(ctx));
    ph_val_text(&v[PH_C_files_hash], hash, 16);
    ph_val_text(&v[PH_C_files_interface], iface, 16);
    ph_val_int(&v[PH_C_files_size], f->size);
    ph_val_int(&v[PH_C_files_mtime_ns], f->mtime_ns);
    ph_val_int(&v[PH_C_files_ctime_ns], f->ctime_ns);
    ph_val_int(&v[PH_C_files_inode], f->inode);
    ph_val_int(&v[PH_C_files_lines], lines);
    ph_val_int(&v[PH_C_files_parse_errors], parse_errors);
    if (rc == SQLITE_OK)
        rc = insert_row(self, PH_T_files, v);
    for (size_t i = 0; i < f->rows.len && rc == SQLITE_OK; i++)
        rc = insert_row(self, f->rows.items[i].table, f->rows.items[i].v);
    return rc;
}
