-- @id PH110
-- @name async-without-await
-- @severity P3
-- @precision high
-- @tags async design
-- @message async def {function} never awaits: callers must await it for nothing, and any blocking work in it runs on the event loop
-- @fix make it a plain def (and drop the awaits at its call sites), or await the async API it was meant to use
-- @description An `async def` with no await, async for or async with is a
-- coroutine that never yields: calling it costs a coroutine object and an
-- await at every call site, forgetting the await silently does nothing
-- (PH103), and it often hides a blocking call made where an async one was
-- meant (requests in place of httpx, open in place of aiofiles).
-- @bad
-- async def get_user(uid):
--     return USERS.get(uid)
-- @good
-- def get_user(uid):
--     return USERS.get(uid)
-- @accepted stub bodies (docstring, pass, ..., raise NotImplementedError);
-- @overload, @abstractmethod and @override; methods overriding an async method
-- of a project base class; async protocol methods (__aenter__, __aexit__,
-- __anext__...); async generators; functions registered with a framework by a
-- decorator (`@app.get`, `@router.post`, `@client.event`, `@pytest.fixture`,
-- `@receiver(...)`...); functions handed to a framework as values
-- (`router.add_get("/", handler)`); test files.
--
-- Result: one row per function, at the `def` line (not its decorators);
-- `function` is its name.
--
-- A coroutine function that stands for an async interface is async by
-- contract, awaits or not; so are not reported either:
--   * methods overriding an async method of a project base class (bases
--     followed through imports and package re-exports), or sharing their
--     name with an async method of another project class (a duck-typed
--     protocol: `send_eof`, `close`, a handler table);
--   * methods of a class deriving from a third-party class (framework hooks:
--     `web.View.get`, `Cog.cog_load`), unless a project base defines the
--     method as a plain def;
--   * anything in test files: test functions are collected and run by the test
--     framework, and the coroutines they define stand in for real ones;
--   * functions handed on as values to code outside the project, or stored
--     or returned (`router.add_get("/", handler)`, `{"ping": self.on_ping}`,
--     `trace.on_request_start.append(tracer.on_request_start)`: a method is
--     matched by its name on any object).
--     Passed to a project function, they stay reported: the project can
--     change both sides.
--
-- The base classes are walked here from the candidate methods' classes only
-- (a few dozen in a large project; set semantics, so cycles and diamonds
-- end), and also see third-party bases, which class_ancestors leaves out.
-- (HEAD's class_ancestors view, a recursion over every class, took 494 s on
-- Debian's dist-packages.)
WITH RECURSIVE cand AS (
  SELECT f.* FROM functions f
   WHERE f.is_async AND NOT f.has_await AND NOT f.is_generator AND NOT f.is_stub
     AND f.name NOT IN ('__aenter__', '__aexit__', '__anext__', '__aiter__', '__await__', '__acall__',
                        '__aclose__', 'aclose', 'asend', 'athrow')
     AND NOT EXISTS (            -- marker decorators
           SELECT 1 FROM decorators d
            WHERE d.function_id = f.id
              AND (d.resolved IN ('typing.overload', 'typing_extensions.overload', 'abc.abstractmethod',
                                  'typing.override', 'typing_extensions.override', 'overrides.overrides',
                                  'overrides.override')
                   OR d.name IN ('overload', 'abstractmethod', 'override', 'overrides')))
     AND f.id NOT IN (SELECT function_id FROM registering_decorators)
     AND NOT (SELECT is_test FROM files WHERE id = f.file_id)),
reexp AS MATERIALIZED (         -- classes a package re-exports: `from pkg import Base`
  SELECT x.name, r.id FROM reexports x JOIN classes r ON r.qualname = x.target),
base_refs AS MATERIALIZED (      -- every base of a project class, resolved to a project class if it is one
  SELECT b.class_id, b.text,
         coalesce(k.id, CASE WHEN b.resolved IN (SELECT name FROM reexp)
                             THEN (SELECT x.id FROM reexp x WHERE x.name = b.resolved) END) AS base_id
    FROM bases b
    LEFT JOIN classes k ON k.qualname = b.resolved
   WHERE b.text NOT GLOB '*=*'),
ancestors(class_id, ancestor_id) AS (
  SELECT id, id FROM classes WHERE id IN (SELECT class_id FROM cand)
  UNION
  SELECT a.class_id, b.base_id
    FROM ancestors a JOIN base_refs b ON b.class_id = a.ancestor_id
   WHERE b.base_id IS NOT NULL),
async_methods AS MATERIALIZED (
  SELECT DISTINCT name, class_id FROM functions WHERE is_async AND is_method),
value_refs AS MATERIALIZED (     -- candidates passed as arguments, with the call they are passed to
  SELECT f.id AS function_id, c.id AS call_id, c.name, c.resolved
    FROM cand f
    JOIN call_args a ON a.id BETWEEN (f.file_id << 24) AND ((f.file_id + 1) << 24) - 1
                    AND a.kind IN ('identifier', 'attribute')
                    AND (a.text = f.name OR (f.is_method AND a.kind = 'attribute' AND a.text GLOB '*.' || f.name))
    JOIN calls c ON c.id = a.call_id
  UNION ALL
  SELECT f.id, c.id, c.name, c.resolved
    FROM call_args a
    JOIN cand f ON f.qualname = a.resolved AND a.file_id <> f.file_id
    JOIN calls c ON c.id = a.call_id
   WHERE a.resolved IN (SELECT qualname FROM cand)),
project_calls AS MATERIALIZED (  -- those calls that run a project function: by its qualified name, or a
  -- method of a module-level instance of a project class (`rate_cache.get_or_fetch`)
  SELECT v.call_id
    FROM (SELECT *, replace(prefix, rtrim(prefix, replace(prefix, '.', '')), '') AS owner
            FROM (SELECT *, substr(resolved, 1, length(resolved) - length(name) - 1) AS prefix
                    FROM value_refs)) v
   WHERE EXISTS (SELECT 1 FROM functions p WHERE p.qualname = v.resolved)
      OR EXISTS (SELECT 1 FROM assignments a JOIN files fl ON fl.id = a.file_id
                  WHERE a.target = v.owner AND a.scope = 'module'
                    AND fl.module || '.' || a.target || '.' || v.name = v.resolved
                    AND a.value_type IN (SELECT qualname FROM classes))),
handed_on AS MATERIALIZED (
  SELECT function_id FROM value_refs WHERE call_id NOT IN (SELECT call_id FROM project_calls)
  UNION
  SELECT f.id                    -- stored, returned, put in a collection
    FROM cand f
    JOIN names n ON n.id BETWEEN (f.file_id << 24) AND ((f.file_id + 1) << 24) - 1
                AND +n.ctx = 'load' AND +n.role NOT IN ('receiver', 'arg', 'cond')
                AND (n.name = f.name OR (f.is_method AND n.name GLOB '*.' || f.name))
  UNION
  SELECT f.id                    -- ... in a module that imports it
    FROM imports i                -- (CROSS JOIN keeps this order: the names of one file by rowid range)
    CROSS JOIN cand f
    CROSS JOIN names n
   WHERE i.target IN (SELECT qualname FROM cand)
     AND f.qualname = i.target AND i.file_id <> f.file_id
     AND n.id BETWEEN (i.file_id << 24) AND ((i.file_id + 1) << 24) - 1
     AND +n.ctx = 'load' AND +n.role NOT IN ('receiver', 'arg', 'cond') AND +n.name = i.bound)
SELECT f.file_id, f.line, f.col, f.line AS end_line, f.col AS end_col, f.name AS function
  FROM cand f
 WHERE NOT EXISTS (              -- overrides an async method of a project base class
         SELECT 1 FROM ancestors a
           JOIN functions g ON g.class_id = a.ancestor_id AND g.name = f.name AND g.is_async
          WHERE a.class_id = f.class_id AND a.ancestor_id <> f.class_id)
   AND NOT (f.is_method AND EXISTS (   -- an async protocol shared with another class
         SELECT 1 FROM async_methods g WHERE g.name = f.name AND g.class_id <> f.class_id))
   AND NOT (f.is_method               -- a hook of a third-party base class
            AND EXISTS (SELECT 1 FROM ancestors a JOIN base_refs b ON b.class_id = a.ancestor_id
                         WHERE a.class_id = f.class_id AND b.base_id IS NULL
                           AND b.text NOT IN ('object', 'Exception', 'BaseException', 'ABC', 'abc.ABC',
                                              'Generic', 'typing.Generic', 'Protocol', 'typing.Protocol',
                                              'NamedTuple', 'typing.NamedTuple', 'TypedDict', 'Enum',
                                              'enum.Enum', 'dict', 'list', 'str', 'int', 'tuple', 'set')
                           AND b.text NOT GLOB 'Generic[[]*' AND b.text NOT GLOB 'typing.Generic[[]*'
                           AND b.text NOT GLOB 'Protocol[[]*')
            AND NOT EXISTS (SELECT 1 FROM ancestors a
                              JOIN functions g ON g.class_id = a.ancestor_id AND g.name = f.name
                                              AND NOT g.is_async
                             WHERE a.class_id = f.class_id AND a.ancestor_id <> f.class_id))
   AND f.id NOT IN (SELECT function_id FROM handed_on);
