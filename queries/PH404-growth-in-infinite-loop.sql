-- @id PH404
-- @name growth-in-infinite-loop
-- @scope file
-- @severity P2
-- @precision medium
-- @tags memory loops
-- @message {what} inside while True in {function}: {coll} only grows, nothing in the loop removes from it or resets it
-- @fix bound it (collections.deque(maxlen=N)), or clear/rebind it once it has been processed
-- @description A `while True:` loop without break or return runs for the
-- life of the process: a worker, a poller, a server's accept loop. A
-- collection created before the loop and added to on every turn, with
-- nothing in the loop that removes entries or starts it afresh, grows until
-- the process runs out of memory.
-- @bad
-- def collect(queue, report):
--     events = []
--     while True:
--         events.append(queue.get())
--         report(len(events))
-- @good
-- def collect(queue, report):
--     events = collections.deque(maxlen=10_000)
--     while True:
--         events.append(queue.get())
--         report(len(events))
-- @accepted loops that clear, pop from or rebind the collection (a
-- shrinking method handed on as a callback counts); entries stored under a
-- key rather than added (`d[k] = v`, `d[k] += 1`, `d.update(...)`,
-- `d.setdefault(k, v)`: the row flags what is appended to; a keyed store
-- grows only with the number of distinct keys, which the loop does not show
-- to be unbounded: a cursor per stream, a status per node); loops with an exit condition, break or return, or
-- ended by an exception they expect (`try: while True: ... except
-- StopIteration:`); for loops; collections created inside the loop; deques
-- given a maxlen; attributes and module-level collections emptied or
-- replaced by another function; declarations under `if TYPE_CHECKING:`.

-- Result: one row per collection and function, at its first growing call or
-- `+=` inside the loop. Columns: file_id, line, col,
-- end_line, end_col; what (the operation, e.g. 'events.append()'); coll (the
-- collection as written); function ('def name()' or 'module code');
-- related (the while loop).
WITH forever AS MATERIALIZED (
  SELECT l.id, l.file_id, l.function_id, l.line, l.col, l.end_line, l.end_col
    FROM loops l JOIN files f ON f.id = l.file_id
   WHERE l.kind = 'while' AND l.is_while_true AND NOT l.has_break
     -- not ended by an expected exception: a try around the loop whose
     -- handler names a specific type (StopIteration, EOFError, queue.Empty...),
     -- rather than only broad or interrupt types that leave the loop
     -- running for the life of the process
     AND NOT EXISTS (
           SELECT 1 FROM handlers h JOIN statements t ON t.id = h.try_id
            WHERE h.function_id IS l.function_id AND h.file_id = l.file_id
              AND h.line > l.end_line AND t.line <= l.line AND NOT h.is_bare
              AND replace(replace(replace(replace(replace(replace(replace(h.resolved_types,
                    ',Exception,', ','), ',BaseException,', ','), ',KeyboardInterrupt,', ','),
                    ',SystemExit,', ','), ',GeneratorExit,', ','), ',asyncio.CancelledError,', ','),
                    ',asyncio.exceptions.CancelledError,', ',') NOT IN (',', ''))
),
-- what grows inside those loops; attr is the collection's name without
-- its `self.`/`cls.`/`Class.` head, class_id the class of the method
grow AS MATERIALIZED (
  SELECT l.id AS forever_id, l.line AS loop_line, l.col AS loop_col, l.end_line AS loop_end, m.*,
         CASE WHEN instr(m.coll, '.') THEN substr(m.coll, instr(m.coll, '.') + 1) ELSE m.coll END AS attr,
         (SELECT class_id FROM function_classes fc WHERE fc.function_id = m.function_id) AS class_id
    FROM (SELECT * FROM collection_mutations
           WHERE effect = 'grow'
             AND (file_id, coalesce(function_id, 0)) IN (SELECT file_id, coalesce(function_id, 0) FROM forever)) m
    JOIN forever l ON l.file_id = m.file_id AND l.function_id IS m.function_id
                  AND m.line BETWEEN l.line AND l.end_line
   -- only what adds an element: a growing method, or `+=` on the list;
   -- an entry stored under a key (`d[k] = v`, `d.update()`, `setdefault`)
   -- is bounded by the keys, whose number the loop does not show to grow
   WHERE (m.how = 'call' AND m.call_id IN (SELECT id FROM calls
                                           WHERE name IN ('append', 'appendleft', 'add', 'extend', 'extendleft', 'insert')))
      OR (m.how = 'augmented' AND m.what GLOB '* +=')
),
-- every other change to a collection of the same name in those files
mut AS MATERIALIZED (
  SELECT m.*, CASE WHEN instr(m.coll, '.') THEN substr(m.coll, instr(m.coll, '.') + 1) ELSE m.coll END AS attr
    FROM collection_mutations m
   WHERE m.effect IN ('shrink', 'rebind')
     AND (m.file_id, CASE WHEN instr(m.coll, '.') THEN substr(m.coll, instr(m.coll, '.') + 1) ELSE m.coll END)
         IN (SELECT file_id, attr FROM grow)
),
owned AS (
  SELECT g.*,
         CASE WHEN g.coll = g.attr AND g.function_id IS NOT NULL AND EXISTS (
                     SELECT 1 FROM collection_defs d
                      WHERE d.function_id = g.function_id AND d.name = g.coll AND NOT d.bounded AND (g.how <> 'item' OR d.kind = 'dict')
                        AND d.line NOT BETWEEN g.loop_line AND g.loop_end)
                THEN 'local'
              WHEN g.coll = g.attr AND (g.function_id IS NULL OR NOT EXISTS (
                     SELECT 1 FROM params p WHERE p.function_id = g.function_id AND p.name = g.coll)
                     AND NOT EXISTS (SELECT 1 FROM assignments a
                                      WHERE a.function_id = g.function_id AND a.target = g.coll
                                        AND a.target_kind = 'name'))
                   AND EXISTS (
                     SELECT 1 FROM collection_defs d
                      WHERE d.id BETWEEN file_first_id(g.file_id) AND file_last_id(g.file_id)
                        AND d.function_id IS NULL AND d.class_id IS NULL AND d.name = g.coll AND NOT d.bounded AND (g.how <> 'item' OR d.kind = 'dict'))
                THEN 'module'
              WHEN g.coll = 'self.' || g.attr AND g.class_id IS NOT NULL AND EXISTS (
                     SELECT 1 FROM collection_defs d
                      WHERE d.id BETWEEN file_first_id(g.file_id) AND file_last_id(g.file_id)
                        AND NOT d.bounded AND (g.how <> 'item' OR d.kind = 'dict')
                        AND ((d.name = g.coll
                              AND d.function_id IN (SELECT function_id FROM function_classes
                                                     WHERE class_id = g.class_id)
                              AND NOT (d.function_id = g.function_id
                                       AND d.line BETWEEN g.loop_line AND g.loop_end))
                             OR (d.name = g.attr AND d.class_id = g.class_id AND d.function_id IS NULL)))
                THEN 'attribute'
         END AS owner
    FROM grow g
)
SELECT o.file_id, min(o.line) AS line, o.col, o.end_line, o.end_col, o.what, o.coll,
       coalesce('def ' || f.name || '()', 'module code') AS function,
       json_array(json_object('file_id', o.file_id, 'line', o.loop_line, 'col', o.loop_col,
                              'end_line', o.loop_line, 'end_col', o.loop_col + 5,
                              'message', 'the loop that never ends')) AS related
  FROM owned o
  LEFT JOIN functions f ON f.id = o.function_id
 WHERE o.owner IS NOT NULL
   -- the loop removes from it or starts it afresh
   AND NOT EXISTS (SELECT 1 FROM mut e
                    WHERE e.file_id = o.file_id AND e.function_id IS o.function_id AND e.coll = o.coll
                      AND e.line BETWEEN o.loop_line AND o.loop_end)
   -- a shared collection is emptied elsewhere: a shrink, or a rebind in a
   -- function that declares it global
   AND NOT (o.owner = 'module' AND EXISTS (
              SELECT 1 FROM mut e
               WHERE e.file_id = o.file_id AND e.coll = o.coll
                 AND (e.effect = 'shrink' OR e.function_id IN (SELECT function_id FROM global_declaring_functions))))
   -- an attribute is emptied or replaced by another method of the class
   AND NOT (o.owner = 'attribute' AND EXISTS (
              SELECT 1 FROM mut e JOIN functions ef ON ef.id = e.function_id
               WHERE e.file_id = o.file_id AND e.attr = o.attr
                 AND e.function_id IN (SELECT function_id FROM function_classes WHERE class_id = o.class_id)
                 AND (e.effect = 'shrink' OR (ef.name <> '__init__' AND e.function_id <> o.function_id))))
 GROUP BY o.file_id, o.function_id, o.coll;
