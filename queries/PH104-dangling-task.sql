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
-- @accepted a result kept in a set, list or attribute, in a `global` or
-- `nonlocal` name, returned, awaited, or given add_done_callback; a chained
-- assignment (`t = u = create_task(...)`) one of whose targets is used later;
-- TaskGroup.create_task. Beyond the column: a result kept in a dict or passed
-- to any call (the callee may keep it); nursery start_soon (the nursery keeps
-- its tasks); ensure_future() of a future that already exists
-- (run_in_executor(), create_task(), gather()...), which returns it unchanged
-- (no new task); create_task on a receiver whose type is known and is not an
-- event loop (a project scheduler's method).
--
-- Result: one row per call, at the call; `fate` is "discarded", "only
-- truth-tested" (`if create_task(c):`), "put in a list or tuple that is
-- dropped" (`[create_task(c)]` as a statement) or "bound to X and never
-- used".
--
-- An event loop is a receiver typed as one (made by get_running_loop(),
-- new_event_loop()..., or annotated), a loop function called in place
-- (`asyncio.get_running_loop().create_task(...)`), or a receiver of unknown
-- type spelled as loops are by convention (the catalogue's event-loop
-- family spelled: `loop`, `self.loop`, `self.client.loop`, `self._loop`).
WITH spawns AS (
  SELECT c.*,
         CASE WHEN c.resolved IN (SELECT name FROM catalogue WHERE kind = 'task-spawner') THEN c.resolved
              ELSE coalesce(c.receiver, 'loop') || '.create_task' END AS callee
    FROM calls c
   WHERE NOT c.awaited
     AND (c.use IN ('discard', 'assign', 'cond')
          -- an element of a list or tuple display that is itself dropped:
          -- `[asyncio.create_task(c)]` as a statement (nothing assigns,
          -- awaits or passes on the display)
          OR (c.use = 'other' AND c.parent_call_id IS NULL
              AND EXISTS (SELECT 1 FROM statements st
                           WHERE st.id = c.stmt_id AND st.kind = 'expression_statement'
                             AND (st.line < c.line OR st.col < c.col))
              AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.stmt_id = c.stmt_id)
              AND NOT EXISTS (SELECT 1 FROM awaits w WHERE w.stmt_id = c.stmt_id)
              AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.stmt_id = c.stmt_id)
              AND NOT EXISTS (SELECT 1 FROM calls e
                               WHERE e.stmt_id = c.stmt_id AND e.id <> c.id
                                 AND (e.line < c.line OR (e.line = c.line AND e.col < c.col))
                                 AND (e.end_line > c.end_line OR (e.end_line = c.end_line AND e.end_col > c.end_col)))))
     AND (c.resolved IN (SELECT name FROM catalogue WHERE kind = 'task-spawner')
          OR (c.name = 'create_task'
              AND (EXISTS (SELECT 1 FROM catalogue k
                            WHERE k.kind = 'event-loop'
                              AND ((k.family = 'type' AND c.receiver_type GLOB k.name)
                                   OR (k.family IN ('getter', 'running', 'new')
                                       AND (c.receiver_type = k.name OR c.receiver = k.name || '()'))))
                   OR (c.receiver_type IS NULL
                       AND EXISTS (SELECT 1 FROM catalogue k
                                    WHERE k.kind = 'event-loop' AND k.family = 'spelled'
                                      AND c.receiver GLOB k.name)))))
     -- ensure_future() of something that already is a future returns it: no new task
     AND NOT (c.resolved IN (SELECT name FROM catalogue WHERE kind = 'task-spawner' AND unless = 'existing-future')
              AND EXISTS (SELECT 1 FROM calls i
                           WHERE i.parent_call_id = c.id AND i.arg_idx = 0 AND i.use = 'arg'
                             AND i.name IN (SELECT name FROM catalogue WHERE kind = 'future-maker')))),
-- every target the task is bound to: `t = create_task(...)`, and each name
-- of a chain `t = u = create_task(...)`
bound AS (
  SELECT s.id AS call_id, a.target, a.target_kind
    FROM spawns s
    JOIN assignments a ON a.stmt_id = s.stmt_id AND a.op = '='
                      AND (a.value_call_id = s.id OR a.value_kind = 'assignment')
   WHERE s.use = 'assign')
SELECT s.file_id, s.line, s.col, s.end_line, s.end_col, s.callee,
       CASE WHEN s.use = 'discard' THEN 'discarded'
            WHEN s.use = 'cond' THEN 'only truth-tested'
            WHEN s.use = 'other' THEN 'put in a list or tuple that is dropped'
            ELSE 'bound to ' || s.target || ' and never used' END AS fate
  FROM spawns s
  LEFT JOIN functions fn ON fn.id = s.function_id
 WHERE s.use IN ('discard', 'cond', 'other')
    OR (s.use = 'assign'
        AND NOT EXISTS (
              SELECT 1 FROM bound b
               WHERE b.call_id = s.id
                 AND (b.target_kind <> 'name'
                      -- a global or nonlocal name outlives the call
                      OR EXISTS (SELECT 1 FROM names n
                                  WHERE n.function_id = s.function_id AND n.name = b.target
                                    AND n.ctx = 'declare')
                      -- the name is read somewhere in the function (nested
                      -- defs included) or, at module level, anywhere in the file
                      OR EXISTS (SELECT 1 FROM names n
                                  WHERE n.id BETWEEN file_first_id(s.file_id) AND file_last_id(s.file_id)
                                    AND n.name = b.target AND n.ctx = 'load'
                                    AND (fn.id IS NULL OR n.line BETWEEN fn.line AND fn.end_line))))
        -- a target the facts do not list (unpacking) is not followed
        AND EXISTS (SELECT 1 FROM bound b WHERE b.call_id = s.id));
