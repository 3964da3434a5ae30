-- @id PH114
-- @name asyncio-run-in-coroutine
-- @contexts all
-- @severity P1
-- @precision high
-- @tags async asyncio event-loop
-- @message {callee}() inside async def {function}: a coroutine cannot start or re-enter an event loop
-- @fix await the coroutine instead (or run it with asyncio.create_task); keep asyncio.run() for the program's entry point
-- @description asyncio.run() and loop.run_until_complete() start an event loop
-- and block until it finishes. Inside a coroutine a loop is already running on
-- this thread: asyncio.run() raises "cannot be called from a running event
-- loop", run_until_complete() on the running loop raises "This event loop is
-- already running", and on a second loop it blocks the first one for the whole
-- call. trio.run() and anyio.run() have the same contract.
-- @bad
-- async def refresh_all(sources):
--     for source in sources:
--         asyncio.run(source.refresh())
-- @good
-- async def refresh_all(sources):
--     for source in sources:
--         await source.refresh()
-- @accepted asyncio.run() and run_until_complete() outside coroutines (sync
-- functions, module level, `if __name__ == "__main__":`). Beyond the column:
-- inside a nested sync def (run in a worker thread, which has no running
-- loop); project methods that are merely named run (not asyncio's).
--
-- Result: one row per call, at the call; `callee` as written, `function` the
-- enclosing async def.
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, c.callee, f.name AS function
  FROM calls c
  JOIN functions f ON f.id = c.async_id
 WHERE (c.resolved IN (SELECT name FROM catalogue WHERE kind = 'loop-runner' AND family IS NULL)
        OR (c.name IN (SELECT name FROM catalogue WHERE kind = 'loop-runner' AND family = 'method')
            AND c.receiver IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM functions p WHERE p.qualname = c.resolved)));
