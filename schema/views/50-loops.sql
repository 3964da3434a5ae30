-- pyhunt library views, layer 50: loops and how often code runs. Loop
-- nesting and what varies in a loop, loops that run a known few times or
-- are paced, retry loops, which functions run once per process and which
-- once per request or per item (and the call chain that makes them so),
-- and work repeated on the same value. Reads the fact tables, the
-- catalogue and layers 10-40 (resolution, call graph, I/O, memory). They
-- know nothing of messages or severities.

-- ---------------------------------------------------------------------------
-- Loops

-- loop_ancestors(loop_id, ancestor_id, depth)
-- A loop and every loop enclosing it in the same function: depth 0 is the
-- loop itself, 1 its parent...
CREATE TEMP VIEW loop_ancestors(loop_id, ancestor_id, depth) AS
  WITH RECURSIVE a(loop_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM loops
    UNION ALL
    SELECT a.loop_id, l.parent_id, a.depth + 1
      FROM a JOIN loops l ON l.id = a.ancestor_id
     WHERE l.parent_id IS NOT NULL AND a.depth < 40)
  SELECT loop_id, ancestor_id, depth FROM a;

-- loop_targets(loop_id, name)
-- The names a for loop or comprehension binds, one row each (`for i, (k, v)
-- in ...` gives i, k and v). `_` is left out: it is bound, never read.
CREATE TEMP VIEW loop_targets(loop_id, name) AS
  WITH RECURSIVE s(loop_id, name, rest) AS (
    SELECT id, NULL, ltrim(targets) FROM loops WHERE targets IS NOT NULL AND trim(targets) <> ''
    UNION ALL
    SELECT loop_id, substr(rest, 1, instr(rest || ' ', ' ') - 1),
           ltrim(substr(rest, instr(rest || ' ', ' ') + 1))
      FROM s WHERE rest <> '')
  SELECT loop_id, name FROM s WHERE name IS NOT NULL AND name NOT IN ('', '_');

-- loop_vars(loop_id, name)
-- Names whose value changes from one iteration of the loop to the next:
--   * the names it binds, and those of loops nested in it;
--   * in a `while` loop (which binds none), every name assigned in its body,
--     except items taken from a queue (a consumer cannot batch what has not
--     arrived yet);
--   * in other loops, a name assigned in the body by a statement that reads
--     one of the above (`uid = row["id"]`): one level of derivation.
CREATE TEMP VIEW loop_vars(loop_id, name) AS
  WITH t(loop_id, name) AS MATERIALIZED (
    SELECT la.ancestor_id, lt.name
      FROM loop_ancestors la JOIN loop_targets lt ON lt.loop_id = la.loop_id)
  SELECT loop_id, name FROM t
  UNION
  SELECT la.ancestor_id, a.target
    FROM assignments a
    JOIN loop_ancestors la ON la.loop_id = a.loop_id
    JOIN loops l ON l.id = la.ancestor_id
   WHERE a.loop_id IS NOT NULL AND a.target_kind = 'name' AND a.op <> 'for'
     AND (l.kind = 'while'
          OR EXISTS (SELECT 1 FROM t JOIN names n ON n.function_id = a.function_id AND n.name = t.name
                      WHERE t.loop_id = la.ancestor_id AND n.stmt_id = a.stmt_id AND n.ctx = 'load'))
     -- not an item taken from a queue: a consumer gets items one at a time,
     -- as they arrive (`job = await queue.get()`); there is nothing to batch
     AND NOT EXISTS (SELECT 1 FROM sync_point_calls sp JOIN calls q ON q.id = sp.call_id
                      WHERE sp.call_id = a.value_call_id
                        AND q.name IN (SELECT name FROM catalogue WHERE kind = 'sync-point' AND family = 'take'));

-- fixed_loops(loop_id)
-- Loops over a literal list, tuple or set (`for table in ("a", "b")`, `for
-- v in 1, 2:`), or over a name bound once to such a literal and never
-- added to: in the loop's function (`dataset = (...)`), or, when the
-- function neither binds it nor takes it as a parameter, at module level
-- (`TABLES = ["a", "b"]`). They run a known, small number of times.
CREATE TEMP VIEW fixed_loops(loop_id) AS
  -- The bindings of the loops' names are looked up by scope (the function,
  -- or -file_id for the module and its classes) and name, growing calls and
  -- item assignments by file and name, in tables materialized once (indexed
  -- automatically): scanning the file's assignments and calls per loop, or
  -- every binding of the name in the file, was quadratic in the size of a
  -- file.
  WITH
    iter_names AS MATERIALIZED (SELECT DISTINCT iter FROM loops WHERE iter_kind = 'identifier'),
    binds AS MATERIALIZED (
      SELECT coalesce(function_id, -file_id) AS scope, target, target_kind, class_id, op, value_kind, value
        FROM assignments WHERE target IN (SELECT iter FROM iter_names)),
    grown AS MATERIALIZED (
      SELECT DISTINCT file_id, receiver FROM calls
       WHERE (name IN (SELECT name FROM collection_methods WHERE effect = 'grow') OR name = '__setitem__')
         AND receiver IN (SELECT iter FROM iter_names)),
    subscripted AS MATERIALIZED (
      SELECT DISTINCT file_id, target_root FROM assignments
       WHERE target_kind = 'subscript' AND target_root IN (SELECT iter FROM iter_names)),
    named AS MATERIALIZED (          -- loops over a name, and the scope binding it (NULL: the module's)
      SELECT l.id, l.file_id, l.function_id, l.iter,
             CASE WHEN EXISTS (SELECT 1 FROM binds b
                                WHERE b.scope = coalesce(l.function_id, -l.file_id) AND b.target = l.iter)
                  THEN coalesce(l.function_id, -l.file_id) END AS own_scope
        FROM loops l WHERE l.iter_kind = 'identifier')
  SELECT id FROM loops
   WHERE iter_kind IN ('list', 'tuple', 'set')
      OR (iter_kind = 'expression_list' AND iter NOT GLOB '[*]*' AND iter NOT GLOB '*, [*]*')
  UNION ALL
  SELECT l.id FROM named l
   WHERE NOT EXISTS (SELECT 1 FROM params p WHERE p.function_id = l.function_id AND p.name = l.iter)
     -- its bindings in the scope that binds it (else at module level): exactly one, a literal display
     AND (SELECT count(*) = 1 AND sum(a.op = '=' AND a.value_kind IN ('list', 'tuple', 'set')
                                      AND a.value NOT IN ('[]', '()'))
            FROM binds a
           WHERE a.scope = coalesce(l.own_scope, -l.file_id) AND a.target = l.iter AND a.target_kind = 'name'
             AND (l.own_scope IS NOT NULL OR a.class_id IS NULL))
     -- nothing in the file adds to it
     AND NOT EXISTS (SELECT 1 FROM grown c WHERE c.file_id = l.file_id AND c.receiver = l.iter)
     AND NOT EXISTS (SELECT 1 FROM subscripted s WHERE s.file_id = l.file_id AND s.target_root = l.iter);

-- small_loops(loop_id)
-- Loops that run a known, small number of times: over a literal tuple, list
-- or set (fixed_loops), or over range() of an integer literal below 100.
CREATE TEMP VIEW small_loops(loop_id) AS
  SELECT loop_id FROM fixed_loops
  UNION
  SELECT id FROM loops
   WHERE iter_kind = 'call' AND (replace(iter, ' ', '') GLOB 'range([0-9])'
                                 OR replace(iter, ' ', '') GLOB 'range([0-9][0-9])');

-- cold_loops(loop_id)
-- Loops that are not hot paths: polling and retry loops, whose body (or a
-- loop nested in it) sleeps (a 'sleep' of the catalogue: time.sleep,
-- asyncio/trio/anyio/gevent sleep),
-- running at a pace of their own choosing; and small_loops inside no other
-- loop but cold ones.
CREATE TEMP VIEW cold_loops(loop_id) AS
  WITH paced(loop_id) AS MATERIALIZED (
    SELECT DISTINCT a.ancestor_id
      FROM calls c JOIN loop_ancestors a ON a.loop_id = c.loop_id
     WHERE c.loop_id IS NOT NULL
       AND c.resolved IN (SELECT name FROM catalogue WHERE kind = 'sleep'))
  SELECT loop_id FROM paced
  UNION
  SELECT f.loop_id FROM small_loops f
   WHERE NOT EXISTS (SELECT 1 FROM loop_ancestors a
                      WHERE a.loop_id = f.loop_id AND a.ancestor_id NOT IN (SELECT loop_id FROM paced)
                        AND a.ancestor_id NOT IN (SELECT loop_id FROM small_loops));

-- loop_labels(loop_id, label)
-- A loop as a message names it: 'for loop over orders', 'while loop',
-- 'list comprehension over range(n)'.
CREATE TEMP VIEW loop_labels(loop_id, label) AS
  SELECT id,
         CASE kind WHEN 'for' THEN 'for loop' WHEN 'async_for' THEN 'async for loop' WHEN 'while' THEN 'while loop'
                   WHEN 'list_comp' THEN 'list comprehension' WHEN 'set_comp' THEN 'set comprehension'
                   WHEN 'dict_comp' THEN 'dict comprehension' ELSE 'generator expression' END
         || coalesce(' over ' || iter, '')
    FROM loops;

-- retry_calls(call_id)
-- Calls made only inside retry loops: every loop around the call (in its
-- function) holds a try statement, directly, that holds the call (not in
-- one of its except clauses) and a break or return of that loop that
-- ends after the call (`return get(u)` included), outside the except
-- clauses: the loop ends on the first
-- success and goes round again only when the try failed
-- (`for _ in range(5): try: r = get(u); break / except Error: sleep()`).
-- What such a call costs is judged on the call, as if the loop were not
-- there: one request that may be tried again.
CREATE TEMP VIEW retry_calls(call_id) AS
  WITH exits(loop_id, try_id, end_line, end_col) AS MATERIALIZED (
    SELECT t.loop_id, t.id, s.end_line, s.end_col
      FROM statements t JOIN statements s ON s.file_id = t.file_id AND s.id > t.id
                                         AND s.loop_id = t.loop_id
                                         AND s.kind IN ('break_statement', 'return_statement')
     WHERE t.kind = 'try_statement' AND t.loop_id IS NOT NULL
       AND (s.line < t.end_line OR (s.line = t.end_line AND s.col < t.end_col))
       AND NOT EXISTS (SELECT 1 FROM handlers h
                        WHERE h.try_id = t.id AND s.line BETWEEN h.line AND h.end_line))
  SELECT c.id FROM calls c
   WHERE c.loop_id IS NOT NULL
     AND NOT EXISTS (
           SELECT 1 FROM loop_ancestors a
            WHERE a.loop_id = c.loop_id
              AND NOT EXISTS (
                    SELECT 1 FROM exits x JOIN statements t ON t.id = x.try_id
                     WHERE x.loop_id = a.ancestor_id
                       AND (t.line < c.line OR (t.line = c.line AND t.col <= c.col))
                       AND (t.end_line > c.end_line OR (t.end_line = c.end_line AND t.end_col >= c.end_col))
                       AND (x.end_line > c.end_line OR (x.end_line = c.end_line AND x.end_col >= c.end_col))
                       AND NOT EXISTS (SELECT 1 FROM handlers h
                                        WHERE h.try_id = t.id AND c.line BETWEEN h.line AND h.end_line)));

-- ---------------------------------------------------------------------------
-- How often a function runs

-- once_functions(function_id, why)
-- Functions that run once per process (or per test), where creating a
-- client or connecting is set-up, not per-call work. `why` is one of:
--   main     an entry point: main(), or a function called from module-level
--            code (`if __name__ == "__main__": run()`, `asyncio.run(amain())`,
--            `app = create_app()`), outside any loop
--   setup    __init__ and friends, setUp, init_app/create_app, startup()
--            and the like: by name only
--   hook     a function a framework runs at start-up or shut-down (the
--            catalogue's 'startup-hook'): by decorator
--            (`@app.on_event("startup")`, `@app.before_server_start`), by
--            registration (`lifespan=f`, `on_startup=[f]`,
--            `app.on_startup.append(f)`, `app.before_server_start(f)`,
--            `dp.startup.register(f)`)
--   cli      a command of a 'cli-framework' (click, typer), a Django
--            management command's handle()
--   server   a function that starts a listening server (a 'server-start'
--            call of the catalogue: `sock.listen()`, `asyncio.start_server`,
--            `loop.create_server`) and does not accept connections itself
--            (family 'accept': `sock.accept()`), and every function that
--            calls one, at
--            any depth (in a loop too: once per server started)
--   test     a function of a test file, a test_* function, a 'fixture'
--   cached   a function whose result a decorator caches (lru_cache, cache,
--            cached_property...): its body runs once per argument
--   reached  a function that only once code calls: it is entered from
--            module-level code or a 'hook', 'cli', 'server' or entry-point
--            'main' function, every one of its call sites is in module-level
--            code or in such a function or another 'reached' one, outside
--            any loop (small_loops aside), and its name is never used as a
--            value (passed, stored, returned: whoever receives it may call
--            it any number of times). One call from anywhere else (a
--            request handler, a function nothing in the project calls, a
--            lambda, a loop body, a file of another context: an example or
--            a test of a library shows how its users call it) makes it, and
--            everything only it calls, not once; a cycle that no once code
--            enters is not once.
--   startup  the same as 'reached', with 'hook' and 'server' functions as
--            the only once code (module-level code and entry points do
--            not count): work done before the first request is served or
--            after the last, while nothing else runs on the event loop
-- 'main', 'setup', 'test' and 'cached' rest on names and conventions (PH602
-- and PH604's "not flagged" columns); once_code holds the rows that rest
-- on a fact of the code.
CREATE TEMP VIEW once_functions(function_id, why) AS
  WITH RECURSIVE
    hooks(function_id) AS (
      SELECT d.function_id FROM decorators d
       WHERE d.function_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM catalogue k
                      WHERE k.kind = 'startup-hook' AND k.family = 'decorator' AND d.name GLOB k.name)
      UNION
      SELECT f.id
        FROM (SELECT a.file_id, a.names FROM call_args a
               WHERE a.keyword IN (SELECT name FROM catalogue WHERE kind = 'startup-hook' AND family = 'keyword')
              UNION ALL
              SELECT a.file_id, a.names
                FROM catalogue k CROSS JOIN calls c ON c.name = CASE k.family WHEN 'list' THEN 'append' ELSE 'register' END
                CROSS JOIN call_args a ON a.call_id = c.id AND a.pos = 0
               WHERE k.kind = 'startup-hook' AND k.family IN ('list', 'observer') AND c.receiver GLOB k.name
              UNION ALL
              SELECT a.file_id, a.names
                FROM catalogue k CROSS JOIN calls c ON c.name = k.name
                CROSS JOIN call_args a ON a.call_id = c.id AND a.pos = k.pos
               WHERE k.kind = 'startup-hook' AND k.family = 'call') a
        JOIN functions f ON f.id BETWEEN file_first_id(a.file_id) AND file_last_id(a.file_id)
                        AND f.parent_id IS NULL AND +f.class_id IS NULL
                        AND instr(' ' || a.names || ' ', ' ' || f.name || ' ') > 0),
    clis(function_id) AS (
      SELECT d.function_id FROM decorators d
       WHERE d.function_id IS NOT NULL
         AND (d.name GLOB '*command'
              OR EXISTS (SELECT 1 FROM catalogue k WHERE k.kind = 'cli-framework' AND d.resolved GLOB k.name || '.*'))
      UNION
      SELECT f.id FROM functions f JOIN files p ON p.id = f.file_id
       WHERE f.name = 'handle' AND f.is_method AND p.path GLOB '*management/commands/*'),
    -- entry points by their conventional name, at module level, that no
    -- function of the project calls (console scripts, `__main__` blocks)
    entries(function_id) AS (
      SELECT f.id FROM functions f
       WHERE f.name IN ('main', '_main', 'amain', 'async_main', 'main_async', 'run_main')
         AND f.parent_id IS NULL AND +f.class_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM call_edges e WHERE e.callee = f.id)),
    servers(function_id, depth) AS (
      SELECT DISTINCT c.function_id, 0 FROM calls c
       WHERE c.function_id IS NOT NULL
         AND (c.resolved IN (SELECT name FROM catalogue WHERE kind = 'server-start' AND family = 'call')
              OR (c.receiver IS NOT NULL AND c.name IN (SELECT name FROM catalogue
                                                          WHERE kind = 'server-start' AND family = 'loop-method')
                  AND (c.receiver GLOB '*loop' OR c.receiver GLOB '*get_running_loop()'
                       OR c.receiver GLOB '*get_event_loop()')))
      UNION
      SELECT e.caller, s.depth + 1
        FROM servers s JOIN call_edges e ON e.callee = s.function_id JOIN calls c ON c.id = e.call_id
       WHERE s.depth < 10),
    evidence(function_id, why) AS MATERIALIZED (
      SELECT function_id, 'hook' FROM hooks
      UNION SELECT function_id, 'cli' FROM clis
      UNION SELECT function_id, 'main' FROM entries
      UNION SELECT DISTINCT s.function_id, 'server' FROM servers s
       WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.function_id = s.function_id
                            AND c.resolved IN (SELECT name FROM catalogue
                                                WHERE kind = 'server-start' AND family = 'accept'))),
    -- the two classes of once code: 'once' (all evidence, and module-level
    -- call sites) and 'startup' (hooks and server start only)
    seeds(function_id, cls) AS MATERIALIZED (
      SELECT function_id, 'once' FROM evidence
      UNION SELECT function_id, 'startup' FROM evidence WHERE why IN ('hook', 'server')),
    -- last names read as values: `register(handler)`, `cb = self.on_msg`
    values_used(name) AS MATERIALIZED (
      SELECT DISTINCT replace(n.name, rtrim(n.name, replace(n.name, '.', '')), '') FROM names n
       WHERE n.ctx = 'load' AND n.role IN ('arg', 'assign', 'return', 'yield', 'other')),
    -- functions that may run more than once: called from outside the
    -- project or as a value, called in a loop (or, for 'startup', from
    -- module level), called from a file of another context (a test or an
    -- example stands for its users' code), or called by such a function
    repeated(function_id, cls) AS (
      SELECT f.id, k.cls FROM functions f CROSS JOIN (SELECT 'once' AS cls UNION ALL SELECT 'startup') k
       WHERE NOT EXISTS (SELECT 1 FROM seeds e WHERE e.function_id = f.id AND e.cls = k.cls)
         AND (f.name IN (SELECT name FROM values_used)
              OR NOT EXISTS (SELECT 1 FROM call_graph g WHERE g.callee = f.id)
              OR EXISTS (SELECT 1 FROM call_graph g JOIN calls c ON c.id = g.call_id
                          WHERE g.callee = f.id
                            AND ((c.loop_id IS NOT NULL AND c.loop_id NOT IN (SELECT loop_id FROM small_loops))
                                 OR (k.cls = 'startup' AND g.caller IS NULL)
                                 OR c.file_id IN (SELECT p.id FROM files p JOIN files q ON q.id = f.file_id
                                                   WHERE p.context <> q.context))))
      UNION
      SELECT e.callee, r.cls FROM repeated r JOIN call_edges e ON e.caller = r.function_id
       WHERE NOT EXISTS (SELECT 1 FROM seeds x WHERE x.function_id = e.callee AND x.cls = r.cls)),
    -- functions entered from once code (a cycle nothing enters is not)
    entered(function_id, cls) AS (
      SELECT function_id, cls FROM seeds
      UNION
      SELECT g.callee, 'once' FROM call_graph g JOIN calls c ON c.id = g.call_id
       WHERE g.caller IS NULL AND c.loop_id IS NULL
      UNION
      SELECT e.callee, n.cls FROM entered n JOIN call_edges e ON e.caller = n.function_id)
  SELECT function_id, why FROM evidence
  UNION
  SELECT n.function_id, CASE n.cls WHEN 'once' THEN 'reached' ELSE 'startup' END
    FROM entered n
   WHERE NOT EXISTS (SELECT 1 FROM seeds e WHERE e.function_id = n.function_id AND e.cls = n.cls)
     AND NOT EXISTS (SELECT 1 FROM repeated r WHERE r.function_id = n.function_id AND r.cls = n.cls)
  UNION
  SELECT f.id, 'main'
    FROM calls c JOIN functions f ON f.qualname = c.resolved
   WHERE c.function_id IS NULL AND c.loop_id IS NULL AND NOT c.in_decorator
  UNION
  SELECT id, 'main' FROM functions
   WHERE name IN ('main', '_main', 'amain', 'async_main', 'main_async', 'run_main')
  UNION
  SELECT id, 'setup' FROM functions
   WHERE name IN ('__init__', '__post_init__', '__new__', '__aenter__', '__enter__', 'setUp', 'setUpClass',
                  'asyncSetUp', 'setup_method', 'setup_class', 'setup', 'init_app', 'create_app',
                  'lifespan', 'startup', 'on_startup', '_startup', 'on_start', 'before_serving')
  UNION
  SELECT f.id, 'test' FROM functions f JOIN files p ON p.id = f.file_id
   WHERE p.context = 'test' OR f.name GLOB 'test_*'
  UNION
  SELECT d.function_id, 'test' FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND (d.name GLOB '*fixture' OR d.resolved IN (SELECT name FROM catalogue WHERE kind = 'fixture'))
  UNION
  SELECT d.function_id, 'cached' FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND (d.name GLOB '*lru_cache' OR d.name GLOB '*cache' OR d.name GLOB '*cached_property'
          OR d.name GLOB '*cached' OR d.name GLOB '*memoize*' OR d.name GLOB '*cache_resource');

-- once_code(function_id, why)
-- The once_functions shown to run once per process by a fact of the code,
-- not by a name alone: why is 'hook', 'cli', 'server', 'reached', 'startup', or 'main'
-- for an entry point (a module-level function named main() or the like
-- that no project function calls). PH402, PH602 and PH604 leave such
-- code out (startup_code is the narrower set PH101, PH102 and PH5xx use);
-- rules about correctness (PH103-PH105, PH112, PH301) do not.
CREATE TEMP VIEW once_code(function_id, why) AS
  SELECT o.function_id, o.why FROM once_functions o
   WHERE o.why IN ('hook', 'cli', 'server', 'reached', 'startup')
      OR (o.why = 'main' AND EXISTS (SELECT 1 FROM functions f
                                      WHERE f.id = o.function_id AND f.parent_id IS NULL AND +f.class_id IS NULL
                                        AND NOT EXISTS (SELECT 1 FROM call_edges e WHERE e.callee = f.id)));

-- startup_code(function_id, why)
-- The once_code functions that run while nothing else runs on the event
-- loop (before the first request is served, or after the last): 'hook',
-- 'server' and 'startup' rows. A coroutine run by `asyncio.run(main())`
-- or a CLI command is the whole program (its other tasks run beside it),
-- so it is not here. Rules whose finding is a cost paid per call on the
-- loop or per item (PH101, PH102, PH5xx) leave such code out.
CREATE TEMP VIEW startup_code(function_id, why) AS
  SELECT function_id, why FROM once_functions WHERE why IN ('hook', 'server', 'startup');

-- hot_sinks(call_id, rule)
-- The calls PH604 (a database or Redis connection) and PH605 (a module-level
-- HTTP helper) report when they run per request or per item, before asking
-- the call graph whether they do. PH604's connections: made in a function
-- (not a module-level script), not main() or a CLI command
-- (once_functions), nor other code that runs once (once_code), not under
-- `if __name__ == "__main__":`, and not memoized (stored on an attribute,
-- in a subscript or a module global).
-- PH605's helpers: every call.
CREATE TEMP VIEW hot_sinks(call_id, rule) AS
  SELECT c.id, 'PH604'
    FROM pool_creations p JOIN calls c ON c.id = p.call_id
   WHERE p.kind IN ('connection', 'client')
     AND c.function_id IS NOT NULL AND NOT c.in_main_guard
     AND c.function_id NOT IN (SELECT function_id FROM once_functions WHERE why IN ('main', 'cli'))
     AND c.function_id NOT IN (SELECT function_id FROM once_code)
     AND NOT (c.use = 'assign' AND (c.target GLOB '*[.[]*'
                                    OR c.function_id IN (SELECT function_id FROM global_declaring_functions)))
  UNION ALL
  SELECT c.id, 'PH605'
    FROM http_helpers h JOIN calls c ON c.resolved = h.qualname;

-- hot_chains(call_id, rule, root, steps, related)
-- For every hot_sinks call, one row: why it runs per request or per item, shortest
-- reason first (ties: loops before handlers, then source order).
-- A call in retry loops only (retry_calls) is judged as if out of them.
--   root    'loop'    the call is in a loop body or comprehension
--           'handler' its function is a request handler
--           'called_in_loop', 'called_by_handler'
--                     its function is called, at any depth (up to 10
--                     calls), from a loop body / from a request handler
--   steps   the chain as text: 'ingest -> save_reading' ('' for loop/handler)
--   related JSON array of the locations that show it, in order: the loop,
--           or the handler's decorator, then every call of the chain.
-- The closure is seeded at the functions holding a sink and walks
-- call_edges backwards (one row per function, sink function and depth), so
-- its cost follows the sinks' callers, not the whole call graph.
CREATE TEMP VIEW hot_chains(call_id, rule, root, steps, related) AS
  WITH RECURSIVE
    sink(call_id, rule, function_id) AS MATERIALIZED (
      SELECT s.call_id, s.rule, c.function_id FROM hot_sinks s JOIN calls c ON c.id = s.call_id),
    -- sink functions that need the call graph: not request handlers, with
    -- a sink outside a loop
    need(function_id) AS MATERIALIZED (
      SELECT DISTINCT s.function_id FROM sink s JOIN calls c ON c.id = s.call_id
       WHERE (c.loop_id IS NULL OR c.id IN (SELECT call_id FROM retry_calls))
         AND s.function_id NOT IN (SELECT function_id FROM request_handlers)),
    up(function_id, sink_fn, depth) AS (
      SELECT function_id, function_id, 0 FROM need
      UNION
      SELECT e.caller, up.sink_fn, up.depth + 1
        FROM up JOIN call_edges e ON e.callee = up.function_id
       WHERE up.depth < 10),
    dist(function_id, sink_fn, depth) AS MATERIALIZED (
      SELECT function_id, sink_fn, min(depth) FROM up GROUP BY function_id, sink_fn),
    -- candidate roots per sink function: (length, kind order, root id)
    roots(sink_fn, len, ord, kind, root_id, first_fn) AS (
      SELECT d.sink_fn, d.depth + 1, 0, 'loop', c.id, d.function_id
        FROM dist d JOIN call_edges e ON e.callee = d.function_id
        JOIN calls c ON c.id = e.call_id
       WHERE c.loop_id IS NOT NULL
      UNION ALL
      SELECT d.sink_fn, d.depth, 1, 'handler', h.function_id, h.function_id
        FROM dist d JOIN request_handlers h ON h.function_id = d.function_id),
    best(sink_fn, len, kind, root_id, first_fn) AS MATERIALIZED (
      SELECT sink_fn, len, kind, root_id, first_fn FROM (
        SELECT r.*, row_number() OVER (PARTITION BY sink_fn ORDER BY len, ord, root_id) AS rn FROM roots r)
       WHERE rn = 1),
    -- one step down from every function towards a sink function: its first
    -- call (in source order) of a function one call closer
    step(function_id, sink_fn, call_id, callee) AS MATERIALIZED (
      SELECT s.function_id, s.sink_fn, s.call_id,
             (SELECT min(e.callee) FROM call_edges e JOIN dist d ON d.function_id = e.callee
               WHERE e.call_id = s.call_id AND d.sink_fn = s.sink_fn AND d.depth = s.depth - 1)
        FROM (SELECT here.function_id, here.sink_fn, here.depth, min(e.call_id) AS call_id
                FROM dist here JOIN call_edges e ON e.caller = here.function_id
                JOIN dist d ON d.function_id = e.callee AND d.sink_fn = here.sink_fn AND d.depth = here.depth - 1
               WHERE here.depth > 0
               GROUP BY here.function_id, here.sink_fn) s),
    -- the chain from the root down to the sink function, one step per call
    walk(sink_fn, n, function_id, steps, related) AS (
      SELECT b.sink_fn, 0, b.first_fn,
             CASE b.kind WHEN 'loop' THEN rf.name || ' -> ' || tf.name ELSE tf.name END,
             CASE b.kind
               WHEN 'loop' THEN
                 json_array(json_object('file_id', l.file_id, 'line', l.line, 'col', l.col,
                                        'end_line', l.end_line, 'end_col', l.end_col,
                                        'message', 'the ' || ll.label || ' in ' || rf.name || '()'),
                            json_object('file_id', c.file_id, 'line', c.line, 'col', c.col,
                                        'end_line', c.end_line, 'end_col', c.end_col,
                                        'message', rf.name || '() calls ' || tf.name || '() once per iteration'))
               ELSE             -- the registering decorator, else the handler itself
                 json_array(json_object('file_id', tf.file_id, 'line', coalesce(d.line, tf.line),
                                        'col', coalesce(d.col, tf.col), 'end_line', coalesce(d.end_line, tf.line),
                                        'end_col', coalesce(d.end_col, tf.col),
                                        'message', tf.name || '() handles every request'
                                                   || coalesce(': @' || d.text, '')))
             END
        FROM best b
        JOIN functions tf ON tf.id = b.first_fn
        LEFT JOIN calls c ON b.kind = 'loop' AND c.id = b.root_id
        LEFT JOIN loops l ON l.id = c.loop_id
        LEFT JOIN loop_labels ll ON ll.loop_id = c.loop_id
        LEFT JOIN functions rf ON rf.id = c.function_id
        LEFT JOIN decorators d ON b.kind = 'handler'
                              AND d.id = (SELECT min(x.id) FROM decorators x JOIN request_handlers h
                                                                  ON h.function_id = x.function_id AND h.decorator = x.text
                                           WHERE x.function_id = b.first_fn)
      UNION ALL
      SELECT w.sink_fn, w.n + 1, st.callee, w.steps || ' -> ' || g.name,
             json_insert(w.related, '$[#]',
                         json_object('file_id', c.file_id, 'line', c.line, 'col', c.col,
                                     'end_line', c.end_line, 'end_col', c.end_col,
                                     'message', f.name || '() calls ' || g.name || '()'))
        FROM walk w
        JOIN step st ON st.function_id = w.function_id AND st.sink_fn = w.sink_fn
        JOIN calls c ON c.id = st.call_id
        JOIN functions f ON f.id = w.function_id
        JOIN functions g ON g.id = st.callee
       WHERE w.n < 12)
  SELECT s.call_id, s.rule, 'loop', '',
         json_array(json_object('file_id', l.file_id, 'line', l.line, 'col', l.col, 'end_line', l.end_line,
                                'end_col', l.end_col, 'message', 'the ' || ll.label))
    FROM sink s JOIN calls c ON c.id = s.call_id JOIN loops l ON l.id = c.loop_id
    JOIN loop_labels ll ON ll.loop_id = l.id
   WHERE c.id NOT IN (SELECT call_id FROM retry_calls)
  UNION ALL
  SELECT s.call_id, s.rule, 'handler', '',
         json_array(json_object('file_id', f.file_id, 'line', coalesce(d.line, f.line),
                                'col', coalesce(d.col, f.col), 'end_line', coalesce(d.end_line, f.line),
                                'end_col', coalesce(d.end_col, f.col),
                                'message', f.name || '() handles every request' || coalesce(': @' || d.text, '')))
    FROM sink s JOIN calls c ON c.id = s.call_id
    JOIN functions f ON f.id = s.function_id
    LEFT JOIN decorators d ON d.id = (SELECT min(x.id) FROM decorators x JOIN request_handlers h
                                             ON h.function_id = x.function_id AND h.decorator = x.text
                                       WHERE x.function_id = s.function_id)
   WHERE (c.loop_id IS NULL OR c.id IN (SELECT call_id FROM retry_calls))
     AND s.function_id IN (SELECT function_id FROM request_handlers)
  UNION ALL
  SELECT s.call_id, s.rule, CASE b.kind WHEN 'loop' THEN 'called_in_loop' ELSE 'called_by_handler' END,
         w.steps, w.related
    FROM sink s JOIN calls c ON c.id = s.call_id
    JOIN walk w ON w.sink_fn = s.function_id AND w.function_id = s.function_id
    JOIN best b ON b.sink_fn = s.function_id
   WHERE (c.loop_id IS NULL OR c.id IN (SELECT call_id FROM retry_calls)) AND b.len > 0
     AND s.function_id NOT IN (SELECT function_id FROM request_handlers);

-- ---------------------------------------------------------------------------
-- Work repeated on the same value

-- repeat_candidates(call_id, rule, key, names)
-- Calls whose result depends only on their argument (while it is not
-- rebound or changed): PH702's 'codec' calls of the catalogue
-- (json.loads/json.dumps/pickle.loads), keyed by callee and every argument
-- as written; PH703's 'path-check' functions (os.path.exists/isfile/isdir)
-- keyed by callee and path, and its methods (pathlib.Path.exists) keyed by
-- the receiver (a name or a dotted name). `names` holds the identifiers the key reads, as
-- ' a b '.
CREATE TEMP VIEW repeat_candidates(call_id, rule, key, names) AS
  SELECT c.id, 'PH702',
         c.resolved || '(' || (SELECT group_concat(t, ', ') FROM (
                                 SELECT coalesce(a.keyword || '=', '') || a.text AS t FROM call_args a
                                  WHERE a.call_id = c.id ORDER BY a.idx)) || ')',
         ' ' || (SELECT group_concat(trim(a.names), ' ') FROM call_args a WHERE a.call_id = c.id) || ' '
    FROM calls c
   WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'codec') AND c.nargs >= 1 AND NOT c.star_args
  UNION ALL
  SELECT c.id, 'PH703', c.resolved || '(' || a.text || ')', a.names
    FROM calls c JOIN call_args a ON a.call_id = c.id AND a.pos = 0 AND a.star = 0
   WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'path-check' AND family = 'function')
     AND c.nargs = 1
  UNION ALL
  SELECT c.id, 'PH703', c.resolved || ':' || c.receiver,
         ' ' || substr(c.receiver, 1, instr(c.receiver || '.', '.') - 1) || ' '
    FROM calls c
   WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'path-check' AND family = 'method')
     AND c.nargs = 0 AND c.receiver NOT GLOB '*[^A-Za-z0-9_.]*';

-- fs_mutators(name)
-- Calls (by last name) after which a path may have appeared or gone (the
-- catalogue's kind 'fs-mutator'): a check of the same path after them is
-- not a repeat.
CREATE TEMP VIEW fs_mutators(name) AS
  SELECT name FROM catalogue WHERE kind = 'fs-mutator';

-- harmless_statements(name)
-- Calls made for their effect (an expression statement) that cannot touch
-- the disk: printing, logging, collection updates (the catalogue's kind
-- 'harmless'). Any other call made as a statement between two checks of a
-- path may have changed it.
CREATE TEMP VIEW harmless_statements(name) AS
  SELECT name FROM catalogue WHERE kind = 'harmless';

-- repeated_calls(rule, call_id, first_id)
-- A repeat_candidates call and the nearest earlier call of the same key in
-- the same function (or module body) whose value it recomputes: nothing
-- between the two rebinds a name the key reads (assignment, augmented
-- assignment, loop target, with ... as, walrus, import); for PH702 no
-- method is called on such a name (`payload.update(...)` changes what
-- dumps() returns); for PH703 nothing between may touch the disk (a
-- fs_mutators call, a call of a project function, a call made as a
-- statement other than harmless_statements, a yield); the two are
-- not in different branches of one if/elif/else or match statement (an
-- elif's condition counts as its branch when the first is in an earlier
-- arm), nor
-- in different except clauses of one try, or one in an except clause and
-- the other in that try's else block (never both run); and the second is
-- not in an `except` of a try whose body holds the first (which may have
-- failed there).
CREATE TEMP VIEW repeated_calls(rule, call_id, first_id) AS
  WITH
    pairs(rule, a_id, b_id, names, fn) AS MATERIALIZED (
      SELECT ra.rule, a.id, b.id, rb.names, b.function_id
        FROM repeat_candidates ra
        JOIN repeat_candidates rb ON rb.rule = ra.rule AND rb.key = ra.key AND rb.call_id <> ra.call_id
        JOIN calls a ON a.id = ra.call_id
        JOIN calls b ON b.id = rb.call_id
       WHERE a.file_id = b.file_id AND a.function_id IS b.function_id
         AND (a.line < b.line OR (a.line = b.line AND a.col < b.col))
         AND (a.end_line < b.line OR (a.end_line = b.line AND a.end_col <= b.col))),
    valid(rule, a_id, b_id) AS (
      SELECT p.rule, p.a_id, p.b_id
        FROM pairs p JOIN calls a ON a.id = p.a_id JOIN calls b ON b.id = p.b_id
       WHERE NOT (a.in_try AND b.in_except AND b.try_id = a.try_id)
         AND NOT EXISTS (
               SELECT 1 FROM assignments x
                WHERE x.file_id = b.file_id AND x.function_id IS p.fn
                  AND instr(p.names, ' ' || x.target_root || ' ') > 0
                  AND (x.end_line > a.line OR (x.end_line = a.line AND x.end_col > a.col))
                  AND (x.line < b.line OR (x.line = b.line AND x.col < b.col)))
         AND NOT EXISTS (
               SELECT 1 FROM calls u
                WHERE u.file_id = b.file_id AND u.function_id IS p.fn AND u.id NOT IN (p.a_id, p.b_id)
                  AND (u.line > a.line OR (u.line = a.line AND u.col > a.col))
                  AND (u.line < b.line OR (u.line = b.line AND u.col < b.col))
                  AND ((u.receiver IS NOT NULL
                        AND instr(p.names, ' ' || substr(u.receiver, 1, instr(u.receiver || '.', '.') - 1) || ' ') > 0
                        AND (p.rule = 'PH702' OR u.name IN (SELECT name FROM fs_mutators)))
                       OR (p.rule = 'PH703'
                           AND (u.name IN (SELECT name FROM fs_mutators)
                                OR (u.use = 'discard' AND u.name NOT IN (SELECT name FROM harmless_statements))
                                OR EXISTS (SELECT 1 FROM call_targets t WHERE t.call_id = u.id)))))
         AND NOT (p.rule = 'PH703' AND EXISTS (
               SELECT 1 FROM returns y
                WHERE y.file_id = b.file_id AND y.function_id IS p.fn AND y.kind <> 'return'
                  AND (y.line > a.line OR (y.line = a.line AND y.col > a.col))
                  AND (y.line < b.line OR (y.line = b.line AND y.col < b.col))))),
    -- statements holding the calls, and their enclosing statements
    anc(call_id, stmt_id) AS (
      SELECT c.id, c.stmt_id FROM calls c WHERE c.id IN (SELECT a_id FROM valid UNION SELECT b_id FROM valid)
      UNION
      SELECT anc.call_id, s.parent_id FROM anc JOIN statements s ON s.id = anc.stmt_id
       WHERE s.parent_id IS NOT NULL),
    branchy(call_id, parent_id, block_id) AS MATERIALIZED (
      SELECT anc.call_id, s.parent_id, s.block_id
        FROM anc JOIN statements s ON s.id = anc.stmt_id JOIN statements p ON p.id = s.parent_id
       WHERE p.kind IN ('if_statement', 'match_statement')),
    -- the arm of each enclosing try a call is in: its body, one of its
    -- except clauses ('h' and the handler's id), its else block (known
    -- when the try is the call's innermost one), or another (finally)
    tryarm(call_id, try_id, arm) AS MATERIALIZED (
      SELECT anc.call_id, p.id,
             CASE WHEN s.block_id = p.id + 1 THEN 'body'
                  ELSE coalesce((SELECT 'h' || h.id FROM handlers h
                                  WHERE h.try_id = p.id AND s.line BETWEEN h.line AND h.end_line),
                                (SELECT 'else' FROM calls c
                                  WHERE c.id = anc.call_id AND c.try_id = p.id
                                    AND NOT c.in_try AND NOT c.in_except AND NOT c.in_finally),
                                'other') END
        FROM anc JOIN statements s ON s.id = anc.stmt_id JOIN statements p ON p.id = s.parent_id
       WHERE p.kind = 'try_statement'),
    kept(rule, a_id, b_id) AS (
      SELECT v.rule, v.a_id, v.b_id FROM valid v
       WHERE NOT EXISTS (SELECT 1 FROM branchy x JOIN branchy y ON y.parent_id = x.parent_id
                          WHERE x.call_id = v.a_id AND y.call_id = v.b_id AND x.block_id <> y.block_id)
         -- the first in an arm of an if, the second in a later elif's
         -- condition (its statement is the if itself): never both run
         AND NOT EXISTS (SELECT 1 FROM branchy x JOIN calls b ON b.id = v.b_id AND b.stmt_id = x.parent_id
                          JOIN statements p ON p.id = x.parent_id AND p.kind = 'if_statement'
                          WHERE x.call_id = v.a_id)
         -- two except clauses of one try, or one and its else block, never
         -- both run; nor does the body's check stand after its handler's
         AND NOT EXISTS (SELECT 1 FROM tryarm x JOIN tryarm y ON y.try_id = x.try_id
                          WHERE x.call_id = v.a_id AND y.call_id = v.b_id AND x.arm <> y.arm
                            AND x.arm <> 'other' AND y.arm <> 'other'
                            AND (x.arm GLOB 'h*' OR y.arm GLOB 'h*')))
  SELECT rule, b_id, a_id FROM (
    SELECT k.rule, k.a_id, k.b_id,
           row_number() OVER (PARTITION BY k.b_id ORDER BY a.line DESC, a.col DESC) AS rn
      FROM kept k JOIN calls a ON a.id = k.a_id)
   WHERE rn = 1;
