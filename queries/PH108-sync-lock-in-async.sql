-- @id PH108
-- @name sync-lock-in-async
-- @scope file
-- @severity P2
-- @precision high
-- @tags async event-loop locking
-- @message {how} takes a {kind} inside async def {function}: it blocks the whole event loop while another thread holds it
-- @fix use asyncio.Lock (async with lock:), or move the locked section into a sync function run with asyncio.to_thread()
-- @description A threading (or multiprocessing) lock taken in a coroutine
-- blocks the event loop's thread until the lock is free: every coroutine
-- stalls, and if the holder is another coroutine suspended at an await inside
-- the locked section, the loop deadlocks. Coroutines need asyncio.Lock (or the
-- trio/anyio equivalents), which suspend instead of blocking.
-- @bad
-- class Counter:
--     def __init__(self):
--         self._lock = threading.Lock()
--
--     async def incr(self, store):
--         with self._lock:
--             self.value += 1
--             await store.save(self.value)
-- @good
-- class Counter:
--     def __init__(self):
--         self._lock = asyncio.Lock()
--
--     async def incr(self, store):
--         async with self._lock:
--             self.value += 1
--             await store.save(self.value)
-- @accepted asyncio.Lock and friends. Beyond the column: trio and anyio locks
-- (they suspend, as asyncio's do); thread locks in sync functions and in
-- nested sync defs run in a worker thread (not on the loop); `lock.locked()`
-- and `release()`, which never block.
--
-- Result: one row per `with` item or acquire() call, at the item or the call;
-- `how` is the acquisition as written (`with self._lock`, `lock.acquire()`),
-- `kind` the lock's type, `function` the enclosing async def.
SELECT w.file_id, w.line, w.col, w.end_line, w.end_col, 'with ' || w.context AS how, w.resolved AS kind,
       f.name AS function
  FROM withs w
  JOIN functions f ON f.id = w.function_id AND f.is_async
 WHERE w.resolved IN (SELECT qualname FROM thread_lock_types)
UNION ALL
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, c.callee || '()', c.receiver_type, f.name
  FROM calls c
  JOIN functions f ON f.id = c.async_id
 WHERE c.name = 'acquire' AND c.receiver_type IN (SELECT qualname FROM thread_lock_types);
