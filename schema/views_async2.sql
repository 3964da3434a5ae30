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

-- registering_decorators(function_id, decorator)
-- Functions handed to a framework by a decorator, which then decides how to
-- call them (and may require a coroutine function): attribute decorators of
-- an object (`@app.get("/")`, `@router.post`, `@client.event`,
-- `@bot.command()`), decorators of a third-party module other than the
-- standard helpers (`@pytest.fixture`, `@pytest.mark.asyncio`), and plain
-- names known to register (`@fixture`, `@receiver(...)`, `@hookimpl`).
CREATE TEMP VIEW registering_decorators(function_id, decorator) AS
  SELECT d.function_id, d.text
    FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND ((instr(d.name, '.') > 0
           AND substr(coalesce(d.resolved, d.name), 1, instr(coalesce(d.resolved, d.name) || '.', '.') - 1)
               NOT IN ('functools', 'typing', 'typing_extensions', 'abc', 'contextlib', 'asyncio', 'builtins',
                       'dataclasses', 'unittest', 'mock', 'warnings', 'types', 'enum', 'inspect', 'trio', 'anyio',
                       'self', 'cls'))
          OR d.resolved IN ('pytest.fixture', 'pytest_asyncio.fixture', 'django.dispatch.receiver',
                            'celery.shared_task', 'strawberry.field',
                            'strawberry.mutation', 'strawberry.subscription')
          OR d.name IN ('fixture', 'hookimpl', 'receiver', 'route', 'shared_task', 'task', 'listener',
                        'subscriber', 'subscribe', 'handler', 'on_event', 'event', 'command', 'callback',
                        'register', 'websocket_route', 'view', 'resolver', 'field', 'mutation', 'subscription'));
