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

/* Store f (status PH_FACTS_PARSED): its files row (with its code context)
 * and every fact row, replacing what the file had. Returns an SQLite code. */
int ph_writer_put(PhWriter *self, const PhFacts *f, const char *module, bool is_package, PhContext context,
                  int lines, int parse_errors);

/* Refresh the stat (mtime, ctime, inode) of a file whose content is unchanged. */
int ph_writer_touch(PhWriter *self, const PhFacts *f);

/* Drop a file and all its facts. */
int ph_writer_remove(PhWriter *self, int64_t file_id);

#endif
