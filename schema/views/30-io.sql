-- pyhunt library views, layer 30: I/O and blocking evidence. What blocks
-- the event loop and who reaches it, locks, semaphores, timeouts and
-- sleeps, database queries and their inputs, awaited I/O and its handles,
-- and what opens connections or pools. Reads the fact tables, the
-- catalogue and layers 10-20 (resolution, call graph). They know nothing
-- of messages or severities.

-- ---------------------------------------------------------------------------
-- What blocks the event loop

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

-- ---------------------------------------------------------------------------
-- Locks, semaphores, timeouts and waiting

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

-- ---------------------------------------------------------------------------
-- Database queries

-- db_driver_types(prefix)
-- Qualified-name prefixes of database drivers and ORMs (the catalogue's kind
-- 'db-driver'): a receiver typed `sqlite3.connect`, `asyncpg.create_pool`,
-- `sqlalchemy.orm.Session`... is a database handle.
CREATE TEMP VIEW db_driver_types(prefix) AS
  SELECT name FROM catalogue WHERE kind = 'db-driver';

-- db_receiver_names(pattern)
-- Lower-case GLOBs for the last part of a receiver whose type is unknown but
-- whose name says it is a cursor, connection, pool or ORM session.
CREATE TEMP VIEW db_receiver_names(pattern) AS
  VALUES ('cur'), ('cursor'), ('*cursor'), ('*_cur'), ('conn'), ('con'), ('cnx'), ('connection'),
         ('*conn'), ('*_connection'), ('db'), ('*_db'), ('database'), ('pool'), ('*_pool'), ('dbpool'),
         ('tx'), ('txn'), ('transaction'), ('session'), ('*session'), ('engine'), ('*_engine');

-- db_query_calls(call_id, kind)
-- Calls that run a database query (one round trip each), by the method
-- names of the catalogue's kind 'db-query'. `kind` is:
--   sql         execute/executescript/fetch/fetchrow/fetchval on a cursor,
--               connection or pool (DB-API drivers, asyncpg, aiosqlite...);
--   result      fetchone/fetchall/fetchmany: reading the rows of an execute;
--   orm         SQLAlchemy session get/query/execute/scalar(s)/refresh/merge,
--               Flask-SQLAlchemy `Model.query.get/filter_by`;
--   django      any method of a Django manager (`Model.objects.get/filter`);
--   mongo       find/find_one/aggregate/insert_one/update_one... on a
--               collection (PyMongo, Motor);
--   repository  repository-style lookups: find_by_*, get_*_by_id, get_by_id.
-- The receiver is a handle when its type is a driver's (db_driver_types), or,
-- its type unknown, when its name is (db_receiver_names). A receiver of
-- another known type (`requests.Session().get`) is never one.
CREATE TEMP VIEW db_query_calls(call_id, kind) AS
  WITH cand(id, name, rtype, rlast, kind) AS MATERIALIZED (
    SELECT c.id, c.name, c.receiver_type,
           lower(substr(c.receiver, length(rtrim(c.receiver, replace(c.receiver, '.', ''))) + 1)),
           q.family
      FROM catalogue q CROSS JOIN calls c ON c.name = q.name
     WHERE q.kind = 'db-query' AND q.family IN ('sql', 'result', 'orm')
       AND c.receiver IS NOT NULL)
  SELECT cand.id, CASE WHEN cand.kind = 'sql' AND cand.rlast GLOB '*session' THEN 'orm' ELSE cand.kind END
    FROM cand
   WHERE CASE
           WHEN cand.rtype IS NOT NULL THEN
             EXISTS (SELECT 1 FROM db_driver_types d
                      WHERE cand.rtype = d.prefix OR cand.rtype GLOB d.prefix || '.*')
             -- an ORM session's get takes the mapped class first: session.get(User, 1)
             AND (cand.name <> 'get' OR EXISTS (
                   SELECT 1 FROM call_args a WHERE a.call_id = cand.id AND a.pos = 0
                      AND a.kind IN ('identifier', 'attribute')
                      AND substr(a.text, length(rtrim(a.text, replace(a.text, '.', ''))) + 1, 1)
                          BETWEEN 'A' AND 'Z'))
           WHEN cand.kind = 'orm' THEN
             cand.rlast GLOB '*session'
             AND (cand.name NOT IN ('get', 'get_one') OR EXISTS (
                   SELECT 1 FROM call_args a WHERE a.call_id = cand.id AND a.pos = 0
                      AND a.kind IN ('identifier', 'attribute')
                      AND substr(a.text, length(rtrim(a.text, replace(a.text, '.', ''))) + 1, 1)
                          BETWEEN 'A' AND 'Z'))
           ELSE EXISTS (SELECT 1 FROM db_receiver_names n WHERE cand.rlast GLOB n.pattern)
         END
  UNION ALL
  -- Flask-SQLAlchemy: User.query.get(uid), User.query.filter_by(...)
  SELECT c.id, 'orm' FROM calls c
   WHERE c.name IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND family = 'flask')
     AND c.receiver GLOB '[A-Z]*.query' AND c.receiver NOT GLOB '*[^A-Za-z0-9_.]*'
  UNION ALL
  -- Django managers
  SELECT c.id, 'django' FROM calls c
   WHERE c.name IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND family = 'django')
     -- the receiver's last attribute names a manager (Model.objects)
     AND c.receiver GLOB '*.*'
     AND substr(c.receiver, length(rtrim(c.receiver, replace(c.receiver, '.', ''))) + 1)
         IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND family = 'django-manager')
  UNION ALL
  -- MongoDB collections: the operation names that are Mongo's own, on any
  -- receiver; the generic ones (find, aggregate, distinct) on a receiver
  -- typed by a Mongo driver, named like a database or collection, or given
  -- a filter document.
  SELECT c.id, 'mongo' FROM calls c
   WHERE c.name IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND family = 'mongo')
     AND c.receiver IS NOT NULL
  UNION ALL
  SELECT c.id, 'mongo' FROM calls c
   WHERE c.name IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND family = 'mongo-generic')
     AND c.receiver IS NOT NULL
     AND (EXISTS (SELECT 1 FROM catalogue d
                   WHERE d.kind = 'db-driver' AND d.family = 'mongo' AND c.receiver_type GLOB d.name || '.*')
          OR c.receiver GLOB 'db.*' OR c.receiver GLOB '*.db.*' OR c.receiver GLOB 'db[[]*'
          OR lower(c.receiver) GLOB '*collection' OR lower(c.receiver) GLOB '*coll'
          OR EXISTS (SELECT 1 FROM call_args a WHERE a.call_id = c.id AND a.idx = 0 AND a.kind = 'dictionary'))
  UNION ALL
  -- repository-style lookups
  SELECT c.id, 'repository' FROM calls c
   WHERE c.name GLOB 'find_by_?*' OR c.name GLOB 'get_?*_by_id' OR c.name GLOB 'find_?*_by_id'
      OR c.name IN ('get_by_id', 'find_by_id', 'aget_by_id');

-- query_functions(function_id, depth, via_call_id)
-- Project functions that run a database query (kind other than 'result'),
-- directly (depth 0, via_call_id the query) or through the project functions
-- they call (depth n, via_call_id the call to the next function of a
-- shortest chain). Chains stop at depth 6.
CREATE TEMP VIEW query_functions(function_id, depth, via_call_id) AS
  WITH RECURSIVE
    r(function_id, depth, via_call_id) AS (
      SELECT c.function_id, 0, min(c.id)
        FROM db_query_calls q JOIN calls c ON c.id = q.call_id
       WHERE q.kind <> 'result' AND c.function_id IS NOT NULL
       GROUP BY c.function_id
      UNION
      SELECT e.caller, r.depth + 1, e.call_id
        FROM r JOIN call_edges e ON e.callee = r.function_id
       WHERE r.depth < 6 AND e.caller <> r.function_id)
  SELECT function_id, min(depth), via_call_id FROM r GROUP BY function_id;

-- query_inputs(call_id, role, names)
-- What each database query (db_query_calls, kind other than 'result') is run
-- with: one row per argument of the query and of the calls chained on it
-- (`.filter(User.id == uid).first()`), with the identifiers it reads (' a b
-- '). `role` says what a value that changes from one call to the next does:
--   param  the same query runs with other values (N+1): a bound parameter
--          (`execute(sql, (uid,))`), a keyword, a chained filter, any
--          argument of an ORM, Django, Mongo or repository lookup, and the
--          statement itself when it is a SELECT/INSERT/UPDATE/DELETE/WITH
--          string written in place (directly or in the name it was last
--          bound to by `=`, in the function or at module level) or a
--          SQLAlchemy construction (`select(...)`, `.where(...)`,
--          `.values(...)`, `insert(...)`);
--   stmt   a different statement runs: the statement when it is anything
--          else (a name holding SQL from elsewhere, DDL, PRAGMA, transaction
--          control, a string that interpolates a table name: `FROM %s`,
--          "FROM `{t}`"), and the object a construction starts from
--          (`table.delete()`: another table each time).
-- The statement is the first positional argument (or `sql=`, `statement=`,
-- `query=`, `operation=`, `stmt=`) of execute/executescript/fetch/fetchrow/
-- fetchval on a DB-API or asyncpg handle and of an ORM session's
-- execute/scalar/scalars.
CREATE TEMP VIEW query_inputs(call_id, role, names) AS
  WITH
    q(id, takes_stmt) AS MATERIALIZED (
      SELECT c.id, d.kind IN ('sql', 'orm')
                   AND c.name IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND pos = 0)
        FROM db_query_calls d JOIN calls c ON c.id = d.call_id
       WHERE d.kind <> 'result'),
    -- the statement argument, and the identifier its text starts with
    s(call_id, kind, text, names, lead) AS MATERIALIZED (
      SELECT q.id, x.kind, x.text, x.names,
             CASE WHEN x.text GLOB '[A-Za-z_]*' THEN
                    substr(x.text, 1, length(x.text) - length(ltrim(x.text,
                      'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'))) END
        FROM q JOIN call_args x ON x.call_id = q.id
       WHERE q.takes_stmt AND x.star = 0
         AND (coalesce(x.pos, -1) = 0
              OR coalesce(x.keyword, '') IN (SELECT name FROM catalogue WHERE kind = 'statement-param'))),
    -- the value that identifier was last bound to by `=` before the query,
    -- in its function, else (the function never binding it) at module level
    b(call_id, kind, text, names, bound) AS MATERIALIZED (
      SELECT s.call_id, s.kind, s.text, s.names,
             CASE WHEN s.lead IS NOT NULL THEN nullif(coalesce(
               (SELECT CASE WHEN a.op = '=' THEN a.value ELSE '' END FROM assignments a
                 WHERE a.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                   AND a.function_id IS c.function_id AND a.target = s.lead AND a.target_kind = 'name'
                   AND (a.line < c.line OR (a.line = c.line AND a.col < c.col))
                 ORDER BY a.line DESC, a.col DESC LIMIT 1),
               (SELECT CASE WHEN a.op = '=' THEN a.value ELSE '' END FROM assignments a
                 WHERE a.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                   AND c.function_id IS NOT NULL AND a.function_id IS NULL AND a.class_id IS NULL
                   AND a.target = s.lead AND a.target_kind = 'name'
                   AND NOT EXISTS (SELECT 1 FROM assignments e
                                    WHERE e.function_id = c.function_id AND e.target = s.lead)
                 ORDER BY a.line DESC, a.col DESC LIMIT 1)), '') END
        FROM s JOIN calls c ON c.id = s.call_id),
    -- the SQL text to read: a string's, after `text(`, its prefix and quotes
    t(call_id, names, src, builder_text) AS (
      SELECT b.call_id, b.names,
             CASE WHEN b.bound IS NOT NULL AND b.kind <> 'string' THEN b.bound ELSE b.text END,
             lower(b.text || ' ' || coalesce(b.bound, ''))
        FROM b),
    u(call_id, names, src, builder_text, s1) AS (
      SELECT t.*,
             CASE WHEN substr(t.src, 1, instr(t.src, '(') - 1) GLOB 'text'
                    OR substr(t.src, 1, instr(t.src, '(') - 1) GLOB '*.text'
                  THEN ltrim(substr(t.src, instr(t.src, '(') + 1), ' ' || char(9, 10, 13)) ELSE t.src END
        FROM t),
    v(call_id, names, src, builder_text, is_string, sql) AS (
      SELECT u.call_id, u.names, u.src, u.builder_text,
             u.s1 GLOB '[''"]*' OR u.s1 GLOB '[fFrRbBuU][''"]*' OR u.s1 GLOB '[fFrRbBuU][fFrRbB][''"]*',
             ' ' || upper(replace(replace(replace(
                      ltrim(CASE WHEN u.s1 GLOB '[fFrRbBuU][fFrRbB][''"]*' THEN substr(u.s1, 3)
                                 WHEN u.s1 GLOB '[fFrRbBuU][''"]*' THEN substr(u.s1, 2)
                                 ELSE u.s1 END, '"''( ' || char(9, 10, 13)),
                      char(10), ' '), char(13), ' '), char(9), ' '))
        FROM u),
    w(call_id, names, src, role) AS (
      SELECT v.call_id, v.names, v.src,
             CASE WHEN v.is_string THEN
                    CASE WHEN (v.sql GLOB ' SELECT[^A-Z_]*' OR v.sql GLOB ' INSERT[^A-Z_]*'
                               OR v.sql GLOB ' UPDATE[^A-Z_]*' OR v.sql GLOB ' DELETE[^A-Z_]*'
                               OR v.sql GLOB ' WITH[^A-Z_]*' OR v.sql GLOB ' REPLACE[^A-Z_]*'
                               OR v.sql GLOB ' MERGE[^A-Z_]*')
                          AND NOT EXISTS (SELECT 1 FROM (VALUES ('FROM'), ('INTO'), ('JOIN'), ('UPDATE'), ('TABLE')) k
                                           WHERE v.sql GLOB '*[^A-Z_]' || k.column1 || ' [%{]*'
                                              OR v.sql GLOB '*[^A-Z_]' || k.column1 || ' [`"[][%{]*')
                         THEN 'param' ELSE 'stmt' END
                  WHEN EXISTS (SELECT 1 FROM catalogue k
                                WHERE k.kind = 'query-builder'
                                  AND v.builder_text GLOB '*' || CASE k.family WHEN 'method' THEN '.' ELSE '' END
                                                          || k.name || '(*')
                    THEN 'builder'
                  ELSE 'stmt' END
        FROM v)
  -- the statement
  SELECT call_id, CASE role WHEN 'builder' THEN 'param' ELSE role END, names FROM w
  UNION ALL
  -- the object a construction starts from
  SELECT call_id, 'stmt',
         ' ' || substr(src, 1, length(src) - length(ltrim(src,
                  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'))) || ' '
    FROM w WHERE role = 'builder' AND src GLOB '[A-Za-z_]*.*'
  UNION ALL
  -- the other arguments
  SELECT q.id, 'param', x.names
    FROM q JOIN call_args x ON x.call_id = q.id
   WHERE NOT (q.takes_stmt AND x.star = 0
              AND (coalesce(x.pos, -1) = 0
                   OR coalesce(x.keyword, '') IN (SELECT name FROM catalogue WHERE kind = 'statement-param')))
  UNION ALL
  -- the arguments of the calls chained on it (call_chain_links, spelt out:
  -- CROSS JOIN keeps SQLite on the rowid range of the few queries)
  SELECT q.id, 'param', x.names
    FROM q CROSS JOIN calls c ON c.id = q.id
    CROSS JOIN calls o ON o.id BETWEEN c.id - 24 AND c.id - 1
    CROSS JOIN call_args x ON x.call_id = o.id
   WHERE c.use = 'attr' AND +o.line = c.line AND +o.col = c.col AND +o.stmt_id IS c.stmt_id;

-- query_params(function_id, param, role, depth, via_call_id)
-- Parameters of project functions that feed a database query, with the role
-- they play there (query_inputs): used directly by a query of the function
-- or through one name bound from them (`sql = "... %s" % uid`; depth 0,
-- via_call_id the query), or passed on, the same way, to such a parameter
-- of a project function it calls (depth n, via_call_id that call). An
-- argument goes to the parameter of its keyword, else of its position
-- (counting `self`/`cls` for a method called on a receiver or a
-- constructor, not for a @staticmethod). `self` and `cls` themselves are
-- left out. Chains stop at depth 6; the shortest is kept.
CREATE TEMP VIEW query_params(function_id, param, role, depth, via_call_id) AS
  WITH RECURSIVE
    r(function_id, param, role, depth, via_call_id) AS (
      SELECT c.function_id, p.name, i.role, 0, i.call_id
        FROM query_inputs i JOIN calls c ON c.id = i.call_id
        JOIN params p ON p.function_id = c.function_id
       WHERE p.name NOT IN ('self', 'cls')
         AND (instr(i.names, ' ' || p.name || ' ') > 0
              OR EXISTS (SELECT 1 FROM names n JOIN assignments a ON a.stmt_id = n.stmt_id
                          WHERE n.function_id = c.function_id AND n.name = p.name AND n.ctx = 'load'
                            AND a.function_id = c.function_id AND a.target_kind = 'name'
                            AND instr(i.names, ' ' || a.target || ' ') > 0))
      UNION
      SELECT c.function_id, p.name, r.role, r.depth + 1, c.id
        FROM r
        JOIN call_graph g ON g.callee = r.function_id
        JOIN calls c ON c.id = g.call_id
        JOIN functions tf ON tf.id = r.function_id
        JOIN params tp ON tp.function_id = r.function_id AND tp.name = r.param
        JOIN call_args x ON x.call_id = c.id
        JOIN params p ON p.function_id = c.function_id
       WHERE r.depth < 6 AND c.function_id <> r.function_id
         AND (x.keyword = tp.name
              OR (x.keyword IS NULL AND x.star = 0
                  AND x.pos + CASE WHEN tf.is_method AND (c.receiver IS NOT NULL OR tf.name = '__init__')
                                        AND NOT EXISTS (SELECT 1 FROM decorators d
                                                         WHERE d.function_id = tf.id AND d.name = 'staticmethod')
                                   THEN 1 ELSE 0 END = tp.idx))
         AND p.name NOT IN ('self', 'cls')
         AND (instr(x.names, ' ' || p.name || ' ') > 0
              OR EXISTS (SELECT 1 FROM names n JOIN assignments a ON a.stmt_id = n.stmt_id
                          WHERE n.function_id = c.function_id AND n.name = p.name AND n.ctx = 'load'
                            AND a.function_id = c.function_id AND a.target_kind = 'name'
                            AND instr(x.names, ' ' || a.target || ' ') > 0)))
  SELECT function_id, param, role, min(depth), via_call_id FROM r GROUP BY function_id, param, role;

-- ---------------------------------------------------------------------------
-- Awaited I/O

-- await_non_io(call_id, kind)
-- Awaited calls that wait for time or for another task rather than for I/O,
-- or that are not the independent I/O a loop could run concurrently:
--   sleep       sleep (by name, or an async 'sleep' of the catalogue);
--   sync        lock/semaphore acquire, event/condition wait, stream drain,
--               wait_for/shield of a future or task already made (`await
--               asyncio.wait_for(fut, 5)`);
--   queue       queue/channel get/put/join/send/receive;
--   concurrent  the fan-out helpers that already run concurrently (gather,
--               wait, as_completed, a task group's spawn/start_soon; by
--               name, or a 'task-waiter' or 'nursery' of the catalogue);
--   lifecycle   starting, stopping, flushing and closing (start, stop,
--               close, aclose, close_*, _close*, shutdown, disconnect,
--               cancel, flush, __aenter__/__aexit__, __anext__,
--               enter_async_context, any *startup* or *shutdown* step:
--               `emit_startup`, `run_shutdown_hooks`...): startup and teardown sequences,
--               ordered on purpose;
--   callback    a callable the function was given (a parameter or loop
--               variable called by name: `await handler(event)`) or made
--               by an expression (`await self.wrap(func)()`), an event
--               hook or handler (`self.on_ready.send(...)`, `emit`,
--               `dispatch`, `notify`, `fire`, `trigger`, `handle*`,
--               `on_*`): code of unknown kind, run in order;
--   log         a logger's debug/info/warning/error/exception/critical/log.
CREATE TEMP VIEW await_non_io(call_id, kind) AS
  SELECT c.id,
         CASE WHEN c.name = 'sleep'
                   OR c.resolved IN (SELECT name FROM catalogue WHERE kind = 'sleep' AND family = 'async') THEN 'sleep'
              WHEN c.name IN ('acquire', 'wait', 'wait_closed', 'drain', 'wait_for', 'shield') THEN 'sync'
              WHEN c.name IN ('gather', 'as_completed', 'spawn', 'start_soon', 'create_task', 'ensure_future')
                   OR c.resolved IN (SELECT name FROM catalogue
                                      WHERE kind = 'nursery' OR (kind = 'task-waiter' AND family = 'list'))
                THEN 'concurrent'
              WHEN c.name IN ('start', 'stop', 'close', 'aclose', 'shutdown', 'disconnect', 'terminate', 'kill',
                              'cancel', 'flush', '__aenter__', '__aexit__', '__anext__', 'asend', 'athrow',
                              'enter_async_context', 'push_async_exit', 'cleanup')
                   OR c.name GLOB 'close_*' OR c.name GLOB '_close*'
                   OR lower(c.name) GLOB '*startup*' OR lower(c.name) GLOB '*shutdown*'
                THEN 'lifecycle'
              WHEN c.name IN ('debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'log')
                   AND (lower(c.receiver) GLOB '*log' OR lower(c.receiver) GLOB '*logger'
                        OR lower(c.receiver) GLOB '*logging')
                THEN 'log'
              WHEN c.name IN ('get', 'put', 'join', 'send', 'receive')
                   AND (c.receiver_type GLOB '*Queue*' OR c.receiver_type GLOB '*.Channel*'
                        OR c.receiver_type GLOB '*memory_object_stream*'
                        OR lower(c.receiver) GLOB '*queue' OR lower(c.receiver) GLOB '*_q' OR lower(c.receiver) = 'q'
                        OR lower(c.receiver) GLOB '*channel')
                THEN 'queue'
              ELSE 'callback' END
    FROM calls c
   WHERE c.name IN ('sleep', 'acquire', 'wait', 'wait_closed', 'drain', 'gather', 'as_completed', 'spawn',
                    'start_soon', 'create_task', 'ensure_future', 'start', 'stop', 'close', 'aclose', 'shutdown',
                    'flush', 'disconnect', 'terminate', 'kill', 'cancel', '__aenter__', '__aexit__', '__anext__',
                    'asend', 'athrow', 'enter_async_context', 'push_async_exit', 'cleanup', 'emit', 'dispatch',
                    'notify', 'fire', 'trigger')
      OR c.name GLOB 'close_*' OR c.name GLOB '_close*'
      OR lower(c.name) GLOB '*startup*' OR lower(c.name) GLOB '*shutdown*'
      OR c.resolved IN (SELECT name FROM catalogue
                         WHERE (kind = 'sleep' AND family = 'async') OR (kind = 'task-waiter' AND family = 'list'))
      OR (c.name IN ('wait_for', 'shield')
          AND NOT EXISTS (SELECT 1 FROM calls i WHERE i.parent_call_id = c.id AND i.arg_idx = 0))
      OR (c.name IN ('get', 'put', 'join', 'send', 'receive')
          AND (c.receiver_type GLOB '*Queue*' OR c.receiver_type GLOB '*.Channel*'
               OR c.receiver_type GLOB '*memory_object_stream*'
               OR lower(c.receiver) GLOB '*queue' OR lower(c.receiver) GLOB '*_q' OR lower(c.receiver) = 'q'
               OR lower(c.receiver) GLOB '*channel'))
      OR (c.name IN ('debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'log')
          AND (lower(c.receiver) GLOB '*log' OR lower(c.receiver) GLOB '*logger'
               OR lower(c.receiver) GLOB '*logging'))
      -- an event hook (a method of an `on_*` attribute) or handler
      OR c.receiver GLOB 'on_*' OR c.receiver GLOB '*.on_*' OR c.receiver GLOB '_on_*' OR c.receiver GLOB '*._on_*'
      OR c.name = 'handle' OR c.name GLOB 'handle_*' OR c.name GLOB '_handle_*'
      OR c.name GLOB 'on_*' OR c.name GLOB '_on_*'
      -- a callable made by an expression: `await self.wrap(func)()`
      OR coalesce(c.name, '') = ''
      -- a callable given to the function: a parameter or a loop variable
      OR (c.receiver IS NULL AND c.function_id IS NOT NULL
          AND (EXISTS (SELECT 1 FROM params p WHERE p.function_id = c.function_id AND p.name = c.callee)
               OR EXISTS (SELECT 1 FROM assignments a
                           WHERE a.function_id = c.function_id AND a.target = c.callee AND a.op = 'for')));

-- io_calls(call_id, family, serves_many)
-- Calls shown to do network or database I/O: the "I/O" of PH113 and PH202
-- (a network, HTTP, database, cache or RPC client call of the catalogue).
-- One of:
--   a method of a client of the catalogue (kind 'client'), by the
--   receiver's type: of the client itself (`session.get()` on an
--   aiohttp.ClientSession, `pool.fetchrow()` on an asyncpg pool), `family`
--   as the catalogue says; or of an object it made (`conn.fetch()` on
--   `pool.acquire()`'s connection, `resp.json()` on a response), family
--   'connection';
--   a database query of db_query_calls on any other receiver (an ORM
--   session, a cursor, a handle named like one), family 'database', or
--   'pool' when the receiver's type is unknown and its name says pool or
--   engine;
--   a module-level HTTP helper (the catalogue's kind http-helper), family
--   'helper'; a call that opens a connection of its own (kind
--   'network-open', or a client's constructor: `await asyncpg.connect()`),
--   family 'connect'.
-- `serves_many`: the receiver can serve concurrent calls (an HTTP session,
-- an engine, a pool, a Redis or MongoDB client, a helper that connects per
-- call); a connection, a cursor, an ORM session or transaction and an
-- embedded database serve one call at a time. Lifecycle and
-- synchronisation calls are in it too (`session.close()`): rules drop
-- them with await_non_io.
CREATE TEMP VIEW io_calls(call_id, family, serves_many) AS
  -- (driven from the calls, each probing the catalogue's index: calls has
  -- no index on receiver_type; the second branch tests each distinct
  -- receiver type once, not each call)
  SELECT c.id, k.family, k.family IN ('session', 'engine', 'pool', 'client')
    FROM calls c CROSS JOIN catalogue k INDEXED BY catalogue_kind ON k.kind = 'client' AND k.name = c.receiver_type
   WHERE c.receiver_type IS NOT NULL
  UNION ALL
  SELECT c.id, 'connection', 0
    FROM calls c
   WHERE c.receiver_type IN (
           SELECT t.rt FROM (SELECT DISTINCT receiver_type AS rt FROM calls WHERE receiver_type GLOB '*.*.*') t
            WHERE NOT EXISTS (SELECT 1 FROM catalogue k WHERE k.kind = 'client' AND k.name = t.rt)
              AND EXISTS (SELECT 1 FROM catalogue k WHERE k.kind = 'client' AND t.rt GLOB k.name || '.*'))
  UNION ALL
  SELECT q.call_id,
         CASE WHEN c.receiver_type IS NULL
                   AND (lower(c.receiver) GLOB '*pool' OR lower(c.receiver) GLOB '*engine') THEN 'pool'
              ELSE 'database' END,
         c.receiver_type IS NULL AND (lower(c.receiver) GLOB '*pool' OR lower(c.receiver) GLOB '*engine')
    FROM db_query_calls q JOIN calls c ON c.id = q.call_id
   WHERE q.kind <> 'repository'
     AND NOT EXISTS (SELECT 1 FROM catalogue k WHERE k.kind = 'client'
                        AND (c.receiver_type = k.name OR c.receiver_type GLOB k.name || '.*'))
  UNION ALL
  SELECT c.id, 'helper', 1 FROM catalogue h JOIN calls c ON c.resolved = h.name WHERE h.kind = 'http-helper'
  UNION ALL
  SELECT c.id, 'connect', 1 FROM catalogue h JOIN calls c ON c.resolved = h.name
   WHERE h.kind IN ('network-open', 'client');

-- io_functions(function_id, depth, via_call_id, serves_many)
-- Project coroutines shown to await I/O: one that awaits an io_calls call
-- (depth 0, via_call_id that call), or that awaits a project coroutine
-- that does (depth n, via_call_id the awaited call, resolved with evidence
-- of its target: call_targets, never a method name alone). Lifecycle and
-- synchronisation steps (await_non_io) are not its I/O. `serves_many`: it
-- can run for many callers at once, because the I/O it reaches is on a
-- receiver that serves concurrent calls, or on a connection it makes
-- itself (`conn = await asyncpg.connect(dsn)`; one per call). Per
-- function: the shortest chain among those that serve many, else the
-- shortest. Chains stop at depth 6.
CREATE TEMP VIEW io_functions(function_id, depth, via_call_id, serves_many) AS
  WITH RECURSIVE
    base(function_id, call_id, serves_many) AS MATERIALIZED (
      SELECT c.async_id, c.id,
             i.serves_many
             OR EXISTS (SELECT 1 FROM calls k
                         WHERE k.function_id = c.function_id AND k.id <> c.id
                           AND k.resolved IS NOT NULL AND k.resolved NOT GLOB '*.*.*.*.*.*'
                           AND (c.receiver_type = k.resolved OR c.receiver_type GLOB k.resolved || '.*')
                           AND k.resolved IN (SELECT name FROM catalogue WHERE kind = 'client'))
        FROM io_calls i JOIN calls c ON c.id = i.call_id
       WHERE c.awaited AND c.async_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM await_non_io n WHERE n.call_id = c.id)),
    r(function_id, depth, via_call_id, serves_many) AS (
      SELECT function_id, 0, min(call_id), serves_many FROM base GROUP BY function_id, serves_many
      UNION
      SELECT e.async_id, r.depth + 1, e.id, r.serves_many
        FROM r JOIN call_targets t ON t.function_id = r.function_id
               JOIN calls e ON e.id = t.call_id
       WHERE r.depth < 6 AND e.awaited AND e.async_id IS NOT NULL AND e.async_id <> r.function_id
         AND NOT EXISTS (SELECT 1 FROM await_non_io n WHERE n.call_id = e.id)),
    ranked(function_id, depth, via_call_id, serves_many, n) AS (
      SELECT function_id, depth, via_call_id, serves_many,
             row_number() OVER (PARTITION BY function_id ORDER BY serves_many DESC, depth, via_call_id)
        FROM r)
  SELECT function_id, depth, via_call_id, serves_many FROM ranked WHERE n = 1;

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

-- ---------------------------------------------------------------------------
-- What opens connections

-- pool_constructors(qualname, kind)
-- Calls that create something holding network connections: the
-- catalogue's kind 'client', whose family is the kind here:
--   session     an HTTP client with its own connection pool (requests.Session,
--               httpx.Client/AsyncClient, aiohttp.ClientSession, urllib3 pools)
--   engine      a SQLAlchemy engine (a database connection pool)
--   pool        a database or Redis connection pool
--   connection  one server database connection (psycopg2, asyncpg, pymysql...)
--   client      a Redis or MongoDB client (its own pool, opened on first use)
--   local       an embedded database connection (sqlite3, aiosqlite)
CREATE TEMP VIEW pool_constructors(qualname, kind) AS
  SELECT name, family FROM catalogue WHERE kind = 'client';

-- pool_creations(call_id, kind)
-- Calls of pool_constructors that really open something new: not a client
-- built over a pool it is given (`redis.Redis(connection_pool=pool)`,
-- `aiohttp.ClientSession(connector=shared, ...)`).
CREATE TEMP VIEW pool_creations(call_id, kind) AS
  SELECT c.id, p.kind
    FROM pool_constructors p JOIN calls c ON c.resolved = p.qualname
   WHERE NOT EXISTS (SELECT 1 FROM call_args a
                      WHERE a.call_id = c.id
                        AND (a.keyword = 'connection_pool'
                             OR (a.keyword = 'connector' AND a.kind <> 'call')));

-- engines_on_sqlite(call_id)
-- Engine calls whose URL names an embedded or in-memory database (the
-- catalogue's kind 'embedded-url': SQLite, `duckdb:///:memory:`): in the
-- call (`"sqlite:///app.db"`, `f"sqlite:///{path}"`, `SQLITE_URL`), or
-- through a name the module binds to such a string. An embedded database
-- has no server connections to pool.
CREATE TEMP VIEW engines_on_sqlite(call_id) AS
  WITH url(call_id, text) AS (
    SELECT a.call_id, a.text
      FROM pool_constructors p JOIN calls c ON c.resolved = p.qualname
      JOIN call_args a ON a.call_id = c.id AND (a.pos = 0 OR a.keyword = 'url')
     WHERE p.kind = 'engine'),
  embedded(pattern) AS (SELECT name FROM catalogue WHERE kind = 'embedded-url')
  SELECT u.call_id FROM url u JOIN embedded e ON lower(u.text) GLOB e.pattern
  UNION
  SELECT u.call_id FROM url u JOIN calls c ON c.id = u.call_id
    JOIN assignments s ON s.file_id = c.file_id AND s.target = u.text AND s.op = '='
    JOIN embedded e ON lower(s.value) GLOB e.pattern
   WHERE s.value_kind IN ('string', 'concatenated_string');

-- http_helpers(qualname)
-- Module-level HTTP helpers that build a throw-away client per call (no
-- connection is kept alive for the next request): the catalogue's kind
-- 'http-helper'.
CREATE TEMP VIEW http_helpers(qualname) AS
  SELECT name FROM catalogue WHERE kind = 'http-helper';
