-- @id PH501
-- @name readlines
-- @scope interface
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
-- or methods that happen to be called readlines; lines read inside a try
-- whose handler covers the read and iterated after it (`try: lines =
-- fh.readlines() except OSError: lines = []`); lines read before the same
-- file is opened again for writing (read, then rewrite the file); the body of
-- a function that runs at start-up or shut-down only (startup_code: a
-- start-up or shut-down hook, a function that starts a listening server, or
-- one only such code calls): the list is built once, its cost paid once.
-- Module-level code, main() and CLI commands are still flagged.
-- @autofix deletes `.readlines()`: `for line in fh.readlines():` becomes
-- `for line in fh:` (and `enumerate(fh.readlines())` becomes
-- `enumerate(fh)`), when fh is a file object (bound from a call the
-- catalogue names a `resource` of family `file`: open(), io.open(),
-- gzip.open()...), the loop has no break or
-- return (it reads the file to its end, so the file is left where
-- readlines() leaves it), it is not a generator expression (which could be
-- consumed after the file is closed), and nothing reads fh during the
-- loop or after it but a close(). Iterating a file yields the same lines,
-- newlines included, that readlines() returns.

-- Result: one row per readlines() call, at the call. Columns: file_id, line,
-- col, end_line, end_col; callee (as written); where (' in def name()' or
-- '' at module level); edits (the safe fix, see @autofix).
WITH rl AS (
  SELECT c.* FROM calls c
   WHERE c.name = 'readlines' AND c.receiver IS NOT NULL AND c.nargs = 0 AND c.kwargs = ''
     AND NOT c.star_args
     AND NOT EXISTS (SELECT 1 FROM functions f WHERE f.qualname = c.resolved)
     AND (c.function_id IS NULL OR c.function_id NOT IN (SELECT function_id FROM startup_code))
)
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, c.callee,
       coalesce(' in def ' || f.name || '()', '') AS "where",
       CASE WHEN c.receiver NOT GLOB '*[^A-Za-z0-9_]*' AND c.line = c.end_line
                 AND c.end_col = c.col + length(c.receiver) + length('.readlines()')
                 AND EXISTS (SELECT 1 FROM catalogue k
                              WHERE k.kind = 'resource' AND k.family = 'file' AND k.name = c.receiver_type)
                 AND EXISTS (
                       SELECT 1 FROM loops l
                        WHERE l.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                          AND l.kind IN ('for', 'list_comp', 'set_comp', 'dict_comp') AND NOT l.has_break
                          AND (l.iter_call_id = c.id OR (c.use = 'arg' AND l.iter_call_id = c.parent_call_id)))
                 -- no read of the file after the call, but its close(): in the
                 -- function, or in a function nested in it
                 AND NOT EXISTS (
                       SELECT 1 FROM names n
                         LEFT JOIN functions g ON g.id = n.function_id
                         LEFT JOIN functions h ON h.id = c.function_id
                        WHERE n.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                          AND n.name = c.receiver AND n.ctx = 'load'
                          AND CASE WHEN n.function_id IS c.function_id THEN n.line * 100000 + n.col > c.line * 100000 + c.col
                                   ELSE h.id IS NULL
                                        OR (g.line * 100000 + g.col > h.line * 100000 + h.col
                                            AND g.end_line * 100000 + g.end_col <= h.end_line * 100000 + h.end_col) END
                          AND NOT EXISTS (SELECT 1 FROM calls k
                                           WHERE k.id = n.call_id AND k.name = 'close' AND k.receiver = c.receiver
                                             AND k.nargs = 0))
            THEN json_array(json_object('line', c.line, 'col', c.col + length(c.receiver), 'end_line', c.line,
                                        'end_col', c.end_col, 'old', '.readlines()', 'new', '')) END AS edits
  FROM rl c
  LEFT JOIN functions f ON f.id = c.function_id
 WHERE c.use = 'iter'
    OR (c.use = 'arg' AND c.arg_idx = 0 AND EXISTS (
          SELECT 1 FROM calls p WHERE p.id = c.parent_call_id AND p.resolved = 'enumerate' AND p.use = 'iter'))
    OR (c.use = 'assign' AND EXISTS (
          SELECT 1 FROM assignments a
            JOIN iterated_once i ON i.assignment_id = a.id
            JOIN names n ON n.id = i.name_id
            JOIN loops l ON l.id = i.loop_id
           WHERE a.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id) AND a.value_call_id = c.id
             -- not read in the body of a try that ends before the loop: the
             -- handler is there for errors of the read itself
             AND NOT EXISTS (
                   SELECT 1 FROM statements t
                    WHERE t.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                      AND t.kind = 'try_statement' AND t.function_id IS c.function_id
                      AND (t.line < c.line OR (t.line = c.line AND t.col <= c.col))
                      AND (t.end_line > c.end_line OR (t.end_line = c.end_line AND t.end_col >= c.end_col))
                      AND (t.end_line < n.line OR (t.end_line = n.line AND t.end_col <= n.col))
                      AND NOT EXISTS (SELECT 1 FROM handlers h
                                       WHERE h.try_id = t.id AND h.function_id IS c.function_id
                                         AND h.line <= c.line AND h.end_line >= c.end_line))
             -- nor read from a file that is opened again for writing before
             -- the loop ends (the lines must be in memory when it is rewritten)
             AND NOT EXISTS (
                   SELECT 1 FROM withs w
                     CROSS JOIN call_args p ON p.call_id = w.call_id AND p.pos = 0
                     CROSS JOIN calls o ON o.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                                       AND o.function_id IS c.function_id AND o.name = 'open'
                                       AND o.line > c.line AND o.line <= l.end_line
                     CROSS JOIN call_args q ON q.call_id = o.id AND q.pos = 0 AND q.text = p.text
                    WHERE w.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                      AND w.as_name = c.receiver AND w.function_id IS c.function_id AND w.line <= c.line
                      AND EXISTS (SELECT 1 FROM call_args m
                                   WHERE m.call_id = o.id AND (m.pos = 1 OR m.keyword = 'mode')
                                     AND m.text GLOB '*[wax+]*'))));
