-- @id PH302
-- @name client-without-context
-- @severity P1
-- @precision high
-- @tags resources leak http database
-- @message {what} in {function} {how}
-- @fix create it in a `with` / `async with` statement, or close it in a `finally`; or keep one app-wide instance
-- @description HTTP sessions and clients hold a connection pool, database
-- connections a server session, sockets a descriptor, Popen a child process
-- and its pipes, executors their worker threads or processes. Created in a
-- function and not closed on every path, they pile up under load: leaked
-- connections exhaust the server's connection limit, unclosed
-- aiohttp/httpx clients warn "Unclosed client session", executors keep
-- threads alive. The rule reports requests.Session, httpx.Client/AsyncClient,
-- aiohttp.ClientSession/TCPConnector, sqlite3/psycopg2/pymysql connections,
-- socket.socket, subprocess.Popen and Thread/ProcessPoolExecutor created in a
-- function without `with`/`async with`, not closed in a `finally`, and not
-- handed on.
-- @bad
-- def fetch_report(url):
--     session = requests.Session()
--     return session.get(url, timeout=10).json()
-- @good
-- def fetch_report(url):
--     with requests.Session() as session:
--         return session.get(url, timeout=10).json()
-- @accepted app-scoped singletons (module level, `self.` attributes, a
-- module global); factories that return the client; clients stored on an
-- object, passed to another call (an owner, `closing()`,
-- `ExitStack.enter_context()`) or yielded; lifespan/startup hooks;
-- `with`/`async with` items and a close()/aclose()/shutdown() in a `finally`.
--
-- Result: one row per call, at the call. Columns: the location; `what`
-- (`session = requests.Session()`), `function`, `how`.
WITH
  clients(id) AS MATERIALIZED (
    SELECT c.id FROM calls c
     WHERE c.resolved IN ('requests.Session', 'requests.session', 'requests.sessions.Session',
                          'httpx.Client', 'httpx.AsyncClient', 'aiohttp.ClientSession',
                          'aiohttp.TCPConnector', 'sqlite3.connect', 'psycopg2.connect', 'pymysql.connect',
                          'socket.socket', 'subprocess.Popen', 'concurrent.futures.ThreadPoolExecutor',
                          'concurrent.futures.ProcessPoolExecutor')
       AND c.function_id IS NOT NULL),
  -- startup hooks and lifespans own app-wide clients
  hooks(function_id) AS (
    SELECT f.id FROM functions f
     WHERE f.name IN ('lifespan', 'startup', 'on_startup', '_startup', 'setup', 'setUp', 'asyncSetUp',
                      'setUpClass', 'init_app', '__aenter__', '__enter__')
    UNION
    SELECT d.function_id FROM decorators d
     WHERE d.function_id IS NOT NULL
       AND (d.name GLOB '*on_event' OR d.name GLOB '*on_startup*' OR d.name GLOB '*.startup')),
  nested(function_id, name) AS MATERIALIZED (SELECT function_id, name FROM closed_by_nested),
  inline(id, how) AS (
    SELECT c.id,
           CASE c.use WHEN 'attr' THEN 'is used inline and never closed'
                      ELSE 'is created and dropped without being closed' END
      FROM clients k JOIN calls c ON c.id = k.id
     WHERE c.use IN ('attr', 'discard', 'iter')
       AND NOT (c.use = 'attr' AND EXISTS (SELECT 1 FROM calls x WHERE x.id = c.id - 1 AND x.line = c.line
                                              AND x.col = c.col
                                              AND x.name IN ('close', 'aclose', 'shutdown', '__enter__',
                                                             '__aenter__')))),
  bound(id, name, closes) AS (
    SELECT c.id, r.name,
           (SELECT count(*) FROM calls k
             WHERE k.function_id = r.function_id AND k.receiver = r.name
               AND k.name IN ('close', 'aclose', 'shutdown', 'terminate', 'kill', 'wait', 'communicate'))
      FROM clients k JOIN calls c ON c.id = k.id
      JOIN resource_names r ON r.call_id = c.id
     -- not handed on
     WHERE NOT EXISTS (
             SELECT 1 FROM name_uses u
              WHERE u.function_id = r.function_id AND u.name IN (r.name, r.name || '.close', r.name || '.aclose')
                AND (u.how IN ('return', 'yield', 'store', 'with', 'callback')
                     OR (u.how = 'arg' AND NOT EXISTS (SELECT 1 FROM calls p JOIN non_owning_consumers n
                                                         ON n.qualname = p.resolved WHERE p.id = u.call_id))))
       AND NOT EXISTS (SELECT 1 FROM nested WHERE nested.function_id = r.function_id AND nested.name = r.name)
       AND NOT (r.function_id IN (SELECT function_id FROM global_declarers)
                AND EXISTS (SELECT 1 FROM assignments a WHERE a.target = r.name AND a.scope = 'module'
                               AND a.file_id = c.file_id))
       AND NOT EXISTS (SELECT 1 FROM calls k JOIN finally_calls f ON f.call_id = k.id
                        WHERE k.function_id = r.function_id AND k.receiver = r.name
                          AND k.name IN ('close', 'aclose', 'shutdown', 'terminate', 'kill', 'wait',
                                         'communicate'))),
  found(id, what, how) AS (
    SELECT i.id, c.callee || '()', i.how FROM inline i JOIN calls c ON c.id = i.id
    UNION ALL
    SELECT b.id, b.name || ' = ' || c.callee || '()',
           CASE WHEN b.closes = 0 THEN 'is never closed (nor returned, stored or handed on)'
                ELSE 'is closed, but not in a finally: an exception before that leaks it' END
      FROM bound b JOIN calls c ON c.id = b.id)
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, fd.what, fd.how, fn.name AS function
  FROM found fd
  JOIN calls c ON c.id = fd.id
  JOIN functions fn ON fn.id = c.function_id
 WHERE c.function_id NOT IN (SELECT function_id FROM hooks);
