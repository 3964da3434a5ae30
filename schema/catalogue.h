/*
 * catalogue: what pyhunt knows about libraries, as rows of data. The rows
 * come from schema/catalogue.tsv (embedded at build time) and from the
 * catalogue*.tsv files users put beside their rules; they fill the TEMP
 * table `catalogue` (schema/catalogue.sql) that the library views and the
 * rules join. This module reads and checks the text format and loads rows;
 * what a row means is the rules' business.
 */
#ifndef PH_CATALOGUE_H
#define PH_CATALOGUE_H

#include <sqlite3.h>
#include <stdint.h>
#include "diag.h"

#define PH_CATALOGUE_BUILTIN "schema/catalogue.tsv"

/* Check the rows of a catalogue file against the built-in vocabulary (its
 * kinds, and those the file declares itself): a malformed row adds a
 * located error `path:line:col`. Returns 0, or -1 after adding errors. */
int ph_catalogue_check(const char *path, const char *text, PhDiags *diags);

/* Create the catalogue table on db and fill it with the built-in rows. A
 * failure is a build defect: returns the SQLite error after a diagnostic. */
int ph_catalogue_load_builtin(sqlite3 *db, PhDiags *diags);

/* Add the rows of a checked catalogue file to db's catalogue table, after
 * the rows already there. Returns SQLITE_OK, or an error after adding a
 * diagnostic (a malformed row, a database error). */
int ph_catalogue_load(sqlite3 *db, const char *path, const char *text, PhDiags *diags);

/* Remove every row that did not come from the built-in catalogue, so that
 * a rule set's files can be loaded again. */
int ph_catalogue_reset(sqlite3 *db);

/* A hash of the catalogue table's content, in row order: what rules ran
 * with, for the result cache's key. */
uint64_t ph_catalogue_hash(sqlite3 *db);

#endif
