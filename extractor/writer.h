/*
 * writer: the only code that writes facts into SQLite. One connection,
 * prepared statements, and a file's facts replaced as a unit (its rowid
 * range deleted from every table, then its rows inserted).
 */
#ifndef PH_WRITER_H
#define PH_WRITER_H

#include <sqlite3.h>
#include "context.h"
#include "facts.h"

typedef struct PhWriter PhWriter;

/* Prepare the statements on db. `bulk`: the tables are new and empty, so
 * nothing needs deleting. Returns NULL after adding a diagnostic when the
 * schema does not have the columns facts.h lists. Caller closes with
 * ph_writer_close(). */
PhWriter *ph_writer_open(sqlite3 *db, bool bulk, PhDiags *diags);
void ph_writer_close(PhWriter *self);   /* NULL is a no-op */

/* The interface hash of f's facts (schema/tables.sql, files.interface):
 * what other files' derived relations read of it. */
uint64_t ph_writer_interface(const PhFacts *f, const char *module, bool is_package);

/* Store f (status PH_FACTS_PARSED): its files row (with its code context
 * and `interface`, ph_writer_interface()) and every fact row, replacing
 * what the file had. An update (not `bulk`) records the file in
 * temp.changed_files, as ph_writer_remove() does. Returns an SQLite code. */
int ph_writer_put(PhWriter *self, const PhFacts *f, const char *module, bool is_package, PhContext context,
                  int lines, int parse_errors, uint64_t interface);

/* Refresh the stat (mtime, ctime, inode) of a file whose content is unchanged. */
int ph_writer_touch(PhWriter *self, const PhFacts *f);

/* Drop a file and all its facts. */
int ph_writer_remove(PhWriter *self, int64_t file_id);

#endif
