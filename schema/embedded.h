/*
 * embedded: the text files compiled into the binary by tools/embed.c (the
 * schema .sql files, the catalogue .tsv files, then the queries, each set
 * sorted by name), and the two ways pyhunt's own SQL is taken from them: a
 * named statement of schema/statements.sql, and a whole script run with
 * errors located in its file. The lowest file of the schema floor: db.c,
 * catalogue.c and schemadoc.c read their texts through it; it knows nothing
 * of what the texts mean.
 *
 * The functions keep the ph_db_ prefix of the database API they belong
 * to; db.h includes this header, so every user of the database has them.
 */
#ifndef PH_EMBEDDED_H
#define PH_EMBEDDED_H

#include <sqlite3.h>
#include "diag.h"

typedef struct PhEmbedded {
    const char *path;   /* as in the source tree: "schema/tables.sql" */
    const char *text;
} PhEmbedded;

/* Ended by an entry whose path is NULL (build/embedded.c, generated). Static. */
extern const PhEmbedded ph_embedded[];

/* Text of an embedded file ("schema/tables.sql"), or NULL. Static. */
const char *ph_db_embedded(const char *path);

/* Text of a named statement of schema/statements.sql (`-- name: NAME`),
 * without its comments. Static; aborts if the name does not exist (a build
 * defect). */
const char *ph_db_statement(const char *name);

/* Run a script of statements; on error add a diagnostic naming `what`
 * (a file name) and the statement's line in it, and return the SQLite code.
 * diags may be NULL. */
int ph_db_exec_script(sqlite3 *db, const char *what, const char *sql, PhDiags *diags);

#endif
