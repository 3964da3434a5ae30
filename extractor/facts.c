/*
 * facts: the row store of one file, and the table/column names the writer
 * needs.
 */
#include "facts.h"

#include <stdlib.h>
#include <string.h>

#define PH_COL_NAME(t, c) #c,
#define PH_TABLE_COLS(t) static const char *const cols_##t[] = {PH_COLS_##t(PH_COL_NAME)};
PH_TABLES(PH_TABLE_COLS)

#define PH_TABLE_INFO(t) {#t, cols_##t, (int)(sizeof cols_##t / sizeof cols_##t[0])},
static const struct {
    const char *name;
    const char *const *cols;
    int ncols;
} tables[] = {PH_TABLES(PH_TABLE_INFO)};

const char *ph_facts_table_name(PhTable t) { return tables[t].name; }
int ph_facts_table_ncols(PhTable t) { return tables[t].ncols; }
const char *const *ph_facts_table_cols(PhTable t) { return tables[t].cols; }

PhFacts *ph_facts_new(const char *path, const char *abspath) {
    PhFacts *f = ph_xcalloc(1, sizeof *f);
    f->path = ph_xstrdup(path);
    f->abspath = ph_xstrdup(abspath);
    f->arena = ph_arena_new();
    f->diags = ph_diags_new();
    return f;
}

void ph_facts_free(PhFacts *self) {
    if (!self)
        return;
    free(self->path);
    free(self->abspath);
    free(self->source);
    free(self->rows.items);
    ph_arena_free(self->arena);
    ph_diags_free(self->diags);
    free(self);
}

PhVal *ph_facts_row(PhFacts *self, PhTable t) {
    PhVal *v = ph_arena_alloc(self->arena, sizeof(PhVal) * (size_t)tables[t].ncols);
    PhRow r = {t, v};
    ph_vec_push(&self->rows, r);
    return v;
}

/* Past PH_FACTS_PER_FILE the id stays on the file's last one, inside its
 * range: the parser checks ph_facts_overflowed() and fails the file, so such
 * ids are never stored. */
int64_t ph_facts_id(PhFacts *self) {
    int64_t n = ++self->next_id;
    return ph_facts_first_id(self->file_id) + (n <= PH_FACTS_PER_FILE ? n : PH_FACTS_PER_FILE);
}

void ph_val_str(PhFacts *self, PhVal *v, const char *s) {
    size_t n = strlen(s);
    ph_val_text(v, ph_arena_strndup(self->arena, s, n), n);
}
