-- @id PH106
-- @name unbounded-gather
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
-- @accepted a literal, fixed number of arguments; comprehensions and loops over
-- a literal collection, range() or a module constant; coroutines guarded by a
-- semaphore (or limiter) in the same function or in the called coroutine (up
-- to two calls deep); collections built outside the function.
--
-- Result: one row per gather/wait call, at the call; `callee` as written,
-- `iter` the iterable of the (first) unbounded loop that builds the
-- argument.
WITH fan AS (                    -- the argument that holds the coroutines
  SELECT g.id AS gather_id, g.function_id, a.*
    FROM calls g
    JOIN call_args a ON a.call_id = g.id AND a.keyword IS NULL
   WHERE (g.resolved = 'asyncio.gather' AND a.star = 1)
      OR (g.resolved IN ('asyncio.wait', 'asyncio.as_completed') AND a.pos = 0 AND a.star = 0)),
built AS (                       -- where it is built: span of the spawning code, and its loop
  -- inline comprehension: gather(*[f(x) for x in xs])
  SELECT f.gather_id, f.line, f.col, f.end_line, f.end_col, l.id AS loop_id
    FROM fan f
    JOIN loops l ON l.file_id = f.file_id AND l.function_id IS f.function_id
                AND l.kind IN ('list_comp', 'set_comp', 'generator')
                AND (l.line > f.line OR (l.line = f.line AND l.col >= f.col))
                AND (l.line < f.end_line OR (l.line = f.end_line AND l.col < f.end_col))
   WHERE f.kind IN ('list_comprehension', 'set_comprehension', 'generator_expression')
  UNION ALL
  -- a name bound to a comprehension: tasks = [create_task(f(x)) for x in xs]
  SELECT f.gather_id, s.line, s.col, s.end_line, s.end_col, l.id
    FROM fan f
    JOIN calls g ON g.id = f.gather_id
    JOIN assignments s ON s.file_id = f.file_id AND s.function_id IS f.function_id AND s.target = f.text
                      AND s.value_kind IN ('list_comprehension', 'set_comprehension', 'generator_expression')
                      AND s.line <= g.line
    JOIN loops l ON l.file_id = f.file_id AND l.function_id IS f.function_id
                AND l.kind IN ('list_comp', 'set_comp', 'generator')
                AND (l.line > s.line OR (l.line = s.line AND l.col >= s.col))
                AND (l.line < s.end_line OR (l.line = s.end_line AND l.col < s.end_col))
   WHERE f.kind = 'identifier'
  UNION ALL
  -- a collection filled in a loop: for x in xs: coros.append(f(x))
  SELECT f.gather_id, p.line, p.col, p.end_line, p.end_col, p.loop_id
    FROM fan f
    JOIN calls g ON g.id = f.gather_id
    JOIN calls p ON p.file_id = f.file_id AND p.function_id IS f.function_id AND p.receiver = f.text
                AND p.name IN ('append', 'add') AND p.loop_id IS NOT NULL AND p.line <= g.line
    JOIN loops l ON l.id = p.loop_id AND l.kind IN ('for', 'async_for')
   WHERE f.kind = 'identifier'),
unbounded AS (
  SELECT b.*, l.iter
    FROM built b JOIN loops l ON l.id = b.loop_id
   WHERE b.loop_id NOT IN (SELECT loop_id FROM fixed_iterables)),
guarded AS (                     -- the spawned coroutine bounds itself (or what it calls)
  -- Callees are matched by qualified name (functions.qualname = resolved):
  -- cheaper than the call_targets view over every call, and enough here.
  SELECT DISTINCT u.gather_id
    FROM unbounded u
    JOIN calls g ON g.id = u.gather_id
    JOIN calls x ON x.function_id = g.function_id AND x.file_id = g.file_id
                AND (x.line > u.line OR (x.line = u.line AND x.col >= u.col))
                AND (x.line < u.end_line OR (x.line = u.end_line AND x.col < u.end_col))
    JOIN functions t ON t.qualname = x.resolved
   WHERE t.id IN (SELECT function_id FROM bounded_functions)
      OR EXISTS (SELECT 1 FROM calls c1 JOIN functions t1 ON t1.qualname = c1.resolved
                  WHERE c1.function_id = t.id
                    AND (t1.id IN (SELECT function_id FROM bounded_functions)
                         OR EXISTS (SELECT 1 FROM calls c2 JOIN functions t2 ON t2.qualname = c2.resolved
                                     WHERE c2.function_id = t1.id
                                       AND t2.id IN (SELECT function_id FROM bounded_functions))))),
first AS (
  SELECT gather_id, min(iter) AS iter FROM unbounded GROUP BY gather_id)
SELECT g.file_id, g.line, g.col, g.end_line, g.end_col, g.callee, u.iter
  FROM first u
  JOIN calls g ON g.id = u.gather_id
 WHERE u.gather_id NOT IN (SELECT gather_id FROM guarded)
   AND NOT EXISTS (              -- bounded in the gathering function or a def nested in it
         SELECT 1 FROM bounded_functions b
          WHERE b.function_id = g.function_id
             OR b.function_id IN (SELECT id FROM functions n WHERE n.parent_id = g.function_id));
