-- @id PH109
-- @name get-event-loop-in-coroutine
-- @contexts all
-- @scope file
-- @severity P3
-- @precision high
-- @tags async asyncio deprecated
-- @message asyncio.get_event_loop() inside async def {function}: use asyncio.get_running_loop()
-- @fix call asyncio.get_running_loop(), which cannot create a second loop by accident
-- @description Inside a coroutine a loop is always running, and
-- get_running_loop() returns it. get_event_loop() is deprecated there since
-- Python 3.10 and, outside the loop's thread, silently creates a new loop.
-- @bad
-- async def handler():
--     loop = asyncio.get_event_loop()
--     await loop.run_in_executor(None, work)
-- @good
-- async def handler():
--     loop = asyncio.get_running_loop()
--     await loop.run_in_executor(None, work)
-- @accepted get_event_loop() outside coroutines (start-up code, sync functions, nested sync defs).
--
-- Result: one row per call, at the call (asyncio.events is where the
-- function lives: `from asyncio import events; events.get_event_loop()`).
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, f.name AS function
  FROM calls c
  JOIN functions f ON f.id = c.async_id
 WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'event-loop' AND family = 'getter');
