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
-- @accepted handlers that raise (the same or another exception) or return/break
-- to end the task; `except Exception` (CancelledError is a BaseException since
-- Python 3.8); handlers whose try body does not await; sync functions.
--
-- Result: one row per except clause, at the `except`; `caught` names what it
-- catches, `function` the enclosing async def.
--
-- Beyond `raise` and `return`, a handler ends or hands on the cancellation
-- when it
--   * passes the caught exception on (`fut.set_exception(exc)`,
--     `errors.append(exc)`, `sys.exc_info()`), except to a logging call;
--   * forwards the cancellation (`task.cancel()`) or ends the process
--     (`sys.exit`, `os._exit`);
--   * sets a flag that a later `if flag: raise` of the function tests.
-- Not reported either:
--   * BaseException or bare handlers after a clause of the same try that
--     catches CancelledError (which then never reaches them);
--   * a try nested in an outer handler that re-raises;
--   * try bodies that only await existing tasks or futures (`await task`,
--     `await asyncio.wait_for(fut, 5)`, `await asyncio.gather(*tasks)`): the
--     CancelledError caught is the awaited task's, the cancel-then-wait idiom.
-- Every lookup below goes through the function (an index) or a table
-- materialized here: handlers by try, withs and loops by function had no
-- index, and a scan of each per handler was quadratic (8 s at 10,000
-- handlers in one file).
WITH async_blocks AS MATERIALIZED (  -- async with and async for, by function
  SELECT function_id, line FROM withs WHERE is_async AND function_id IS NOT NULL
  UNION ALL
  SELECT function_id, line FROM loops WHERE kind = 'async_for' AND function_id IS NOT NULL),
h AS (
  SELECT h.*, f.name AS function, t.line AS try_line,
         (SELECT min(x.line) FROM handlers x WHERE x.function_id = h.function_id AND x.try_id = h.try_id)
           AS body_end
    FROM handlers h
    JOIN functions f ON f.id = h.function_id AND f.is_async
    JOIN statements t ON t.id = h.try_id
   WHERE (h.is_bare
          OR h.resolved_types LIKE '%,BaseException,%'
          OR EXISTS (SELECT 1 FROM catalogue k
                      WHERE k.kind = 'cancellation' AND instr(h.resolved_types, ',' || k.name || ',') > 0))
     AND NOT h.reraises AND NOT h.returns
     AND h.try_awaits)
SELECT h.file_id, h.line, h.col, h.end_line, h.end_col, h.function,
       CASE WHEN h.is_bare THEN 'bare except:' ELSE 'except ' || h.types END AS caught
  FROM h
 WHERE NOT EXISTS (              -- the exception is handed on
         SELECT 1 FROM names n LEFT JOIN calls c ON c.id = n.call_id
          WHERE n.function_id = h.function_id AND n.name = h.as_name AND n.ctx = 'load'
            AND n.line BETWEEN h.line AND h.end_line
            AND (c.id IS NULL OR c.name NOT IN (
                   'debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log',
                   'print', 'format', 'isinstance', 'issubclass', 'type', 'str', 'repr', 'getattr')))
   AND NOT EXISTS (              -- sys.exc_info() keeps it; cancel() forwards it; exit ends
         SELECT 1 FROM calls c
          WHERE c.function_id = h.function_id AND c.line BETWEEN h.line AND h.end_line
            AND (c.resolved IN (SELECT name FROM catalogue WHERE kind = 'handler-exit') OR c.name = 'cancel'))
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
            AND h.try_line > o.line AND h.try_line <= o.end_line)
   AND NOT (                     -- cancel-then-wait: the body awaits only tasks and futures
         NOT EXISTS (
               SELECT 1 FROM awaits a LEFT JOIN calls c ON c.id = a.call_id
                WHERE a.function_id = h.function_id AND a.line >= h.try_line AND a.line < h.body_end
                  AND a.call_id IS NOT NULL
                  AND (coalesce(c.resolved, '') NOT IN (SELECT name FROM catalogue WHERE kind = 'task-waiter')
                       OR EXISTS (SELECT 1 FROM call_args g
                                   WHERE g.call_id = c.id AND g.keyword IS NULL AND g.star < 2
                                     AND (g.kind NOT IN ('identifier', 'attribute', 'list', 'tuple', 'set',
                                                         'subscript')
                                          OR g.text GLOB '*(*'))))
         AND NOT EXISTS (
               SELECT 1 FROM async_blocks w
                WHERE w.function_id = h.function_id AND w.line >= h.try_line AND w.line < h.body_end));
