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

-- ---------------------------------------------------------------------------
-- The call graph. A call is linked to the project function it runs through
-- the qualified name the extractor resolved (calls.resolved), never through
-- a guess: a name that means nothing in the project links to nothing.
-- Every view below is linear in the size of the facts (no view joins all
-- functions with all functions), except `reaches`, the full closure, whose
-- result is as large as the number of connected pairs; see docs/callgraph.md.

-- import_bindings(name, target)
-- What a module-level import binds, as a qualified name. `from .io import
-- slurp` in pkg/__init__.py binds pkg.slurp to pkg.io.slurp; `import
-- shop.payments as pay` in app.py binds app.pay to shop.payments; `from .api
-- import *` binds pkg.X to pkg.api.X for every public top-level def and class
-- of pkg.api. Bindings of a name to itself are left out.
CREATE TEMP VIEW import_bindings(name, target) AS
  SELECT f.module || '.' || i.bound, i.target
    FROM imports i JOIN files f ON f.id = i.file_id
   WHERE i.function_id IS NULL AND i.bound <> '*' AND f.module <> ''
     AND i.target <> f.module || '.' || i.bound
  UNION
  SELECT f.module || '.' || d.name, d.qualname
    FROM imports i
    CROSS JOIN files f ON f.id = i.file_id
    CROSS JOIN files t ON t.module = i.target
    CROSS JOIN functions d ON d.id BETWEEN t.id << 24 AND (t.id << 24) + 16777215
   WHERE i.function_id IS NULL AND i.bound = '*' AND f.module <> ''
     AND d.parent_id IS NULL AND d.class_id IS NULL AND NOT d.is_lambda AND d.name NOT GLOB '_*'
  UNION
  SELECT f.module || '.' || d.name, d.qualname
    FROM imports i
    CROSS JOIN files f ON f.id = i.file_id
    CROSS JOIN files t ON t.module = i.target
    CROSS JOIN classes d ON d.id BETWEEN t.id << 24 AND (t.id << 24) + 16777215
   WHERE i.function_id IS NULL AND i.bound = '*' AND f.module <> ''
     AND d.parent_id IS NULL AND d.function_id IS NULL AND d.name NOT GLOB '_*';

-- name_aliases(name, target)
-- import_bindings followed along re-export chains (up to 4 bindings) to a
-- project function, class or module: pkg.Store -> pkg.sub.Store ->
-- pkg.sub.impl.Store gives (pkg.Store, pkg.sub.impl.Store). The shortest
-- chain wins. Written as four joins rather than a recursion so that every
-- step is an indexed lookup; import cycles end with the fourth binding.
CREATE TEMP VIEW name_aliases(name, target) AS
  WITH
    b(name, target) AS MATERIALIZED (SELECT DISTINCT name, target FROM import_bindings),
    cand(name, target, depth) AS (
      SELECT name, target, 1 FROM b
      UNION ALL
      SELECT b1.name, b2.target, 2 FROM b b1 JOIN b b2 ON b2.name = b1.target
      UNION ALL
      SELECT b1.name, b3.target, 3
        FROM b b1 JOIN b b2 ON b2.name = b1.target JOIN b b3 ON b3.name = b2.target
      UNION ALL
      SELECT b1.name, b4.target, 4
        FROM b b1 JOIN b b2 ON b2.name = b1.target JOIN b b3 ON b3.name = b2.target
                  JOIN b b4 ON b4.name = b3.target),
    proj(name, target, depth, best) AS (
      SELECT name, target, depth, min(depth) OVER (PARTITION BY name)
        FROM cand
       WHERE target IN (SELECT qualname FROM functions) OR target IN (SELECT qualname FROM classes)
          OR target IN (SELECT module FROM files))
  SELECT DISTINCT name, target FROM proj WHERE depth = best;

-- reexports(name, target)
-- Names a package's __init__.py imports at module level: `from pkg import f`
-- then means `pkg.mod.f` when pkg/__init__.py says `from .mod import f`.
-- (name_aliases generalizes this to every module and to chains.)
CREATE TEMP VIEW reexports(name, target) AS
  SELECT f.module || '.' || i.bound, i.target
    FROM imports i JOIN files f ON f.id = i.file_id
   WHERE f.is_package AND i.function_id IS NULL AND i.bound <> '*' AND f.module <> '';

-- class_bases(class_id, base_id)
-- A project class and each of its direct project base classes, matched by
-- qualified name through imports and name_aliases (a base re-exported by a
-- package). Keyword arguments (metaclass=...) are not bases.
CREATE TEMP VIEW class_bases(class_id, base_id) AS
  SELECT b.class_id, c.id FROM bases b JOIN classes c ON c.qualname = b.resolved
   WHERE b.text NOT GLOB '*=*'
  UNION
  SELECT b.class_id, c.id
    FROM bases b JOIN name_aliases n ON n.name = b.resolved JOIN classes c ON c.qualname = n.target
   WHERE b.text NOT GLOB '*=*';

-- class_ancestors(class_id, ancestor_id, depth)
-- A project class and its project base classes at any depth (depth 0:
-- itself), the transitive closure of class_bases (cycles stop at depth 20).
-- Derived after each extraction (schema/derive.sql) into class_ancestry.
CREATE TEMP VIEW class_ancestors(class_id, ancestor_id, depth) AS
  SELECT class_id, ancestor_id, depth FROM class_ancestry;

-- class_inherited(class_id, name, function_id, depth)
-- The method a project class inherits under a name: the one defined by its
-- nearest project base class (depth >= 1), whether or not the class defines
-- the name itself. What `super().name()` runs.
CREATE TEMP VIEW class_inherited(class_id, name, function_id, depth) AS
  SELECT class_id, name, function_id, depth FROM (
    SELECT a.class_id, f.name, f.id AS function_id, a.depth,
           min(a.depth) OVER (PARTITION BY a.class_id, f.name) AS nearest
      FROM class_ancestors a JOIN functions f ON f.class_id = a.ancestor_id
     WHERE a.depth > 0 AND f.is_method AND NOT f.is_lambda)
   WHERE depth = nearest;

-- class_members(class_id, name, function_id, depth)
-- The method a name means on a project class: its own (depth 0), else the
-- one it inherits (class_inherited). What `obj.name()` runs for an instance.
CREATE TEMP VIEW class_members(class_id, name, function_id, depth) AS
  SELECT class_id, name, id, 0 FROM functions WHERE class_id IS NOT NULL AND is_method AND NOT is_lambda
  UNION ALL
  SELECT i.class_id, i.name, i.function_id, i.depth
    FROM class_inherited i
   WHERE NOT EXISTS (SELECT 1 FROM functions f
                      WHERE f.class_id = i.class_id AND f.name = i.name AND f.is_method);

-- project_names(name, function_id)
-- Every qualified name a call may resolve to that runs a project function:
-- the function's own qualname; Class.m for a method a class inherits;
-- Class for its constructor (__init__, own or inherited); and the same names
-- under the aliases of name_aliases: pkg.f for a re-exported pkg.io.f,
-- pkg.Store for a re-exported class's constructor, and, for the aliases
-- some call's resolved name starts with, pkg.Store.load (a re-exported
-- class's members) and alias.f (a module alias). That last condition keeps
-- `import os` in every module from naming every function of os again.
CREATE TEMP VIEW project_names(name, function_id) AS
  WITH
    m(class_id, name, function_id, depth) AS MATERIALIZED (
      SELECT class_id, name, function_id, depth FROM class_members),
    al(name, target) AS MATERIALIZED (SELECT name, target FROM name_aliases),
    -- '/' follows '.' in ASCII: the range holds the names that start with "name."
    used(name, target) AS MATERIALIZED (
      SELECT name, target FROM al
       WHERE EXISTS (SELECT 1 FROM calls c WHERE c.resolved > al.name || '.' AND c.resolved < al.name || '/'))
  SELECT qualname, id FROM functions WHERE NOT is_lambda
  UNION ALL
  SELECT k.qualname || '.' || m.name, m.function_id FROM m CROSS JOIN classes k ON k.id = m.class_id WHERE m.depth > 0
  UNION ALL
  SELECT k.qualname, m.function_id FROM m CROSS JOIN classes k ON k.id = m.class_id WHERE m.name = '__init__'
  UNION ALL
  SELECT al.name, f.id FROM al CROSS JOIN functions f ON f.qualname = al.target WHERE NOT f.is_lambda
  UNION ALL
  SELECT al.name || CASE WHEN m.name = '__init__' THEN '' ELSE '.' || m.name END, m.function_id
    FROM al CROSS JOIN classes k ON k.qualname = al.target CROSS JOIN m ON m.class_id = k.id
   WHERE m.name = '__init__' OR al.name IN (SELECT name FROM used)
  UNION ALL
  SELECT used.name || substr(f.qualname, length(used.target) + 1), f.id
    FROM used CROSS JOIN files t ON t.module = used.target
    CROSS JOIN functions f ON f.id BETWEEN t.id << 24 AND (t.id << 24) + 16777215
   WHERE NOT f.is_lambda
  UNION ALL
  SELECT used.name || substr(k.qualname, length(used.target) + 1)
         || CASE WHEN m.name = '__init__' THEN '' ELSE '.' || m.name END,
         m.function_id
    FROM used CROSS JOIN files t ON t.module = used.target
    CROSS JOIN classes k ON k.id BETWEEN t.id << 24 AND (t.id << 24) + 16777215
    CROSS JOIN m ON m.class_id = k.id
   WHERE m.depth > 0 OR m.name = '__init__';

-- call_resolution(call_id, function_id)
-- The project function a call runs, computed from the facts: a call whose
-- resolved name is in project_names (module functions, `self.m()`,
-- `cls.m()`, `Class.m()`, typed receivers such as attributes bound in
-- __init__, nested defs, constructors, inherited methods, re-exports and
-- aliases), and `super().m()` (the nearest base's m). Calls that resolve to
-- nothing in the project are absent: never guessed. A call may have several
-- targets when a name is defined more than once (conditional definitions).
-- schema/derive.sql stores it as call_graph after each extraction; rules
-- read it through call_targets.
CREATE TEMP VIEW call_resolution(call_id, function_id) AS
  SELECT c.id, p.function_id
    FROM (SELECT DISTINCT name, function_id FROM project_names) p
    JOIN calls c ON c.resolved = p.name
  UNION
  SELECT c.id, i.function_id
    FROM calls c JOIN class_inherited i ON i.class_id = c.class_id AND i.name = c.name
   WHERE c.resolved GLOB 'super.*' AND c.receiver GLOB 'super(*)';

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
-- await does nothing). Methods are named by their receiver's type as the
-- extractor resolves it (`q = asyncio.Queue(); q.put(x)` is
-- asyncio.Queue.put).
CREATE TEMP VIEW known_coroutines(qualname) AS
  VALUES ('asyncio.sleep'), ('asyncio.wait_for'), ('asyncio.open_connection'), ('asyncio.start_server'),
         ('asyncio.open_unix_connection'), ('asyncio.start_unix_server'),
         ('asyncio.create_subprocess_exec'), ('asyncio.create_subprocess_shell'), ('asyncio.to_thread'),
         ('asyncio.wait'), ('asyncio.staggered.staggered_race'),
         ('asyncio.Queue.put'), ('asyncio.Queue.get'), ('asyncio.Queue.join'),
         ('asyncio.PriorityQueue.put'), ('asyncio.PriorityQueue.get'), ('asyncio.PriorityQueue.join'),
         ('asyncio.LifoQueue.put'), ('asyncio.LifoQueue.get'), ('asyncio.LifoQueue.join'),
         ('asyncio.Event.wait'), ('asyncio.Lock.acquire'), ('asyncio.Semaphore.acquire'),
         ('asyncio.BoundedSemaphore.acquire'), ('asyncio.Condition.wait'), ('asyncio.Condition.wait_for'),
         ('asyncio.Condition.acquire'), ('asyncio.Barrier.wait'),
         ('asyncio.create_subprocess_exec.wait'), ('asyncio.create_subprocess_exec.communicate'),
         ('asyncio.create_subprocess_shell.wait'), ('asyncio.create_subprocess_shell.communicate'),
         ('asyncio.get_running_loop.sock_recv'), ('asyncio.get_running_loop.sock_sendall'),
         ('asyncio.get_running_loop.sock_connect'), ('asyncio.get_running_loop.sock_accept'),
         ('asyncio.get_running_loop.getaddrinfo'), ('asyncio.get_running_loop.create_connection'),
         ('asyncio.get_running_loop.create_server'), ('asyncio.get_running_loop.shutdown_asyncgens'),
         ('asyncio.get_running_loop.shutdown_default_executor'),
         ('trio.sleep'), ('trio.sleep_forever'), ('trio.sleep_until'), ('trio.open_tcp_stream'),
         ('trio.run_process'), ('trio.to_thread.run_sync'),
         ('anyio.sleep'), ('anyio.sleep_forever'), ('anyio.sleep_until'), ('anyio.connect_tcp'),
         ('anyio.run_process'), ('anyio.to_thread.run_sync'), ('anyio.open_file'),
         ('aiofiles.open'), ('aiofiles.os.remove'), ('aiofiles.os.rename'), ('aiofiles.os.stat'),
         ('aiofiles.os.mkdir'), ('aiofiles.os.makedirs'), ('aiofiles.os.listdir'),
         ('asyncpg.connect'), ('asyncpg.create_pool'),
         ('asyncpg.connect.execute'), ('asyncpg.connect.executemany'), ('asyncpg.connect.fetch'),
         ('asyncpg.connect.fetchrow'), ('asyncpg.connect.fetchval'), ('asyncpg.connect.close'),
         ('aiohttp.ClientSession.close'), ('httpx.AsyncClient.aclose'),
         ('httpx.AsyncClient.get'), ('httpx.AsyncClient.post'), ('httpx.AsyncClient.put'),
         ('httpx.AsyncClient.patch'), ('httpx.AsyncClient.delete'), ('httpx.AsyncClient.head'),
         ('httpx.AsyncClient.options'), ('httpx.AsyncClient.request'), ('httpx.AsyncClient.send');

-- coroutine_functions(function_id, qualname)
-- Project `async def` functions whose call returns a coroutine: not async
-- generators, and not decorated by anything that may wrap them otherwise
-- (a project `@blocking` that runs the coroutine to completion, a framework
-- registration). Decorators that keep the coroutine: staticmethod,
-- classmethod, abstractmethod, overload, override, functools.wraps and the
-- functools caches, and project decorators that define an async def
-- themselves (the usual `@retry` wrapper: `async def wrapper(...)`).
CREATE TEMP VIEW coroutine_functions(function_id, qualname) AS
  SELECT f.id, f.qualname
    FROM functions f
   WHERE f.is_async AND NOT f.is_generator
     AND NOT EXISTS (
       SELECT 1 FROM decorators d
        WHERE d.function_id = f.id
          AND d.name NOT IN ('staticmethod', 'classmethod', 'abstractmethod', 'overload', 'override', 'wraps')
          AND coalesce(d.resolved, '') NOT IN (
                'abc.abstractmethod', 'typing.overload', 'typing.override', 'typing_extensions.overload',
                'typing_extensions.override', 'functools.wraps', 'functools.lru_cache', 'functools.cache',
                'async_lru.alru_cache')
          AND NOT EXISTS (              -- a project decorator with an async def inside
                SELECT 1 FROM functions w
                  JOIN functions n ON n.id BETWEEN w.file_id << 24 AND (w.file_id << 24) + 16777215
                                  AND n.line > w.line AND n.line <= w.end_line AND n.is_async
                 WHERE w.qualname = d.resolved));

-- offloaders(qualname, name)
-- Calls that run a function they are given on a worker thread: the function
-- passed to them is not called on the event loop. `name` matches methods on
-- receivers of unknown type (`loop.run_in_executor`).
CREATE TEMP VIEW offloaders(qualname, name) AS
  VALUES ('asyncio.to_thread', NULL), (NULL, 'run_in_executor'), ('anyio.to_thread.run_sync', NULL),
         ('trio.to_thread.run_sync', NULL), ('starlette.concurrency.run_in_threadpool', NULL),
         ('fastapi.concurrency.run_in_threadpool', NULL), ('asgiref.sync.sync_to_async', NULL),
         ('channels.db.database_sync_to_async', NULL);

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
-- (`@sync_to_async`, `@database_sync_to_async`, a project `@run_in_executor`):
-- calling them from a coroutine does not run their body on the event loop.
CREATE TEMP VIEW offloaded_functions(function_id, decorator) AS
  SELECT d.function_id, d.text
    FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND (d.resolved IN (SELECT qualname FROM offloaders WHERE qualname IS NOT NULL)
          OR d.name GLOB '*sync_to_async' OR d.name GLOB '*run_in_executor'
          OR d.name GLOB '*run_in_threadpool' OR d.name GLOB '*run_in_thread' OR d.name GLOB '*to_thread');

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
