-- pyhunt library views: the predicates rules share, Datalog-style (facts in
-- tables.sql, rules here and in queries/). Created as TEMP views on every
-- connection, so the library can change without rebuilding a database.
-- Every schema/views*.sql file is loaded, in name order; this one first.

-- scopes(id, file_id, kind, name, qualname, parent_id, line, col, end_line, end_col)
-- Every module, class, function and lambda. A module's id is file_first_id(file_id).
CREATE TEMP VIEW scopes(id, file_id, kind, name, qualname, parent_id, line, col, end_line, end_col) AS
  SELECT file_first_id(id), id, 'module', module, module, NULL, 1, 1, lines, 1 FROM files
  UNION ALL
  SELECT id, file_id, CASE WHEN is_lambda THEN 'lambda' ELSE 'function' END, name, qualname,
         coalesce(parent_id, class_id, file_first_id(file_id)), line, col, end_line, end_col
    FROM functions
  UNION ALL
  SELECT id, file_id, 'class', name, qualname, coalesce(parent_id, function_id, file_first_id(file_id)),
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
    CROSS JOIN functions d ON d.id BETWEEN file_first_id(t.id) AND file_last_id(t.id)
   WHERE i.function_id IS NULL AND i.bound = '*' AND f.module <> ''
     AND d.parent_id IS NULL AND +d.class_id IS NULL AND NOT d.is_lambda AND d.name NOT GLOB '_*'
  UNION
  SELECT f.module || '.' || d.name, d.qualname
    FROM imports i
    CROSS JOIN files f ON f.id = i.file_id
    CROSS JOIN files t ON t.module = i.target
    CROSS JOIN classes d ON d.id BETWEEN file_first_id(t.id) AND file_last_id(t.id)
   WHERE i.function_id IS NULL AND i.bound = '*' AND f.module <> ''
     AND d.parent_id IS NULL AND d.function_id IS NULL AND d.name NOT GLOB '_*';

-- name_aliases(name, target)
-- import_bindings followed along re-export chains (up to 4 bindings) to a
-- project function, class or module: pkg.Store -> pkg.sub.Store ->
-- pkg.sub.impl.Store gives (pkg.Store, pkg.sub.impl.Store). The shortest
-- chain wins. Derived after each extraction (schema/derive.sql) into the
-- alias_map table, indexed by name and by target.
CREATE TEMP VIEW name_aliases(name, target) AS
  SELECT name, target FROM alias_map;

-- reexports(name, target)
-- Names a package's __init__.py imports at module level: `from pkg import f`
-- then means `pkg.mod.f` when pkg/__init__.py says `from .mod import f`.
-- (name_aliases generalizes this to every module and to chains.)
CREATE TEMP VIEW reexports(name, target) AS
  SELECT f.module || '.' || i.bound, i.target
    FROM imports i JOIN files f ON f.id = i.file_id
   WHERE f.is_package AND i.function_id IS NULL AND i.bound <> '*' AND f.module <> '';

-- overdefined(qualname)
-- Qualified names defined more than 16 times, as functions or as classes:
-- generated or hostile code (real code redefines a name a few times, per
-- platform or as @overload stubs). Calls and bases that name them resolve to
-- none of the definitions, which keeps the call graph and the class
-- ancestry linear in the facts: linking every call of a name to every
-- definition of it is quadratic (4,000 definitions of one name calling it
-- gave 16 M edges).
CREATE TEMP VIEW overdefined(qualname) AS
  SELECT qualname FROM functions GROUP BY qualname HAVING count(*) > 16
  UNION ALL
  SELECT qualname FROM classes GROUP BY qualname HAVING count(*) > 16;

-- class_bases(class_id, base_id)
-- A project class and each of its direct project base classes, matched by
-- qualified name through imports and name_aliases (a base re-exported by a
-- package). Keyword arguments (metaclass=...) are not bases, nor classes of
-- an overdefined name.
CREATE TEMP VIEW class_bases(class_id, base_id) AS
  SELECT b.class_id, c.id FROM bases b JOIN classes c ON c.qualname = b.resolved
   WHERE b.text NOT GLOB '*=*' AND c.qualname NOT IN (SELECT qualname FROM overdefined)
  UNION
  SELECT b.class_id, c.id
    FROM bases b JOIN name_aliases n ON n.name = b.resolved JOIN classes c ON c.qualname = n.target
   WHERE b.text NOT GLOB '*=*' AND c.qualname NOT IN (SELECT qualname FROM overdefined);

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

-- module_aliases(name, module)
-- The aliases of name_aliases that mean a project module and that some
-- call's resolved name goes through: `import shop.payments as pay` in
-- app.py, then `from app import pay; pay.charge()` elsewhere. (An alias
-- used in its own file is resolved by the extractor already.) Aliases no
-- call uses are left out, so that `import os` in every module does not
-- name every function of os again.
CREATE TEMP VIEW module_aliases(name, module) AS
  SELECT al.name, al.target FROM name_aliases al
   WHERE al.target IN (SELECT module FROM files)
     -- '/' follows '.' in ASCII: the range holds the names that start with "name."
     AND EXISTS (SELECT 1 FROM calls c WHERE c.resolved > al.name || '.' AND c.resolved < al.name || '/');

-- class_names(name, class_id)
-- Every qualified name that means a project class: its own qualname, the
-- aliases of name_aliases (pkg.Store for a re-exported pkg.sub.Store), and
-- the class under a module alias (pay.Gateway).
CREATE TEMP VIEW class_names(name, class_id) AS
  SELECT qualname, id FROM classes
  UNION
  SELECT al.name, k.id FROM name_aliases al CROSS JOIN classes k ON k.qualname = al.target
  UNION
  SELECT u.name || substr(k.qualname, length(u.module) + 1), k.id
    FROM module_aliases u CROSS JOIN files t ON t.module = u.module
    CROSS JOIN classes k ON k.id BETWEEN file_first_id(t.id) AND file_last_id(t.id);

-- call_resolution(call_id, function_id)
-- The project function a call runs, computed from the facts. Calls that
-- resolve to nothing in the project are absent: never guessed. A call may
-- have several targets when a name is defined more than once (conditional
-- definitions), unless that name is overdefined (more than 16 times). Four ways:
--   - the resolved name is a function's qualname (module functions, nested
--     defs, `self.m()` / `cls.m()` / `Class.m()` on the defining class), a
--     method when the call has a receiver of known type;
--   - it is an alias of one (a re-export) or one under a module alias
--     (module_aliases: pay.charge);
--   - it names a class (class_names): the constructor, `__init__` of the
--     class or of its nearest project base;
--   - it is a class name and a member, `Child.save` or `obj.save` on a typed
--     receiver: the method of the class or of its nearest project base that
--     defines it; `super().m()`: the nearest base's, skipping the class.
-- Driven from the calls: a class's inherited methods are looked up only
-- when some call names them (class_members enumerates them all).
-- schema/derive.sql stores it as call_graph after each extraction; rules
-- read it through call_targets.
CREATE TEMP VIEW call_resolution(call_id, function_id) AS
  WITH
    over(qualname) AS MATERIALIZED (SELECT qualname FROM overdefined),
    cn(name, class_id) AS MATERIALIZED (
      SELECT name, class_id FROM class_names
       WHERE class_id NOT IN (SELECT id FROM classes WHERE qualname IN (SELECT qualname FROM over))),
    -- (call, class, member name, lowest depth searched)
    member_calls(call_id, class_id, member, from_depth) AS (
      SELECT c.id, cn.class_id, '__init__', 0 FROM cn CROSS JOIN calls c ON c.resolved = cn.name
      UNION ALL
      SELECT c.id, cn.class_id, c.name, 0
        FROM cn CROSS JOIN calls c ON c.resolved > cn.name || '.' AND c.resolved < cn.name || '/'
       WHERE c.resolved = cn.name || '.' || c.name
      UNION ALL
      SELECT id, class_id, name, 1 FROM calls
       WHERE resolved GLOB 'super.*' AND receiver GLOB 'super(*)' AND class_id IS NOT NULL)
  SELECT c.id, f.id FROM functions f CROSS JOIN calls c ON c.resolved = f.qualname
   WHERE NOT f.is_lambda AND f.qualname NOT IN (SELECT qualname FROM over)
     -- a call on an instance runs a method: `x = make(); x.run()` is named
     -- make.run, which is not the def `run` nested in make
     AND (c.receiver_type IS NULL OR f.is_method)
  UNION
  SELECT c.id, f.id
    FROM name_aliases al CROSS JOIN functions f ON f.qualname = al.target
    CROSS JOIN calls c ON c.resolved = al.name
   WHERE NOT f.is_lambda AND f.qualname NOT IN (SELECT qualname FROM over)
  UNION
  SELECT c.id, f.id
    FROM module_aliases u
    CROSS JOIN calls c ON c.resolved > u.name || '.' AND c.resolved < u.name || '/'
    CROSS JOIN functions f ON f.qualname = u.module || substr(c.resolved, length(u.name) + 1)
   WHERE NOT f.is_lambda AND f.qualname NOT IN (SELECT qualname FROM over)
  UNION
  SELECT m.call_id, f.id
    FROM member_calls m
    CROSS JOIN class_ancestry a ON a.class_id = m.class_id AND a.depth >= m.from_depth
    CROSS JOIN functions f ON f.class_id = a.ancestor_id AND f.name = m.member
   WHERE f.is_method AND NOT f.is_lambda AND f.qualname NOT IN (SELECT qualname FROM over)
     AND a.depth = (SELECT min(a2.depth)
                      FROM class_ancestry a2 CROSS JOIN functions f2 ON f2.class_id = a2.ancestor_id
                     WHERE a2.class_id = m.class_id AND a2.depth >= m.from_depth
                       AND f2.name = m.member AND f2.is_method AND NOT f2.is_lambda);

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
