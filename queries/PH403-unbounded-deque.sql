-- @id PH403
-- @name unbounded-deque
-- @scope file
-- @severity P3
-- @precision high
-- @tags memory collections
-- @message {scope} deque {name} has no maxlen and grows in {function}() ({what})
-- @fix give it a bound: collections.deque(maxlen=N) drops the oldest entries itself
-- @description A deque kept at module or class level lives as long as the
-- process. Without maxlen, every append adds an entry for good unless some
-- consumer keeps up; a "recent events" buffer or a work queue whose consumer
-- stalls grows until memory runs out. maxlen=N makes it a ring buffer.
-- @bad
-- _recent = collections.deque()
--
-- def record(event):
--     _recent.append(event)
-- @good
-- _recent = collections.deque(maxlen=1000)
--
-- def record(event):
--     _recent.append(event)
-- @accepted deques given a maxlen (by keyword or second argument); local
-- deques; instance attributes; deques no function appends to.

-- Result: one row per deque, at the statement creating it. Columns: file_id,
-- line, col, end_line, end_col; scope ('module-level' or 'class-level');
-- name (Class.name for class attributes); function (where it first grows);
-- what (the growing call); related (that call, as a related location).
WITH grows AS (
  SELECT m.collection_id, f.name AS function, m.what, m.file_id, min(m.line) AS line, m.col,
         m.end_line, m.end_col
    FROM shared_collection_mutations m
    JOIN functions f ON f.id = m.function_id
   WHERE m.call_id IS NOT NULL AND m.effect = 'grow'
   GROUP BY m.collection_id
)
SELECT d.file_id, d.line, d.col, d.end_line, d.end_col,
       CASE WHEN d.class_id IS NULL THEN 'module-level' ELSE 'class-level' END AS scope,
       coalesce(d.class_name || '.', '') || d.name AS name, g.function, g.what,
       json_array(json_object('file_id', g.file_id, 'line', g.line, 'col', g.col, 'end_line', g.end_line,
                              'end_col', g.end_col, 'message', 'grows here: ' || g.what)) AS related
  FROM shared_collections d
  JOIN grows g ON g.collection_id = d.id
 WHERE d.kind = 'deque' AND NOT d.bounded;
