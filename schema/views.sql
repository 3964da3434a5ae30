-- pyhunt library views: the predicates rules share, Datalog-style (facts in
-- tables.sql, rules here and in queries/). Created as TEMP views on every
-- connection, so the library can change without rebuilding a database.
-- Every schema/views*.sql file is loaded, in name order; this one first.

-- scopes(id, file_id, kind, name, qualname, parent_id, line, col, end_line, end_col)
-- Every module, class, function and lambda. A module's id is file_id << 24.
CREATE TEMP VIEW scopes(id, file_id, kind, name, qualname, parent_id, line, col, end_line, end_col) AS
  SELECT id << 24, id, 'module', module, module, NULL, 1, 1, lines, 1 FROM files
  UNION ALL
  SELECT id, file_id, CASE WHEN is_lambda THEN 'lambda' ELSE 'function' END, name, qualname,
         coalesce(parent_id, class_id, file_id << 24), line, col, end_line, end_col
    FROM functions
  UNION ALL
  SELECT id, file_id, 'class', name, qualname, coalesce(parent_id, function_id, file_id << 24),
         line, col, end_line, end_col
    FROM classes;

-- class_ancestors(class_id, ancestor_id, depth)
-- A project class and its project base classes at any depth (depth 0: itself).
-- Bases are matched by qualified name through imports; cycles stop at depth 20.
CREATE TEMP VIEW class_ancestors(class_id, ancestor_id, depth) AS
  WITH RECURSIVE a(class_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM classes
    UNION
    SELECT a.class_id, c.id, a.depth + 1
      FROM a JOIN bases b ON b.class_id = a.ancestor_id
             JOIN classes c ON c.qualname = b.resolved
     WHERE a.depth < 20)
  SELECT class_id, ancestor_id, min(depth) FROM a GROUP BY class_id, ancestor_id;

-- reexports(name, target)
-- Names a package's __init__.py imports at module level: `from pkg import f`
-- then means `pkg.mod.f` when pkg/__init__.py says `from .mod import f`.
CREATE TEMP VIEW reexports(name, target) AS
  SELECT f.module || '.' || i.bound, i.target
    FROM imports i JOIN files f ON f.id = i.file_id
   WHERE f.is_package AND i.function_id IS NULL AND i.bound <> '*' AND f.module <> '';

-- call_targets(call_id, function_id)
-- The project function a call runs: the function of that qualified name
-- (module functions, `self.m()`, `Class.m()`, typed receivers, nested defs),
-- a class's __init__ for a constructor call, a method inherited from a
-- project base class, or a name re-exported by a package. Calls that resolve
-- to nothing in the project are absent: never guessed.
CREATE TEMP VIEW call_targets(call_id, function_id) AS
  SELECT c.id, f.id FROM calls c JOIN functions f ON f.qualname = c.resolved
  UNION
  SELECT c.id, f.id FROM calls c JOIN classes k ON k.qualname = c.resolved
                                 JOIN functions f ON f.qualname = k.qualname || '.__init__'
  UNION
  SELECT c.id, f.id
    FROM calls c
    JOIN classes k ON k.qualname = substr(c.resolved, 1, length(c.resolved) - length(c.name) - 1)
    JOIN class_ancestors a ON a.class_id = k.id AND a.depth > 0
    JOIN classes b ON b.id = a.ancestor_id
    JOIN functions f ON f.qualname = b.qualname || '.' || c.name
   WHERE c.name IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM functions g WHERE g.qualname = c.resolved)
  UNION
  SELECT c.id, f.id FROM calls c JOIN reexports r ON r.name = c.resolved
                                 JOIN functions f ON f.qualname = r.target;

-- call_edges(caller, callee, call_id)
-- Project function -> project function, one row per call site.
CREATE TEMP VIEW call_edges(caller, callee, call_id) AS
  SELECT c.function_id, t.function_id, c.id
    FROM calls c JOIN call_targets t ON t.call_id = c.id
   WHERE c.function_id IS NOT NULL;

-- reaches(caller, callee, depth)
-- The transitive closure of call_edges with the shortest depth. It stops on
-- cycles (set semantics) and at depth 30.
CREATE TEMP VIEW reaches(caller, callee, depth) AS
  WITH RECURSIVE r(caller, callee, depth) AS (
    SELECT caller, callee, 1 FROM call_edges
    UNION
    SELECT r.caller, e.callee, r.depth + 1
      FROM r JOIN call_edges e ON e.caller = r.callee
     WHERE r.depth < 30)
  SELECT caller, callee, min(depth) FROM r GROUP BY caller, callee;

-- known_coroutines(qualname)
-- Library functions that return a coroutine (calling without await does nothing).
CREATE TEMP VIEW known_coroutines(qualname) AS
  VALUES ('asyncio.sleep'), ('asyncio.wait_for'), ('asyncio.open_connection'), ('asyncio.start_server'),
         ('asyncio.create_subprocess_exec'), ('asyncio.create_subprocess_shell'), ('asyncio.to_thread'),
         ('asyncio.wait'), ('trio.sleep'), ('anyio.sleep'), ('aiofiles.open'), ('asyncpg.connect'),
         ('asyncpg.create_pool');

-- coroutine_functions(function_id, qualname)
-- Project `async def` functions that return a coroutine (not async generators).
CREATE TEMP VIEW coroutine_functions(function_id, qualname) AS
  SELECT id, qualname FROM functions WHERE is_async AND NOT is_generator;

-- offloaders(qualname, name)
-- Calls that run a function they are given on a worker thread: the function
-- passed to them is not called on the event loop. `name` matches methods on
-- receivers of unknown type (`loop.run_in_executor`).
CREATE TEMP VIEW offloaders(qualname, name) AS
  VALUES ('asyncio.to_thread', NULL), (NULL, 'run_in_executor'), ('anyio.to_thread.run_sync', NULL),
         ('trio.to_thread.run_sync', NULL), ('starlette.concurrency.run_in_threadpool', NULL),
         ('fastapi.concurrency.run_in_threadpool', NULL), ('asgiref.sync.sync_to_async', NULL);

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

-- called_in_loop(function_id, loop_call_id, depth)
-- Project functions run once per iteration of some loop: called from a loop
-- body or comprehension (loop_call_id is that call, depth 1) or from such a
-- function at any depth.
CREATE TEMP VIEW called_in_loop(function_id, loop_call_id, depth) AS
  WITH RECURSIVE r(function_id, loop_call_id, depth) AS (
    SELECT t.function_id, c.id, 1
      FROM calls c JOIN call_targets t ON t.call_id = c.id
     WHERE c.loop_id IS NOT NULL
    UNION
    SELECT e.callee, r.loop_call_id, r.depth + 1
      FROM r JOIN call_edges e ON e.caller = r.function_id
     WHERE r.depth < 10)
  SELECT function_id, loop_call_id, min(depth) FROM r GROUP BY function_id, loop_call_id;

-- request_handlers(function_id, decorator)
-- Functions registered with a web framework by a decorator (`@app.get`,
-- `@router.post`, `@routes.view`, `@app.route`...): called once per request.
CREATE TEMP VIEW request_handlers(function_id, decorator) AS
  SELECT d.function_id, d.text
    FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND (d.name GLOB '*.get' OR d.name GLOB '*.post' OR d.name GLOB '*.put' OR d.name GLOB '*.patch'
          OR d.name GLOB '*.delete' OR d.name GLOB '*.route' OR d.name GLOB '*.api_route'
          OR d.name GLOB '*.websocket' OR d.name GLOB '*.head' OR d.name GLOB '*.options'
          OR d.name GLOB '*.view');
