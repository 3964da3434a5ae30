-- Named statements the C code runs (the writer's INSERT/DELETE statements are
-- derived from facts.h instead; see extractor/writer.c). Each starts with a
-- `-- name: NAME` line; ph_db_statement("NAME") returns its text.

-- name: file_path
-- The path and the code context of a file id. ?1 = file id.
SELECT path, context FROM files WHERE id = ?1;

-- name: file_contexts
-- Every stored file's path and context (extractor/contexts.c re-contexts
-- them when the patterns change).
SELECT id, path, context FROM files;

-- name: set_file_context
-- ?1 = file id, ?2 = its new context.
UPDATE files SET context = ?2 WHERE id = ?1;

-- name: stored_files
-- What each file was at the last extraction, for the change check
-- (extractor/extract.c): id, path, hash, size, mtime_ns, ctime_ns, inode,
-- interface.
SELECT id, path, hash, size, mtime_ns, ctime_ns, inode, interface FROM files ORDER BY path;

-- name: touch_file
-- Refresh the stat of a file whose content did not change. ?1 = file id,
-- ?2 = mtime_ns, ?3 = ctime_ns, ?4 = inode.
UPDATE files SET mtime_ns = ?2, ctime_ns = ?3, inode = ?4 WHERE id = ?1;

-- name: file_hash
-- The content hash a file had when it was extracted (64-bit FNV-1a, hex, as
-- files.hash). ?1 = file id.
SELECT hash FROM files WHERE id = ?1;

-- name: only_file
-- The path of the database's only file; no row when it holds several.
SELECT min(path) FROM files HAVING count(*) = 1;

-- name: suppressions
-- The noqa lists that cover a line: a comment on the line itself, or on the
-- first line of a simple statement that spans it. ?1 = file id, ?2 = line.
SELECT c.noqa FROM comments c
 WHERE c.file_id = ?1 AND c.noqa IS NOT NULL
   AND (c.line = ?2
        OR (c.line < ?2 AND EXISTS (
              SELECT 1 FROM statements s
               WHERE s.id BETWEEN file_first_id(?1) AND file_last_id(?1)
                 AND s.line = c.line AND s.end_line >= ?2
                 AND s.kind NOT IN ('function_definition', 'class_definition', 'decorated_definition',
                                    'if_statement', 'for_statement', 'while_statement', 'try_statement',
                                    'with_statement', 'match_statement'))));

-- name: related
-- Related locations of a finding, from the JSON array a rule returns in its
-- `related` column: [{"file_id":..,"line":..,"col":..,"end_line":..,"end_col":..,"message":".."}].
SELECT json_extract(value, '$.file_id'), json_extract(value, '$.line'), json_extract(value, '$.col'),
       json_extract(value, '$.end_line'), json_extract(value, '$.end_col'), json_extract(value, '$.message')
  FROM json_each(?1);

-- name: edits
-- The edits of a finding's safe fix, from the JSON array a rule returns in
-- its `edits` column: [{"line":..,"col":..,"end_line":..,"end_col":..,
-- "old":"..","new":".."}] (core/rules.h, PhEdit). A member that lacks a
-- field or has one of the wrong type gives a row whose `ok` is 0.
SELECT json_extract(value, '$.line'), json_extract(value, '$.col'), json_extract(value, '$.end_line'),
       json_extract(value, '$.end_col'), json_extract(value, '$.old'), json_extract(value, '$.new'),
       type = 'object'
         AND json_type(value, '$.line') = 'integer' AND json_type(value, '$.col') = 'integer'
         AND json_type(value, '$.end_line') = 'integer' AND json_type(value, '$.end_col') = 'integer'
         AND json_type(value, '$.old') = 'text' AND json_type(value, '$.new') = 'text' AS ok
  FROM json_each(?1);

-- name: cache_rows
-- A rule's cached results (core/rules.c): no row when the rule has not run
-- over these facts, one row of NULLs when it ran and found nothing.
-- ?1 = cache key.
SELECT r.file_id, r.line, r.col, r.end_line, r.end_col, r.severity, r.message, r.related, r.fix, r.edits
  FROM rule_runs k LEFT JOIN rule_rows r ON r.key = k.key
 WHERE k.key = ?1
 ORDER BY r.seq;

-- name: cache_run
-- A rule ran over these facts (core/rules.c). ?1 = cache key, ?2 = its
-- scope ('file', 'interface' or 'project').
INSERT OR REPLACE INTO rule_runs(key, scope) VALUES (?1, ?2);

-- name: cache_reset
-- Every cached rule result goes (new facts, another library, files that
-- took another context).
DELETE FROM rule_runs;
DELETE FROM rule_rows;
DELETE FROM rule_stale;

-- name: cache_stale
-- The files whose results a rule of scope 'file' has to compute again
-- (schema/stale.sql). ?1 = cache key.
SELECT file_id FROM rule_stale WHERE key = ?1 ORDER BY file_id;

-- name: cache_fresh
-- Those files are done. ?1 = cache key.
DELETE FROM rule_stale WHERE key = ?1;

-- name: cache_next_seq
-- Where a rule's new rows go in its order. ?1 = cache key.
SELECT coalesce(max(seq) + 1, 0) FROM rule_rows WHERE key = ?1;

-- name: changed_files_create
-- The files an update re-extracted or removed (extractor/writer.c), for
-- schema/update.sql and schema/stale.sql.
CREATE TEMP TABLE IF NOT EXISTS changed_files(id INTEGER PRIMARY KEY);

-- name: changed_file
-- ?1 = a file id the update re-extracted or removed.
INSERT OR IGNORE INTO temp.changed_files(id) VALUES (?1);

-- name: rule_time
-- How long a rule's query took the last time it ran (core/rules.c starts
-- the longest first). ?1 = rule id.
SELECT seconds FROM rule_times WHERE id = ?1;

-- name: rule_time_set
-- ?1 = rule id, ?2 = seconds its query took.
INSERT OR REPLACE INTO rule_times(id, seconds) VALUES (?1, ?2);

-- name: reader_cache
-- The page cache of each rule thread's connection (core/rules.c): the
-- threads read the same pages, which the operating system caches once; a
-- small cache each keeps the process's memory bounded on large trees.
PRAGMA cache_size = -16384;

-- name: fact_tables
-- The fact tables other than files: those with an id and a file_id
-- (core/rules.c shadows them for a rule of @scope file).
SELECT m.name FROM main.sqlite_schema m
 WHERE m.type = 'table'
   AND EXISTS (SELECT 1 FROM pragma_table_info(m.name, 'main') WHERE name = 'file_id')
   AND EXISTS (SELECT 1 FROM pragma_table_info(m.name, 'main') WHERE name = 'id')
 ORDER BY m.name;

-- name: private_fact_tables
-- The fact tables that hold no part of a file's interface (files.interface:
-- extractor/writer.c hashes columns of functions, classes, bases and
-- imports): those core/rules.c shadows for a rule of @scope interface.
SELECT m.name FROM main.sqlite_schema m
 WHERE m.type = 'table' AND m.name NOT IN ('functions', 'classes', 'bases', 'imports')
   AND EXISTS (SELECT 1 FROM pragma_table_info(m.name, 'main') WHERE name = 'file_id')
   AND EXISTS (SELECT 1 FROM pragma_table_info(m.name, 'main') WHERE name = 'id')
 ORDER BY m.name;

-- name: cache_drop_interface
-- A changed file's interface changed: the results of the rules of scope
-- 'interface' all go, as those of scope 'project' (schema/stale.sql).
DELETE FROM rule_rows WHERE key IN (SELECT key FROM rule_runs WHERE scope = 'interface');
DELETE FROM rule_stale WHERE key IN (SELECT key FROM rule_runs WHERE scope = 'interface');
DELETE FROM rule_runs WHERE scope = 'interface';

-- name: shadow_table
-- A fact table seen through the rows of some files (core/rules.c fills in
-- the table's name twice and the rowid ranges of the files, which it
-- computes: `id BETWEEN a AND b OR ...`).
CREATE TEMP VIEW "%w" AS SELECT * FROM main."%w" WHERE %s;

-- name: shadow_files
-- The files table seen through those files (their ids, comma-separated).
CREATE TEMP VIEW files AS SELECT * FROM main.files WHERE id IN (%s);

-- name: shadow_views
-- The views shadow_table and shadow_files made: the TEMP views named like
-- a table of main.
SELECT t.name FROM temp.sqlite_schema t
 WHERE t.type = 'view' AND t.name IN (SELECT name FROM main.sqlite_schema WHERE type = 'table');

-- name: cache_insert
-- One cached result row. ?1 = cache key, ?2 = its order, then the row.
INSERT OR REPLACE INTO rule_rows(key, seq, file_id, line, col, end_line, end_col, severity, message, related, fix,
                                 edits)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12);

-- name: catalogue_insert
-- One row of a catalogue file (schema/catalogue.c), in the columns of the
-- catalogue table: ?1 name, ?2 kind, ?3 family, ?4 pos, ?5 label, ?6 unless,
-- ?7 text, ?8 origin.
INSERT INTO temp.catalogue(name, kind, family, pos, label, unless, text, origin)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8);

-- name: catalogue_reset
-- Forget the rows that did not come from the built-in catalogue.
-- ?1 = the built-in file's origin prefix ('schema/catalogue.tsv:').
DELETE FROM temp.catalogue WHERE substr(origin, 1, length(?1)) <> ?1;

-- name: catalogue_rows
-- The catalogue's content in row order, for the rule cache's key: name,
-- kind, family, pos, label, unless, text.
SELECT name, kind, family, pos, label, unless, text FROM temp.catalogue ORDER BY rowid;

-- name: counts
-- Files, lines and functions in the database.
SELECT (SELECT count(*) FROM files), (SELECT coalesce(sum(lines), 0) FROM files),
       (SELECT count(*) FROM functions WHERE is_lambda = 0);

-- name: files_under
-- How many files of the database lie at or under a path relative to the
-- root ('' is the root itself): what `audit PATH...` reports on. ?1 = path.
SELECT count(*) FROM files
 WHERE ?1 = '' OR path = ?1 OR substr(path, 1, length(?1) + 1) = ?1 || '/';

-- name: tables
-- Tables and views a user can query, for completion and .tables.
SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'
UNION ALL
SELECT name, type FROM sqlite_temp_master WHERE type IN ('table', 'view')
ORDER BY 1;

-- name: audit_surface
-- What the markdown report's Scope and Async architecture count, tests
-- excluded: test files, functions (no lambdas), async functions, request
-- handlers registered by a decorator.
SELECT (SELECT count(*) FROM files WHERE context = 'test'),
       (SELECT count(*) FROM functions f JOIN files x ON x.id = f.file_id WHERE x.context <> 'test' AND NOT f.is_lambda),
       (SELECT count(*) FROM functions f JOIN files x ON x.id = f.file_id WHERE x.context <> 'test' AND f.is_async),
       (SELECT count(DISTINCT h.function_id) FROM request_handlers h
          JOIN functions f ON f.id = h.function_id JOIN files x ON x.id = f.file_id WHERE x.context <> 'test');

-- name: audit_arch
-- The frameworks and libraries the audited code imports (absolute imports
-- outside test files), for the markdown report's "Async architecture": the
-- catalogue's kind 'library' is the whole knowledge, a module prefix
-- (matched at a dot boundary against the imported dotted name) unless it
-- falls under the row's `unless`. Result: kind (framework, loop, async_io,
-- sync_io, retry, breaker: PhArchKind), label, files importing it; in the
-- catalogue's order.
WITH known(ord, kind, prefix, unless, label) AS (
  SELECT rowid, family, name, unless, label FROM catalogue WHERE kind = 'library'),
imported(file_id, q) AS (
  SELECT i.file_id, CASE WHEN coalesce(i.name, '') = '' THEN i.module ELSE i.module || '.' || i.name END
    FROM imports i JOIN files f ON f.id = i.file_id
   WHERE i.level = 0 AND i.module IS NOT NULL AND f.context <> 'test')
SELECT k.kind, k.label, count(DISTINCT m.file_id)
  FROM known k
  JOIN imported m ON (m.q = k.prefix OR substr(m.q, 1, length(k.prefix) + 1) = k.prefix || '.')
                 AND (k.unless IS NULL OR NOT (m.q = k.unless OR substr(m.q, 1, length(k.unless) + 1) = k.unless || '.'))
 GROUP BY k.kind, k.label
 ORDER BY min(k.ord);

-- name: finding_call
-- The call a finding points at, for the markdown report: its callee as
-- written, its qualified name and, when the catalogue's kind 'alternative'
-- knows one, its async equivalent (the longest matching prefix wins; the
-- report shows it for blocking findings, the rule's fix for the others).
-- Among calls starting at the position, the one with the finding's exact
-- span, else the innermost. ?1 = file id, ?2 = line, ?3 = col, ?4 = end line,
-- ?5 = end col. Result: callee, resolved (may be NULL), alternative (NULL
-- when unknown; markdown: code in backticks).
WITH alternatives(prefix, alternative) AS (
  SELECT name, text FROM catalogue WHERE kind = 'alternative')
SELECT c.callee, c.resolved,
       (SELECT a.alternative FROM alternatives a
         WHERE c.resolved = a.prefix OR substr(c.resolved, 1, length(a.prefix) + 1) = a.prefix || '.'
         ORDER BY length(a.prefix) DESC LIMIT 1)
  FROM calls c
 WHERE c.id BETWEEN file_first_id(?1) AND file_last_id(?1)
   AND c.line = ?2 AND c.col = ?3
 ORDER BY (c.end_line = ?4 AND c.end_col = ?5) DESC, c.end_line, c.end_col
 LIMIT 1;

-- name: meta_value
-- A value of the meta table (the REPL reads 'root', the tree the database
-- was built from). ?1 = key.
SELECT value FROM meta WHERE key = ?1;

-- name: columns
-- The columns of a table or view, in order, for .schema and completion.
-- ?1 = table name. Columns: name, declared type, not null (0/1), primary key (0/1).
SELECT name, type, "notnull", pk > 0 FROM pragma_table_info(?1);

-- name: all_columns
-- Every column of every table and view, for completion: table, column.
-- Columns: table name, column name.
SELECT m.name, c.name
  FROM (SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'
        UNION ALL
        SELECT name FROM sqlite_temp_master WHERE type IN ('table', 'view')) m,
       pragma_table_info(m.name) c
 ORDER BY m.name, c.cid;

-- name: schema_objects
-- The objects of the main schema, for the check that a database found on
-- disk holds only what pyhunt creates (schema/db.c). Columns: type, name,
-- table name, the CREATE statement ('' for automatic indexes).
SELECT type, name, tbl_name, coalesce(sql, '') FROM main.sqlite_schema ORDER BY type, name;

-- name: schema_names
-- Every table, index and view name of pyhunt's schema, main and TEMP (the
-- library views): names the REPL's own TEMP objects may not take.
SELECT name FROM main.sqlite_schema UNION SELECT name FROM temp.sqlite_schema;

-- name: meta_keys
-- The keys of the meta table, for the same check.
SELECT key FROM meta;

-- name: baseline_header
-- What a baseline file (core/baseline.c) holds at its top level. ?1 = the
-- file's text, valid JSON. Result: the JSON type of the whole, of
-- $.version and of $.findings (NULL when missing), and $.version.
SELECT json_type(?1), json_type(?1, '$.version'), json_type(?1, '$.findings'), json_extract(?1, '$.version');

-- name: baseline_entries
-- The entries of a baseline file, in order. ?1 = the file's text, valid
-- JSON whose $.findings is an array. Result: the entry's index, its JSON
-- type, then for each of fingerprint, rule and path its JSON type and value
-- (NULL when missing, or when the entry is not an object).
SELECT key, type,
       json_type(o, '$.fingerprint'), json_extract(o, '$.fingerprint'),
       json_type(o, '$.rule'), json_extract(o, '$.rule'),
       json_type(o, '$.path'), json_extract(o, '$.path')
  FROM (SELECT key, type, CASE WHEN type = 'object' THEN value END AS o FROM json_each(?1, '$.findings'))
 ORDER BY key;

-- name: file_scopes
-- The functions (lambdas aside) and classes of a file in source order,
-- outer before inner, for the report model (core/report_model.c): the
-- innermost one around a finding goes into its fingerprint. ?1 = file id.
-- Result: qualname, line, col, end_line, end_col.
SELECT qualname, line, col, end_line, end_col FROM functions
 WHERE id BETWEEN file_first_id(?1) AND file_last_id(?1) AND NOT is_lambda
UNION ALL
SELECT qualname, line, col, end_line, end_col FROM classes
 WHERE id BETWEEN file_first_id(?1) AND file_last_id(?1)
 ORDER BY 2, 3, 4 DESC, 5 DESC;
