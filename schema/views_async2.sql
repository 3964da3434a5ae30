-- pyhunt library views for the async rules PH105-PH114 (the event loop's
-- cancellation, concurrency and timeouts). Loaded after views.sql; every
-- view here is TEMP, like the rest of the library.

-- thread_lock_types(qualname)
-- Lock-like types that block the calling thread when acquired: in a
-- coroutine they block the event loop while another thread holds them
-- (the catalogue's kind 'thread-lock').
CREATE TEMP VIEW thread_lock_types(qualname) AS
  SELECT name FROM catalogue WHERE kind = 'thread-lock';

-- timeout_calls(qualname, timeout_pos)
-- Network calls that wait forever unless given a timeout (the catalogue's
-- kind 'timeout', family 'call'). timeout_pos is the 0-based position at
-- which the timeout may be passed positionally (NULL: keyword only). httpx
-- and aiohttp are absent: their clients have a default timeout.
CREATE TEMP VIEW timeout_calls(qualname, timeout_pos) AS
  SELECT name, pos FROM catalogue WHERE kind = 'timeout' AND family = 'call';

-- semaphore_types(qualname)
-- Types whose acquisition bounds how many coroutines run a section at once
-- (the catalogue's kind 'semaphore').
CREATE TEMP VIEW semaphore_types(qualname) AS
  SELECT name FROM catalogue WHERE kind = 'semaphore';

-- bounded_functions(function_id)
-- Functions that bound their own concurrency: they create a semaphore, take
-- one (`async with sem:`, `await sem.acquire()`), or take something named
-- like one (`async with self._limit:`, a semaphore passed as an argument).
CREATE TEMP VIEW bounded_functions(function_id) AS
  SELECT w.function_id FROM withs w
   WHERE w.function_id IS NOT NULL
     AND (w.resolved IN (SELECT qualname FROM semaphore_types)
          OR (w.call_id IS NULL AND (lower(w.context) GLOB '*sem*' OR lower(w.context) GLOB '*limit*'
                                     OR lower(w.context) GLOB '*throttl*')))
  UNION
  SELECT c.function_id FROM calls c
   WHERE c.function_id IS NOT NULL
     AND (c.resolved IN (SELECT qualname FROM semaphore_types)
          OR (c.name = 'acquire'
              AND (c.receiver_type IN (SELECT qualname FROM semaphore_types)
                   OR lower(c.receiver) GLOB '*sem*' OR lower(c.receiver) GLOB '*limit*')));

-- async_sleeps(call_id)
-- Calls of the async frameworks' sleep (asyncio, trio, anyio: the
-- catalogue's kind 'sleep', family 'async').
CREATE TEMP VIEW async_sleeps(call_id) AS
  SELECT id FROM calls WHERE resolved IN (SELECT name FROM catalogue WHERE kind = 'sleep' AND family = 'async');

-- sync_point_calls(call_id)
-- Calls that wait for another coroutine rather than do I/O of their own:
-- Event/Condition wait, Lock/Semaphore acquire, Queue get/put/join, stream
-- drain, task join. Found by method name (the catalogue's kind
-- 'sync-point'), and for the ambiguous get/put (families 'put' and 'take')
-- by a receiver that is (or is named like) a queue or channel.
CREATE TEMP VIEW sync_point_calls(call_id) AS
  SELECT id FROM calls
   WHERE name IN (SELECT name FROM catalogue WHERE kind = 'sync-point' AND family = 'wait')
      OR (name IN (SELECT name FROM catalogue WHERE kind = 'sync-point' AND family IN ('put', 'take'))
          AND (receiver_type GLOB '*Queue*' OR receiver_type GLOB '*MemoryObject*Stream*'
               OR lower(receiver) GLOB '*queue*' OR lower(receiver) GLOB '*[._]q'
               OR lower(receiver) = 'q' OR lower(receiver) GLOB '*inbox*' OR lower(receiver) GLOB '*outbox*'
               OR lower(receiver) GLOB '*channel*' OR lower(receiver) GLOB '*chan'));

-- registering_decorators(function_id, decorator)
-- Functions handed to a framework by a decorator, which then decides how to
-- call them (and may require a coroutine function): attribute decorators of
-- an object (`@app.get("/")`, `@router.post`, `@client.event`,
-- `@bot.command()`), decorators of a third-party module other than the
-- standard helpers (a 'helper-module' of the catalogue: `@pytest.fixture`,
-- `@pytest.mark.asyncio` register, `@functools.wraps` does not), and the
-- catalogue's 'registrar' decorators, by qualified name or by plain name
-- (`@fixture`, `@receiver(...)`, `@hookimpl`).
CREATE TEMP VIEW registering_decorators(function_id, decorator) AS
  SELECT d.function_id, d.text
    FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND ((instr(d.name, '.') > 0
           AND substr(coalesce(d.resolved, d.name), 1, instr(coalesce(d.resolved, d.name) || '.', '.') - 1)
               NOT IN (SELECT name FROM catalogue WHERE kind = 'helper-module' UNION ALL VALUES ('self'), ('cls')))
          OR d.resolved IN (SELECT name FROM catalogue WHERE kind = 'registrar' AND family IS NULL)
          OR d.name IN (SELECT name FROM catalogue WHERE kind = 'registrar' AND family = 'spelled'));

-- io_call_handles(call_id, function_id, handle, writes)
-- The I/O calls of coroutines (io_calls, less the lifecycle and
-- synchronisation steps of await_non_io), with the client object each goes
-- through when that object outlives the call, so that two coroutines using
-- it can be told apart: `c:CLASS:attr` for an attribute of self,
-- `g:QUALNAME` for a module-level name of the file or one it imports; NULL
-- for a parameter or a local (whoever passes it in decides whether two calls
-- share it). `writes` is 0 for a method that only reads (the catalogue's
-- 'io-read').
CREATE TEMP VIEW io_call_handles(call_id, function_id, handle, writes) AS
  WITH io AS (
    SELECT c.id, c.async_id, c.file_id, c.class_id, c.receiver, c.name,
           substr(c.receiver, 1, instr(c.receiver || '.', '.') - 1) AS root
      FROM (SELECT DISTINCT call_id FROM io_calls) i
      JOIN calls c ON c.id = i.call_id
     WHERE c.async_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM await_non_io n WHERE n.call_id = c.id))
  SELECT io.id, io.async_id,
         CASE WHEN io.receiver IS NULL THEN NULL
              WHEN io.root IN ('self', 'cls') AND io.class_id IS NOT NULL AND instr(io.receiver, '.') > 0
                THEN 'c:' || io.class_id || ':'
                     || substr(io.receiver || '.', length(io.root) + 2,
                               instr(substr(io.receiver || '.', length(io.root) + 2), '.') - 1)
              WHEN io.root IN ('self', 'cls')
                   OR EXISTS (SELECT 1 FROM params p WHERE p.function_id = io.async_id AND p.name = io.root)
                   OR EXISTS (SELECT 1 FROM assignments a WHERE a.function_id = io.async_id AND a.target = io.root)
                THEN NULL
              WHEN EXISTS (SELECT 1 FROM assignments a
                            WHERE a.target = io.root AND a.scope = 'module' AND a.file_id = io.file_id)
                THEN 'g:' || (SELECT f.module FROM files f WHERE f.id = io.file_id) || '.' || io.root
              ELSE (SELECT 'g:' || i.target FROM imports i
                     WHERE i.file_id = io.file_id AND i.bound = io.root AND i.function_id IS NULL LIMIT 1)
         END,
         coalesce(io.name, '') NOT IN (SELECT name FROM catalogue WHERE kind = 'io-read')
    FROM io;

-- coroutine_runs(call_id, function_id)
-- Calls in a coroutine (function_id) that run a project function as part
-- of what the coroutine waits for: awaited, entered (`async with`, `async
-- for`), or the awaitable given to an awaited wait_for()/shield() (the
-- catalogue's task-waiter families timeout and shield). A coroutine made
-- and handed to create_task() runs on its own and is not one of them.
CREATE TEMP VIEW coroutine_runs(call_id, function_id) AS
  SELECT c.id, c.async_id FROM calls c
   WHERE c.async_id IS NOT NULL
     AND (c.awaited OR c.use IN ('with', 'iter')
          OR (c.use = 'arg' AND c.arg_idx = 0
              AND EXISTS (SELECT 1 FROM calls w
                           WHERE w.id = c.parent_call_id AND w.awaited
                             AND w.resolved IN (SELECT name FROM catalogue
                                                 WHERE kind = 'task-waiter' AND family IN ('timeout', 'shield')))))
     AND EXISTS (SELECT 1 FROM call_targets t WHERE t.call_id = c.id);

-- async_io_handles(function_id, handle, writes)
-- The client objects (io_call_handles.handle) a project coroutine does I/O
-- through, itself or in the coroutines it runs, and whether it writes
-- through each (1) or only reads (0).
CREATE TEMP VIEW async_io_handles(function_id, handle, writes) AS
  WITH RECURSIVE
    runs(call_id, function_id) AS MATERIALIZED (SELECT call_id, function_id FROM coroutine_runs),
    h(function_id, handle, writes, depth) AS (
      SELECT function_id, handle, writes, 0 FROM io_call_handles WHERE handle IS NOT NULL
      UNION
      SELECT x.function_id, h.handle, h.writes, h.depth + 1
        FROM h JOIN call_targets t ON t.function_id = h.function_id
               JOIN runs x ON x.call_id = t.call_id
       WHERE h.depth < 8)
  SELECT function_id, handle, max(writes) FROM h GROUP BY function_id, handle;
