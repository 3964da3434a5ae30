-- Named statements the C code runs (the writer's INSERT/DELETE statements are
-- derived from facts.h instead; see extractor/writer.c). Each starts with a
-- `-- name: NAME` line; ph_db_statement("NAME") returns its text.

-- name: file_path
-- The path of a file id. ?1 = file id.
SELECT path FROM files WHERE id = ?1;

-- name: suppressions
-- The noqa lists that cover a line: a comment on the line itself, or on the
-- first line of a simple statement that spans it. ?1 = file id, ?2 = line.
SELECT c.noqa FROM comments c
 WHERE c.file_id = ?1 AND c.noqa IS NOT NULL
   AND (c.line = ?2
        OR (c.line < ?2 AND EXISTS (
              SELECT 1 FROM statements s
               WHERE s.id BETWEEN (?1 << 24) AND ((?1 + 1) << 24) - 1
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

-- name: counts
-- Files, lines and functions in the database.
SELECT (SELECT count(*) FROM files), (SELECT coalesce(sum(lines), 0) FROM files),
       (SELECT count(*) FROM functions WHERE is_lambda = 0);

-- name: tables
-- Tables and views a user can query, for completion and .tables.
SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'
UNION ALL
SELECT name, type FROM sqlite_temp_master WHERE type IN ('table', 'view')
ORDER BY 1;
