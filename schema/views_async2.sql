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
-- is absent: it has a default timeout.
CREATE TEMP VIEW timeout_calls(qualname, timeout_pos) AS
  SELECT name, pos FROM catalogue WHERE kind = 'timeout' AND family = 'call';

-- aiohttp_requests(name)
-- Methods of a client that takes a session-wide timeout (aiohttp's
-- ClientSession) that make a request: the catalogue's kind 'timeout',
-- family 'session-request'.
CREATE TEMP VIEW aiohttp_requests(name) AS
  SELECT name FROM catalogue WHERE kind = 'timeout' AND family = 'session-request';

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
