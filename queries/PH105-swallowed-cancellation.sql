-- @id PH105
-- @name swallowed-cancellation
-- @severity P2
-- @precision high
-- @tags async cancellation asyncio
-- @message {caught} around an await in async def {function} swallows the task's cancellation: the handler neither re-raises nor returns
-- @fix re-raise after cleaning up (`except asyncio.CancelledError: ...; raise`), or catch Exception instead
-- @description Cancelling a task throws CancelledError into it at its current
-- await. A handler that catches it (by name, as BaseException or with a bare
-- except) and carries on makes the task ignore the cancellation: shutdown
-- hangs on `await task`, timeouts (asyncio.timeout, wait_for, TaskGroup) stop
-- working, and structured concurrency breaks. Clean up and re-raise, or
-- return to end the task on purpose.
-- @bad
-- async def consume(queue, handle):
--     while True:
--         try:
--             await handle(await queue.get())
--         except asyncio.CancelledError:
--             pass
-- @good
-- async def consume(queue, handle):
--     while True:
--         try:
--             await handle(await queue.get())
--         except asyncio.CancelledError:
--             log.info("consumer stopped")
--             raise
-- @accepted handlers that raise (the same or another exception) or return/break
-- to end the task; `except Exception` (CancelledError is a BaseException since
-- Python 3.8); handlers whose try body does not await; sync functions.
--
-- Result: one row per except clause, at the `except`; `caught` names what it
-- catches, `function` the enclosing async def.
SELECT h.file_id, h.line, h.col, h.end_line, h.end_col, f.name AS function,
       CASE WHEN h.is_bare THEN 'bare except:' ELSE 'except ' || h.types END AS caught
  FROM handlers h
  JOIN functions f ON f.id = h.function_id AND f.is_async
 WHERE (h.is_bare
        OR h.resolved_types LIKE '%,BaseException,%'
        OR h.resolved_types LIKE '%,asyncio.CancelledError,%'
        OR h.resolved_types LIKE '%,asyncio.exceptions.CancelledError,%'
        OR h.resolved_types LIKE '%,trio.Cancelled,%')
   AND NOT h.reraises AND NOT h.returns
   AND h.try_awaits;
