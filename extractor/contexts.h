/*
 * contexts: a file's code context from its path (the patterns of
 * PhExtractOptions, extractor.h), and keeping the contexts of a database's
 * files in step with the patterns when only the patterns changed.
 */
#ifndef PH_CONTEXTS_H
#define PH_CONTEXTS_H

#include <sqlite3.h>
#include "extractor.h"

/* The context of relpath (relative to the audited root, '/'-separated) by
 * the first of pats[0..n) that matches; PH_CTX_CODE when none does. pats
 * NULL: the default set. */
PhContext ph_contexts_of(const PhContextPattern *pats, size_t n, const char *relpath);

/* Give every file stored in db the context the patterns give its path now;
 * *changed counts the files whose context moved. Runs inside the caller's
 * transaction. Returns an SQLite code. */
int ph_contexts_refresh(sqlite3 *db, const PhContextPattern *pats, size_t n, int *changed);

#endif
