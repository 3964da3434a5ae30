-- pyhunt library views, layer 20: the call graph. Which project function
-- calls which (call_targets, call_edges, reaches), coroutines and what runs
-- them, work offloaded to threads, and the entry points a framework calls
-- (request handlers, registering decorators). Reads the fact tables, the
-- catalogue and layer 10 (resolution).

-- ---------------------------------------------------------------------------
-- The call graph. A call is linked to the project function it runs through
-- the qualified name the extractor resolved (calls.resolved), never through
-- a guess: a name that means nothing in the project links to nothing.
-- Every view below is linear in the size of the facts (no view joins all
-- functions with all functions), except `reaches`, the full closure, whose
-- result is as large as the number of connected pairs; see docs/callgraph.md.

-- call_targets(call_id, function_id)
-- The project function a call runs (call_resolution, as stored in the
-- call_graph table): indexed by call_id and by function.
CREATE TEMP VIEW call_targets(call_id, function_id) AS
  SELECT call_id, callee FROM call_graph;

-- call_edges(caller, callee, call_id)
-- Project function -> project function, one row per call site and target.
-- Indexed both ways (call_graph_caller, call_graph_callee).
CREATE TEMP VIEW call_edges(caller, callee, call_id) AS
  SELECT caller, callee, call_id FROM call_graph WHERE caller IS NOT NULL;

-- reaches(caller, callee, depth)
-- The transitive closure of call_edges with the shortest depth. It stops on
-- cycles (set semantics) and at depth 30. Its result holds one row per
-- connected pair, which on a large code base is far more than the number of
-- functions: rules that need "reaches X" seed their own closure from X
-- instead (as blocking_reach does), see docs/callgraph.md.
CREATE TEMP VIEW reaches(caller, callee, depth) AS
  WITH RECURSIVE
    r(caller, callee, depth) AS (
      SELECT caller, callee, 1 FROM call_edges
      UNION
      SELECT r.caller, e.callee, r.depth + 1
        FROM r JOIN call_edges e ON e.caller = r.callee
       WHERE r.depth < 30)
  SELECT caller, callee, min(depth) FROM r GROUP BY caller, callee;

-- known_coroutines(qualname)
-- Library functions and methods that return a coroutine (calling without
-- await does nothing): the catalogue's kind 'coroutine'. Methods are named
-- by their receiver's type as the extractor resolves it (`q =
-- asyncio.Queue(); q.put(x)` is asyncio.Queue.put).
CREATE TEMP VIEW known_coroutines(qualname) AS
  SELECT name FROM catalogue WHERE kind = 'coroutine';

-- coroutine_functions(function_id, qualname)
-- Project `async def` functions whose call returns a coroutine: not async
-- generators, and not decorated by anything that may wrap them otherwise
-- (a project `@blocking` that runs the coroutine to completion, a framework
-- registration). Decorators that keep the coroutine: the catalogue's kind
-- 'keeps-coroutine' (staticmethod, abstractmethod, functools.wraps, the
-- functools caches...), and project decorators that define an async def
-- themselves (the usual `@retry` wrapper: `async def wrapper(...)`).
CREATE TEMP VIEW coroutine_functions(function_id, qualname) AS
  SELECT f.id, f.qualname
    FROM functions f
   WHERE f.is_async AND NOT f.is_generator
     AND NOT EXISTS (
       SELECT 1 FROM decorators d
        WHERE d.function_id = f.id
          AND d.name NOT IN (SELECT name FROM catalogue WHERE kind = 'keeps-coroutine' AND family = 'spelled')
          AND coalesce(d.resolved, '') NOT IN (
                SELECT name FROM catalogue WHERE kind = 'keeps-coroutine' AND family IS NULL)
          AND NOT EXISTS (              -- a project decorator with an async def inside
                SELECT 1 FROM functions w
                  JOIN functions n ON n.id BETWEEN file_first_id(w.file_id) AND file_last_id(w.file_id)
                                  AND n.line > w.line AND n.line <= w.end_line AND n.is_async
                 WHERE w.qualname = d.resolved));

-- coroutine_runs(call_id, function_id)
-- Calls in a coroutine (function_id) that run a project function as part
-- of what the coroutine waits for: awaited, entered (`async with`, `async
-- for`), or the awaitable given to an awaited wait_for()/shield() (the
-- catalogue's task-waiter families timeout and shield). A coroutine made
-- and handed to create_task() runs on its own and is not one of them.
CREATE TEMP VIEW coroutine_runs(call_id, function_id) AS
  SELECT c.id, c.async_id FROM calls c
   WHERE c.async_id IS NOT NULL
     AND (c.awaited OR c.use IN ('with', 'iter')
          OR (c.use = 'arg' AND c.arg_idx = 0
              AND EXISTS (SELECT 1 FROM calls w
                           WHERE w.id = c.parent_call_id AND w.awaited
                             AND w.resolved IN (SELECT name FROM catalogue
                                                 WHERE kind = 'task-waiter' AND family IN ('timeout', 'shield')))))
     AND EXISTS (SELECT 1 FROM call_targets t WHERE t.call_id = c.id);

-- offloaders(qualname, name)
-- Calls that run a function they are given on a worker thread (the
-- catalogue's kind 'offloader'): the function passed to them is not called
-- on the event loop. `name` matches methods on receivers of unknown type
-- (`loop.run_in_executor`).
CREATE TEMP VIEW offloaders(qualname, name) AS
  SELECT CASE WHEN family IS NULL THEN name END, CASE WHEN family = 'method' THEN name END
    FROM catalogue WHERE kind = 'offloader' AND (family IS NULL OR family = 'method');

-- offloaded(call_id, arg_id, function_id)
-- A function passed (not called) to an offloader: call_id is the offloading
-- call, function_id the project function when it is one (else NULL).
CREATE TEMP VIEW offloaded(call_id, arg_id, function_id) AS
  SELECT c.id, a.id, f.id
    FROM calls c
    JOIN offloaders o ON (o.qualname IS NOT NULL AND c.resolved = o.qualname)
                      OR (o.name IS NOT NULL AND c.name = o.name)
    JOIN call_args a ON a.call_id = c.id AND a.kind IN ('identifier', 'attribute')
    LEFT JOIN functions f ON f.qualname = a.resolved;

-- offloaded_functions(function_id, decorator)
-- Project functions whose decorator runs them on a worker thread
-- (`@sync_to_async`, `@database_sync_to_async`, a project `@run_in_executor`:
-- an offloader, or a decorator named with an offloader's decorator-suffix):
-- calling them from a coroutine does not run their body on the event loop.
CREATE TEMP VIEW offloaded_functions(function_id, decorator) AS
  SELECT d.function_id, d.text
    FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND (d.resolved IN (SELECT qualname FROM offloaders WHERE qualname IS NOT NULL)
          OR EXISTS (SELECT 1 FROM catalogue k
                      WHERE k.kind = 'offloader' AND k.family = 'decorator-suffix' AND d.name GLOB '*' || k.name));

-- called_in_loop(function_id, loop_call_id, depth)
-- Project functions run once per iteration of some loop: called from a loop
-- body or comprehension (loop_call_id is that call, depth 1) or from such a
-- function at any depth (up to 10).
CREATE TEMP VIEW called_in_loop(function_id, loop_call_id, depth) AS
  WITH RECURSIVE
    r(function_id, loop_call_id, depth) AS (
      SELECT t.function_id, c.id, 1
        FROM calls c JOIN call_targets t ON t.call_id = c.id
       WHERE c.loop_id IS NOT NULL
      UNION
      SELECT e.callee, r.loop_call_id, r.depth + 1
        FROM r JOIN call_edges e ON e.caller = r.function_id
       WHERE r.depth < 10)
  SELECT function_id, loop_call_id, min(depth) FROM r GROUP BY function_id, loop_call_id;

-- request_handlers(function_id, decorator)
-- Functions a web framework calls once per request (the catalogue's kind
-- 'route'): registered by a decorator (`@app.get`, `@router.post`,
-- `@routes.view`, `@app.route`...; `decorator` is its text), or by a routing
-- call (`app.router.add_get("/", handler)`, `app.add_url_rule(...,
-- view_func=f)`, Django's `path("x/", views.f)`, Starlette's `Route("/",
-- f)`), and the HTTP-verb methods of class-based views (a class deriving
-- from a `...View`, `...Handler`, `...Endpoint`, `...Resource` or
-- `...ViewSet`: get, post, put, ...); `decorator` is NULL for those.
CREATE TEMP VIEW request_handlers(function_id, decorator) AS
  SELECT d.function_id, d.text
    FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND EXISTS (SELECT 1 FROM catalogue k
                  WHERE k.kind = 'route' AND k.family = 'decorator' AND d.name GLOB '*.' || k.name)
  UNION
  SELECT f.id, NULL
    FROM calls c
    JOIN call_args a ON a.call_id = c.id AND a.kind IN ('identifier', 'attribute')
                    AND (a.pos IN (1, 2)
                         OR a.keyword IN (SELECT name FROM catalogue WHERE kind = 'route' AND family = 'keyword'))
    JOIN functions f ON f.qualname = a.resolved
                     OR (a.kind = 'identifier' AND f.file_id = c.file_id AND f.name = a.text
                         AND f.parent_id IS NULL AND f.class_id IS NULL)
   WHERE c.name IN (SELECT name FROM catalogue WHERE kind = 'route' AND family = 'call')
  UNION
  SELECT f.id, NULL
    FROM functions f JOIN bases b ON b.class_id = f.class_id
   WHERE f.is_method AND f.name IN (SELECT name FROM catalogue WHERE kind = 'route' AND family = 'view-method')
     AND EXISTS (SELECT 1 FROM catalogue k
                  WHERE k.kind = 'route' AND k.family = 'view-base' AND b.text GLOB '*' || k.name);

-- registering_decorators(function_id, decorator)
-- Functions handed to a framework by a decorator, which then decides how to
-- call them (and may require a coroutine function): attribute decorators of
-- an object (`@app.get("/")`, `@router.post`, `@client.event`,
-- `@bot.command()`), decorators of a third-party module other than the
-- standard helpers (a 'helper-module' of the catalogue: `@pytest.fixture`,
-- `@pytest.mark.asyncio` register, `@functools.wraps` does not), and the
-- catalogue's 'registrar' decorators, by qualified name or by plain name
-- (`@fixture`, `@receiver(...)`, `@hookimpl`).
CREATE TEMP VIEW registering_decorators(function_id, decorator) AS
  SELECT d.function_id, d.text
    FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND ((instr(d.name, '.') > 0
           AND substr(coalesce(d.resolved, d.name), 1, instr(coalesce(d.resolved, d.name) || '.', '.') - 1)
               NOT IN (SELECT name FROM catalogue WHERE kind = 'helper-module' UNION ALL VALUES ('self'), ('cls')))
          OR d.resolved IN (SELECT name FROM catalogue WHERE kind = 'registrar' AND family IS NULL)
          OR d.name IN (SELECT name FROM catalogue WHERE kind = 'registrar' AND family = 'spelled'));
