-- @id PH702
-- @name repeated-decode
-- @scope interface
-- @severity P3
-- @precision high
-- @tags performance serialization hot-path
-- @message {callee}({arg}) again in {function}: the same value was {done} at line {first_line}; keep the result in a variable
-- @fix decode (or encode) once, bind the result to a name and reuse it
-- @description json.loads, json.dumps and pickle.loads walk their whole
-- input every time: calling one twice on the same expression in a function
-- parses or serializes the same payload twice (twice the CPU, and for
-- pickle twice the objects). The second call is reported when nothing
-- between the two rebinds or changes what the argument names.
-- @bad
-- def handle(raw):
--     if json.loads(raw).get("type") == "ping":
--         return "pong"
--     return json.loads(raw)["payload"]
-- @good
-- def handle(raw):
--     data = json.loads(raw)
--     if data.get("type") == "ping":
--         return "pong"
--     return data["payload"]
-- @accepted different arguments or options; the same text in two
-- functions (or a function and a def nested in it); decoding a value twice
-- in a row (`json.loads(json.loads(s))`); the argument rebound or changed
-- by a method call between the two; calls in different branches of one
-- if/elif/else or match; json.load/json.dump on files.
--
-- Result: one row per repeated call, at it (the second). Columns: the
-- location; `callee` as written; `arg` (its first argument); `function`;
-- `done` (decoded/encoded); `first_line`; `related` (the first call).
SELECT b.file_id, b.line, b.col, b.end_line, b.end_col, b.callee,
       (SELECT x.text FROM call_args x WHERE x.call_id = b.id ORDER BY x.idx LIMIT 1) AS arg,
       coalesce(f.name || '()', 'the module body') AS function,
       CASE WHEN b.resolved IN (SELECT name FROM catalogue WHERE kind = 'codec' AND family = 'encode')
            THEN 'encoded' ELSE 'decoded' END AS done,
       a.line AS first_line,
       json_array(json_object('file_id', a.file_id, 'line', a.line, 'col', a.col, 'end_line', a.end_line,
                              'end_col', a.end_col, 'message', 'first ' || a.callee || '() of the same value')) AS related
  FROM repeated_calls r
  JOIN calls b ON b.id = r.call_id
  JOIN calls a ON a.id = r.first_id
  LEFT JOIN functions f ON f.id = b.function_id
 WHERE r.rule = 'PH702';
