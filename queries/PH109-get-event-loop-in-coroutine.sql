-- @id PH109
-- @name get-event-loop-in-coroutine
-- @default opt-in
-- @contexts all
-- @scope file
-- @severity P3
-- @precision high
-- @tags async asyncio deprecated
-- @message asyncio.get_event_loop() inside async def {function}: use asyncio.get_running_loop()
-- @fix call asyncio.get_running_loop(), the form asyncio's documentation prefers in coroutines and callbacks
-- @description A modernisation hint, opt-in (`--select PH109`). Inside a
-- coroutine a loop is always running, and get_event_loop() returns that very
-- loop, as get_running_loop() does: the call is not wrong there. asyncio's
-- documentation prefers get_running_loop() in coroutines and callbacks
-- (get_event_loop()'s behaviour depends on the event loop policy), and it
-- fails loudly instead of falling back to the policy if the code is later
-- moved out of the coroutine. Opt-in because readers of real code (sanic,
-- litestar, discord.py: docs/precision/readings-1) judged most findings
-- noise: the call works as written (RULES.md v2, 'The default set').
-- @bad
-- async def handler():
--     loop = asyncio.get_event_loop()
--     await loop.run_in_executor(None, work)
-- @good
-- async def handler():
--     loop = asyncio.get_running_loop()
--     await loop.run_in_executor(None, work)
-- @accepted get_event_loop() outside coroutines (start-up code, sync functions, nested sync defs).
-- @autofix renames the function: `asyncio.get_event_loop()` becomes
-- `asyncio.get_running_loop()`, when it is called on the module (`asyncio`,
-- an alias of it, or `asyncio.events`, which has both functions). Inside a
-- coroutine a loop is running, and get_event_loop() returns that loop, as
-- get_running_loop() does. A bare `get_event_loop()` imported by name is
-- left alone: the fix would need an import.
--
-- Result: one row per call, at the call (asyncio.events is where the
-- function lives: `from asyncio import events; events.get_event_loop()`).
-- edits: the function's name, when the call is `MODULE.get_event_loop(...)`
-- on one line.
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, f.name AS function,
       CASE WHEN c.receiver IS NOT NULL AND c.callee = c.receiver || '.get_event_loop' AND c.line = c.end_line
                 AND c.nargs = 0 AND c.kwargs = '' AND NOT c.star_args
            THEN json_array(json_object('line', c.line, 'col', c.col + length(c.callee) - 14, 'end_line', c.line,
                                        'end_col', c.col + length(c.callee), 'old', 'get_event_loop',
                                        'new', 'get_running_loop')) END AS edits
  FROM calls c
  JOIN functions f ON f.id = c.async_id
 WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'event-loop' AND family = 'getter');
