-- @id PH104
-- @name dangling-task
-- @contexts all
-- @scope file
-- @severity P2
-- @precision high
-- @tags async correctness
-- @message {callee}() result is {fate}: the event loop keeps only a weak reference, so the task may be garbage-collected mid-flight and its exception is lost
-- @fix keep a reference until it finishes: tasks.add(t); t.add_done_callback(tasks.discard) (or use an asyncio.TaskGroup)
-- @description asyncio.create_task, asyncio.ensure_future and
-- loop.create_task return a Task that the event loop references only
-- weakly. Dropped on the floor, the task can be collected before it
-- finishes; an exception it raises is never retrieved (only logged at
-- collection, if at all).
-- @bad
-- async def handle_order(order):
--     asyncio.create_task(send_confirmation(order))
-- @good
-- background_tasks = set()
--
-- async def handle_order(order):
--     task = asyncio.create_task(send_confirmation(order))
--     background_tasks.add(task)
--     task.add_done_callback(background_tasks.discard)
-- @accepted a result kept in a set, list or dict, on an attribute, returned,
-- awaited, passed on, or given add_done_callback; TaskGroup.create_task and
-- nursery start_soon (the group keeps its tasks); ensure_future() of a
-- future that already exists (run_in_executor(), create_task(), gather()...),
-- which returns it unchanged.
--
-- Result: one row per call, at the call; `fate` is "discarded" or "bound to
-- X and never used".
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col,
       CASE WHEN c.resolved IN (SELECT name FROM catalogue WHERE kind = 'task-spawner') THEN c.resolved
            ELSE coalesce(c.receiver, 'loop') || '.create_task' END AS callee,
       CASE WHEN c.use = 'discard' THEN 'discarded' ELSE 'bound to ' || c.target || ' and never used' END AS fate
  FROM calls c
  LEFT JOIN functions fn ON fn.id = c.function_id
 WHERE (c.resolved IN (SELECT name FROM catalogue WHERE kind = 'task-spawner')
        OR (c.name = 'create_task' AND c.resolved NOT IN (SELECT name FROM catalogue WHERE kind = 'task-spawner')
            AND (EXISTS (SELECT 1 FROM catalogue k      -- a loop object: made by a loop function, or typed
                          WHERE k.kind = 'event-loop'
                            AND c.receiver_type GLOB k.name || CASE WHEN k.family = 'type' THEN '' ELSE '*' END)
                 OR (c.receiver_type IS NULL
                     AND (c.receiver IN ('loop', 'self.loop', 'self._loop', 'event_loop', 'self.event_loop')
                          OR c.receiver GLOB '*_loop'
                          OR c.receiver IN (SELECT name || '()' FROM catalogue
                                             WHERE kind = 'event-loop' AND family <> 'type'))))))
   AND NOT c.awaited
   -- ensure_future() of something that already is a future returns it: no new task
   AND NOT (c.resolved IN (SELECT name FROM catalogue WHERE kind = 'task-spawner' AND unless = 'existing-future')
            AND EXISTS (SELECT 1 FROM calls i
                         WHERE i.parent_call_id = c.id AND i.arg_idx = 0 AND i.use = 'arg'
                           AND i.name IN (SELECT name FROM catalogue WHERE kind = 'future-maker')))
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