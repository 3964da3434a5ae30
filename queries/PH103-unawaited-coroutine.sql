-- @id PH103
-- @name unawaited-coroutine
-- @contexts all
-- @severity P1
-- @precision high
-- @tags async correctness interprocedural
-- @message {callee}() returns a coroutine that is never awaited{where}: it never runs
-- @fix await it (await {callee}(...)), or schedule it and keep the task: asyncio.create_task({callee}(...))
-- @description Calling an async function only creates a coroutine object;
-- its body runs when the coroutine is awaited or scheduled. A call whose
-- result is dropped, or bound to a name nothing reads, does nothing at all
-- (Python warns "coroutine ... was never awaited" at garbage collection,
-- far from the bug). Targets are project coroutines, resolved across
-- modules (imports, aliases, relative imports, re-exports) and through
-- self./cls. methods, inherited methods and typed receivers, plus known
-- library coroutines (known_coroutines: asyncio.sleep, asyncio.Queue.put...).
-- @bad
-- async def notify(user, text): ...
--
-- async def on_signup(user):
--     notify(user, "welcome")
-- @good
-- async def notify(user, text): ...
--
-- async def on_signup(user):
--     await notify(user, "welcome")
-- @accepted results awaited, returned, passed to
-- create_task/gather/wait/TaskGroup.create_task, stored on an object or in a
-- collection. Beyond the column: results yielded, passed to any other call or
-- bound to a name read later (the receiver may await it); async generators
-- (calling one makes no coroutine); coroutines behind a decorator that may
-- change what a call returns (coroutine_functions: the call may not return a
-- coroutine); calls whose target is ambiguous between an async and a sync
-- definition, and calls that resolve to nothing known (the coroutine is not
-- shown).
--
-- Result: one row per call, at the call; `where` says where the result went
-- (empty when discarded, " (bound to x)" when bound to an unused name).
WITH
  coro_calls(call_id, callee) AS MATERIALIZED (
    -- project coroutines: every target of the call returns a coroutine
    SELECT t.call_id, min(f.name)
      FROM call_targets t JOIN functions f ON f.id = t.function_id
     GROUP BY t.call_id
    HAVING min(f.id IN (SELECT function_id FROM coroutine_functions)) = 1
    UNION ALL
    SELECT c.id, c.resolved
      FROM known_coroutines k JOIN calls c ON c.resolved = k.qualname
     WHERE NOT EXISTS (SELECT 1 FROM call_targets t WHERE t.call_id = c.id))
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, k.callee,
       CASE WHEN c.use = 'assign' THEN ' (bound to ' || c.target || ')' ELSE '' END AS "where"
  FROM coro_calls k
  JOIN calls c ON c.id = k.call_id
  LEFT JOIN functions fn ON fn.id = c.function_id
 WHERE NOT c.awaited
   AND (c.use = 'discard'
        OR (c.use = 'assign'
            AND c.target NOT GLOB '*[^A-Za-z0-9_]*'
            AND NOT EXISTS (
              -- the name is read somewhere in the function (nested defs
              -- included) or, at module level, anywhere in the file
              SELECT 1 FROM names n
               WHERE n.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                 AND n.name = c.target AND n.ctx = 'load'
                 AND (fn.id IS NULL OR n.line BETWEEN fn.line AND fn.end_line))));