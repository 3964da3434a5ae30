-- @id PH703
-- @name repeated-stat
-- @scope interface
-- @severity P3
-- @precision high
-- @tags performance filesystem hot-path
-- @message {callee}({arg}) again in {function}: the same path was checked at line {first_line}; keep the result (or os.stat() once)
-- @fix check once and bind the result to a name, or stat() once and test the result (stat.S_ISDIR...); often EAFP (try: open(...) except FileNotFoundError) removes the check altogether
-- @description os.path.exists/isfile/isdir and Path.exists() each make a
-- stat() system call. Asking the same question about the same path twice in
-- a function doubles that cost (on a network file system, a round trip
-- each) and leaves a window in which the answers differ. The second check is
-- reported when nothing between the two rebinds the path or may change the
-- disk.
-- @bad
-- def load_or_default(path, default):
--     if not os.path.exists(path):
--         return default
--     log.info("loading %s (present: %s)", path, os.path.exists(path))
-- @good
-- def load_or_default(path, default):
--     present = os.path.exists(path)
--     if not present:
--         return default
--     log.info("loading %s (present: %s)", path, present)
-- @accepted different paths; the same path in two functions; one check in
-- a loop; pure path-string functions (os.path.join/basename/splitext...);
-- a check again after something that may change the disk (remove, mkdir,
-- rename, open, subprocesses, sleep, a call of a project function, any
-- call made as a statement but printing, logging and collection updates, a
-- yield); checks in different branches of one if/elif/else or match, and
-- in different arms of one try (two except clauses, an except clause and
-- the else block; the body and an except clause, where the body's check may
-- have failed).
--
-- Result: one row per repeated check, at it (the second). Columns: the
-- location; `callee` as written; `arg` (the path); `function`;
-- `first_line`; `related` (the first check).
SELECT b.file_id, b.line, b.col, b.end_line, b.end_col, b.callee,
       coalesce((SELECT x.text FROM call_args x WHERE x.call_id = b.id AND x.pos = 0), '') AS arg,
       coalesce(f.name || '()', 'the module body') AS function,
       a.line AS first_line,
       json_array(json_object('file_id', a.file_id, 'line', a.line, 'col', a.col, 'end_line', a.end_line,
                              'end_col', a.end_col, 'message', 'first ' || a.callee || '() of the same path')) AS related
  FROM repeated_calls r
  JOIN calls b ON b.id = r.call_id
  JOIN calls a ON a.id = r.first_id
  LEFT JOIN functions f ON f.id = b.function_id
 WHERE r.rule = 'PH703';
