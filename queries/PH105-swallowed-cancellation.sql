-- @id PH105
-- @name swallowed-cancellation
-- @contexts all
-- @scope file
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
-- @accepted handlers that raise (the same or another exception) or
-- return/break to end the task; a try after which the coroutine awaits
-- nothing more and that no loop repeats (the task ends either way); `except
-- Exception` (CancelledError is a BaseException since Python 3.8); handlers
-- whose try body does not await. Beyond the column: handlers that hand the
-- exception on (to a future, a collection, sys.exc_info(): whoever receives
-- it sees the cancellation), forward it (task.cancel()) or end the process; a
-- flag set in the handler that a later `if flag: raise` re-raises;
-- BaseException and bare handlers after a clause of the same try that catches
-- CancelledError (it never reaches them); a try nested in an outer handler
-- that re-raises.
--
-- Result: one row per except clause, at the `except`; `caught` names what it
-- catches, `function` the enclosing async def.
--
-- The task carries on when the try is inside a loop of the coroutine, or
-- when a statement that runs after it (later in its block, or later in the
-- block of a statement that encloses it) awaits, or opens an `async with` or
-- an `async for`. Beyond `raise` and `return`, a handler ends or hands on
-- the cancellation when it
--   * passes the caught exception on (`fut.set_exception(exc)`,
--     `errors.append(exc)`, `sys.exc_info()`), except to a logging call;
--   * forwards the cancellation (`task.cancel()`) or ends the process
--     (`sys.exit`, `os._exit`);
--   * sets a flag that a later `if flag: raise` of the function tests.
-- Not reported either:
--   * BaseException or bare handlers after a clause of the same try that
--     catches CancelledError (which then never reaches them);
--   * a try nested in an outer handler that re-raises.
-- Every lookup below goes through the function (an index) or a table
-- materialized here: handlers by try, withs and loops by function had no
-- index, and a scan of each per handler was quadratic (8 s at 10,000
-- handlers in one file).
WITH RECURSIVE
suspends AS MATERIALIZED (       -- where a coroutine may be cancelled: await, async with, async for
  SELECT function_id, line FROM awaits WHERE function_id IS NOT NULL
  UNION ALL
  SELECT function_id, line FROM withs WHERE is_async AND function_id IS NOT NULL
  UNION ALL
  SELECT function_id, line FROM loops WHERE kind = 'async_for' AND function_id IS NOT NULL),
h AS MATERIALIZED (
  SELECT h.*, f.name AS function, t.line AS try_line
    FROM handlers h
    JOIN functions f ON f.id = h.function_id AND f.is_async
    JOIN statements t ON t.id = h.try_id
   WHERE (h.is_bare
          OR h.resolved_types LIKE '%,BaseException,%'
          OR EXISTS (SELECT 1 FROM catalogue k
                      WHERE k.kind = 'cancellation' AND instr(h.resolved_types, ',' || k.name || ',') > 0))
     AND NOT h.reraises AND NOT h.returns
     AND h.try_awaits),
-- the try statement and the statements that enclose it, up to the coroutine's body
encl(handler_id, function_id, parent_id, block_id, idx, kind, depth) AS (
  SELECT h.id, h.function_id, t.parent_id, t.block_id, t.idx, t.kind, 0
    FROM h JOIN statements t ON t.id = h.try_id
  UNION ALL
  SELECT e.handler_id, e.function_id, p.parent_id, p.block_id, p.idx, p.kind, e.depth + 1
    FROM encl e JOIN statements p ON p.id = e.parent_id
   WHERE p.function_id = e.function_id AND e.depth < 200),
carries_on(handler_id) AS MATERIALIZED (
  -- a loop goes round again
  SELECT handler_id FROM encl WHERE depth > 0 AND kind IN ('for_statement', 'while_statement')
  UNION
  -- a statement that runs next suspends again
  SELECT e.handler_id
    FROM encl e JOIN statements s ON s.block_id = e.block_id AND s.idx > e.idx
   WHERE EXISTS (SELECT 1 FROM suspends w
                  WHERE w.function_id = e.function_id AND w.line BETWEEN s.line AND s.end_line))
SELECT h.file_id, h.line, h.col, h.end_line, h.end_col, h.function,
       CASE WHEN h.is_bare THEN 'bare except:' ELSE 'except ' || h.types END AS caught
  FROM h
 WHERE h.id IN (SELECT handler_id FROM carries_on)
   AND NOT EXISTS (              -- the exception is handed on
         SELECT 1 FROM names n LEFT JOIN calls c ON c.id = n.call_id
          WHERE n.function_id = h.function_id AND n.name = h.as_name AND n.ctx = 'load'
            AND n.line BETWEEN h.line AND h.end_line
            AND (c.id IS NULL OR c.name NOT IN (SELECT name FROM catalogue WHERE kind = 'exception-reader')))
   AND NOT EXISTS (              -- sys.exc_info() keeps it; cancel() forwards it; exit ends
         SELECT 1 FROM calls c
          WHERE c.function_id = h.function_id AND c.line BETWEEN h.line AND h.end_line
            AND (c.resolved IN (SELECT name FROM catalogue WHERE kind = 'handler-exit' AND family <> 'forward')
                 OR c.name IN (SELECT name FROM catalogue WHERE kind = 'handler-exit' AND family = 'forward')))
   AND NOT EXISTS (              -- a flag set here is re-raised later: `if cancelled: raise`
         SELECT 1 FROM names st
           JOIN names ld ON ld.function_id = st.function_id AND ld.name = st.name AND ld.ctx = 'load'
                        AND ld.role = 'cond' AND ld.line > h.end_line
           JOIN statements r ON r.parent_id = ld.stmt_id AND r.kind = 'raise_statement'
          WHERE st.function_id = h.function_id AND st.ctx = 'store'
            AND st.line BETWEEN h.line AND h.end_line)
   AND NOT EXISTS (              -- an earlier clause takes CancelledError
         SELECT 1 FROM handlers e
          WHERE e.function_id = h.function_id AND e.try_id = h.try_id AND e.line < h.line
            AND (e.resolved_types LIKE '%CancelledError,%'
                 OR EXISTS (SELECT 1 FROM catalogue k
                             WHERE k.kind = 'cancellation' AND instr(e.resolved_types, ',' || k.name || ',') > 0)))
   AND NOT EXISTS (              -- nested in a handler that re-raises
         SELECT 1 FROM handlers o
          WHERE o.function_id = h.function_id AND o.id <> h.id AND o.reraises
            AND h.try_line > o.line AND h.try_line <= o.end_line);
