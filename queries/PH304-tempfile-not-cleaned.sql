-- @id PH304
-- @name tempfile-not-cleaned
-- @scope file
-- @severity P2
-- @precision high
-- @tags resources files disk leak
-- @message {what} in {function} leaves a file behind: its path is never removed
-- @fix remove it when done (os.unlink / Path.unlink in a `finally`), move it into place (os.replace), or use a self-deleting TemporaryFile / TemporaryDirectory
-- @description NamedTemporaryFile(delete=False) and mkstemp() create a file
-- that nobody deletes: each call leaves one in /tmp for good. A service
-- that does it per request fills the disk (or the tmpfs, which is memory)
-- and leaks whatever the files held. The rule reports such a file whose
-- path is neither removed, renamed into place nor handed to the caller in
-- the function that made it.
-- @bad
-- def write_csv(rows, send):
--     fd, path = tempfile.mkstemp(suffix=".csv")
--     with os.fdopen(fd, "w") as fh:
--         fh.writelines(rows)
--     send(path)
-- @good
-- def write_csv(rows, send):
--     fd, path = tempfile.mkstemp(suffix=".csv")
--     try:
--         with os.fdopen(fd, "w") as fh:
--             fh.writelines(rows)
--         send(path)
--     finally:
--         os.unlink(path)
-- @accepted NamedTemporaryFile() with the default delete=True; a path removed
-- (os.unlink, os.remove, Path.unlink, shutil.rmtree) or moved into place
-- (os.replace, os.rename, shutil.move) in the function or its finally, or by
-- a nested cleanup function; a path returned or yielded to the caller,
-- stored on an object or registered for later removal; a file made in a
-- scratch directory that goes away with it (`dir=` a `with` target such as
-- `with TemporaryDirectory() as d`, or a directory the function removes).
--
-- Result: one row per call, at the call. Columns: the location; `what`
-- (`tmp = tempfile.NamedTemporaryFile(delete=False)`), `function`.
WITH
  -- with items, looked up by call and by function (withs has no index on
  -- either: a scan per temporary file was quadratic)
  with_items(call_id, function_id, as_name) AS MATERIALIZED (SELECT call_id, function_id, as_name FROM withs),
  -- kind: 'named' for a temp-file resource (made with delete=False), 'mkstemp'
  -- for a temp-path one; dir_pos: where its dir argument goes
  temps(id, kind, dir_pos) AS MATERIALIZED (
    SELECT c.id, 'named', k.pos FROM catalogue k JOIN calls c ON c.resolved = k.name
     WHERE k.kind = 'resource' AND k.family = 'temp-file'
       AND EXISTS (SELECT 1 FROM call_args a WHERE a.call_id = c.id AND a.keyword = 'delete'
                      AND a.text IN ('False', '0'))
    UNION ALL
    SELECT c.id, 'mkstemp', k.pos FROM catalogue k JOIN calls c ON c.resolved = k.name
     WHERE k.kind = 'resource' AND k.family = 'temp-path'),
  -- the name that holds the path (or the file whose .name is the path)
  holder(id, kind, function_id, name) AS (
    SELECT t.id, t.kind, c.function_id,
           CASE WHEN c.use = 'assign' AND c.target NOT GLOB '*[^A-Za-z0-9_]*' THEN c.target
                WHEN c.use = 'with' THEN (SELECT w.as_name FROM with_items w WHERE w.call_id = c.id)
                -- fd, path = mkstemp(): the second name of the statement
                WHEN c.use = 'assign' AND t.kind = 'mkstemp' THEN
                  (SELECT a.target FROM assignments a
                    WHERE a.function_id IS c.function_id AND a.stmt_id = c.stmt_id AND a.value_kind = 'unpack' AND a.target_kind = 'name'
                    ORDER BY a.line, a.col LIMIT 1 OFFSET 1)
                -- path = NamedTemporaryFile(delete=False).name, path = mkstemp()[1]
                ELSE (SELECT a.target FROM assignments a
                       WHERE a.function_id IS c.function_id AND a.stmt_id = c.stmt_id AND a.target_kind = 'name'
                       LIMIT 1) END
      FROM temps t JOIN calls c ON c.id = t.id
     WHERE c.use NOT IN ('return', 'yield', 'arg')
       -- the file or its path returned or stored on an object by the statement itself
       AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.id = c.stmt_id AND s.kind = 'return_statement')
       AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.function_id IS c.function_id AND a.stmt_id = c.stmt_id
                          AND a.target_kind IN ('attribute', 'subscript'))
       -- made in a scratch directory: removed with it, by the `with` that made it
       -- (TemporaryDirectory() as d) or by the function (shutil.rmtree(d))
       AND NOT EXISTS (
             SELECT 1 FROM call_args d
              WHERE d.call_id = c.id AND d.kind IN ('identifier', 'attribute')
                AND (d.keyword = 'dir' OR (d.keyword IS NULL AND d.pos = t.dir_pos))
                AND (EXISTS (SELECT 1 FROM with_items w WHERE w.function_id IS c.function_id AND w.as_name = d.text)
                     OR EXISTS (SELECT 1 FROM names n JOIN calls k ON k.id = n.call_id
                                 WHERE n.function_id IS c.function_id AND n.name = d.text AND n.ctx = 'load'
                                   AND n.role = 'arg' AND k.name IN ('rmtree', 'cleanup', 'rmdir'))))),
  -- the holder and names bound from it (`path = tmp.name`, `p = Path(raw)`)
  names_of(id, function_id, name) AS (
    SELECT h.id, h.function_id, h.name FROM holder h WHERE h.name IS NOT NULL
    UNION
    SELECT h.id, h.function_id, a.target
      FROM holder h
      JOIN names n ON n.function_id IS h.function_id AND n.name = h.name AND n.ctx = 'load'
      JOIN assignments a ON a.function_id IS n.function_id AND a.stmt_id = n.stmt_id AND a.target_kind = 'name'
     WHERE h.name IS NOT NULL)
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col,
       coalesce(h.name || ' = ', '') || c.callee || '(' || CASE WHEN h.kind = 'named' THEN 'delete=False' ELSE '' END || ')'
         AS what,
       coalesce(fn.name, '<module>') AS function
  FROM holder h
  JOIN calls c ON c.id = h.id
  LEFT JOIN functions fn ON fn.id = c.function_id
 WHERE NOT EXISTS (
         SELECT 1 FROM names_of o
           JOIN names n ON n.function_id IS o.function_id AND n.name = o.name AND n.ctx = 'load'
          WHERE o.id = h.id
            AND (
              -- removed or moved away: a remover call in the statement that reads it
              EXISTS (SELECT 1 FROM calls k
                       WHERE k.function_id IS n.function_id AND k.stmt_id = n.stmt_id
                         AND (k.name IN ('unlink', 'remove', 'rmtree', 'renames', 'move',
                                         'cleanup', 'delete')
                              OR k.name GLOB '*remove*' OR k.name GLOB '*unlink*' OR k.name GLOB '*delete*'
                              OR k.name GLOB '*cleanup*'
                              -- moved into place: os.replace/rename, Path.replace/rename (not str.replace)
                              OR (k.name IN ('replace', 'rename')
                                  AND (EXISTS (SELECT 1 FROM catalogue m
                                                WHERE m.kind = 'path-mover' AND k.resolved GLOB m.name)
                                       OR k.receiver = o.name))))
              -- handed on: returned, yielded, stored on an object, registered
              -- (the path itself, alone or in a tuple: `return tmp.name`,
              -- `return fh, path`; not a value computed from it,
              -- `return upload(tmp.name)`)
              OR EXISTS (SELECT 1 FROM returns r WHERE r.function_id IS n.function_id AND r.stmt_id = n.stmt_id
                            AND instr(r.names, ' ' || o.name || ' ') > 0 AND instr(r.value, '(') = 0
                            AND r.value NOT GLOB '*[^A-Za-z0-9_., ]*')
              OR EXISTS (SELECT 1 FROM assignments a WHERE a.function_id IS n.function_id AND a.stmt_id = n.stmt_id
                            AND a.target_kind IN ('attribute', 'subscript'))
              OR EXISTS (SELECT 1 FROM calls k WHERE k.id = n.call_id
                            AND k.name IN ('append', 'add', 'extend', 'register', 'callback', 'push',
                                           'enter_context', 'addCleanup', 'add_done_callback'))))
   -- a nested function that removes files is a cleanup callback
   AND h.function_id NOT IN (SELECT k.function_id FROM closed_by_nested k JOIN calls kc ON kc.id = k.call_id
                              WHERE kc.name IN (SELECT name FROM catalogue WHERE kind = 'closer' AND family = 'path'));
