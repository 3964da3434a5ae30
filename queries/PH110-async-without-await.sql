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
-- any decorated function other than by @staticmethod or @classmethod (a
-- route, a registration, @overload, @abstractmethod,
-- @override); methods of a class with any base other than `object`
-- (overrides and interface implementations: `Base[T]`, third-party and
-- star-imported bases included); functions used as values (passed to a
-- call, stored, returned, assigned: callbacks and registrations); async
-- generators; test functions (named test*) and fixtures. Beyond the column:
-- async protocol methods (__aenter__, __aexit__, __anext__...: async by the
-- protocol); methods of a class that another project class derives from (an
-- interface whose subclasses may override the method with one that awaits);
-- functions a package's __init__ re-exports (public API: making them sync
-- breaks every caller's await).
--
-- Result: one row per function, at the `def` line (not its decorators);
-- `function` is its name.
--
-- A function is used as a value when its name is read other than in a
-- call: in its own file, in a file that imports it, or as the attribute of
-- any object (`self.on_message`, `handlers.ping`: the object is not
-- resolved, so any attribute of that name counts).
WITH cand AS MATERIALIZED (
  SELECT f.* FROM functions f
   WHERE f.is_async AND NOT f.has_await AND NOT f.is_generator AND NOT f.is_stub AND NOT f.is_lambda
     AND f.name NOT IN ('__aenter__', '__aexit__', '__anext__', '__aiter__', '__await__', '__acall__',
                        '__aclose__', 'aclose', 'asend', 'athrow')
     AND f.name NOT GLOB 'test*'
     AND NOT EXISTS (            -- decorated by anything but staticmethod/classmethod
           SELECT 1 FROM decorators d
            WHERE d.function_id = f.id
              AND coalesce(d.resolved, d.name) NOT IN (SELECT name FROM catalogue WHERE kind = 'method-decorator'))
     AND NOT EXISTS (            -- a method of a class with a base other than object
           SELECT 1 FROM bases b
            WHERE b.class_id = f.class_id AND f.is_method
              AND b.text NOT GLOB '*=*' AND coalesce(b.resolved, b.text) NOT IN ('object', 'builtins.object'))),
cand_names AS MATERIALIZED (SELECT DISTINCT name FROM cand),
-- names read other than as a callee: bare (per file) and as the last part of an attribute
loaded AS MATERIALIZED (
  SELECT DISTINCT n.file_id,
         CAST(CASE WHEN instr(n.name, '.') = 0 THEN n.name END AS TEXT) AS bare,
         CAST(CASE WHEN instr(n.name, '.') > 0
                   THEN replace(n.name, rtrim(n.name, replace(n.name, '.', '')), '') END AS TEXT) AS attr
    FROM names n
   WHERE n.ctx = 'load'
     AND (n.name IN (SELECT name FROM cand_names)
          OR (instr(n.name, '.') > 0
              AND replace(n.name, rtrim(n.name, replace(n.name, '.', '')), '') IN (SELECT name FROM cand_names)))),
attr_uses AS MATERIALIZED (SELECT DISTINCT attr FROM loaded WHERE attr IS NOT NULL),
public AS MATERIALIZED (        -- re-exported by a package: `from .convenience import file_stream`
  SELECT target FROM reexports WHERE target IN (SELECT qualname FROM cand))
SELECT f.file_id, f.line, f.col, f.line AS end_line, f.col AS end_col, f.name AS function
  FROM cand f
 WHERE f.name NOT IN (SELECT attr FROM attr_uses)
   AND f.qualname NOT IN (SELECT target FROM public)
   AND NOT (f.is_method AND f.class_id IN (SELECT base_id FROM class_bases))
   AND NOT EXISTS (SELECT 1 FROM loaded u WHERE u.file_id = f.file_id AND u.bare = f.name)
   AND NOT EXISTS (              -- read in a file that imports it
         SELECT 1 FROM imports i JOIN loaded u ON u.file_id = i.file_id AND u.bare = i.bound
          WHERE i.target = f.qualname);
