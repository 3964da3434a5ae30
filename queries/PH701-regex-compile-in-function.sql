-- @id PH701
-- @name regex-compile-in-function
-- @default opt-in
-- @scope file
-- @severity P3
-- @precision high
-- @tags performance regex hot-path
-- @message re.compile() of a constant pattern {where}: compile it once, as a module constant
-- @fix move it to module level (PATTERN = re.compile(r"...")) and use the constant here
-- @description re.compile() parses and compiles the pattern on every call
-- of the function (re's own cache only softens it, and only for the last
-- few hundred patterns, behind a lock-free dictionary lookup on the pattern
-- and flags). A literal pattern never changes: compiled once at import time
-- as a module constant it costs nothing per call and documents the pattern
-- by name. In a loop body or comprehension the cost is paid per item (P2).
-- Opt-in: re keeps the compiled form of recently used patterns, so a
-- literal re.compile() in a function is mostly a dictionary lookup and a
-- matter of style; the cost is real only in a hot loop, which the facts
-- cannot show from the call site alone.
-- @bad
-- def count_errors(lines):
--     return sum(1 for line in lines if re.compile(r"ERROR|FATAL").search(line))
-- @good
-- ERRORS = re.compile(r"ERROR|FATAL")
--
-- def count_errors(lines):
--     return sum(1 for line in lines if ERRORS.search(line))
-- @accepted patterns built at run time (parameters, f-strings, `%`,
-- concatenation with names, re.escape); module- and class-level constants;
-- a compile in a default argument value (evaluated once); re.match/search
-- with a literal (not re.compile); builtin compile() and other compile
-- methods; patterns memoized in a module global (`global PAT; PAT =
-- re.compile(...)`), which is the module constant made lazily.
--
-- Result: one row per re.compile call, at the call. Columns: the location;
-- `severity` (P2 in a loop or comprehension, else P3); `where`.
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col,
       CASE WHEN c.loop_id IS NOT NULL THEN 'P2' ELSE 'P3' END AS severity,
       CASE WHEN c.loop_id IS NOT NULL THEN 'on every iteration of the ' || ll.label
            ELSE 'on every call of ' || coalesce(f.name || '()', 'the module') END AS "where"
  FROM calls c
  JOIN call_args a ON a.call_id = c.id AND (a.pos = 0 OR a.keyword = 'pattern') AND a.star = 0
  LEFT JOIN functions f ON f.id = c.function_id
  LEFT JOIN loop_labels ll ON ll.loop_id = c.loop_id
 WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'regex-compile')
   AND (c.function_id IS NOT NULL OR c.loop_id IS NOT NULL)
   AND NOT c.in_decorator
   AND a.kind IN ('string', 'concatenated_string')
   AND NOT (lower(a.text) GLOB 'f[''"]*' OR lower(a.text) GLOB 'rf[''"]*' OR lower(a.text) GLOB 'fr[''"]*')
   AND NOT (a.kind = 'concatenated_string'            -- a later part is an f-string
            AND (SELECT t GLOB '*[' || char(9, 10, 32) || ']f[''"]*' OR t GLOB '*[' || char(9, 10, 32) || ']rf[''"]*'
                        OR t GLOB '*[' || char(9, 10, 32) || ']fr[''"]*'
                   FROM (SELECT lower(a.text) AS t)))
   AND NOT (c.use = 'assign' AND c.loop_id IS NULL
            AND c.function_id IN (SELECT function_id FROM global_declaring_functions));
