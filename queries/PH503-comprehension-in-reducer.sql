-- @id PH503
-- @name comprehension-in-reducer
-- @scope file
-- @severity P3
-- @precision high
-- @tags memory materialization
-- @message {callee}({shape}) builds a throwaway {built}{where}: pass a generator expression{note}
-- @fix drop the brackets so the call gets a generator expression: sum(x for x in xs)
-- @description A list comprehension passed straight to a function that
-- consumes any iterable builds every element first, only for the function
-- to walk it once and throw it away. A generator expression feeds the
-- elements one at a time; for any() and all() it also restores
-- short-circuiting, which the list throws away by computing every element.
-- @bad
-- if any([u.role == "admin" for u in users]):
--     ...
-- total = sum([i.price * i.quantity for i in items])
-- @good
-- if any(u.role == "admin" for u in users):
--     ...
-- total = sum(i.price * i.quantity for i in items)
-- @accepted str.join (it builds a list anyway and is faster given one);
-- generator expressions, list literals, dict comprehensions; a set
-- comprehension given to a reducer whose result changes when duplicates are
-- kept (sum, sorted, tuple...: the set is not throwaway there); len()
-- (PH504); library functions that need a real sequence (numpy); async
-- comprehensions (`sum([x async for x in aiter()])`), whose generator
-- form is an async generator the reducer cannot consume.

-- Result: one row per call, at the list or set comprehension it is given.
-- Columns: file_id, line, col, end_line, end_col; callee (as written); shape
-- (`[...]` or `{...}`) and built (`list` or `set`); where (' in def name()'
-- or ''); note (what the generator changes for any() and all()).
SELECT a.file_id, a.line, a.col, a.end_line, a.end_col, c.callee,
       CASE a.kind WHEN 'set_comprehension' THEN '{...}' ELSE '[...]' END AS shape,
       CASE a.kind WHEN 'set_comprehension' THEN 'set' ELSE 'list' END AS built,
       coalesce(' in def ' || f.name || '()', '') AS "where",
       CASE WHEN c.resolved IN ('any', 'all') THEN ', which stops at the first decisive element' ELSE '' END
         AS note
  FROM calls c
  JOIN catalogue r ON r.kind = 'reducer' AND r.name = c.resolved
  JOIN call_args a ON a.call_id = c.id AND a.pos = 0 AND a.star = 0
                  AND (a.kind = 'list_comprehension'
                       OR (a.kind = 'set_comprehension' AND r.family = 'set-safe'))
  LEFT JOIN functions f ON f.id = c.function_id
 WHERE -- an async comprehension (`async for`, or an await inside) has no
       -- generator twin the reducer could consume
       ' ' || replace(a.text, char(10), ' ') NOT GLOB '*[^A-Za-z0-9_]async for[^A-Za-z0-9_]*'
   AND NOT EXISTS (SELECT 1 FROM awaits w
                    WHERE w.function_id = c.function_id AND w.stmt_id = c.stmt_id
                      AND w.line * 100000 + w.col BETWEEN a.line * 100000 + a.col AND a.end_line * 100000 + a.end_col);
