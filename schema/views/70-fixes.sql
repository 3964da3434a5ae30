-- pyhunt library views, layer 70: fixes. The evidence a rule needs before its
-- `edits` column may rewrite the source (core/rules.h, PhEdit; RULES.md's
-- "Evidence, not suspicion" applied to fixes). A rewrite is safe when, on
-- every run of the original that completes, the rewritten code computes the
-- same values with the same effects in the same order. Python cannot prove
-- that of an arbitrary expression, so these views take one working
-- assumption, the usual one of linters: special methods (operators,
-- comparisons, attribute reads, hashing, iteration of built-in
-- collections) have no side effects. Calls, `await`, `yield` and `:=` are
-- what may have effects. Used by PH501, PH502 and PH503; they know nothing
-- of messages or edits. Reads the fact tables, the catalogue and layers
-- 10-60.

-- fresh_collections(function_id, name)
-- Local names that hold a collection no other code can reach, one row per
-- binding: every binding of the name in its function is `name = <literal
-- or comprehension>` (a list, dict, set or tuple display, a list, dict or
-- set comprehension); it is no parameter and no nested def; the function
-- declares nothing global or nonlocal; and the name is only ever read
-- where its value cannot escape (iterated, measured, indexed, tested, the
-- receiver of a method, or the argument of a call the catalogue knows
-- reads a collection without keeping or changing it, `collection-reader`:
-- list(xs), sorted(xs), sum(xs)...),
-- never in a function nested in this one. Such a collection changes only
-- through its own name, and walking it has no effect. (Ask with EXISTS and
-- both columns given: the view is flattened into the question.)
CREATE TEMP VIEW fresh_collections(function_id, name) AS
  SELECT a.function_id, a.target
    FROM assignments a
   WHERE a.function_id IS NOT NULL AND a.target_kind = 'name' AND a.op = '='
     AND a.value_kind IN ('list', 'dictionary', 'set', 'tuple', 'list_comprehension', 'dictionary_comprehension',
                          'set_comprehension')
     AND NOT EXISTS (SELECT 1 FROM assignments b
                      WHERE b.function_id = a.function_id AND b.target = a.target
                        AND NOT (b.target_kind = 'name' AND b.op = '='
                                 AND b.value_kind IN ('list', 'dictionary', 'set', 'tuple', 'list_comprehension',
                                                      'dictionary_comprehension', 'set_comprehension')))
     AND NOT EXISTS (SELECT 1 FROM params p WHERE p.function_id = a.function_id AND p.name = a.target)
     -- a declaration comes before every binding of the name, and facts are
     -- numbered in the order of the source: between the def and this binding
     AND NOT EXISTS (SELECT 1 FROM statements s
                      WHERE s.id BETWEEN a.function_id AND a.id
                        AND s.function_id = a.function_id AND s.kind IN ('global_statement', 'nonlocal_statement'))
     AND NOT EXISTS (SELECT 1 FROM names n
                      WHERE n.function_id = a.function_id AND n.name = a.target AND n.ctx = 'load'
                        AND n.role NOT IN ('iter', 'len', 'subscript', 'cond', 'receiver')
                        AND NOT (n.role = 'arg' AND EXISTS (
                                   SELECT 1 FROM calls k JOIN catalogue r ON r.kind = 'collection-reader'
                                                                         AND r.name = k.resolved
                                    WHERE k.id = n.call_id AND k.receiver IS NULL)))
     AND NOT EXISTS (SELECT 1 FROM functions f
                       JOIN functions g ON g.id BETWEEN f.id + 1 AND file_last_id(f.file_id)
                                       AND g.line * 100000 + g.col > f.line * 100000 + f.col
                                       AND g.end_line * 100000 + g.end_col <= f.end_line * 100000 + f.end_col
                      WHERE f.id = a.function_id
                        AND (g.name = a.target
                             OR EXISTS (SELECT 1 FROM names n WHERE n.function_id = g.id AND n.name = a.target)));

-- collection_loops(loop_id)
-- Loops and comprehensions whose iterable is a built-in collection that
-- walking, whole or in part, leaves as it was: a list, tuple, set, dict or
-- string display, a comprehension, `range(...)`, a fresh collection of the
-- loop's function, or its `.keys()`, `.values()` or `.items()`. Stopping
-- early over them (any(), all(), break) consumes nothing another reader
-- would miss, unlike an iterator or a generator. (Ask with EXISTS and the
-- loop id given.)
CREATE TEMP VIEW collection_loops(loop_id) AS
  SELECT l.id FROM loops l
   WHERE l.iter_kind IN ('list', 'tuple', 'set', 'dictionary', 'string', 'list_comprehension',
                         'set_comprehension', 'dictionary_comprehension')
  UNION ALL
  SELECT l.id FROM loops l
   WHERE l.iter_kind = 'identifier'
     AND EXISTS (SELECT 1 FROM fresh_collections c WHERE c.function_id = l.function_id AND c.name = l.iter)
  UNION ALL
  SELECT l.id FROM loops l JOIN calls k ON k.id = l.iter_call_id
   WHERE (k.resolved = 'range' AND k.receiver IS NULL)
      OR (k.name IN ('keys', 'values', 'items') AND k.nargs = 0 AND k.kwargs = ''
          AND EXISTS (SELECT 1 FROM fresh_collections c WHERE c.function_id = l.function_id AND c.name = k.receiver));

-- effect_free_comprehensions(loop_id)
-- Comprehensions that call nothing and bind nothing outside themselves in
-- every part evaluated lazily: the element, the `if` filters and the
-- inner `for` clauses (their own nested comprehensions included). Only the
-- first iterable, evaluated at once in the list and the generator form
-- alike, may call code: its calls are those of the comprehension's span
-- whose loop is the one around the comprehension. No `await` either (an
-- async comprehension has no generator twin a reducer could consume).
-- For these, building the list first or producing the elements one at a
-- time cannot be told apart. (Ask with EXISTS and the loop id given.)
CREATE TEMP VIEW effect_free_comprehensions(loop_id) AS
  SELECT l.id FROM loops l
   WHERE l.kind IN ('list_comp', 'set_comp', 'dict_comp', 'generator')
     AND NOT EXISTS (SELECT 1 FROM calls c
                      WHERE c.id BETWEEN file_first_id(l.file_id) AND file_last_id(l.file_id)
                        AND c.function_id IS l.function_id AND c.loop_id IS NOT l.parent_id
                        AND c.line * 100000 + c.col BETWEEN l.line * 100000 + l.col
                                                        AND l.end_line * 100000 + l.end_col)
     AND NOT EXISTS (SELECT 1 FROM assignments a
                      WHERE a.id BETWEEN file_first_id(l.file_id) AND file_last_id(l.file_id)
                        AND a.function_id IS l.function_id AND a.op = ':='
                        AND a.line * 100000 + a.col BETWEEN l.line * 100000 + l.col
                                                        AND l.end_line * 100000 + l.end_col)
     AND NOT EXISTS (SELECT 1 FROM awaits w
                      WHERE w.id BETWEEN file_first_id(l.file_id) AND file_last_id(l.file_id)
                        AND w.function_id IS l.function_id
                        AND w.line * 100000 + w.col BETWEEN l.line * 100000 + l.col
                                                        AND l.end_line * 100000 + l.end_col);
