-- @id PH302
-- @name client-without-context
-- @scope file
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
-- handed on. One closed later but not in a `finally` is reported at P3:
-- it leaks only when an exception comes first.
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
-- `ExitStack.enter_context()`, alone or in a list) or yielded; a method that
-- ends it handed over as a callback (`addCleanup(proc.wait)`, `return
-- sock.close, port`); lifespan/startup hooks; `with`/`async with` items; a
-- close()/aclose()/shutdown()/detach() (for a process wait()/communicate()/
-- terminate()/kill(), or closing its pipes) in a `finally`, or in a catch-all
-- `except:` that re-raises when the normal path ends it too; a close() that
-- is the very next statement, before which nothing can raise; inline
-- `Popen(cmd).wait()`, `Popen(cmd).communicate()`, `socket().detach()`; a
-- call expected to raise (the last statement of a `with assertRaises(...)`
-- block).
--
-- Result: one row per call, at the call. Columns: the location; `what`
-- (`session = requests.Session()`), `function`, `how`, `severity` (P3 when
-- ended outside a finally).
WITH
  clients(id) AS MATERIALIZED (
    SELECT c.id FROM calls c
     WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'resource' AND family = 'client')
       AND c.function_id IS NOT NULL
       -- expected to raise: the last statement of a `with self.assertRaises(...)` block
       AND NOT EXISTS (SELECT 1 FROM withs w JOIN calls wc ON wc.id = w.call_id
                         JOIN statements s ON s.id = c.stmt_id
                        WHERE w.stmt_id = c.with_id AND s.parent_id = c.with_id
                          AND (wc.resolved IN (SELECT name FROM catalogue WHERE kind = 'raises-context' AND family IS NULL)
                               OR EXISTS (SELECT 1 FROM catalogue k
                                           WHERE k.kind = 'raises-context' AND k.family = 'method'
                                             AND wc.name GLOB k.name))
                          AND NOT EXISTS (SELECT 1 FROM statements n WHERE n.block_id = s.block_id
                                             AND n.idx > s.idx))),
  -- startup hooks and lifespans own app-wide clients
  hooks(function_id) AS (
    SELECT f.id FROM functions f
     WHERE f.name IN ('lifespan', 'startup', 'on_startup', '_startup', 'setup', 'setUp', 'asyncSetUp',
                      'setUpClass', 'init_app', '__aenter__', '__enter__')
    UNION
    SELECT d.function_id FROM decorators d
     WHERE d.function_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM catalogue k
                    WHERE k.kind = 'startup-hook' AND k.family = 'decorator' AND d.name GLOB k.name)),
  nested(function_id, name) AS MATERIALIZED (SELECT function_id, name FROM closed_by_nested),
  inline(id, how) AS (
    SELECT c.id,
           CASE c.use WHEN 'attr' THEN 'is used inline and never closed'
                      ELSE 'is created and dropped without being closed' END
      FROM clients k JOIN calls c ON c.id = k.id
     WHERE c.use IN ('attr', 'discard', 'iter')
       -- Session().close(), Popen(cmd).wait(), socket().detach(): ended (or handed on) at once
       AND NOT (c.use = 'attr' AND EXISTS (SELECT 1 FROM calls x WHERE x.id = c.id - 1 AND x.line = c.line
                                              AND x.col = c.col
                                              AND (x.name IN ('__enter__', '__aenter__')
                                                   OR x.name IN (SELECT name FROM catalogue
                                                                  WHERE kind = 'closer'
                                                                    AND family IN ('any', 'process', 'exchange')))))),
  -- bound to a local name and not handed on
  named(id, name, function_id, stmt_id) AS (
    SELECT c.id, r.name, r.function_id, c.stmt_id
      FROM clients k JOIN calls c ON c.id = k.id
      JOIN resource_names r ON r.call_id = c.id
     -- stored on an object by the statement itself: self.conn = conn = sqlite3.connect(p)
     WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.function_id = c.function_id AND a.stmt_id = c.stmt_id
                          AND a.target_kind IN ('attribute', 'subscript'))
       AND NOT EXISTS (
             SELECT 1 FROM name_uses u
              WHERE u.function_id = r.function_id
                AND (u.name = r.name
                     OR u.name IN (SELECT r.name || '.' || name FROM catalogue
                                    WHERE kind = 'closer' AND family IN ('any', 'process')))
                AND (u.how IN ('return', 'yield', 'store', 'with', 'callback')
                     OR (u.how = 'arg' AND NOT EXISTS (SELECT 1 FROM calls p JOIN non_owning_consumers n
                                                         ON n.qualname = p.resolved WHERE p.id = u.call_id))))
       AND NOT EXISTS (SELECT 1 FROM nested WHERE nested.function_id = r.function_id AND nested.name = r.name)
       AND NOT (r.function_id IN (SELECT function_id FROM global_declarers)
                AND EXISTS (SELECT 1 FROM assignments a WHERE a.target = r.name AND a.scope = 'module'
                               AND a.file_id = c.file_id))),
  -- the calls that end it: close/aclose/shutdown/detach, for a process also wait,
  -- communicate, terminate, kill, and closing its pipes (`proc.stdout.close()`).
  -- `guarded` when in a finally, or in a catch-all `except:` / `except BaseException:`
  -- that re-raises (the error path of a finally); `next` for a close() that is the
  -- statement run right after the creation
  ends(id, call_id, guarded, in_handler, next) AS (
    SELECT b.id, k.id,
           EXISTS (SELECT 1 FROM finally_calls f WHERE f.call_id = k.id) OR h.id IS NOT NULL,
           k.in_except,
           k.receiver = b.name AND k.name IN (SELECT name FROM catalogue WHERE kind = 'closer' AND family = 'any')
           AND EXISTS (SELECT 1 FROM statements so JOIN statements sk ON sk.id = k.stmt_id
                        WHERE so.id = b.stmt_id
                          AND ((sk.block_id = so.block_id AND sk.idx = so.idx + 1)
                               -- `try: conn = connect(p)` ... `else: conn.close()`
                               OR (sk.idx = 0 AND sk.parent_id = so.parent_id AND so.block_id = so.parent_id + 1
                                   AND sk.block_id <> so.block_id AND NOT k.in_finally
                                   AND (SELECT t.kind FROM statements t WHERE t.id = so.parent_id) = 'try_statement'
                                   AND NOT EXISTS (SELECT 1 FROM statements n WHERE n.block_id = so.block_id
                                                      AND n.idx > so.idx)
                                   AND NOT EXISTS (SELECT 1 FROM handlers x
                                                    WHERE x.function_id IS b.function_id AND x.try_id = so.parent_id
                                                      AND sk.line BETWEEN x.line AND x.end_line))))
      FROM named b
      JOIN calls k ON k.function_id = b.function_id
                  AND ((k.receiver = b.name
                        AND k.name IN (SELECT name FROM catalogue
                                        WHERE kind = 'closer' AND family IN ('any', 'process', 'exchange')))
                       OR (k.receiver IN (b.name || '.stdout', b.name || '.stderr', b.name || '.stdin')
                           AND k.name = 'close'))
      LEFT JOIN handlers h ON h.function_id IS k.function_id AND h.try_id = k.try_id AND k.in_except
                          AND k.line BETWEEN h.line AND h.end_line AND h.reraises
                          AND (h.is_bare OR h.resolved_types GLOB '*,BaseException,*')),
  bound(id, name, closes) AS (
    SELECT b.id, b.name, (SELECT count(*) FROM ends k WHERE k.id = b.id)
      FROM named b
     WHERE NOT EXISTS (SELECT 1 FROM ends k WHERE k.id = b.id AND k.next)
       AND NOT EXISTS (SELECT 1 FROM ends k WHERE k.id = b.id AND k.guarded
                          AND (NOT k.in_handler
                               OR EXISTS (SELECT 1 FROM ends o WHERE o.id = b.id AND NOT o.in_handler)))),
  found(id, what, how, severity) AS (
    SELECT i.id, c.callee || '()', i.how, NULL FROM inline i JOIN calls c ON c.id = i.id
    UNION ALL
    SELECT b.id, b.name || ' = ' || c.callee || '()',
           CASE WHEN b.closes = 0 THEN 'is never closed (nor returned, stored or handed on)'
                ELSE 'is closed, but not in a finally: an exception before that leaks it' END,
           CASE WHEN b.closes > 0 THEN 'P3' END
      FROM bound b JOIN calls c ON c.id = b.id)
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, fd.what, fd.how, fd.severity, fn.name AS function
  FROM found fd
  JOIN calls c ON c.id = fd.id
  JOIN functions fn ON fn.id = c.function_id
 WHERE c.function_id NOT IN (SELECT function_id FROM hooks);
