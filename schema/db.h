/*
 * db: the fact database as a file. Opening, creating, version checks and the
 * SQL-side library (views from schema/views/*.sql, SQL functions pyhunt adds).
 * It knows the schema's text but not what the facts mean: the extractor
 * fills the tables and the query runner reads them.
 */
#ifndef PH_DB_H
#define PH_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include "diag.h"
#include "embedded.h"

/* The extractor's release number; the version stored in a database also
 * holds a checksum of the extractor's sources and schema (ph_db_version()). */
#define PH_EXTRACTOR_VERSION 1
#define PH_TOOL_VERSION "0.1.0"
/* How long a connection waits for another one's write lock. Writers of
 * pyhunt take a lock file first (extractor/extract.c), so this only covers
 * the short writes of the rule cache and foreign processes. */
#define PH_DB_BUSY_MS 5000

/* Fact ids (schema/tables.sql, `id`): a file owns the 2^32 ids from
 * ph_db_first_id(file_id), its module scope, to ph_db_last_id(file_id),
 * however many facts other files hold. SQL spells the same bounds with the
 * functions file_first_id(FILE_ID) and file_last_id(FILE_ID), so that no rule
 * depends on the encoding: `x.id BETWEEN file_first_id(f) AND
 * file_last_id(f)` is a rowid range. */
#define PH_DB_ID_BITS 32
static inline long long ph_db_first_id(long long file_id) { return file_id << PH_DB_ID_BITS; }
static inline long long ph_db_last_id(long long file_id) {
    return ph_db_first_id(file_id) + ((1LL << PH_DB_ID_BITS) - 1);
}

typedef enum {
    PH_DB_OK,          /* opened, current version */
    PH_DB_MISSING,     /* no such file */
    PH_DB_STALE,       /* a pyhunt database of another version: rebuild it */
    PH_DB_DAMAGED,     /* not a database, truncated or corrupt, or holding objects or meta
                        * rows pyhunt did not create, and pyhunt's to replace: rebuild it */
    PH_DB_ERROR        /* cannot be opened or read now (permissions, locked, I/O): see diags */
} PhDbStatus;

/* ---------------------------------------------------------------------------
 * Trust. Every connection pyhunt opens carries an authorizer
 * (sqlite3_set_authorizer) that judges each statement prepared on it by the
 * trust level of the calling thread at that moment:
 *
 *   PH_TRUST_ALL      pyhunt's own SQL (the default).
 *   PH_TRUST_READ     a rule file, catalogue or configuration, which may come
 *                     from the audited repository: reads only. No write to any
 *                     table (TEMP ones included), no CREATE/DROP/ALTER, no
 *                     ATTACH/DETACH (and so no VACUUM, VACUUM INTO), no
 *                     transaction, no load_extension(), no PRAGMA that sets
 *                     anything (table_info and the other read-only PRAGMAs stay).
 *   PH_TRUST_EXPLORE  SQL typed in the REPL or given to `pyhunt query`: what
 *                     READ allows, plus TEMP tables, views and indexes of the
 *                     user's own (not named like an object of pyhunt's schema)
 *                     and writes to them. The fact tables, the derived tables
 *                     and the rule cache cannot change.
 *
 * Prepare, step and finalize untrusted SQL while its level is set (SQLite
 * may prepare a statement again inside sqlite3_step). A refused statement
 * fails with SQLITE_AUTH; ph_db_errmsg() says why.
 */
typedef enum { PH_TRUST_ALL, PH_TRUST_READ, PH_TRUST_EXPLORE } PhTrust;

/* Set the calling thread's trust level; returns the previous one. */
PhTrust ph_db_trust(PhTrust level);

/* The last error of db: why the authorizer refused a statement when it
 * did, else sqlite3_errmsg(). Borrowed, valid until the next SQLite call. */
const char *ph_db_errmsg(sqlite3 *db);

/* Configure SQLite for this process; call once at start-up, before any
 * other SQLite call. */
void ph_db_global_init(void);

/* The version string stored in meta.schema_version. Static. */
const char *ph_db_version(void);

/* Open an existing database read-write (or read-only with `readonly`). It
 * must be pyhunt's: its schema objects (sqlite_schema) exactly those pyhunt
 * creates, no trigger or view of anyone else's, and its meta rows pyhunt's
 * own. On PH_DB_OK *out is the connection with views and functions loaded;
 * the caller closes it with ph_db_close(). On every other status *out is
 * NULL and a diagnostic says why. PH_DB_DAMAGED (a note "...; rebuilding
 * it") is returned only when `readonly` is false and the file is pyhunt's to
 * replace: it lies in a folder named .pyhunt (pyhunt's own, whose content
 * is derived data) or has a pyhunt meta table. Anything else is an error:
 * someone else's file given with --db is never overwritten. */
PhDbStatus ph_db_open(const char *path, bool readonly, sqlite3 **out, PhDiags *diags);

/* Create a fresh database file at path (which must not exist) holding the
 * tables and meta rows, but no indexes yet (bulk loads add them at the end
 * with ph_db_create_indexes). `root` is the tree it describes, stored
 * relative to the database's folder (ph_db_set_root). Returns NULL after
 * adding a diagnostic. */
sqlite3 *ph_db_create(const char *path, const char *root, PhDiags *diags);

/* Record in meta that the database at db_path describes the tree `root`:
 * stored relative to the database's folder, so that it resolves from any
 * working directory and when the tree moves with its .pyhunt folder. */
int ph_db_set_root(sqlite3 *db, const char *db_path, const char *root);

/* The tree the database at db_path describes, as a path usable from the
 * current directory (resolved through the database's folder); NULL when
 * the database records none. Caller frees with free(). */
char *ph_db_root(sqlite3 *db, const char *db_path);

/* An in-memory database with tables, indexes, views and functions: what the
 * test runner extracts each case into. Never fails (aborts on OOM). */
sqlite3 *ph_db_memory(void);

int ph_db_create_indexes(sqlite3 *db, PhDiags *diags);

/* A checksum of the library that derived data is computed with: the views
 * (schema/views/*.sql), schema/derive.sql and schema/update.sql. Static. */
const char *ph_db_library_version(void);
/* Was the database's derived data computed with this library? */
bool ph_db_library_current(sqlite3 *db);
/* Recompute what is derived from the facts and record the library version.
 * Needs the library views loaded. Everything (the call graph, class
 * ancestry, aliases: schema/derive.sql), or with `changed_only` the call
 * graph of the files in temp.changed_files alone (schema/update.sql: for
 * an update where none of them changed its interface, files.interface).
 * Cached rule results: with `reset` all are dropped, else those the files
 * of temp.changed_files made stale (schema/stale.sql; without
 * `changed_only`, every result of a rule of @scope interface too). */
int ph_db_derive(sqlite3 *db, bool changed_only, bool reset, PhDiags *diags);

/* Views of schema/views/*.sql (as TEMP views, in file order) and SQL functions. */
int ph_db_load_library(sqlite3 *db, PhDiags *diags);

void ph_db_close(sqlite3 *db);    /* NULL is a no-op */
/* PRAGMA data_version: changes whenever another connection commits. */
int ph_db_data_version(sqlite3 *db);

#endif
