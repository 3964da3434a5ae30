-- @id PH111
-- @name cpu-heavy-in-async
-- @scope file
-- @severity P2
-- @precision high
-- @tags async event-loop cpu
-- @message {resolved}() is CPU-bound and stalls the event loop inside async def {function}
-- @fix run it off the loop: await asyncio.to_thread({resolved}, ...) or loop.run_in_executor(pool, ...)
-- @description Key derivation (pbkdf2, scrypt, bcrypt), compression and
-- pickling run for milliseconds to seconds on large inputs without releasing
-- the event loop: every other request on the process waits. Hand the function
-- (uncalled) to a thread or process pool instead.
-- @bad
-- async def login(db, username, password):
--     user = await db.fetch_user(username)
--     digest = hashlib.pbkdf2_hmac("sha256", password.encode(), user.salt, 600_000)
-- @good
-- async def login(db, username, password):
--     user = await db.fetch_user(username)
--     digest = await asyncio.to_thread(
--         hashlib.pbkdf2_hmac, "sha256", password.encode(), user.salt, 600_000)
-- @accepted the same functions passed uncalled to asyncio.to_thread,
-- run_in_executor or anyio/trio to_thread. Beyond the column: calls in a
-- nested sync def or lambda (they run where the function is run, which may be
-- a worker thread). Cheap hashes (sha256, crc32) and json are not in the
-- list.
--
-- Result: one row per call, at the call; `resolved` is the qualified callee,
-- `function` the enclosing async def.
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, c.resolved, f.name AS function
  FROM calls c
  JOIN functions f ON f.id = c.async_id
 WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'cpu-heavy');
