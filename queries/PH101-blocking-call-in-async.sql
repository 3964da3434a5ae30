-- @id PH101
-- @name blocking-call-in-async
-- @scope file
-- @severity P1
-- @precision high
-- @tags async event-loop blocking
-- @message {callee}() blocks the event loop inside async def {function}
-- @fix use the async equivalent (asyncio.sleep, httpx.AsyncClient, aiofiles, asyncio subprocesses) or run it with await asyncio.to_thread(...)
-- @description A coroutine runs on the event loop's thread. A call that
-- blocks that thread (sleep, network or disk I/O, a child process, a lock on
-- another thread) stops every other task on the loop until it returns: one
-- slow request stalls all of them, timeouts fire, heartbeats are missed.
-- The sink list is data: blocking_names (functions by qualified name) and
-- blocking_methods (methods on receivers of a known type: requests.Session,
-- httpx.Client, sqlite3 connections and cursors, sockets, Paths, files).
-- @bad
-- async def poll(client, job_id):
--     status = await client.get_status(job_id)
--     time.sleep(0.5)
-- @good
-- async def poll(client, job_id):
--     status = await client.get_status(job_id)
--     await asyncio.sleep(0.5)
-- @accepted functions passed uncalled to asyncio.to_thread, run_in_executor,
-- anyio/trio to_thread.run_sync; calls inside a nested sync def or lambda;
-- pure path-string functions (os.path.join...); names that merely look alike
-- (a project's own async def sleep, a local list named requests); methods on
-- receivers of unknown type.
--
-- Result: one row per blocking call directly in an async def (calls.async_id),
-- at the call; `callee` is blocking_calls.what.
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, b.what AS callee, f.name AS function
  FROM blocking_calls b
  JOIN calls c ON c.id = b.call_id
  JOIN functions f ON f.id = c.async_id;
