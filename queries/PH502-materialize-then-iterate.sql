-- @id PH502
-- @name materialize-then-iterate
-- @scope interface
-- @severity P3
-- @precision medium
-- @tags memory materialization loops
-- @message {what} builds a whole list that is only iterated once{where}: iterate {source} directly
-- @fix drop the list(...) or turn the comprehension into a generator expression; loop over the source itself
-- @description list(x) and list comprehensions build every element before the
-- loop starts: memory for the whole sequence, and no output until all of it
-- is built. When the list is only walked once, front to back, iterate the
-- source (an iterator, a range, a csv reader, a dict view) directly, or use
-- a generator expression.
-- @bad
-- for i in list(range(n)):
--     out.append(i * i)
--
-- active = [u for u in users if u.is_active]
-- for user in active:
--     mailer.send(user.email)
-- @good
-- for i in range(n):
--     out.append(i * i)
--
-- for user in (u for u in users if u.is_active):
--     mailer.send(user.email)
-- @accepted lists bound to a name that another arm binds too (`if k: xs =
-- ys` / `else: xs = [...]`: the loop walks either value, so it cannot
-- iterate one source directly); lists that are indexed, measured, iterated twice, returned,
-- stored or mutated; copies taken because the loop may change the source:
-- it mutates it (`for k in list(d): del d[k]`), hands it or what it is
-- read from to a call (`for k in list(self.handlers): self.remove(k)`),
-- or changes a collection the source may be a view of; for a collection
-- other code can reach (an attribute, an item, self, a global), any call
-- that may run other code (`for c in list(self.children.values()):
-- c.destroy()`), a yield or an await in the loop; for a parameter, a
-- method of its elements (`for x in list(map.values()): x.close()`, which
-- may unregister x); copies of globals(), locals() and vars(), which
-- change as the loop binds its names; a list bound to a name and read only
-- after other code ran, or built inside a try or under a lock that ends
-- before the loop (a snapshot taken on purpose); lists iterated inside a
-- loop of their own (walked many times);
-- module-level names other modules import, and `__all__`; the body of a
-- function that runs at start-up or shut-down only (startup_code: a start-up
-- or shut-down hook, a function that starts a listening server, or one only
-- such code calls): the list is built once, its cost paid once. Module-level
-- code, main() and CLI commands are still flagged.
-- @autofix deletes `list(` and `)` where a loop iterates the call itself
-- (`for x in list(y):` becomes `for x in y:`, a comprehension's `for` as
-- well), in two cases. `list(range(...))`: a range is immutable and walks
-- the same numbers. `list(xs)`, `list(d.keys())`, `.values()`, `.items()`,
-- when xs or d is a fresh collection of the function (bound only to
-- displays and comprehensions, never passed on, stored, aliased or read by
-- a nested function: no other code can reach it) that the loop, a `for`
-- statement or a list, set or dict comprehension, neither grows, shrinks
-- nor assigns into: iterating it live then sees what the copy held, and
-- stopping early consumes nothing. Iterators, generators, map() and the
-- like are never rewritten: their own code would then run between the
-- loop's iterations.

-- Result: one row per list(...) call or comprehension, at it. Columns:
-- file_id, line, col, end_line, end_col; what ('list(...)' or 'the list
-- comprehension'); source (what it copies); where (' in def name()' or
-- ''); edits (the safe fix, see @autofix).
--
-- How: every candidate list gets a kind (what it copies), a reach (who
-- else may change that) and the spans where other code runs while it is
-- walked (the loop) or between building and walking it (bound forms);
-- `kept` lists the candidates some reason protects. Positions are compared
-- as line * 100000 + col.
WITH
-- builtins and methods that run none of the program's own code: the calls
-- a loop may make without being suspected of changing what it walks
pure_builtins(name) AS (
  VALUES ('abs'), ('all'), ('any'), ('ascii'), ('bin'), ('bool'), ('bytes'), ('callable'), ('chr'),
         ('complex'), ('dict'), ('divmod'), ('enumerate'), ('filter'), ('float'), ('format'),
         ('frozenset'), ('hash'), ('hex'), ('id'), ('int'), ('isinstance'), ('issubclass'), ('len'),
         ('list'), ('map'), ('max'), ('min'), ('oct'), ('ord'), ('pow'), ('print'), ('range'), ('repr'),
         ('reversed'), ('round'), ('set'), ('slice'), ('sorted'), ('str'), ('sum'), ('tuple'), ('type'),
         ('zip')),
pure_methods(name) AS (
  VALUES ('strip'), ('lstrip'), ('rstrip'), ('split'), ('rsplit'), ('splitlines'), ('partition'),
         ('rpartition'), ('lower'), ('upper'), ('title'), ('capitalize'), ('casefold'), ('swapcase'),
         ('replace'), ('startswith'), ('endswith'), ('find'), ('rfind'), ('index'), ('rindex'),
         ('count'), ('format'), ('format_map'), ('join'), ('encode'), ('decode'), ('zfill'), ('ljust'),
         ('rjust'), ('center'), ('expandtabs'), ('isdigit'), ('isalpha'), ('isalnum'), ('isspace'),
         ('isupper'), ('islower'), ('istitle'), ('isdecimal'), ('isnumeric'), ('isidentifier'),
         ('isascii'), ('removeprefix'), ('removesuffix'), ('get'), ('keys'), ('values'), ('items'),
         ('copy'), ('issubset'), ('issuperset'), ('isdisjoint'), ('union'), ('intersection'),
         ('difference'), ('symmetric_difference'), ('append'), ('appendleft'), ('extend'), ('add'),
         ('insert'), ('setdefault'), ('match'), ('fullmatch'), ('search'), ('findall'), ('finditer'),
         ('sub'), ('subn'), ('group'), ('groups'), ('groupdict'), ('debug'), ('info'), ('warning'),
         ('warn'), ('error'), ('exception'), ('critical'), ('isoformat'), ('strftime')),
-- list(x) with one plain argument; s0-s1 spans x. kind: 'range'
-- (list(range(...))), 'namespace' (globals(), locals(), vars()),
-- 'container' (a name, an attribute, an item, or a dict view of one:
-- list(d.keys()) and list(d.items()) copy d), or 'call' (any other
-- expression: an iterator, a generator, map(), filter()...)
list_calls AS MATERIALIZED (
  SELECT c.id, c.file_id, c.function_id, c.use, c.line, c.col, c.end_line, c.end_col,
         a.line * 100000 + a.col AS s0, a.end_line * 100000 + a.end_col AS s1,
         CASE WHEN k.resolved = 'range' THEN 'range'
              WHEN (k.resolved IN ('globals', 'locals', 'vars') AND k.nargs = 0)
                   OR k.receiver IN ('globals()', 'locals()', 'vars()') THEN 'namespace'
              WHEN a.kind IN ('identifier', 'attribute', 'subscript')
                   OR (k.name IN ('keys', 'values', 'items') AND k.receiver IS NOT NULL AND k.nargs = 0)
                THEN 'container'
              ELSE 'call' END AS kind,
         CASE WHEN k.name IN ('keys', 'values', 'items') AND k.receiver IS NOT NULL AND k.nargs = 0
              THEN k.receiver ELSE a.text END AS source
    FROM calls c
    JOIN call_args a ON a.call_id = c.id AND a.pos = 0 AND a.star = 0
    LEFT JOIN calls k ON a.kind = 'call' AND k.parent_call_id = c.id AND k.arg_idx = 0
                     AND k.line = a.line AND k.col = a.col
   WHERE c.name = 'list' AND c.resolved = 'list' AND c.nargs = 1 AND c.kwargs = '' AND NOT c.star_args
     AND c.use IN ('iter', 'assign')
),
-- xs = list(...): the assignment of each list(...) call bound to a name;
-- g0 is where the binding ends
list_assignments AS MATERIALIZED (
  SELECT c.*, a.id AS assignment_id, a.end_line * 100000 + a.end_col AS g0
    FROM list_calls c
    CROSS JOIN assignments a ON a.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                            AND +a.value_call_id = c.id
   WHERE c.use = 'assign'
),
-- list comprehensions bound to a name (the outermost comprehension of the
-- value is the first to start); the source is its first iterable, kind as
-- above; s0-s1 spans the whole comprehension. An async comprehension
-- counts too: the loop can `async for` over its source instead.
comps AS MATERIALIZED (
  SELECT c.assignment_id, c.g0, l.id, l.file_id, l.function_id, l.line, l.col, l.end_line, l.end_col,
         l.line * 100000 + l.col AS s0, l.end_line * 100000 + l.end_col AS s1,
         CASE WHEN k.resolved = 'range' THEN 'range'
              WHEN (k.resolved IN ('globals', 'locals', 'vars') AND k.nargs = 0)
                   OR k.receiver IN ('globals()', 'locals()', 'vars()') THEN 'namespace'
              WHEN l.iter_kind IN ('identifier', 'attribute', 'subscript')
                   OR (k.name IN ('keys', 'values', 'items') AND k.receiver IS NOT NULL AND k.nargs = 0)
                THEN 'container'
              ELSE 'call' END AS kind,
         CASE WHEN k.name IN ('keys', 'values', 'items') AND k.receiver IS NOT NULL AND k.nargs = 0
              THEN k.receiver ELSE l.iter END AS source
    FROM (SELECT a.id AS assignment_id, a.end_line * 100000 + a.end_col AS g0,
                 (SELECT l.id FROM loops l
                   WHERE l.id BETWEEN file_first_id(a.file_id) AND file_last_id(a.file_id)
                     AND l.stmt_id = a.stmt_id AND l.kind = 'list_comp' AND l.parent_id IS a.loop_id
                   ORDER BY l.line, l.col LIMIT 1) AS comp_id
            FROM assignments a
           WHERE a.value_kind = 'list_comprehension' AND a.target_kind = 'name' AND a.op = '=') c
    JOIN loops l ON l.id = c.comp_id
    LEFT JOIN calls k ON k.id = l.iter_call_id
),
-- each list and the loop that walks it. b0-b1 spans the loop (what runs
-- while the list is walked), minus x0-x1, the list(...) call inside it
-- (direct form); g0-g1 spans what runs between binding the list and
-- the loop that reads it (bound forms, else NULL).
found AS MATERIALIZED (
  -- for x in list(...)
  SELECT c.id AS fid, c.file_id, c.function_id, c.line, c.col, c.end_line, c.end_col,
         'list(...)' AS what, c.source, c.kind, c.s0, c.s1, l.kind AS loop_kind, l.targets,
         l.line * 100000 + l.col AS b0, l.end_line * 100000 + l.end_col AS b1,
         c.line * 100000 + c.col AS x0, c.end_line * 100000 + c.end_col AS x1,
         NULL AS g0, NULL AS g1
    FROM list_calls c
    CROSS JOIN loops l ON l.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id) AND l.iter_call_id = c.id
   WHERE c.use = 'iter'
  UNION ALL
  -- xs = list(...); for x in xs
  SELECT c.id, c.file_id, c.function_id, c.line, c.col, c.end_line, c.end_col, 'list(...)', c.source, c.kind,
         c.s0, c.s1, l.kind, l.targets, l.line * 100000 + l.col, l.end_line * 100000 + l.end_col, 0, 0,
         c.g0, l.line * 100000 + l.col
    FROM list_assignments c
    CROSS JOIN iterated_once i ON i.assignment_id = c.assignment_id
    JOIN loops l ON l.id = i.loop_id
  UNION ALL
  -- xs = [... for ...]; for x in xs
  SELECT c.id, c.file_id, c.function_id, c.line, c.col, c.end_line, c.end_col, 'the list comprehension',
         c.source, c.kind, c.s0, c.s1, l.kind, l.targets, l.line * 100000 + l.col,
         l.end_line * 100000 + l.end_col, 0, 0, c.g0, l.line * 100000 + l.col
    FROM comps c
    CROSS JOIN iterated_once i ON i.assignment_id = c.assignment_id
    JOIN loops l ON l.id = i.loop_id
),
-- reach: who may change a 'container' source behind the loop's back.
-- 'fresh': a local name only ever bound to a new collection, or *args /
-- **kwargs (no one else holds it); 'local': another local name or a
-- parameter (the caller holds it, its elements may know it); 'shared': an
-- attribute, an item, self, a global or free name, any name at module
-- level (any code may reach it); 'namespace' also for a name bound to
-- globals(), locals() or vars(). Other kinds keep their kind.
classified AS MATERIALIZED (
  SELECT f.*,
         CASE WHEN f.kind <> 'container' THEN f.kind
              WHEN EXISTS (SELECT 1 FROM assignments b
                            WHERE b.id BETWEEN file_first_id(f.file_id) AND file_last_id(f.file_id)
                              AND b.target = f.source AND +b.function_id IS f.function_id
                              AND b.value IN ('globals()', 'locals()', 'vars()')) THEN 'namespace'
              WHEN f.function_id IS NULL OR f.source IN ('self', 'cls') OR f.source GLOB '*[^A-Za-z0-9_]*'
                THEN 'shared'
              WHEN EXISTS (SELECT 1 FROM params p WHERE p.function_id = f.function_id AND p.name = f.source
                              AND p.kind <> 'plain') THEN 'fresh'
              WHEN EXISTS (SELECT 1 FROM params p WHERE p.function_id = f.function_id AND p.name = f.source)
                THEN 'local'
              WHEN EXISTS (SELECT 1 FROM statements s      -- declared global in the function
                            WHERE s.id BETWEEN file_first_id(f.file_id) AND file_last_id(f.file_id)
                              AND +s.function_id = f.function_id AND +s.kind = 'global_statement')
                   OR NOT EXISTS (SELECT 1 FROM assignments b
                                   WHERE b.function_id = f.function_id AND b.target = f.source
                                     AND b.target_kind = 'name') THEN 'shared'
              WHEN EXISTS (SELECT 1 FROM assignments b LEFT JOIN calls v ON v.id = b.value_call_id
                            WHERE b.function_id = f.function_id AND b.target = f.source
                              AND b.target_kind = 'name'
                              AND NOT coalesce(b.op = '=' AND (b.value_kind IN ('list', 'dictionary', 'set',
                                         'tuple', 'list_comprehension', 'dictionary_comprehension',
                                         'set_comprehension')
                                       OR v.resolved IN (SELECT name FROM catalogue
                                                          WHERE kind IN ('collection', 'new-collection'))), 0))
                THEN 'local'
              ELSE 'fresh' END AS reach
    FROM found f
),
-- the roots of the names the source expression (the whole comprehension,
-- for the comprehension form) reads, other than its own loop variables:
-- `self` for self.cache.get(k), `d` for d.items()
snames AS MATERIALIZED (
  SELECT DISTINCT f.fid, substr(n.name, 1, instr(n.name || '.', '.') - 1) AS name
    FROM classified f
    CROSS JOIN names n ON n.function_id = f.function_id
                      AND n.id BETWEEN file_first_id(f.file_id) AND file_last_id(f.file_id)
   WHERE f.reach NOT IN ('range', 'namespace') AND n.ctx = 'load'
     AND n.line * 100000 + n.col >= f.s0 AND n.line * 100000 + n.col < f.s1
  UNION
  SELECT f.fid, substr(n.name, 1, instr(n.name || '.', '.') - 1)      -- at module level: by file
    FROM classified f
    CROSS JOIN names n ON n.id BETWEEN file_first_id(f.file_id) AND file_last_id(f.file_id)
                      AND +n.function_id IS NULL
   WHERE f.function_id IS NULL AND f.reach NOT IN ('range', 'namespace') AND +n.ctx = 'load'
     AND n.line * 100000 + n.col >= f.s0 AND n.line * 100000 + n.col < f.s1
),
sroots AS MATERIALIZED (
  SELECT s.fid, s.name FROM snames s JOIN classified f ON f.fid = s.fid
   WHERE NOT EXISTS (SELECT 1 FROM loops t
                      WHERE t.id BETWEEN file_first_id(f.file_id) AND file_last_id(f.file_id)
                        AND +t.function_id IS f.function_id
                        AND t.line * 100000 + t.col >= f.s0 AND t.line * 100000 + t.col < f.s1
                        AND instr(t.targets, ' ' || s.name || ' '))
),
scopes_of AS MATERIALIZED (SELECT DISTINCT file_id, function_id FROM classified),
-- calls in those scopes that may run the program's own code; root is the
-- first name of the receiver
impure AS MATERIALIZED (
  SELECT c.id, c.file_id, c.function_id, c.line * 100000 + c.col AS p,
         substr(c.receiver, 1, instr(c.receiver || '.', '.') - 1) AS root
    FROM scopes_of g
    CROSS JOIN calls c ON c.id BETWEEN file_first_id(g.file_id) AND file_last_id(g.file_id)
                      AND c.function_id IS g.function_id
   WHERE NOT coalesce(
                 (c.receiver IS NULL AND c.resolved IN (SELECT name FROM pure_builtins))
              OR (c.receiver IS NOT NULL AND (c.name IN (SELECT name FROM pure_methods) OR c.name GLOB 'assert*'))
              OR EXISTS (SELECT 1 FROM catalogue k
                          WHERE k.kind = 'pure'
                            AND (c.resolved = k.name OR (k.family = 'module' AND c.resolved GLOB k.name || '.*'))), 0)
     AND NOT EXISTS (SELECT 1 FROM statements s       -- raising or asserting ends the loop
                      WHERE s.id = c.stmt_id AND s.kind IN ('raise_statement', 'assert_statement'))
),
-- points where the scope hands control to other code: yield, await,
-- async for, async with
suspends AS MATERIALIZED (
  SELECT r.file_id, r.function_id, r.line * 100000 + r.col AS p, r.kind
    FROM scopes_of g JOIN returns r ON r.function_id = g.function_id
   WHERE r.kind IN ('yield', 'yield_from')
  UNION ALL
  SELECT w.file_id, w.function_id, w.line * 100000 + w.col, 'await'
    FROM scopes_of g JOIN awaits w ON w.function_id = g.function_id
  UNION ALL
  SELECT l.file_id, l.function_id, l.line * 100000 + l.col, 'await'
    FROM scopes_of g CROSS JOIN loops l ON l.id BETWEEN file_first_id(g.file_id) AND file_last_id(g.file_id)
                                       AND +l.function_id = g.function_id AND +l.kind = 'async_for'
  UNION ALL
  SELECT w.file_id, w.function_id, w.line * 100000 + w.col, 'await'
    FROM scopes_of g CROSS JOIN withs w ON w.id BETWEEN file_first_id(g.file_id) AND file_last_id(g.file_id)
                                       AND +w.function_id = g.function_id AND w.is_async
),
-- changes in those scopes: coll (as written) grows or shrinks
-- (collection_methods, c[k] = v, c += ..., del c[k]) or is rebound
-- (c = ..., del c); own = 1 when coll is a plain local name of the scope
-- (not self, not a parameter), which nothing outside the scope can alias
mut AS MATERIALIZED (
  SELECT m.*, (m.function_id IS NOT NULL AND m.coll NOT GLOB '*[^A-Za-z0-9_]*'
               AND m.coll NOT IN ('self', 'cls')
               AND NOT EXISTS (SELECT 1 FROM params p WHERE p.function_id = m.function_id AND p.name = m.coll))
              AS own
    FROM (
      SELECT c.file_id, c.function_id, c.receiver AS coll, k.effect, c.line * 100000 + c.col AS p
        FROM scopes_of g
        CROSS JOIN calls c ON c.function_id IS g.function_id
                          AND c.id BETWEEN file_first_id(g.file_id) AND file_last_id(g.file_id)
        JOIN collection_methods k ON k.name = +c.name
       WHERE c.receiver IS NOT NULL
      UNION ALL
      SELECT a.file_id, a.function_id,
             CASE WHEN a.target_kind = 'subscript' THEN substr(a.target, 1, instr(a.target, '[') - 1)
                  ELSE a.target END,
             CASE WHEN a.target_kind = 'subscript' OR a.op NOT IN ('=', ':=', 'for', 'with', 'import') THEN 'grow'
                  ELSE 'rebind' END,
             a.line * 100000 + a.col
        FROM scopes_of g
        CROSS JOIN assignments a ON a.id BETWEEN file_first_id(g.file_id) AND file_last_id(g.file_id)
                                AND a.function_id IS g.function_id
       WHERE (a.target_kind = 'subscript' AND instr(a.target, '[') > 1 AND a.op NOT IN ('for', 'with', 'import'))
          OR a.target_kind IN ('name', 'attribute')
      UNION ALL
      SELECT n.file_id, n.function_id, n.name, CASE WHEN n.ctx = 'del' THEN 'rebind' ELSE 'shrink' END,
             n.line * 100000 + n.col
        FROM scopes_of g
        CROSS JOIN statements s ON s.id BETWEEN file_first_id(g.file_id) AND file_last_id(g.file_id)
                               AND +s.function_id IS g.function_id AND +s.kind = 'delete_statement'
        -- a simple statement's names come after it and before the next statement
        CROSS JOIN names n ON n.id > s.id AND n.id < s.id + 4096 AND n.stmt_id = s.id
       WHERE n.ctx = 'del' OR n.role = 'subscript') m
),
-- one row per candidate and reason to keep its list
kept(fid) AS (
  -- the loop changes the source or a name it reads (`for k in list(d):
  -- del d[k]`); between binding and loop, any change to them counts
  SELECT f.fid FROM classified f JOIN mut m ON m.file_id = f.file_id AND m.function_id IS f.function_id
   WHERE f.reach NOT IN ('range', 'namespace')
     AND (m.coll = f.source OR m.coll IN (SELECT name FROM sroots s WHERE s.fid = f.fid))
     AND ((m.effect IN ('grow', 'shrink') AND m.p >= f.b0 AND m.p < f.b1 AND NOT (m.p >= f.x0 AND m.p < f.x1))
          OR (m.p >= f.g0 AND m.p < f.g1))
  UNION ALL
  -- the loop removes from a collection others may reach, or adds to self:
  -- the source may be a view of it (`for m in list(names): del
  -- sys.modules[m]`, `for v in list(values): self.append(v)`)
  SELECT f.fid FROM classified f JOIN mut m ON m.file_id = f.file_id AND m.function_id IS f.function_id
   WHERE f.reach IN ('local', 'shared', 'call') AND NOT m.own
     AND (m.effect = 'shrink' OR (m.effect = 'grow' AND substr(m.coll, 1, instr(m.coll || '.', '.') - 1) IN ('self', 'cls')))
     AND ((m.p >= f.b0 AND m.p < f.b1 AND NOT (m.p >= f.x0 AND m.p < f.x1)) OR (m.p >= f.g0 AND m.p < f.g1))
  UNION ALL
  -- the loop (or the code before it) hands the source, or what it is
  -- read from, to other code: as the receiver or an argument
  SELECT f.fid FROM classified f
    JOIN impure c ON c.file_id = f.file_id AND c.function_id IS f.function_id
                 AND ((c.p >= f.b0 AND c.p < f.b1 AND NOT (c.p >= f.x0 AND c.p < f.x1))
                      OR (c.p >= f.g0 AND c.p < f.g1))
   WHERE f.reach NOT IN ('range', 'namespace')
     AND (c.root IN (SELECT name FROM sroots s WHERE s.fid = f.fid)
          OR EXISTS (SELECT 1 FROM names n
                      WHERE n.function_id IS f.function_id AND n.call_id = c.id AND n.ctx = 'load'
                        AND n.id BETWEEN file_first_id(f.file_id) AND file_last_id(f.file_id)
                        AND n.line * 100000 + n.col >= c.p
                        AND substr(n.name, 1, instr(n.name || '.', '.') - 1)
                            IN (SELECT name FROM sroots s WHERE s.fid = f.fid)))
  UNION ALL
  -- a shared source: any call of other code in the loop
  SELECT f.fid FROM classified f
    JOIN impure c ON c.file_id = f.file_id AND c.function_id IS f.function_id
                 AND c.p >= f.b0 AND c.p < f.b1 AND NOT (c.p >= f.x0 AND c.p < f.x1)
   WHERE f.reach = 'shared'
  UNION ALL
  -- a yield or an await in the loop hands control to code that may
  -- change a shared or local source; a yield, to code that may change
  -- what an iterator reads
  SELECT f.fid FROM classified f
    JOIN suspends s ON s.file_id = f.file_id AND s.function_id IS f.function_id
                   AND s.p >= f.b0 AND s.p < f.b1
   WHERE f.reach IN ('shared', 'local') OR (f.reach = 'call' AND s.kind <> 'await')
  UNION ALL
  -- a generator expression: its consumer runs between items; copies of a
  -- namespace
  SELECT f.fid FROM classified f
   WHERE f.reach = 'namespace' OR (f.reach IN ('shared', 'call') AND f.loop_kind = 'generator')
  UNION ALL
  -- a local source: a method of one of its elements (which may remove
  -- itself from its container)
  SELECT f.fid FROM classified f
    JOIN impure c ON c.file_id = f.file_id AND c.function_id IS f.function_id
                 AND c.p >= f.b0 AND c.p < f.b1 AND NOT (c.p >= f.x0 AND c.p < f.x1)
   WHERE f.reach = 'local' AND instr(f.targets, ' ' || c.root || ' ')
  UNION ALL
  -- bound forms: other code runs between the binding and the loop, while
  -- the source may change (any source but a fresh one or a range) or the
  -- list's own elements call code (a snapshot whose timing matters)
  SELECT f.fid FROM classified f
    JOIN impure c ON c.file_id = f.file_id AND c.function_id IS f.function_id AND c.p >= f.g0 AND c.p < f.g1
   WHERE f.reach IN ('shared', 'local', 'call')
      OR EXISTS (SELECT 1 FROM impure e
                  WHERE e.file_id = f.file_id AND e.function_id IS f.function_id AND e.p >= f.s0 AND e.p < f.s1)
  UNION ALL
  SELECT f.fid FROM classified f
    JOIN suspends s ON s.file_id = f.file_id AND s.function_id IS f.function_id AND s.p >= f.g0 AND s.p < f.g1
   WHERE f.reach <> 'range'
  UNION ALL
  -- bound forms: the list is built in the body of a try (its errors are
  -- handled there) or under a lock (a consistent snapshot) that ends
  -- before the loop
  SELECT f.fid FROM classified f
    CROSS JOIN statements t ON t.id BETWEEN file_first_id(f.file_id) AND file_last_id(f.file_id)
                           AND +t.function_id IS f.function_id AND +t.kind IN ('try_statement', 'with_statement')
                           AND t.line * 100000 + t.col <= f.line * 100000 + f.col
                           AND t.end_line * 100000 + t.end_col >= f.g0 AND t.end_line * 100000 + t.end_col <= f.g1
   WHERE f.reach <> 'range'
     AND CASE WHEN t.kind = 'try_statement' THEN
                NOT EXISTS (SELECT 1 FROM handlers h
                             WHERE h.try_id = t.id AND h.function_id IS f.function_id
                               AND h.line <= f.line AND h.end_line >= f.end_line)
              ELSE EXISTS (SELECT 1 FROM withs w
                            WHERE w.stmt_id = t.id AND (w.context GLOB '*[Ll]ock*' OR w.context GLOB '*[Mm]utex*'
                                                        OR w.resolved IN (SELECT qualname FROM thread_lock_types)))
          END
)
SELECT f.file_id, f.line, f.col, f.end_line, f.end_col, f.what, f.source,
       coalesce(' in def ' || fn.name || '()', '') AS "where",
       (SELECT json_array(json_object('line', c.line, 'col', c.col, 'end_line', a.line, 'end_col', a.col,
                                      'old', 'list(', 'new', ''),
                          json_object('line', a.end_line, 'col', a.end_col, 'end_line', c.end_line,
                                      'end_col', c.end_col, 'old', ')', 'new', ''))
          FROM calls c
          JOIN call_args a ON a.call_id = c.id AND a.pos = 0
          JOIN loops l ON l.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id) AND l.iter_call_id = c.id
          LEFT JOIN calls k ON a.kind = 'call' AND k.parent_call_id = c.id AND k.arg_idx = 0
                           AND k.line = a.line AND k.col = a.col
         WHERE c.id = f.fid AND c.use = 'iter' AND c.name = 'list'
           AND a.line = c.line AND a.col = c.col + length('list(') AND a.end_line = c.end_line
           AND c.end_col = a.end_col + 1
           AND ((k.resolved = 'range' AND k.receiver IS NULL)
                OR (l.kind IN ('for', 'list_comp', 'set_comp', 'dict_comp')
                    AND (a.kind = 'identifier' OR (k.name IN ('keys', 'values', 'items') AND k.nargs = 0))
                    AND EXISTS (
                          SELECT 1 FROM fresh_collections fc
                           WHERE fc.function_id = l.function_id
                             AND fc.name = CASE WHEN a.kind = 'identifier' THEN a.text ELSE k.receiver END)
                    -- the loop does not change it
                    AND NOT EXISTS (
                          SELECT 1 FROM calls m JOIN collection_methods cm ON cm.name = m.name
                           WHERE m.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                             AND m.receiver = CASE WHEN a.kind = 'identifier' THEN a.text ELSE k.receiver END
                             AND m.line * 100000 + m.col BETWEEN l.line * 100000 + l.col
                                                             AND l.end_line * 100000 + l.end_col)
                    AND NOT EXISTS (
                          SELECT 1 FROM assignments m
                           WHERE m.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                             AND m.target_root = CASE WHEN a.kind = 'identifier' THEN a.text ELSE k.receiver END
                             AND (m.target_kind <> 'name' OR m.op <> '=')
                             AND m.line * 100000 + m.col BETWEEN l.line * 100000 + l.col
                                                             AND l.end_line * 100000 + l.end_col)
                    AND NOT EXISTS (
                          SELECT 1 FROM statements d
                            JOIN names n ON n.id > d.id AND n.id < d.id + 4096 AND n.stmt_id = d.id
                           WHERE d.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                             AND d.kind = 'delete_statement'
                             AND n.name = CASE WHEN a.kind = 'identifier' THEN a.text ELSE k.receiver END
                             AND d.line * 100000 + d.col BETWEEN l.line * 100000 + l.col
                                                             AND l.end_line * 100000 + l.end_col)))) AS edits
  FROM classified f
  LEFT JOIN functions fn ON fn.id = f.function_id
 WHERE f.fid NOT IN (SELECT fid FROM kept)
   AND (f.function_id IS NULL OR f.function_id NOT IN (SELECT function_id FROM startup_code));
