-- @id PH705
-- @name str-concat-in-loop
-- @default opt-in
-- @scope file
-- @severity P3
-- @precision high
-- @tags performance strings loop hot-path
-- @message {target} {op} ... builds a {kind} by concatenation on every iteration of the {loop}: collect the parts and join them once
-- @fix append the pieces to a list and "".join() it after the loop (b"".join() for bytes), or write them to an io.StringIO / io.BytesIO
-- @description Strings and bytes are immutable: `s += part` makes a new
-- object and copies everything accumulated so far, so a loop that builds a
-- text this way does quadratic work in the length of the result. CPython
-- sometimes resizes a str in place when nothing else refers to it, but that
-- is an implementation detail: it fails for bytes, for attributes, as soon
-- as another reference exists, and on other interpreters. Collecting the
-- parts in a list and joining once is linear everywhere.
-- Opt-in: CPython extends a str in place when nothing else refers to it,
-- so most concatenations into a local str cost linear time there, and the
-- texts built this way are usually short; bytes and other interpreters are
-- where it matters.
-- @bad
-- def csv_line(values):
--     line = ""
--     for v in values:
--         line += str(v) + ","
--     return line
-- @good
-- def csv_line(values):
--     return ",".join(str(v) for v in values) + ","
-- @accepted names first bound to something else (a number, a list, a value
-- of unknown type, a parameter); concatenation outside loops; a string
-- started afresh in the same iteration (`label = "item-"; label += ...`).
--
-- Result: one row per assignment, at it. Columns: the location; `target`;
-- `op` ('+=' or '= target +'); `kind` (string or bytes); `loop`; `related`
-- (the loop and the first binding).
WITH acc AS (
  SELECT a.* FROM assignments a
   WHERE a.loop_id IS NOT NULL AND a.target_kind = 'name'
     AND (a.op = '+='
          OR (a.op = '=' AND a.value_kind = 'binary_operator'
              AND (a.value GLOB a.target || ' +*' OR a.value GLOB a.target || '+*')))),
  -- the first binding of each such name in its function (or module body)
  first(acc_id, id) AS (
    SELECT x.id, (SELECT b.id FROM assignments b
                   WHERE b.file_id = x.file_id AND b.function_id IS x.function_id AND b.target = x.target
                     AND b.target_kind = 'name'
                   ORDER BY b.line, b.col LIMIT 1)
      FROM acc x
     WHERE NOT EXISTS (SELECT 1 FROM params p WHERE p.function_id = x.function_id AND p.name = x.target)),
  -- the innermost loop around the assignment that is not over a literal
  -- and does not hold the first binding: the one that accumulates
  accum(acc_id, bind_id, loop_id) AS (
    SELECT f.acc_id, b.id,
           (SELECT la.ancestor_id FROM loop_ancestors la
             WHERE la.loop_id = x.loop_id
               AND NOT EXISTS (SELECT 1 FROM loop_ancestors lb
                                WHERE lb.loop_id = b.loop_id AND lb.ancestor_id = la.ancestor_id)
             ORDER BY la.depth LIMIT 1)
      FROM first f JOIN acc x ON x.id = f.acc_id JOIN assignments b ON b.id = f.id
     WHERE b.id <> x.id AND b.value_kind IN ('string', 'concatenated_string')
       AND (b.line < x.line OR (b.line = x.line AND b.col < x.col)))
SELECT x.file_id, x.line, x.col, x.end_line, x.end_col, x.target,
       CASE x.op WHEN '+=' THEN '+=' ELSE '= ' || x.target || ' +' END AS op,
       CASE WHEN lower(b.value) GLOB 'b[''"]*' OR lower(b.value) GLOB 'rb[''"]*' OR lower(b.value) GLOB 'br[''"]*'
            THEN 'bytes' ELSE 'string' END AS kind,
       ll.label AS loop,
       json_array(json_object('file_id', l.file_id, 'line', l.line, 'col', l.col, 'end_line', l.end_line,
                              'end_col', l.end_col, 'message', 'the ' || ll.label),
                  json_object('file_id', b.file_id, 'line', b.line, 'col', b.col, 'end_line', b.end_line,
                              'end_col', b.end_col, 'message', x.target || ' starts as ' || substr(b.value, 1, 40)))
         AS related
  FROM accum m
  JOIN assignments x ON x.id = m.acc_id
  JOIN assignments b ON b.id = m.bind_id
  JOIN loops l ON l.id = m.loop_id
  JOIN loop_labels ll ON ll.loop_id = l.id
 WHERE m.loop_id IS NOT NULL;
