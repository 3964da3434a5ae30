-- @id PH110
-- @name async-without-await
-- @default opt-in
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
-- `@receiver(...)`...) or by a call to code outside the project
-- (`router.add_get("/", handler)`).
--
-- Result: one row per function, at the `def` line (not its decorators);
-- `function` is its name.
--
-- A coroutine function that stands for an async interface is async by
-- contract, awaits or not; so are not reported either:
--   * methods overriding an async method of a project base class (bases
--     followed through imports and package re-exports);
--   * functions handed as values to code outside the project, which calls
--     them as coroutines (`router.add_get("/", handler)`, `loop.add_reader`):
--     registration by a call rather than a decorator. Passed to a project
--     function, stored or returned, they stay reported: the project can
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
     AND f.id NOT IN (SELECT function_id FROM registering_decorators)),
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
value_refs AS MATERIALIZED (     -- candidates passed as arguments, with the call they are passed to
  SELECT f.id AS function_id, c.id AS call_id, c.name, c.resolved
    FROM cand f
    JOIN call_args a ON a.id BETWEEN file_first_id(f.file_id) AND file_last_id(f.file_id)
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
handed_on AS MATERIALIZED (      -- registered with code outside the project by a call
  SELECT function_id FROM value_refs WHERE call_id NOT IN (SELECT call_id FROM project_calls))
SELECT f.file_id, f.line, f.col, f.line AS end_line, f.col AS end_col, f.name AS function
  FROM cand f
 WHERE NOT EXISTS (              -- overrides an async method of a project base class
         SELECT 1 FROM ancestors a
           JOIN functions g ON g.class_id = a.ancestor_id AND g.name = f.name AND g.is_async
          WHERE a.class_id = f.class_id AND a.ancestor_id <> f.class_id)
   AND f.id NOT IN (SELECT function_id FROM handed_on);
