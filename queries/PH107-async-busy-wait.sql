-- @id PH107
-- @name async-busy-wait
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
-- exit test); loops that await an event, a condition, a queue or a stream;
-- bounded `for` retry loops; sleeps that do not happen on every turn (back-off
-- in an except clause); sync functions.
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
  SELECT id, loop_id, stmt_id, call_id, use, line FROM awaits WHERE loop_id IS NOT NULL),
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
   AND NOT EXISTS (              -- it waits on an event, queue, condition or stream as well
         SELECT 1 FROM calls c
          WHERE c.loop_id = p.id AND c.id IN (SELECT call_id FROM sync_point_calls))
   AND NOT EXISTS (
         SELECT 1 FROM loop_awaits a JOIN calls c ON c.id = a.call_id
          WHERE a.loop_id = p.id
            AND (c.name IN ('read', 'readline', 'readexactly', 'readuntil', 'recv', 'receive', 'receive_some',
                            'recvfrom', 'accept', 'get_message', '__anext__')
                 OR c.id IN (SELECT call_id FROM offloaded)));
