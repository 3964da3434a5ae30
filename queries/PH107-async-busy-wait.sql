-- @id PH107
-- @name async-busy-wait
-- @scope interface
-- @severity P3
-- @precision high
-- @tags async polling latency
-- @message while loop in async def {function} polls {what} and sleeps {sleep} each turn: wait on an event instead
-- @fix have the producer signal it: await an asyncio.Event / Condition / Queue (or task / future) instead of sleeping in a loop
-- @description A coroutine that re-checks a condition and sleeps in between
-- reacts up to one interval late, wakes the loop up for nothing while it
-- waits, and hides the dependency between the two sides. An asyncio.Event
-- (or Condition, Queue, or the task itself) wakes the waiter the moment the
-- state changes.
-- @bad
-- async def wait_ready(self):
--     while not self.ready:
--         await asyncio.sleep(0.1)
-- @good
-- async def wait_ready(self):
--     await self.ready_event.wait()
-- @accepted periodic loops (`while True:` doing work and sleeping, with no
-- exit test); loops that produce something every turn (a yield, a send or
-- write to a stream or websocket, a put to a queue, a publish or emit: the
-- catalogue's kind producer; a call of a callback the function was given);
-- loops that await an event, a condition, a queue or a stream. Beyond the
-- column: producers whatever ends them, not only a count or a deadline (the
-- sleep paces the output, it waits for nothing); timers that sleep until the
-- deadline they test (the sleep's duration reads a name of the exit test:
-- `sleep(expiry - now)` then `if now >= expiry`: they wake when the condition
-- can first hold); periodic loops whose exit tests are lifecycle flags
-- (below); sleeps that do not happen on every turn (back-off in an except
-- clause); `sleep(0)` in a loop that awaits something else (a cooperative
-- yield); loops that wait on a worker thread (to_thread: input, not a poll);
-- loops that await other work on every turn (an await statement of the loop's
-- own body, not a sleep) whose result no exit test reads: the loop works and
-- the sleep paces it, there is nothing to signal (an await whose result is
-- the condition tested, `if await probe(): break`, is still a poll); retry
-- and back-off loops: the sleep grows (its duration reads a name the loop
-- reassigns) or the attempts are counted (an exit test reads a name the loop
-- steps with `+=`/`-=`).
--
-- Result: one row per while loop, at the `while`; `what` is the condition
-- polled, `sleep` the sleep call, `function` the enclosing async def.
--
-- A loop whose exit tests are all lifecycle flags (`while self.running:`,
-- `if self._closed: break`, names with running/closed/stop/shutdown/alive/
-- state...) and that does work besides sleeping is a periodic task with a stop
-- switch, not a poll. `sleep(0)` in a loop that awaits something else is a
-- cooperative yield. A loop that waits on a thread (to_thread,
-- run_in_executor) is waiting for input, not polling.
-- The awaits of loops and the statements under ifs go through materialized
-- tables (indexed automatically): the fact tables have no index on loop_id
-- or parent_id, and a correlated scan of them per loop was quadratic.
WITH loop_awaits AS MATERIALIZED (
  SELECT id, loop_id, stmt_id, call_id, use, target, line FROM awaits WHERE loop_id IS NOT NULL),
ifs AS MATERIALIZED (
  SELECT id, parent_id FROM statements WHERE kind = 'if_statement'),
exiting AS MATERIALIZED (        -- statements holding a break or a return
  SELECT DISTINCT parent_id AS id FROM statements
   WHERE kind IN ('break_statement', 'return_statement') AND parent_id IS NOT NULL),
conditions AS MATERIALIZED (     -- the names of each statement's condition
  SELECT stmt_id, group_concat(name, ' ') AS names FROM names WHERE role = 'cond' GROUP BY stmt_id),
polls AS (
  SELECT l.*, f.name AS function,
         (SELECT c.callee || '(' || coalesce((SELECT group_concat(x.text, ', ') FROM call_args x
                                             WHERE x.call_id = c.id), '') || ')'
            FROM loop_awaits a
            JOIN statements s ON s.id = a.stmt_id AND s.parent_id = l.stmt_id
                             AND s.kind = 'expression_statement'
            JOIN calls c ON c.id = a.call_id AND c.id IN (SELECT call_id FROM async_sleeps)
           WHERE a.loop_id = l.id AND a.use = 'discard'
           ORDER BY a.line LIMIT 1) AS sleep,
         (SELECT a.stmt_id
            FROM loop_awaits a
            JOIN statements s ON s.id = a.stmt_id AND s.parent_id = l.stmt_id
                             AND s.kind = 'expression_statement'
           WHERE a.loop_id = l.id AND a.use = 'discard' AND a.call_id IN (SELECT call_id FROM async_sleeps)
           ORDER BY a.line LIMIT 1) AS sleep_stmt,
         EXISTS (SELECT 1 FROM calls c
                  WHERE c.loop_id = l.id AND c.stmt_id <> l.stmt_id
                    AND c.id NOT IN (SELECT call_id FROM async_sleeps)) AS works,
         EXISTS (SELECT 1 FROM loop_awaits a
                  WHERE a.loop_id = l.id AND a.stmt_id <> l.stmt_id
                    AND coalesce(a.call_id, 0) NOT IN (SELECT call_id FROM async_sleeps)) AS awaits_more
    FROM loops l
    JOIN functions f ON f.id = l.function_id AND f.is_async
   WHERE l.kind = 'while'),
exits AS (                       -- while True: ... if cond: break/return, with cond's names
  SELECT p.id AS loop_id, i.id AS if_id, (SELECT n.names FROM conditions n WHERE n.stmt_id = i.id) AS names
    FROM polls p
    JOIN ifs i ON i.parent_id = p.stmt_id
   WHERE p.is_while_true AND p.sleep IS NOT NULL
     AND i.id IN (SELECT id FROM exiting)),
-- loops that hand something on every turn: a statement of the loop's own
-- body yields, calls a producer method, or calls a callback (a parameter of
-- the function or of the one it is nested in) for its effect
producing AS MATERIALIZED (
  SELECT s.parent_id AS loop_stmt
    FROM returns r JOIN statements s ON s.id = r.stmt_id
   WHERE r.kind IN ('yield', 'yield_from') AND s.parent_id IS NOT NULL
  UNION
  SELECT s.parent_id
    FROM calls c JOIN statements s ON s.id = c.stmt_id AND s.kind = 'expression_statement'
   WHERE s.parent_id IS NOT NULL AND c.async_id IS NOT NULL AND c.use IN ('discard', 'await')
     AND ((c.receiver IS NOT NULL AND c.name IN (SELECT name FROM catalogue WHERE kind = 'producer'))
          OR (c.receiver IS NULL
              AND EXISTS (SELECT 1 FROM functions f JOIN params p ON p.function_id IN (f.id, f.parent_id)
                           WHERE f.id = c.function_id AND p.name = c.callee)))),
-- the statements whose condition decides when the loop stops
stop_tests(loop_id, stmt_id, line) AS (
  SELECT p.id, p.stmt_id, p.line FROM polls p WHERE NOT p.is_while_true
  UNION ALL
  SELECT e.loop_id, i.id, i.line FROM exits e JOIN statements i ON i.id = e.if_id),
lifecycle(pattern) AS (
  VALUES ('*running*'), ('*closed*'), ('*closing*'), ('*stop*'), ('*shutdown*'), ('*shutting*'),
         ('*alive*'), ('*exit*'), ('*active*'), ('*connected*'), ('*state*'), ('*cancel*'), ('*quit*'),
         ('*terminat*'), ('*_run'), ('*keep_going*'))
SELECT p.file_id, p.line, p.col, p.line AS end_line, p.col + 5 AS end_col, p.function, p.sleep,
       CASE WHEN p.is_while_true THEN 'a condition (if ...: break)' ELSE '`' || p.condition || '`' END AS what
  FROM polls p
 WHERE p.sleep IS NOT NULL
   AND (NOT p.is_while_true OR EXISTS (SELECT 1 FROM exits e WHERE e.loop_id = p.id))
   AND NOT (p.works AND (       -- a periodic task with a stop switch
         (NOT p.is_while_true
          AND EXISTS (SELECT 1 FROM lifecycle z WHERE lower(p.condition) GLOB z.pattern))
         OR (p.is_while_true
             AND NOT EXISTS (SELECT 1 FROM exits e
                              WHERE e.loop_id = p.id
                                AND NOT EXISTS (SELECT 1 FROM lifecycle z
                                                 WHERE lower(coalesce(e.names, '')) GLOB z.pattern)))))
   AND NOT (p.awaits_more AND p.sleep GLOB '*(0)' OR p.awaits_more AND p.sleep GLOB '*(0.0)')
   AND p.stmt_id NOT IN (SELECT loop_stmt FROM producing)
   AND NOT EXISTS (              -- a timer: it sleeps until the deadline it tests
         SELECT 1 FROM names d
           JOIN stop_tests t ON t.loop_id = p.id
           JOIN names x ON x.stmt_id = t.stmt_id AND x.line = t.line AND x.name = d.name AND x.ctx = 'load'
          WHERE d.stmt_id = p.sleep_stmt AND d.ctx = 'load' AND d.role <> 'receiver'
            AND d.name NOT IN ('self', 'cls'))
   AND NOT EXISTS (              -- it awaits other work every turn, which the exit tests do not read
         SELECT 1 FROM loop_awaits a JOIN statements s ON s.id = a.stmt_id AND s.parent_id = p.stmt_id
          WHERE a.loop_id = p.id AND s.kind = 'expression_statement'
            AND coalesce(a.call_id, 0) NOT IN (SELECT call_id FROM async_sleeps)
            AND (a.target IS NULL
                 OR NOT EXISTS (SELECT 1 FROM stop_tests t JOIN names x ON x.stmt_id = t.stmt_id AND x.ctx = 'load'
                                 WHERE t.loop_id = p.id
                                   AND (x.name = a.target OR x.name GLOB a.target || '.*'))))
   AND NOT EXISTS (              -- back-off: the sleep's duration is reassigned in the loop
         SELECT 1 FROM names d JOIN assignments w ON w.loop_id = p.id AND w.target = d.name
          WHERE d.stmt_id = p.sleep_stmt AND d.ctx = 'load' AND d.role <> 'receiver'
            AND d.name NOT IN ('self', 'cls'))
   AND NOT EXISTS (              -- counted attempts: an exit test reads a name the loop steps
         SELECT 1 FROM stop_tests t
           JOIN names x ON x.stmt_id = t.stmt_id AND x.ctx = 'load'
           JOIN assignments w ON w.loop_id = p.id AND w.target = x.name AND w.op IN ('+=', '-=')
          WHERE t.loop_id = p.id)
   AND NOT EXISTS (              -- it waits on an event, queue, condition or stream as well
         SELECT 1 FROM calls c
          WHERE c.loop_id = p.id AND c.id IN (SELECT call_id FROM sync_point_calls))
   AND NOT EXISTS (
         SELECT 1 FROM loop_awaits a JOIN calls c ON c.id = a.call_id
          WHERE a.loop_id = p.id
            AND (c.name IN ('read', 'readline', 'readexactly', 'readuntil', 'recv', 'receive', 'receive_some',
                            'recvfrom', 'accept', 'get_message', '__anext__')
                 OR c.id IN (SELECT call_id FROM offloaded)));
