/*
 * schemadoc: the one reader of the schema's sources. It knows every table
 * and view pyhunt defines (schema/tables.sql: the facts and what is derived
 * from them; schema/catalogue.sql: the API catalogue; schema/views/*.sql:
 * the library views), each with its definition as written, the comment
 * block above it and its columns with the comment that documents each.
 * `pyhunt schema`, the REPL's `.schema` and shell completion all read it;
 * what the database holds at run time (TEMP objects of the user's own) is
 * the database's to say.
 *
 * The sources are the embedded texts, read once on first use. Not for
 * concurrent use: the front ends call it from their one thread.
 */
#ifndef PH_SCHEMADOC_H
#define PH_SCHEMADOC_H

#include <stdbool.h>
#include <stddef.h>

typedef struct PhSchemaColumn {
    const char *name;
    const char *doc;           /* the `-- comment` after it (continuation lines joined); NULL: none */
} PhSchemaColumn;

typedef struct PhSchemaObject {
    const char *name;
    bool view;                 /* a view; else a table */
    const char *path;          /* the source: "schema/tables.sql" */
    int line;                  /* of its CREATE, 1-based */
    const char *text;          /* as written: the comment block right above the CREATE, then the
                                  statement up to its ';' */
    size_t text_len;
    const char *description;   /* that comment block without its `--` (a view's first line, its
                                  signature, dropped); NULL: none */
    const PhSchemaColumn *columns;   /* in order */
    size_t ncolumns;
} PhSchemaObject;

/* Every table and view, in the order of the sources (ph_schemadoc_source)
 * and of their text. Borrowed, valid until ph_schemadoc_free(). */
size_t ph_schemadoc_count(void);
const PhSchemaObject *ph_schemadoc_at(size_t i);

/* The table or view called `name` (exactly), or NULL. Borrowed, valid
 * until ph_schemadoc_free(). */
const PhSchemaObject *ph_schemadoc_find(const char *name);

/* The documentation of a column of a table, or NULL. Borrowed, valid until
 * ph_schemadoc_free(). */
const char *ph_schemadoc_column(const char *table, const char *column);

/* The embedded files the schema is read from, in reading order: i-th path,
 * NULL past the last. Static. */
const char *ph_schemadoc_source(size_t i);

/* Drop what was read (at exit, for leak checkers); the next call reads the
 * sources again. */
void ph_schemadoc_free(void);

#endif
