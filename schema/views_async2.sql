-- pyhunt library views for the async rules PH105-PH114 (the event loop's
-- cancellation, concurrency and timeouts). Loaded after views.sql; every
-- view here is TEMP, like the rest of the library.

-- thread_lock_types(qualname)
-- Lock-like types that block the calling thread when acquired: in a
-- coroutine they block the event loop while another thread holds them.
CREATE TEMP VIEW thread_lock_types(qualname) AS
  VALUES ('threading.Lock'), ('threading.RLock'), ('threading.Semaphore'),
         ('threading.BoundedSemaphore'), ('threading.Condition'),
         ('multiprocessing.Lock'), ('multiprocessing.RLock'), ('multiprocessing.Semaphore'),
         ('multiprocessing.BoundedSemaphore'), ('multiprocessing.Condition');

-- timeout_calls(qualname, timeout_pos)
-- Network calls that wait forever unless given a timeout. timeout_pos is the
-- 0-based position at which the timeout may be passed positionally (NULL:
-- keyword only). httpx is absent: it has a default timeout.
CREATE TEMP VIEW timeout_calls(qualname, timeout_pos) AS
  VALUES ('requests.get', NULL), ('requests.post', NULL), ('requests.put', NULL),
         ('requests.patch', NULL), ('requests.delete', NULL), ('requests.head', NULL),
         ('requests.options', NULL), ('requests.request', NULL),
         ('requests.Session.get', NULL), ('requests.Session.post', NULL), ('requests.Session.put', NULL),
         ('requests.Session.patch', NULL), ('requests.Session.delete', NULL), ('requests.Session.head', NULL),
         ('requests.Session.options', NULL), ('requests.Session.request', 8),
         ('requests.sessions.Session.get', NULL), ('requests.sessions.Session.post', NULL),
         ('requests.sessions.Session.put', NULL), ('requests.sessions.Session.patch', NULL),
         ('requests.sessions.Session.delete', NULL), ('requests.sessions.Session.head', NULL),
         ('requests.sessions.Session.options', NULL), ('requests.sessions.Session.request', 8),
         ('urllib.request.urlopen', 2), ('socket.create_connection', 1);

-- aiohttp_requests(name)
-- Methods of an aiohttp.ClientSession that make a request.
CREATE TEMP VIEW aiohttp_requests(name) AS
  VALUES ('get'), ('post'), ('put'), ('patch'), ('delete'), ('head'), ('options'), ('request'),
         ('ws_connect');

-- semaphore_types(qualname)
-- Types whose acquisition bounds how many coroutines run a section at once.
CREATE TEMP VIEW semaphore_types(qualname) AS
  VALUES ('asyncio.Semaphore'), ('asyncio.BoundedSemaphore'), ('asyncio.locks.Semaphore'),
         ('asyncio.locks.BoundedSemaphore'), ('trio.Semaphore'), ('trio.CapacityLimiter'),
         ('anyio.Semaphore'), ('anyio.CapacityLimiter'), ('aiolimiter.AsyncLimiter');

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

-- fixed_iterables(loop_id)
-- Loops and comprehensions over data of a known, small size: a literal
-- list/tuple/set/dict/string, range(...), or a module-level name bound to a
-- literal collection.
CREATE TEMP VIEW fixed_iterables(loop_id) AS
  SELECT l.id FROM loops l
   WHERE l.iter_kind IN ('list', 'tuple', 'set', 'dictionary', 'string', 'concatenated_string')
      OR (l.iter_kind = 'call' AND (SELECT c.resolved FROM calls c WHERE c.id = l.iter_call_id) = 'range')
      OR (l.iter_kind = 'identifier' AND EXISTS (
            SELECT 1 FROM assignments a
             WHERE a.file_id = l.file_id AND a.scope = 'module' AND a.target = l.iter
               AND a.value_kind IN ('list', 'tuple', 'set', 'dictionary')));

-- async_sleeps(call_id)
-- Calls of the async frameworks' sleep (asyncio, trio, anyio).
CREATE TEMP VIEW async_sleeps(call_id) AS
  SELECT id FROM calls WHERE resolved IN ('asyncio.sleep', 'trio.sleep', 'anyio.sleep', 'asyncio.tasks.sleep');

-- sync_point_calls(call_id)
-- Calls that wait for another coroutine rather than do I/O of their own:
-- Event/Condition wait, Lock/Semaphore acquire, Queue get/put/join, stream
-- drain, task join. Found by method name, and for the ambiguous get/put by a
-- receiver that is (or is named like) a queue or channel.
CREATE TEMP VIEW sync_point_calls(call_id) AS
  SELECT id FROM calls
   WHERE name IN ('wait', 'wait_closed', 'acquire', 'drain', 'join', 'wait_for_termination')
      OR (name IN ('get', 'put', 'send', 'receive', 'get_nowait', 'put_nowait')
          AND (receiver_type GLOB '*Queue*' OR receiver_type GLOB '*MemoryObject*Stream*'
               OR lower(receiver) GLOB '*queue*' OR lower(receiver) GLOB '*[._]q'
               OR lower(receiver) = 'q' OR lower(receiver) GLOB '*inbox*' OR lower(receiver) GLOB '*outbox*'
               OR lower(receiver) GLOB '*channel*' OR lower(receiver) GLOB '*chan'));
