-- pyhunt library views for the blocking-call rules (PH101, PH102) and the
-- coroutine rules (PH103, PH104): what blocks the event loop, as data, and
-- which project functions reach such a call. Loaded after views.sql (name
-- order) and built on its call graph (call_targets, call_edges).

-- blocking_names(qualname, unless)
-- Functions and constructors that block the calling thread on I/O, sleep,
-- a child process or the terminal, by qualified name: the catalogue's kind
-- 'blocking'. A call matches when calls.resolved is one of them (through
-- imports and aliases); `unless` names the exception blocking_calls tests.
CREATE TEMP VIEW blocking_names(qualname, unless) AS
  SELECT name, unless FROM catalogue WHERE kind = 'blocking';

-- blocking_methods(type, method, label, family)
-- Methods that block on a receiver of a known type: the catalogue's kinds
-- 'blocking-type' and 'blocking-method', joined by family. `type` is a GLOB
-- over the receiver's type as the extractor names it (the constructor or
-- factory that made it: sqlite3.connect for a connection,
-- sqlite3.connect.cursor for its cursor); `label` names the type in
-- messages; `family` is what the type is (http, dbconn, socket, queue...).
CREATE TEMP VIEW blocking_methods(type, method, label, family) AS
  SELECT t.name, m.name, t.label, t.family
    FROM catalogue t JOIN catalogue m ON m.kind = 'blocking-method' AND m.family = t.family
   WHERE t.kind = 'blocking-type';

-- blocking_calls(call_id, what)
-- Every call, anywhere, that blocks the calling thread: a blocking_names
-- function, or a blocking_methods method on a receiver of a matching type
-- (the receiver's type, or for a chained call such as
-- `ex.submit(f).result()` the name of the call it is made on). `what` names
-- it for messages: 'time.sleep', 'requests.Session.get', 'sqlite3.Cursor.execute'.
-- Not blocking: queue get/put with block=False; put on a queue the file
-- only ever makes unbounded (queue.Queue() with no maxsize); methods of a
-- socket the same function sets non-blocking (setblocking), or called in a
-- try that catches BlockingIOError (a 'would-block' exception: the socket
-- is non-blocking); a name 'unless numeric-host' (socket.getaddrinfo,
-- gethostbyname) with AI_NUMERICHOST/NUMERICSERV or a numeric address
-- literal (no lookup); one 'unless async-mode' (psycopg2.connect) in
-- asynchronous mode (async_=True, or kwargs["async_"] set).
CREATE TEMP VIEW blocking_calls(call_id, what) AS
  -- the method table once, in memory: each candidate call tests every type
  WITH bm(type, method, label, family) AS MATERIALIZED (SELECT * FROM blocking_methods)
  SELECT c.id, c.resolved
    FROM blocking_names n JOIN calls c ON c.resolved = n.qualname
   WHERE NOT (coalesce(n.unless, '') = 'numeric-host'
              AND EXISTS (SELECT 1 FROM call_args a
                           WHERE a.call_id = c.id
                             AND (a.text GLOB '*NUMERIC*'
                                  OR (a.pos = 0 AND a.kind = 'string' AND a.text NOT GLOB '*[A-Za-z]*'))))
     AND NOT (coalesce(n.unless, '') = 'async-mode'
              AND (EXISTS (SELECT 1 FROM call_args a WHERE a.call_id = c.id AND a.keyword IN ('async_', 'async'))
                   OR EXISTS (SELECT 1 FROM assignments a
                               WHERE a.function_id = c.function_id AND a.target GLOB '*[[]*async*]')))
  UNION ALL
  SELECT id, min(what) FROM (
    SELECT c.id, m.label || '.' || m.method AS what, m.family, c.name, c.function_id, c.receiver, c.file_id
      FROM (SELECT DISTINCT method FROM bm) u
      JOIN calls c ON c.name = u.method
      JOIN bm m ON m.method = c.name
     WHERE c.receiver IS NOT NULL
       AND coalesce(c.receiver_type,
                    (SELECT i.resolved FROM calls i
                      WHERE i.parent_call_id = c.id AND i.use = 'attr' AND i.line = c.line AND i.col = c.col))
           GLOB m.type) x
   WHERE NOT (x.family IN ('queue', 'squeue') AND x.name IN ('get', 'put')
              AND EXISTS (SELECT 1 FROM call_args a
                           WHERE a.call_id = x.id AND a.text IN ('False', '0')
                             AND (a.keyword = 'block'
                                  OR (a.keyword IS NULL AND a.pos = CASE x.name WHEN 'get' THEN 0 ELSE 1 END))))
     AND NOT (x.family IN ('queue', 'squeue') AND x.name = 'put'
              AND EXISTS (SELECT 1 FROM assignments a JOIN calls k ON k.id = a.value_call_id
                           WHERE a.target = x.receiver AND a.file_id = x.file_id
                             AND k.resolved IN (SELECT name FROM catalogue
                                                 WHERE kind = 'blocking-type' AND family IN ('queue', 'squeue'))
                             AND k.nargs = 0 AND k.kwargs NOT GLOB '*,maxsize,*')
              AND NOT EXISTS (SELECT 1 FROM assignments a JOIN calls k ON k.id = a.value_call_id
                               WHERE a.target = x.receiver AND a.file_id = x.file_id
                                 AND k.resolved IN (SELECT name FROM catalogue
                                                     WHERE kind = 'blocking-type' AND family IN ('queue', 'squeue'))
                                 AND (k.nargs > 0 OR k.kwargs GLOB '*,maxsize,*')))
     AND NOT (x.family = 'socket'
              AND (EXISTS (SELECT 1 FROM calls s
                            WHERE s.function_id IS x.function_id AND s.receiver = x.receiver
                              AND s.name = 'setblocking')
                   OR EXISTS (SELECT 1 FROM calls cc JOIN handlers h ON h.function_id IS cc.function_id
                                                                  AND h.try_id = cc.try_id
                               WHERE cc.id = x.id AND cc.in_try
                                 AND EXISTS (SELECT 1 FROM catalogue k
                                              WHERE k.kind = 'would-block'
                                                AND instr(h.resolved_types, ',' || k.name || ',') > 0))))
   GROUP BY id;

-- blocking_exempt_modules(module)
-- Modules whose own I/O async code accepts by convention (the catalogue's
-- kind 'exempt-module'): logging handlers, traceback and warning formatting
-- (they read source lines through linecache), and threading's start-up
-- handshake. Their functions neither
-- reach nor pass on reach; this matters only when they are part of the
-- audited tree (auditing the standard library itself), since a project's
-- calls into the installed stdlib resolve to nothing in the project.
CREATE TEMP VIEW blocking_exempt_modules(module) AS
  SELECT name FROM catalogue WHERE kind = 'exempt-module';

-- blocking_reach(function_id, via_call_id, depth)
-- Sync project functions that reach a blocking call at any depth, across
-- modules: via_call_id is a call in the function that leads there (a
-- blocking call itself at depth 1, else a call to another such function),
-- depth the length of the shortest chain through that call. Async
-- functions, lambdas, functions a decorator offloads to a thread
-- (offloaded_functions) and functions of blocking_exempt_modules neither
-- reach nor pass reach on; a function only passed to to_thread or
-- run_in_executor is not called, so the chain is cut there. A call passes
-- reach on only when it has a single target (decorated stubs such as
-- @overload signatures aside): a name defined twice (per platform, `if
-- sys.platform == ...: def f()`) may run either definition, and the chain
-- is not guessed.
-- The closure is seeded at the blocking calls and walks call_edges
-- backwards (index call_graph_callee), one row per (function, depth),
-- depth <= 30: cycles and recursion terminate, and the cost is linear in
-- the call edges (30 x edges at worst), never functions x functions.
CREATE TEMP VIEW blocking_reach(function_id, via_call_id, depth) AS
  WITH RECURSIVE
    off(function_id) AS MATERIALIZED (
      SELECT function_id FROM offloaded_functions
      UNION
      SELECT f.id
        FROM blocking_exempt_modules x
        JOIN files fl ON fl.module = x.module OR fl.module GLOB x.module || '.*'
        JOIN functions f ON f.id BETWEEN file_first_id(fl.id) AND file_last_id(fl.id)),
    sink(function_id, call_id) AS MATERIALIZED (
      SELECT c.function_id, c.id
        FROM blocking_calls b
        CROSS JOIN calls c ON c.id = b.call_id
        CROSS JOIN functions f ON f.id = c.function_id
       WHERE NOT f.is_async AND NOT f.is_lambda AND f.id NOT IN (SELECT function_id FROM off)),
    -- calls with more than one non-stub target pass nothing on
    ambiguous(call_id) AS MATERIALIZED (
      SELECT g.call_id FROM call_edges g JOIN functions f ON f.id = g.callee
       WHERE NOT (f.is_stub AND f.n_decorators > 0) GROUP BY g.call_id HAVING count(*) > 1),
    -- one row per (function, depth): walk call_edges backwards from the sinks
    d(function_id, depth) AS (
      SELECT function_id, 1 FROM sink
      UNION
      SELECT g.caller, d.depth + 1
        FROM d
        CROSS JOIN call_edges g ON g.callee = d.function_id
        CROSS JOIN functions a ON a.id = g.caller
       WHERE d.depth < 30 AND NOT a.is_async AND NOT a.is_lambda
         AND a.id NOT IN (SELECT function_id FROM off)
         AND g.call_id NOT IN (SELECT call_id FROM ambiguous)),
    best(function_id, depth) AS MATERIALIZED (
      SELECT function_id, min(depth) FROM d GROUP BY function_id)
  SELECT function_id, call_id, 1 FROM sink
  UNION ALL
  SELECT g.caller, g.call_id, min(b.depth) + 1
    FROM best b
    CROSS JOIN call_edges g ON g.callee = b.function_id
    CROSS JOIN functions a ON a.id = g.caller
   WHERE NOT a.is_async AND NOT a.is_lambda AND a.id NOT IN (SELECT function_id FROM off)
     AND g.call_id NOT IN (SELECT call_id FROM ambiguous)
   GROUP BY g.caller, g.call_id;
