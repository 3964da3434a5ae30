-- @id PH502
-- @name materialize-then-iterate
-- @severity P3
-- @precision medium
-- @tags memory materialization loops
-- @message {what} builds a whole list that is only iterated once{where}: iterate {source} directly
-- @fix drop the list(...) or turn the comprehension into a generator expression; loop over the source itself
-- @description list(x) and list comprehensions build every element before the
-- loop starts: memory for the whole sequence, and no output until all of it
-- is built. When the list is only walked once, front to back, iterate the
-- source (an iterator, a range, a csv reader, a dict view) directly, or use
-- a generator expression.
-- @bad
-- for i in list(range(n)):
--     out.append(i * i)
--
-- active = [u for u in users if u.is_active]
-- for user in active:
--     mailer.send(user.email)
-- @good
-- for i in range(n):
--     out.append(i * i)
--
-- for user in (u for u in users if u.is_active):
--     mailer.send(user.email)
-- @accepted lists that are indexed, measured, iterated twice, returned or
-- mutated; copies taken because the loop mutates the source (`for k in
-- list(d): del d[k]`); lists iterated inside a loop of their own (walked
-- many times).

-- Result: one row per list(...) call or comprehension, at it. Columns:
-- file_id, line, col, end_line, end_col; what ('list(...)' or 'the list
-- comprehension'); source (what it copies); where (' in def name()' or '').
WITH
-- list(x) with one plain argument: x is the source; for list(d.keys()),
-- list(d.values()), list(d.items()) the source is d
list_calls AS MATERIALIZED (
  SELECT c.id, c.file_id, c.function_id, c.use, c.line, c.col, c.end_line, c.end_col,
         CASE WHEN a.kind = 'call' AND k.name IN ('keys', 'values', 'items') AND k.receiver IS NOT NULL
                   AND k.nargs = 0
              THEN k.receiver ELSE a.text END AS source
    FROM calls c
    JOIN call_args a ON a.call_id = c.id AND a.pos = 0 AND a.star = 0
    LEFT JOIN calls k ON a.kind = 'call' AND k.parent_call_id = c.id AND k.arg_idx = 0
                     AND k.line = a.line AND k.col = a.col
   WHERE c.name = 'list' AND c.resolved = 'list' AND c.nargs = 1 AND c.kwargs = '' AND NOT c.star_args
     AND c.use IN ('iter', 'assign')
),
-- xs = list(...): the assignment of each list(...) call bound to a name
list_assignments AS MATERIALIZED (
  SELECT c.*, a.id AS assignment_id
    FROM list_calls c
    CROSS JOIN assignments a ON a.id BETWEEN c.file_id << 24 AND ((c.file_id + 1) << 24) - 1
                            AND a.value_call_id = c.id
   WHERE c.use = 'assign'
),
-- list comprehensions bound to a name (the outermost comprehension of the
-- value is the first to start); the source is its first iterable
comps AS MATERIALIZED (
  SELECT c.assignment_id, l.file_id, l.function_id, l.line, l.col, l.end_line, l.end_col,
         CASE WHEN k.name IN ('keys', 'values', 'items') AND k.receiver IS NOT NULL AND k.nargs = 0
              THEN k.receiver ELSE l.iter END AS source
    FROM (SELECT a.id AS assignment_id,
                 (SELECT l.id FROM loops l
                   WHERE l.id BETWEEN a.file_id << 24 AND ((a.file_id + 1) << 24) - 1
                     AND l.stmt_id = a.stmt_id AND l.kind = 'list_comp' AND l.parent_id IS a.loop_id
                   ORDER BY l.line, l.col LIMIT 1) AS comp_id
            FROM assignments a
           WHERE a.value_kind = 'list_comprehension' AND a.target_kind = 'name' AND a.op = '=') c
    JOIN loops l ON l.id = c.comp_id
    LEFT JOIN calls k ON k.id = l.iter_call_id
),
found AS MATERIALIZED (
  -- for x in list(...)
  SELECT c.file_id, c.function_id, c.line, c.col, c.end_line, c.end_col, 'list(...)' AS what, c.source,
         l.line AS loop_line, l.end_line AS loop_end
    FROM list_calls c JOIN loops l ON l.iter_call_id = c.id
   WHERE c.use = 'iter'
  UNION ALL
  -- xs = list(...); for x in xs
  SELECT c.file_id, c.function_id, c.line, c.col, c.end_line, c.end_col, 'list(...)', c.source,
         l.line, l.end_line
    FROM list_assignments c
    CROSS JOIN iterated_once i ON i.assignment_id = c.assignment_id
    JOIN loops l ON l.id = i.loop_id
   WHERE c.use = 'assign'
  UNION ALL
  -- xs = [... for ...]; for x in xs
  SELECT c.file_id, c.function_id, c.line, c.col, c.end_line, c.end_col, 'the list comprehension', c.source,
         l.line, l.end_line
    FROM comps c
    CROSS JOIN iterated_once i ON i.assignment_id = c.assignment_id
    JOIN loops l ON l.id = i.loop_id
),
-- changes to the copied sources, in their files
mut AS MATERIALIZED (
  SELECT file_id, function_id, coll, line FROM collection_mutations
   WHERE effect IN ('grow', 'shrink') AND (file_id, coll) IN (SELECT file_id, source FROM found)
)
SELECT f.file_id, f.line, f.col, f.end_line, f.end_col, f.what, f.source,
       coalesce(' in def ' || fn.name || '()', '') AS "where"
  FROM found f
  LEFT JOIN functions fn ON fn.id = f.function_id
 WHERE NOT EXISTS (          -- the copy protects the source from the loop's own changes
         SELECT 1 FROM mut m
          WHERE m.file_id = f.file_id AND m.function_id IS f.function_id AND m.coll = f.source
            AND m.line BETWEEN f.loop_line AND f.loop_end);
