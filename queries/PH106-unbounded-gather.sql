-- @id PH106
-- @name unbounded-gather
-- @default opt-in
-- @severity P2
-- @precision high
-- @tags async concurrency memory
-- @message {callee}() starts one coroutine per item of {iter} at once, with no semaphore bounding them
-- @fix bound the fan-out: take an asyncio.Semaphore(N) in the coroutine (async with sem:), or feed N workers from an asyncio.Queue(maxsize=...)
-- @description gather() and wait() schedule every coroutine they are given at
-- once. Built from a comprehension or a loop over data of unknown size, that
-- is one open connection, socket or file per item: ten thousand rows become
-- ten thousand simultaneous requests, which exhaust file descriptors and
-- connection pools, trip rate limits and hold every response in memory.
-- Opt-in (`--select PH106`): readers of real code (docs/precision/readings-1)
-- judged 2 of 12 sampled findings worth acting on, most fan-outs being small
-- by design (the apps a blueprint is registered on), below the default set's
-- bar (RULES.md v2, 'The default set').
-- @bad
-- async def fetch_all(session, urls):
--     return await asyncio.gather(*[session.get(u) for u in urls])
-- @good
-- async def fetch_all(session, urls):
--     sem = asyncio.Semaphore(10)
--
--     async def bounded(url):
--         async with sem:
--             return await session.get(url)
--
--     return await asyncio.gather(*[bounded(u) for u in urls])
-- @accepted a literal, fixed number of arguments; coroutines guarded by a
-- semaphore (or limiter) in the same function or in the called coroutine (up
-- to two calls deep). Beyond the column, where the size is shown to be
-- bounded: comprehensions and loops over a literal collection, range() of a
-- literal or a count (not range(len(items))) or a name bound to one; loops
-- capped by their own counter (`if i >= limit: break`); where no new work is
-- spawned: waiting on futures or tasks that already exist, and tearing down
-- what exists (close, release, cancel... every connection of a pool);
-- collections built outside the function (their size is not shown to come
-- from the data): an iterable that is the object's own state, `self.apps`,
-- `cls.handlers.values()` (attributes of self or cls, read without a call
-- other than keys()/values()/items()), holds what the program registered on
-- the object, not input of unknown size.
--
-- Result: one row per gather/wait call, at the call; `callee` as written,
-- `iter` the iterable of the (first) unbounded loop that builds the
-- argument.
WITH fan AS (                    -- the argument that holds the coroutines
  SELECT g.id AS gather_id, g.function_id, a.*
    FROM calls g
    JOIN call_args a ON a.call_id = g.id AND a.keyword IS NULL
    JOIN catalogue k ON k.kind = 'task-waiter' AND k.name = g.resolved
   WHERE (k.family = 'star' AND a.star = 1)
      OR (k.family = 'list' AND a.pos = 0 AND a.star = 0)),
comps AS MATERIALIZED (          -- comprehensions that build the argument, inline or through a name
  SELECT f.gather_id, l.id AS loop_id, l.file_id, l.function_id
    FROM fan f
    JOIN loops l ON l.file_id = f.file_id AND l.function_id IS f.function_id
                AND l.kind IN ('list_comp', 'set_comp', 'generator')
                AND (l.line > f.line OR (l.line = f.line AND l.col >= f.col))
                AND (l.line < f.end_line OR (l.line = f.end_line AND l.col < f.end_col))
   WHERE f.kind IN ('list_comprehension', 'set_comprehension', 'generator_expression')
  UNION ALL
  SELECT f.gather_id, l.id, l.file_id, l.function_id
    FROM fan f
    JOIN calls g ON g.id = f.gather_id
    JOIN assignments s ON s.file_id = f.file_id AND s.function_id IS f.function_id AND s.target = f.text
                      AND s.value_kind IN ('list_comprehension', 'set_comprehension', 'generator_expression')
                      AND s.line <= g.line
    JOIN loops l ON l.file_id = f.file_id AND l.function_id IS f.function_id
                AND l.kind IN ('list_comp', 'set_comp', 'generator')
                AND (l.line > s.line OR (l.line = s.line AND l.col >= s.col))
                AND (l.line < s.end_line OR (l.line = s.end_line AND l.col < s.end_col))
   WHERE f.kind = 'identifier'),
built AS (                       -- where it is built: its loop and the call each turn spawns
  -- a comprehension: gather(*[f(x) for x in xs]), tasks = [create_task(f(x))
  -- for x in xs]; the element is the comprehension's first call, when no
  -- name comes before it (in `[t for t in ts if t.done()]` it is the name t)
  SELECT m.gather_id, m.loop_id, e.id AS spawn_id
    FROM comps m
    JOIN calls e ON e.id = (SELECT c.id FROM calls c
                             WHERE c.loop_id = m.loop_id AND c.file_id = m.file_id
                             ORDER BY c.line, c.col LIMIT 1)
   WHERE NOT EXISTS (SELECT 1 FROM names n
                      WHERE n.function_id IS m.function_id AND n.loop_id = m.loop_id AND n.ctx = 'load'
                        AND (n.line < e.line OR (n.line = e.line AND n.col < e.col)))
  UNION ALL
  -- a collection filled in a loop: for x in xs: coros.append(f(x))
  SELECT f.gather_id, p.loop_id, e.id
    FROM fan f
    JOIN calls g ON g.id = f.gather_id
    JOIN calls p ON p.file_id = f.file_id AND p.function_id IS f.function_id AND p.receiver = f.text
                AND p.name IN ('append', 'add') AND p.loop_id IS NOT NULL AND p.line <= g.line
    JOIN loops l ON l.id = p.loop_id AND l.kind IN ('for', 'async_for')
    JOIN calls e ON e.parent_call_id = p.id AND e.arg_idx = 0
   WHERE f.kind = 'identifier'
  UNION ALL
  -- ... through a name bound in the loop: task = create_task(f(x)); tasks.append(task)
  SELECT f.gather_id, p.loop_id, s.value_call_id
    FROM fan f
    JOIN calls g ON g.id = f.gather_id
    JOIN calls p ON p.file_id = f.file_id AND p.function_id IS f.function_id AND p.receiver = f.text
                AND p.name IN ('append', 'add') AND p.loop_id IS NOT NULL AND p.line <= g.line
    JOIN loops l ON l.id = p.loop_id AND l.kind IN ('for', 'async_for')
    JOIN call_args v ON v.call_id = p.id AND v.pos = 0 AND v.kind = 'identifier'
    JOIN assignments s ON s.function_id = p.function_id AND s.loop_id = p.loop_id AND s.target = v.text
                      AND s.value_call_id IS NOT NULL
   WHERE f.kind = 'identifier'),
spawned AS (                     -- the spawning call and the calls in its arguments, two levels down
  SELECT b.gather_id, b.loop_id, e.id AS call_id, e.name, e.resolved
    FROM built b JOIN calls e ON e.id = b.spawn_id
  UNION ALL
  SELECT b.gather_id, b.loop_id, c1.id, c1.name, c1.resolved
    FROM built b JOIN calls c1 ON c1.parent_call_id = b.spawn_id
  UNION ALL
  SELECT b.gather_id, b.loop_id, c2.id, c2.name, c2.resolved
    FROM built b JOIN calls c1 ON c1.parent_call_id = b.spawn_id JOIN calls c2 ON c2.parent_call_id = c1.id),
unbounded AS (                   -- over data of unknown size, spawning new work
  SELECT b.*, CASE WHEN instr(l.iter, char(10)) THEN substr(l.iter, 1, instr(l.iter, char(10)) - 1) || '...'
                   ELSE l.iter END AS iter
    FROM built b JOIN loops l ON l.id = b.loop_id
   WHERE NOT (                   -- a literal collection, range() of a count, a module-level literal constant
           l.iter_kind IN ('list', 'tuple', 'set', 'dictionary', 'string', 'concatenated_string')
           -- range() of literals or of a count (range(workers)); not of a
           -- size computed from the data: range(len(items)) is as large as items
           OR (l.iter_kind = 'call' AND (SELECT c.resolved FROM calls c WHERE c.id = l.iter_call_id) = 'range'
               AND substr(l.iter, 7) NOT GLOB '*(*')
           -- a name bound to a literal collection at module level, or,
           -- in the function, only to a comprehension over range() of a
           -- count and never grown: `outputs = [f"x{i}" for i in range(10)]`
           -- the object's own state: self.apps, self.listeners.values()
           OR ((l.iter GLOB 'self.*' OR l.iter GLOB 'cls.*')
               AND (l.iter NOT GLOB '*(*'
                    OR ((l.iter GLOB '*.values()' OR l.iter GLOB '*.items()' OR l.iter GLOB '*.keys()')
                        AND substr(l.iter, 1, length(l.iter) - 2) NOT GLOB '*(*')))
           OR (l.iter_kind = 'identifier' AND EXISTS (
                 SELECT 1 FROM assignments a
                  WHERE a.file_id = l.file_id AND a.scope = 'module' AND a.target = l.iter
                    AND a.value_kind IN ('list', 'tuple', 'set', 'dictionary')))
           OR (l.iter_kind = 'identifier' AND l.function_id IS NOT NULL
               AND EXISTS (
                 SELECT 1 FROM assignments a JOIN loops k ON k.stmt_id = a.stmt_id AND k.function_id IS a.function_id
                  WHERE a.function_id = l.function_id AND a.target = l.iter
                    AND a.value_kind = 'list_comprehension'
                    AND k.iter GLOB 'range(*' AND substr(k.iter, 7) NOT GLOB '*(*')
               AND NOT EXISTS (
                 SELECT 1 FROM assignments a
                  WHERE a.function_id = l.function_id AND a.target = l.iter AND a.value_kind <> 'list_comprehension')
               AND NOT EXISTS (
                 SELECT 1 FROM calls c
                  WHERE c.function_id = l.function_id AND c.receiver = l.iter
                    AND c.name IN ('append', 'extend', 'insert', 'add', 'update')))
           -- a loop capped by its own counter: `if i >= limit: break`
           OR (l.has_break AND EXISTS (
                 SELECT 1 FROM statements b
                   JOIN statements i ON i.id = b.parent_id AND i.kind = 'if_statement'
                   JOIN names n ON n.stmt_id = i.id AND n.ctx = 'load' AND n.line = i.line
                   JOIN loop_targets t ON t.loop_id = l.id AND t.name = n.name
                  WHERE b.kind = 'break_statement' AND b.loop_id = l.id)))
     AND EXISTS (                -- new work: a call other than future and task wrappers...
           SELECT 1 FROM spawned x
            WHERE x.gather_id = b.gather_id AND x.loop_id = b.loop_id
              AND coalesce(x.name, '') NOT IN ('create_task', 'ensure_future', 'Task', 'create_future', 'Future',
                                               'partial', 'wait_for', 'shield', 'run_coroutine_threadsafe',
                                               'get_event_loop', 'get_running_loop')
              AND NOT EXISTS (   -- ... that does not tear down what exists (close every connection)
                    SELECT 1 FROM (VALUES ('*close*'), ('release*'), ('cancel*'), ('stop*'), ('shutdown*'),
                                          ('disconnect*'), ('terminate*'), ('kill*'), ('join*'), ('wait*'),
                                          ('unsubscribe*'), ('expire*'), ('cleanup*'), ('finalize*')) v
                     WHERE lower(coalesce(x.name, '')) GLOB v.column1))),
guarded AS (                     -- the spawned coroutine bounds itself (or what it calls)
  -- Callees are matched by qualified name (functions.qualname = resolved):
  -- cheaper than the call_targets view over every call, and enough here.
  SELECT DISTINCT u.gather_id
    FROM unbounded u
    JOIN spawned x ON x.gather_id = u.gather_id AND x.loop_id = u.loop_id
    JOIN functions t ON t.qualname = x.resolved
   WHERE t.id IN (SELECT function_id FROM bounded_functions)
      OR EXISTS (SELECT 1 FROM calls c1 JOIN functions t1 ON t1.qualname = c1.resolved
                  WHERE c1.function_id = t.id
                    AND (t1.id IN (SELECT function_id FROM bounded_functions)
                         OR EXISTS (SELECT 1 FROM calls c2 JOIN functions t2 ON t2.qualname = c2.resolved
                                     WHERE c2.function_id = t1.id
                                       AND t2.id IN (SELECT function_id FROM bounded_functions))))),
first AS (
  SELECT gather_id, min(iter) AS iter FROM unbounded GROUP BY gather_id),
bounding AS MATERIALIZED (       -- functions bounded themselves or by a def nested in them
  SELECT function_id FROM bounded_functions
  UNION
  SELECT n.parent_id FROM bounded_functions b JOIN functions n ON n.id = b.function_id
   WHERE n.parent_id IS NOT NULL)
SELECT g.file_id, g.line, g.col, g.end_line, g.end_col, g.callee, u.iter
  FROM first u
  JOIN calls g ON g.id = u.gather_id
 WHERE u.gather_id NOT IN (SELECT gather_id FROM guarded)
   AND NOT EXISTS (SELECT 1 FROM bounding b WHERE b.function_id = g.function_id);
