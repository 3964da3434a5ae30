-- @id PH704
-- @name import-in-hot-path
-- @default opt-in
-- @scope file
-- @severity P3
-- @precision high
-- @tags performance import hot-path
-- @message {what} on every iteration of the {loop}: import once, before the loop or at module level
-- @fix move the import statement to the top of the module (or of the function, before the loop); cache import_module() results in a dict outside the loop
-- @description An import statement inside a loop runs the import machinery
-- on every iteration: a lock, a sys.modules lookup and the binding, and for
-- importlib.import_module() or __import__() the name resolution too. Even
-- when the module is already loaded that is far more than a local name
-- lookup, paid once per item.
-- Opt-in: imports in loops on real code mostly load another module each
-- turn (plugin discovery, autodiscovery of an application), which cannot be
-- moved out of the loop; name the rule to audit them anyway.
-- @bad
-- def encode_rows(rows):
--     out = []
--     for row in rows:
--         import json
--         out.append(json.dumps(row))
--     return out
-- @good
-- import json
--
-- def encode_rows(rows):
--     return [json.dumps(row) for row in rows]
-- @accepted imports anywhere outside loops (at module level, at the top of
-- a function: lazy imports).
--
-- Result: one row per import statement or import call in a loop, at it.
-- Columns: the location; `what`; `loop`; `related` (the loop).
WITH found(file_id, line, col, end_line, end_col, what, loop_id, function_id, stmt_id, bound) AS (
  SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, c.callee || '()', c.loop_id, c.function_id,
         c.stmt_id, NULL
    FROM calls c
   WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'dynamic-import') AND c.loop_id IS NOT NULL
  UNION ALL
  SELECT s.file_id, s.line, s.col, s.end_line, s.end_col,
         CASE WHEN max(i.name) IS NULL
              THEN 'import ' || group_concat(i.module || coalesce(' as ' || i.alias, ''), ', ')
              ELSE 'from ' || substr('..........', 1, min(i.level)) || coalesce(min(i.module), '') || ' import '
                   || group_concat(i.name || coalesce(' as ' || i.alias, ''), ', ') END,
         min(i.loop_id), min(i.function_id), s.id, min(i.bound)
    FROM imports i JOIN statements s ON s.id = i.stmt_id
   WHERE i.loop_id IS NOT NULL
   GROUP BY s.id)
SELECT f.file_id, f.line, f.col, f.end_line, f.end_col, f.what, ll.label AS loop,
       json_array(json_object('file_id', l.file_id, 'line', l.line, 'col', l.col, 'end_line', l.end_line,
                              'end_col', l.end_col, 'message', 'the ' || ll.label)) AS related
  FROM found f
  JOIN loops l ON l.id = f.loop_id
  JOIN loop_labels ll ON ll.loop_id = l.id;
