/*
 * schemadoc: the schema's documentation as data, read from the embedded
 * schema sources.
 */
#ifndef PH_SCHEMADOC_H
#define PH_SCHEMADOC_H

/* The documentation of a column: the `-- comment` after it in
 * schema/tables.sql (continuation comment lines joined). NULL when it has
 * none. Borrowed, valid until ph_schemadoc_free(). */
const char *ph_schemadoc_column(const char *table, const char *column);

/* A view's description: the comment block above its CREATE in
 * schema/views*.sql, first line (the signature) dropped. NULL when none.
 * Borrowed, valid until ph_schemadoc_free(). */
const char *ph_schemadoc_view(const char *view);

/* Free what the two functions above cached (at exit, for leak checkers). */
void ph_schemadoc_free(void);

#endif
