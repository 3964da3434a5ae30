-- @id PH101
-- @name blocking-call-in-async
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
-- (a project's own async def sleep, a local list named requests). Beyond the
-- column: methods on receivers of unknown type (the type is the evidence that
-- the call blocks); reads and writes of a file that the same coroutine opened
-- with a reported call (`with open(p) as f: f.read()`, `open(p).read()`,
-- also through a copy `g = f; g.read()`: one root cause, one finding, at the
-- open); queue get/put with block=False and
-- put on a queue the file only ever makes unbounded (they never wait); socket
-- methods on a socket the function sets non-blocking or calls in a try that
-- catches BlockingIOError (it raises instead of waiting);
-- getaddrinfo/gethostbyname of a numeric address (no lookup);
-- psycopg2.connect in asynchronous mode (it does not block); a coroutine
-- that runs at start-up or shut-down only (startup_code: a registered
-- start-up or shut-down hook, a function that starts a listening server,
-- or one only such code calls): the call stalls the loop once, before the
-- first request or after the last, while no other task waits on it. A
-- CLI's or `asyncio.run(main())`'s coroutine is still flagged: the whole
-- program runs beside it.
--
-- Result: one row per blocking call directly in an async def (calls.async_id),
-- at the call; `callee` is blocking_calls.what.
WITH found AS MATERIALIZED (
  SELECT c.id, c.file_id, c.async_id, c.receiver, c.name, c.line, c.col, c.end_line, c.end_col, b.what
    FROM blocking_calls b
    JOIN calls c ON c.id = b.call_id
   WHERE c.async_id IS NOT NULL
     AND c.async_id NOT IN (SELECT function_id FROM startup_code)),
-- files opened by a reported call of the coroutine, and the names they are bound to
opened(call_id, async_id, name) AS MATERIALIZED (
  SELECT o.id, o.async_id, coalesce(w.as_name, a.target)
    FROM found o
    JOIN calls c ON c.id = o.id
    LEFT JOIN withs w ON w.call_id = o.id AND w.as_name IS NOT NULL
    LEFT JOIN assignments a ON a.value_call_id = o.id AND a.target_kind = 'name'
   WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'blocking-type' AND family = 'file')
  UNION                          -- and the names it is copied to: `f = ff`
  SELECT o.call_id, o.async_id, a.target
    FROM opened o
    JOIN assignments a ON a.function_id = o.async_id AND a.target_kind = 'name' AND a.op = '='
                      AND a.value_kind = 'identifier' AND a.value = o.name),
-- a read or write of such a file: the open's finding covers it
covered(call_id) AS MATERIALIZED (
  SELECT f.id
    FROM found f
   WHERE f.name IN (SELECT name FROM catalogue WHERE kind = 'blocking-method' AND family = 'file')
     AND (EXISTS (SELECT 1 FROM opened o WHERE o.async_id = f.async_id AND o.name = f.receiver)
          OR EXISTS (SELECT 1 FROM calls i JOIN opened o ON o.call_id = i.id
                      WHERE i.parent_call_id = f.id AND i.use = 'attr')))
SELECT f.file_id, f.line, f.col, f.end_line, f.end_col, f.what AS callee, fn.name AS function
  FROM found f
  JOIN functions fn ON fn.id = f.async_id
 WHERE f.id NOT IN (SELECT call_id FROM covered);
