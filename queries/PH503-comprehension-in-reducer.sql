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
-- @autofix turns a list comprehension (never a set comprehension) into a generator expression:
-- `sum([x.n for x in xs])` becomes `sum(x.n for x in xs)` (brackets
-- dropped when it is the only argument; replaced by parentheses otherwise:
-- `sum((x.n for x in xs), 0)`), when nothing lazily evaluated in it can
-- have an effect: its element, filters and inner `for` clauses call
-- nothing and bind nothing (no call, no `:=`; operators and attribute
-- reads are taken to have no side effects), so only its first iterable,
-- evaluated at once either way, may run code. For reducers that consume
-- everything (sum, min, max, sorted, tuple, set, frozenset, dict) the
-- elements are then the same, in the same order, with the same effects.
-- any() and all() stop at the first decisive element, so the rest are
-- never computed: they are rewritten only when the iterable is a built-in
-- collection that nothing else consumes (a display, range(), a fresh
-- collection of the function: library view collection_loops) walked by
-- one `for` clause, and the
-- result is the same on every run where the list form would not raise.
-- Other arguments must be literals (`sum([...], 0)`, `max([...],
-- default=0)`): a key function would interleave with the elements. Lazy
-- consumers (enumerate, zip, map, filter) are never rewritten: their
-- input would be computed later, amid other code.


-- Result: one row per call, at the list or set comprehension it is given.
-- Columns: file_id, line, col, end_line, end_col; callee (as written); shape
-- (`[...]` or `{...}`) and built (`list` or `set`); where (' in def name()'
-- or ''); note (what the generator changes for any() and all()); edits (the
-- safe fix, see @autofix).
SELECT a.file_id, a.line, a.col, a.end_line, a.end_col, c.callee,
       CASE a.kind WHEN 'set_comprehension' THEN '{...}' ELSE '[...]' END AS shape,
       CASE a.kind WHEN 'set_comprehension' THEN 'set' ELSE 'list' END AS built,
       coalesce(' in def ' || f.name || '()', '') AS "where",
       CASE WHEN c.resolved IN ('any', 'all') THEN ', which stops at the first decisive element' ELSE '' END
         AS note,
       CASE WHEN a.kind = 'list_comprehension'
                 AND c.resolved IN ('sum', 'min', 'max', 'sorted', 'tuple', 'set', 'frozenset', 'dict', 'any', 'all')
                 AND c.receiver IS NULL AND NOT c.star_args
                 AND EXISTS (SELECT 1 FROM loops l
                              WHERE l.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                                AND l.kind = 'list_comp' AND l.line = a.line AND l.col = a.col
                                AND EXISTS (SELECT 1 FROM effect_free_comprehensions e WHERE e.loop_id = l.id)
                                AND (c.resolved NOT IN ('any', 'all')
                                     OR (EXISTS (SELECT 1 FROM collection_loops k WHERE k.loop_id = l.id)
                                         -- one `for` clause: an inner one would walk
                                         -- its iterables only in part
                                         AND length(a.text) < 200
                                         AND ' ' || replace(a.text, char(10), ' ') NOT GLOB
                                             '*[^A-Za-z0-9_]for[^A-Za-z0-9_]*[^A-Za-z0-9_]for[^A-Za-z0-9_]*')))
                 AND NOT EXISTS (SELECT 1 FROM call_args o
                                  WHERE o.call_id = c.id AND o.id <> a.id
                                    AND o.kind NOT IN ('integer', 'float', 'string', 'none', 'true', 'false'))
            THEN CASE WHEN c.nargs = 1 AND c.kwargs = '' AND a.line = c.line
                           AND a.col = c.col + length(c.callee) + 1 AND a.end_line = c.end_line
                           AND c.end_col = a.end_col + 1
                      -- the only argument, right inside the call's parentheses
                      THEN json_array(json_object('line', a.line, 'col', a.col, 'end_line', a.line, 'end_col', a.col + 1,
                                                  'old', '[', 'new', ''),
                                      json_object('line', a.end_line, 'col', a.end_col - 1, 'end_line', a.end_line,
                                                  'end_col', a.end_col, 'old', ']', 'new', ''))
                      ELSE json_array(json_object('line', a.line, 'col', a.col, 'end_line', a.line, 'end_col', a.col + 1,
                                                  'old', '[', 'new', '('),
                                      json_object('line', a.end_line, 'col', a.end_col - 1, 'end_line', a.end_line,
                                                  'end_col', a.end_col, 'old', ']', 'new', ')')) END
       END AS edits
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
