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
WITH polls AS (
  SELECT l.*, f.name AS function,
         (SELECT c.callee || '(' || coalesce((SELECT group_concat(x.text, ', ') FROM call_args x
                                             WHERE x.call_id = c.id), '') || ')'
            FROM awaits a
            JOIN statements s ON s.id = a.stmt_id AND s.parent_id = l.stmt_id
                             AND s.kind = 'expression_statement'
            JOIN calls c ON c.id = a.call_id AND c.id IN (SELECT call_id FROM async_sleeps)
           WHERE a.loop_id = l.id AND a.use = 'discard'
           ORDER BY a.line LIMIT 1) AS sleep
    FROM loops l
    JOIN functions f ON f.id = l.function_id AND f.is_async
   WHERE l.kind = 'while')
SELECT p.file_id, p.line, p.col, p.line AS end_line, p.col + 5 AS end_col, p.function, p.sleep,
       CASE WHEN p.is_while_true THEN 'a condition (if ...: break)' ELSE '`' || p.condition || '`' END AS what
  FROM polls p
 WHERE p.sleep IS NOT NULL
   AND (NOT p.is_while_true
        OR EXISTS (              -- while True: ... if cond: break/return
             SELECT 1 FROM statements i
               JOIN statements x ON x.parent_id = i.id AND x.kind IN ('break_statement', 'return_statement')
              WHERE i.parent_id = p.stmt_id AND i.kind = 'if_statement'))
   AND NOT EXISTS (              -- it waits on an event, queue, condition or stream as well
         SELECT 1 FROM calls c
          WHERE c.loop_id = p.id AND c.id IN (SELECT call_id FROM sync_point_calls))
   AND NOT EXISTS (
         SELECT 1 FROM awaits a JOIN calls c ON c.id = a.call_id
          WHERE a.loop_id = p.id
            AND c.name IN ('read', 'readline', 'readexactly', 'readuntil', 'recv', 'receive', 'receive_some',
                           'recvfrom', 'accept', 'get_message', '__anext__'));
