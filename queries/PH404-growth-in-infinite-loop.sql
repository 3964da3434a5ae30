-- @id PH404
-- @name growth-in-infinite-loop
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
-- @accepted loops that clear, pop from or rebind the collection; loops with
-- an exit condition, break or return; for loops; collections created inside
-- the loop; deques given a maxlen.

-- Result: one row per collection and function, at its first growing call or
-- subscript assignment inside the loop. Columns: file_id, line, col,
-- end_line, end_col; what (the operation, e.g. 'events.append()'); coll (the
-- collection as written); function ('def name()' or 'module code');
-- related (the while loop).
WITH forever AS (
  SELECT id, file_id, function_id, line, col, end_line, end_col FROM loops
   WHERE kind = 'while' AND is_while_true AND NOT has_break
),
mut AS MATERIALIZED (
  SELECT * FROM collection_mutations
),
grow AS (
  SELECT l.id AS forever_id, l.line AS loop_line, l.col AS loop_col, l.end_line AS loop_end,
         l.end_col AS loop_end_col, m.*
    FROM forever l
    JOIN mut m ON m.file_id = l.file_id AND m.function_id IS l.function_id
              AND m.line BETWEEN l.line AND l.end_line
   WHERE m.effect = 'grow'
),
owned AS (
  -- a local created before the loop
  SELECT g.*, 'local' AS owner, d.id AS def_id
    FROM grow g
    JOIN collection_defs d ON d.function_id = g.function_id AND d.name = g.coll
   WHERE g.function_id IS NOT NULL AND instr(g.coll, '.') = 0 AND NOT d.bounded
     AND d.line NOT BETWEEN g.loop_line AND g.loop_end
  UNION ALL
  -- a module-level or class-level collection
  SELECT g.*, 'shared', s.collection_id
    FROM grow g
    JOIN shared_collection_mutations s ON s.file_id = g.file_id AND s.line = g.line AND s.col = g.col
                                      AND s.coll = g.coll AND s.effect = 'grow'
    JOIN shared_collections d ON d.id = s.collection_id
   WHERE NOT d.bounded
  UNION ALL
  -- an attribute of self, created in a method of the same class
  SELECT g.*, 'attribute', d.id
    FROM grow g
    JOIN function_classes fc ON fc.function_id = g.function_id
    JOIN function_classes dc ON dc.class_id = fc.class_id
    JOIN collection_defs d ON d.function_id = dc.function_id AND d.name = g.coll
   WHERE g.coll GLOB 'self.*' AND NOT d.bounded
     AND NOT (d.function_id = g.function_id AND d.line BETWEEN g.loop_line AND g.loop_end)
),
unbounded AS (
  SELECT o.* FROM owned o
   WHERE NOT EXISTS (              -- the loop removes from it or starts it afresh
           SELECT 1 FROM mut e
            WHERE e.file_id = o.file_id AND e.function_id IS o.function_id AND e.coll = o.coll
              AND e.effect IN ('shrink', 'rebind') AND e.line BETWEEN o.loop_line AND o.loop_end)
     AND NOT (o.owner = 'shared' AND EXISTS (
           SELECT 1 FROM shared_collection_mutations e
            WHERE e.collection_id = o.def_id
              AND (e.effect = 'shrink' OR (e.effect = 'rebind' AND e.function_id IS NOT NULL))))
     AND NOT (o.owner = 'attribute' AND EXISTS (
           SELECT 1 FROM mut e
             JOIN function_classes ec ON ec.function_id = e.function_id
             JOIN function_classes oc ON oc.class_id = ec.class_id AND oc.function_id = o.function_id
             JOIN functions ef ON ef.id = e.function_id
            WHERE e.file_id = o.file_id AND e.coll = o.coll
              AND (e.effect = 'shrink'
                   OR (e.effect = 'rebind' AND ef.name <> '__init__' AND e.function_id <> o.function_id))))
)
SELECT u.file_id, min(u.line) AS line, u.col, u.end_line, u.end_col, u.what, u.coll,
       coalesce('def ' || f.name || '()', 'module code') AS function,
       json_array(json_object('file_id', u.file_id, 'line', u.loop_line, 'col', u.loop_col,
                              'end_line', u.loop_line, 'end_col', u.loop_col + 5,
                              'message', 'the loop that never ends')) AS related
  FROM unbounded u
  LEFT JOIN functions f ON f.id = u.function_id
 GROUP BY u.file_id, u.function_id, u.coll;
