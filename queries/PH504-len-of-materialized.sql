-- @id PH504
-- @name len-of-materialized
-- @scope file
-- @severity P3
-- @precision high
-- @tags memory materialization
-- @message len({arg}) builds a whole list only to count it{where}: count with sum(1 for ...) instead
-- @fix count without keeping the elements: sum(1 for _ in x), or sum(1 for x in xs if cond)
-- @description len(list(x)) and len([... for ...]) build every element of a
-- list, keep all of them in memory at once, and throw them away after
-- reading one number. A generator counted with sum(1 for ...) holds one
-- element at a time.
-- @bad
-- n = len([l for l in lines if "ERROR" in l])
-- rows = len(list(cursor))
-- @good
-- n = sum(1 for l in lines if "ERROR" in l)
-- rows = sum(1 for _ in cursor)
-- @accepted len() of a name, a list literal, a set or a set comprehension
-- (they count distinct values); a list that is kept and reused; an async
-- comprehension (`len([x async for x in aiter()])`: there is no async sum).

-- Result: one row per len() call, at it. Columns: file_id, line, col,
-- end_line, end_col; arg ('list(...)' or '[...]'); where (' in def name()'
-- or '').
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col,
       CASE WHEN a.kind = 'list_comprehension' THEN '[... for ...]' ELSE 'list(...)' END AS arg,
       coalesce(' in def ' || f.name || '()', '') AS "where"
  FROM calls c
  JOIN call_args a ON a.call_id = c.id AND a.pos = 0 AND a.star = 0
  LEFT JOIN functions f ON f.id = c.function_id
 WHERE c.name = 'len' AND c.resolved = 'len' AND c.nargs = 1
   AND ((a.kind = 'list_comprehension'
         -- not an async comprehension: sum(1 async for ...) does not exist
         AND ' ' || replace(a.text, char(10), ' ') NOT GLOB '*[^A-Za-z0-9_]async for[^A-Za-z0-9_]*'
         AND NOT EXISTS (SELECT 1 FROM awaits w
                          WHERE w.function_id = c.function_id AND w.stmt_id = c.stmt_id
                            AND w.line * 100000 + w.col
                                BETWEEN a.line * 100000 + a.col AND a.end_line * 100000 + a.end_col))
        OR (a.kind = 'call' AND EXISTS (
              SELECT 1 FROM calls l
               WHERE l.parent_call_id = c.id AND l.arg_idx = 0 AND l.line = a.line AND l.col = a.col
                 AND l.name = 'list' AND l.resolved = 'list' AND l.nargs = 1 AND l.kwargs = '')));
