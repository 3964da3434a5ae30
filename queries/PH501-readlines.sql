-- @id PH501
-- @name readlines
-- @severity P3
-- @precision high
-- @tags memory io materialization
-- @message {callee}() reads the whole file into a list that is only iterated{where}: iterate the file object itself
-- @fix loop over the file object (`for line in fh:`), which reads one line at a time
-- @description readlines() reads the whole file and builds a list of every
-- line before the first one is processed: memory grows with the file, and
-- nothing happens until all of it has been read. A file object is already an
-- iterator over its lines; when the list is only walked once, front to back,
-- iterate the file instead.
-- @bad
-- with open(path) as fh:
--     for line in fh.readlines():
--         handle(line)
-- @good
-- with open(path) as fh:
--     for line in fh:
--         handle(line)
-- @accepted results that are indexed, sliced, measured with len(), reversed,
-- iterated twice, returned or passed on; readlines(hint); project functions
-- or methods that happen to be called readlines.

-- Result: one row per readlines() call, at the call. Columns: file_id, line,
-- col, end_line, end_col; callee (as written); where (' in def name()' or
-- '' at module level).
WITH rl AS (
  SELECT c.* FROM calls c
   WHERE c.name = 'readlines' AND c.receiver IS NOT NULL AND c.nargs = 0 AND c.kwargs = ''
     AND NOT c.star_args
     AND NOT EXISTS (SELECT 1 FROM functions f WHERE f.qualname = c.resolved)
)
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, c.callee,
       coalesce(' in def ' || f.name || '()', '') AS "where"
  FROM rl c
  LEFT JOIN functions f ON f.id = c.function_id
 WHERE c.use = 'iter'
    OR (c.use = 'arg' AND c.arg_idx = 0 AND EXISTS (
          SELECT 1 FROM calls p WHERE p.id = c.parent_call_id AND p.resolved = 'enumerate' AND p.use = 'iter'))
    OR (c.use = 'assign' AND EXISTS (
          SELECT 1 FROM assignments a JOIN iterated_once i ON i.assignment_id = a.id
           WHERE a.id BETWEEN c.file_id << 24 AND ((c.file_id + 1) << 24) - 1 AND a.value_call_id = c.id));
