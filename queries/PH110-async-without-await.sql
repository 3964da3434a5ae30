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
              AND (d.resolved IN (SELECT name FROM catalogue WHERE kind = 'interface-marker' AND family IS NULL)
                   OR d.name IN (SELECT name FROM catalogue WHERE kind = 'interface-marker' AND family = 'spelled')))
     AND f.id NOT IN (SELECT function_id FROM registering_decorators)),
reexp AS MATERIALIZED (         -- classes a package re-exports: `from pkg import Base`
  SELECT CAST(x.name AS TEXT) AS name, min(r.id) AS id
    FROM reexports x JOIN classes r ON r.qualname = x.target GROUP BY x.name),
base_refs AS MATERIALIZED (      -- every base of a project class, resolved to a project class if it is one
  SELECT b.class_id, b.text, coalesce(k.id, x.id) AS base_id
    FROM bases b
    LEFT JOIN classes k ON k.qualname = b.resolved
    LEFT JOIN reexp x ON x.name = b.resolved
   WHERE b.text NOT GLOB '*=*'),
ancestors(class_id, ancestor_id) AS (
  SELECT id, id FROM classes WHERE id IN (SELECT class_id FROM cand)
  UNION
  SELECT a.class_id, b.base_id
    FROM ancestors a JOIN base_refs b ON b.class_id = a.ancestor_id
   WHERE b.base_id IS NOT NULL),
-- Handed on: the argument texts and qualified names that reach a call
-- outside the project, as keys (file and name, or qualified name) that each
-- candidate looks up once. Joining candidates to arguments instead gives a
-- row per pair: quadratic in a file of many functions, or of many
-- definitions of one name (25 s at 20,000 functions).
cand_names AS MATERIALIZED (SELECT DISTINCT name FROM cand),
cand_qualnames AS MATERIALIZED (SELECT DISTINCT qualname FROM cand),
module_instances AS MATERIALIZED (  -- module-level instances of project classes (`rate_cache`), qualified
  SELECT DISTINCT fl.module || '.' || a.target AS qualname
    FROM assignments a JOIN files fl ON fl.id = a.file_id
   WHERE a.scope = 'module' AND a.value_type IN (SELECT qualname FROM classes)),
refs AS MATERIALIZED (           -- arguments that may name a candidate, with the call they are passed to
  SELECT a.file_id, a.kind, a.resolved AS arg_resolved,
         CAST(CASE a.kind WHEN 'identifier' THEN a.text     -- (the CAST gives the key an affinity: indexable)
                          WHEN 'attribute' THEN replace(a.text, rtrim(a.text, replace(a.text, '.', '')), '') END
              AS TEXT) AS key,
         c.name, c.resolved
    FROM call_args a JOIN calls c ON c.id = a.call_id
   WHERE (a.kind = 'identifier' AND a.text IN (SELECT name FROM cand_names))
      OR (a.kind = 'attribute'
          AND replace(a.text, rtrim(a.text, replace(a.text, '.', '')), '') IN (SELECT name FROM cand_names))
      OR a.resolved IN (SELECT qualname FROM cand_qualnames)),
outside AS MATERIALIZED (         -- those passed to a call that runs no project function: not by its qualified
  -- name, nor as a method of a module-level instance of a project class (`rate_cache.get_or_fetch`)
  SELECT * FROM refs r
   WHERE NOT EXISTS (SELECT 1 FROM functions p WHERE p.qualname = r.resolved)
     AND NOT EXISTS (SELECT 1 FROM module_instances m
                      WHERE m.qualname = substr(r.resolved, 1, length(r.resolved) - length(r.name) - 1))),
handed_names AS MATERIALIZED (   -- a name in its own file: `handler`, or `self.handler` for a method
  SELECT DISTINCT file_id, key, kind FROM outside WHERE key IS NOT NULL),
handed_qualnames AS MATERIALIZED ( -- a qualified name from another file: the files it is passed in
  SELECT arg_resolved AS qualname, min(file_id) AS first_file, max(file_id) AS last_file
    FROM outside WHERE arg_resolved IN (SELECT qualname FROM cand_qualnames) GROUP BY arg_resolved),
handed_on AS MATERIALIZED (      -- registered with code outside the project by a call
  SELECT f.id AS function_id FROM cand f
   WHERE EXISTS (SELECT 1 FROM handed_names h
                  WHERE h.file_id = f.file_id AND h.key = f.name AND (h.kind = 'identifier' OR f.is_method))
      OR EXISTS (SELECT 1 FROM handed_qualnames q
                  WHERE q.qualname = f.qualname AND (q.first_file <> f.file_id OR q.last_file <> f.file_id)))
SELECT f.file_id, f.line, f.col, f.line AS end_line, f.col AS end_col, f.name AS function
  FROM cand f
 WHERE NOT EXISTS (              -- overrides an async method of a project base class
         SELECT 1 FROM ancestors a
           JOIN functions g ON g.class_id = a.ancestor_id AND g.name = f.name AND g.is_async
          WHERE a.class_id = f.class_id AND a.ancestor_id <> f.class_id)
   AND f.id NOT IN (SELECT function_id FROM handed_on);
