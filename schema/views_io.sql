-- pyhunt library views for I/O: database queries, awaited I/O, loops and
-- what varies in them, and the fate of a resource bound to a local name.
-- Used by PH201/PH202 (N+1 and I/O in loops) and PH301-PH304 (resource
-- lifecycle); they know nothing of messages or severities. Loaded after
-- views.sql (name order) and built on its call graph (call_targets,
-- call_edges).

-- ---------------------------------------------------------------------------
-- Loops

-- loop_ancestors(loop_id, ancestor_id, depth)
-- A loop and every loop enclosing it in the same function: depth 0 is the
-- loop itself, 1 its parent...
CREATE TEMP VIEW loop_ancestors(loop_id, ancestor_id, depth) AS
  WITH RECURSIVE a(loop_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM loops
    UNION ALL
    SELECT a.loop_id, l.parent_id, a.depth + 1
      FROM a JOIN loops l ON l.id = a.ancestor_id
     WHERE l.parent_id IS NOT NULL AND a.depth < 40)
  SELECT loop_id, ancestor_id, depth FROM a;

-- loop_targets(loop_id, name)
-- The names a for loop or comprehension binds, one row each (`for i, (k, v)
-- in ...` gives i, k and v). `_` is left out: it is bound, never read.
CREATE TEMP VIEW loop_targets(loop_id, name) AS
  WITH RECURSIVE s(loop_id, name, rest) AS (
    SELECT id, NULL, ltrim(targets) FROM loops WHERE targets IS NOT NULL AND trim(targets) <> ''
    UNION ALL
    SELECT loop_id, substr(rest, 1, instr(rest || ' ', ' ') - 1),
           ltrim(substr(rest, instr(rest || ' ', ' ') + 1))
      FROM s WHERE rest <> '')
  SELECT loop_id, name FROM s WHERE name IS NOT NULL AND name NOT IN ('', '_');

-- loop_vars(loop_id, name)
-- Names whose value changes from one iteration of the loop to the next:
--   * the names it binds, and those of loops nested in it;
--   * in a `while` loop (which binds none), every name assigned in its body;
--   * in other loops, a name assigned in the body by a statement that reads
--     one of the above (`uid = row["id"]`): one level of derivation.
CREATE TEMP VIEW loop_vars(loop_id, name) AS
  WITH t(loop_id, name) AS MATERIALIZED (
    SELECT la.ancestor_id, lt.name
      FROM loop_ancestors la JOIN loop_targets lt ON lt.loop_id = la.loop_id)
  SELECT loop_id, name FROM t
  UNION
  SELECT la.ancestor_id, a.target
    FROM assignments a
    JOIN loop_ancestors la ON la.loop_id = a.loop_id
    JOIN loops l ON l.id = la.ancestor_id
   WHERE a.loop_id IS NOT NULL AND a.target_kind = 'name' AND a.op <> 'for'
     AND (l.kind = 'while'
          OR EXISTS (SELECT 1 FROM t JOIN names n ON n.function_id = a.function_id AND n.name = t.name
                      WHERE t.loop_id = la.ancestor_id AND n.stmt_id = a.stmt_id AND n.ctx = 'load'));

-- fixed_loops(loop_id)
-- Loops over a literal list, tuple or set (`for table in ("a", "b")`): they
-- run a known, small number of times.
CREATE TEMP VIEW fixed_loops(loop_id) AS
  SELECT id FROM loops WHERE iter_kind IN ('list', 'tuple', 'set');

-- call_chain_links(call_id, link_id)
-- A call and the calls chained on its value (`session.query(X).filter(...)
-- .first()`: the filter and first calls are links of the query call). They
-- start where the call starts and were numbered just before it.
CREATE TEMP VIEW call_chain_links(call_id, link_id) AS
  SELECT c.id, c.id FROM calls c
  UNION ALL
  SELECT c.id, o.id
    FROM calls c JOIN calls o ON o.id BETWEEN c.id - 24 AND c.id - 1
   WHERE c.use = 'attr' AND o.line = c.line AND o.col = c.col AND o.stmt_id IS c.stmt_id;

-- ---------------------------------------------------------------------------
-- Database queries

-- db_driver_types(prefix)
-- Qualified-name prefixes of database drivers and ORMs: a receiver typed
-- `sqlite3.connect`, `asyncpg.create_pool`, `sqlalchemy.orm.Session`... is a
-- database handle.
CREATE TEMP VIEW db_driver_types(prefix) AS
  VALUES ('sqlite3'), ('psycopg2'), ('psycopg'), ('pymysql'), ('MySQLdb'), ('mysql.connector'),
         ('asyncpg'), ('aiosqlite'), ('aiomysql'), ('aiopg'), ('sqlalchemy'), ('sqlmodel'),
         ('flask_sqlalchemy'), ('databases'), ('cx_Oracle'), ('oracledb'), ('pyodbc'), ('duckdb'),
         ('django.db'), ('pymongo'), ('motor'), ('mongoengine'), ('clickhouse_driver'), ('cassandra');

-- db_receiver_names(pattern)
-- Lower-case GLOBs for the last part of a receiver whose type is unknown but
-- whose name says it is a cursor, connection, pool or ORM session.
CREATE TEMP VIEW db_receiver_names(pattern) AS
  VALUES ('cur'), ('cursor'), ('*cursor'), ('*_cur'), ('conn'), ('con'), ('cnx'), ('connection'),
         ('*conn'), ('*_connection'), ('db'), ('*_db'), ('database'), ('pool'), ('*_pool'), ('dbpool'),
         ('tx'), ('txn'), ('transaction'), ('session'), ('*session'), ('engine'), ('*_engine');

-- db_query_calls(call_id, kind)
-- Calls that run a database query (one round trip each):
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
           CASE WHEN c.name IN ('fetchone', 'fetchall', 'fetchmany') THEN 'result'
                WHEN c.name IN ('get', 'get_one', 'query', 'scalar', 'scalars', 'refresh', 'merge') THEN 'orm'
                ELSE 'sql' END
      FROM calls c
     WHERE c.name IN ('execute', 'executescript', 'fetch', 'fetchrow', 'fetchval', 'fetchone', 'fetchall',
                      'fetchmany', 'get', 'get_one', 'query', 'scalar', 'scalars', 'refresh', 'merge')
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
   WHERE c.name IN ('get', 'get_or_404', 'filter', 'filter_by', 'first_or_404')
     AND c.receiver GLOB '[A-Z]*.query' AND c.receiver NOT GLOB '*[^A-Za-z0-9_.]*'
  UNION ALL
  -- Django managers
  SELECT c.id, 'django' FROM calls c
   WHERE c.name IN ('get', 'filter', 'exclude', 'get_or_create', 'update_or_create', 'create', 'update',
                    'delete', 'count', 'exists', 'first', 'last', 'aggregate', 'in_bulk', 'values',
                    'values_list', 'all', 'select_related', 'prefetch_related', 'annotate', 'order_by',
                    'only', 'defer', 'raw', 'latest', 'earliest', 'aget', 'acreate', 'aget_or_create',
                    'aupdate_or_create', 'acount', 'aexists', 'afirst', 'alast')
     AND (c.receiver GLOB '*.objects' OR c.receiver GLOB '*._default_manager'
          OR c.receiver GLOB '*._base_manager')
  UNION ALL
  -- MongoDB collections: the operation names that are Mongo's own, on any
  -- receiver; the generic ones (find, aggregate, distinct) on a receiver
  -- typed by a Mongo driver, named like a database or collection, or given
  -- a filter document.
  SELECT c.id, 'mongo' FROM calls c
   WHERE c.name IN ('find_one', 'find_one_and_update', 'find_one_and_replace', 'find_one_and_delete',
                    'count_documents', 'insert_one', 'update_one', 'update_many', 'delete_one',
                    'delete_many', 'replace_one')
     AND c.receiver IS NOT NULL
  UNION ALL
  SELECT c.id, 'mongo' FROM calls c
   WHERE c.name IN ('find', 'aggregate', 'distinct')
     AND c.receiver IS NOT NULL
     AND (c.receiver_type GLOB 'pymongo.*' OR c.receiver_type GLOB 'motor.*'
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

-- ---------------------------------------------------------------------------
-- Awaited I/O

-- await_non_io(call_id, kind)
-- Awaited calls that wait for time or for another task rather than for I/O:
-- sleep, lock/semaphore acquire, event/condition wait, queue get/put/join,
-- stream drain, and the fan-out helpers that already run concurrently
-- (gather, wait, as_completed).
CREATE TEMP VIEW await_non_io(call_id, kind) AS
  SELECT c.id,
         CASE WHEN c.name = 'sleep' THEN 'sleep'
              WHEN c.name IN ('acquire', 'wait', 'wait_closed', 'drain') THEN 'sync'
              WHEN c.name IN ('gather', 'as_completed') OR c.resolved IN ('asyncio.wait', 'trio.open_nursery')
                THEN 'concurrent'
              ELSE 'queue' END
    FROM calls c
   WHERE c.name IN ('sleep', 'acquire', 'wait', 'wait_closed', 'drain', 'gather', 'as_completed')
      OR c.resolved IN ('asyncio.wait', 'asyncio.sleep', 'trio.sleep', 'anyio.sleep')
      OR (c.name IN ('get', 'put', 'join', 'send', 'receive')
          AND (c.receiver_type GLOB '*Queue*' OR c.receiver_type GLOB '*.Channel*'
               OR c.receiver_type GLOB '*memory_object_stream*'
               OR lower(c.receiver) GLOB '*queue' OR lower(c.receiver) GLOB '*_q' OR lower(c.receiver) = 'q'
               OR lower(c.receiver) GLOB '*channel'));

-- io_coroutines(function_id, depth, via_call_id)
-- Project coroutines that await I/O: an awaited call that is neither
-- await_non_io nor a project function (depth 0, via_call_id that call), or an
-- awaited project coroutine that does (depth n, via_call_id the awaited
-- call). Chains stop at depth 6.
CREATE TEMP VIEW io_coroutines(function_id, depth, via_call_id) AS
  WITH RECURSIVE
    aw(function_id, call_id) AS MATERIALIZED (
      SELECT c.async_id, c.id FROM calls c WHERE c.awaited AND c.async_id IS NOT NULL),
    r(function_id, depth, via_call_id) AS (
      SELECT aw.function_id, 0, min(aw.call_id)
        FROM aw
       WHERE NOT EXISTS (SELECT 1 FROM await_non_io n WHERE n.call_id = aw.call_id)
         AND NOT EXISTS (SELECT 1 FROM call_targets t WHERE t.call_id = aw.call_id)
       GROUP BY aw.function_id
      UNION
      SELECT aw.function_id, r.depth + 1, aw.call_id
        FROM r JOIN call_targets t ON t.function_id = r.function_id
               JOIN aw ON aw.call_id = t.call_id
       WHERE r.depth < 6 AND aw.function_id <> r.function_id)
  SELECT function_id, min(depth), via_call_id FROM r GROUP BY function_id;

-- ---------------------------------------------------------------------------
-- Resources bound to local names
--
-- These views are single SELECTs (no UNION) on purpose: SQLite can then
-- flatten them into a rule's join and reach the facts of the few candidate
-- calls through indexes, instead of deriving the view for every call.

-- resource_names(call_id, function_id, name)
-- The local name a call's value is bound to inside a function: `fh =
-- open(p)`, `conn = await pool.acquire()`, and through an awaited wrapper,
-- `conn = await asyncio.wait_for(pool.acquire(), 2)`. Not `with ... as`
-- targets (see withs.as_name), attributes or unpacking.
CREATE TEMP VIEW resource_names(call_id, function_id, name) AS
  SELECT c.id, c.function_id,
         CASE WHEN c.use = 'assign' THEN c.target
              ELSE (SELECT w.target FROM calls w
                     WHERE w.id = c.parent_call_id AND w.use = 'assign' AND w.name IN ('wait_for', 'shield')) END
    FROM calls c
   WHERE c.function_id IS NOT NULL
     AND CASE WHEN c.use = 'assign' THEN c.target
              WHEN c.use = 'arg' AND c.arg_idx = 0 THEN
                (SELECT w.target FROM calls w
                  WHERE w.id = c.parent_call_id AND w.use = 'assign' AND w.name IN ('wait_for', 'shield')) END
         NOT GLOB '*[^A-Za-z0-9_]*'
     AND CASE WHEN c.use = 'assign' THEN c.target
              WHEN c.use = 'arg' AND c.arg_idx = 0 THEN
                (SELECT w.target FROM calls w
                  WHERE w.id = c.parent_call_id AND w.use = 'assign' AND w.name IN ('wait_for', 'shield')) END
         <> '';

-- name_uses(function_id, name, how, call_id, stmt_id)
-- Every read of a name in a function, with what it does to the object the
-- name holds. `how` is one of:
--   return, yield  handed to the caller (alone or in a tuple: `return fh, n`);
--   store          assigned to an attribute, a subscript or another name,
--                  alone or in a display (`self.fh = fh`, `files = [fh]`);
--   arg            passed to a call (call_id);
--   with           used as a context manager (`with fh:`), which closes it;
--   callback       its close method handed over: `atexit.register(fh.close)`
--                  (the row's name is then `fh.close` or `fh.aclose`);
--   use            anything else (a method call on it, a test, an f-string).
-- Rules join it on (function_id, name), which is indexed.
CREATE TEMP VIEW name_uses(function_id, name, how, call_id, stmt_id) AS
  SELECT n.function_id, n.name,
         CASE WHEN n.name GLOB '*.close' OR n.name GLOB '*.aclose' THEN
                CASE WHEN n.role = 'arg' THEN 'callback' ELSE 'use' END
              WHEN n.name GLOB '*.*' THEN 'use'
              WHEN n.role IN ('return', 'yield', 'arg', 'with') THEN n.role
              WHEN n.role = 'assign' THEN 'store'
              WHEN n.role = 'other' AND n.call_id IS NULL THEN
                CASE WHEN (SELECT s.kind FROM statements s WHERE s.id = n.stmt_id) = 'return_statement' THEN 'return'
                     WHEN EXISTS (SELECT 1 FROM returns r
                                   WHERE r.function_id = n.function_id AND r.stmt_id = n.stmt_id
                                     AND r.kind <> 'return') THEN 'yield'
                     WHEN EXISTS (SELECT 1 FROM assignments a
                                   WHERE a.function_id = n.function_id AND a.stmt_id = n.stmt_id AND a.op = '='
                                     AND a.value_kind IN ('tuple', 'list', 'dictionary', 'set', 'expression_list'))
                       THEN 'store'
                     ELSE 'use' END
              ELSE 'use' END,
         n.call_id, n.stmt_id
    FROM names n
   WHERE n.ctx = 'load';

-- closed_by_nested(function_id, name, call_id)
-- A def or lambda nested in the function closes, releases or removes what the
-- name holds (`def cleanup(): fh.close()`): a cleanup callback.
CREATE TEMP VIEW closed_by_nested(function_id, name, call_id) AS
  SELECT f.parent_id, c.receiver, c.id
    FROM functions f JOIN calls c ON c.function_id = f.id
   WHERE f.parent_id IS NOT NULL
     AND c.name IN ('close', 'aclose', 'shutdown', 'release', 'putconn', 'unlink', 'remove');

-- global_declarers(function_id)
-- Functions with a `global` statement: a name they bind that the module
-- also binds at module level lives on after the call. (The statement's names
-- are not extracted; rules pair this with a module-level assignment.)
CREATE TEMP VIEW global_declarers(function_id) AS
  SELECT function_id FROM statements WHERE kind = 'global_statement';

-- finally_calls(call_id)
-- Calls that run on every way out of a try: in its finally clause, or in a
-- try statement nested in an enclosing try's finally (`finally: try:
-- fh.close() except OSError: pass`). That enclosing try's `else:` block is
-- not told apart from its finally.
CREATE TEMP VIEW finally_calls(call_id) AS
  SELECT c.id FROM calls c
   WHERE c.in_finally
      OR (c.try_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM statements t JOIN statements s ON s.id = t.parent_id
                       WHERE t.id = c.try_id AND s.kind = 'try_statement' AND t.block_id > s.id + 1
                         AND NOT EXISTS (SELECT 1 FROM handlers h
                                          WHERE h.function_id IS s.function_id AND h.try_id = s.id
                                            AND t.line BETWEEN h.line AND h.end_line)));

-- non_owning_consumers(qualname)
-- Calls that use a file or connection passed to them without taking it
-- over: passing an object to them is not handing it on.
CREATE TEMP VIEW non_owning_consumers(qualname) AS
  VALUES ('print'), ('len'), ('iter'), ('next'), ('list'), ('tuple'), ('sorted'), ('enumerate'), ('zip'),
         ('isinstance'), ('hasattr'), ('getattr'), ('repr'), ('str'), ('id'), ('json.load'), ('json.dump'),
         ('pickle.load'), ('pickle.dump'), ('marshal.load'), ('marshal.dump'), ('tomllib.load'),
         ('plistlib.load'), ('plistlib.dump'), ('yaml.load'), ('yaml.safe_load'), ('yaml.dump'),
         ('yaml.safe_dump'), ('yaml.load_all'), ('yaml.safe_load_all'), ('csv.reader'), ('csv.writer'),
         ('csv.DictReader'), ('csv.DictWriter'), ('shutil.copyfileobj'), ('os.fstat'), ('os.fsync'),
         ('fcntl.flock'), ('fcntl.lockf'), ('fcntl.fcntl'), ('fcntl.ioctl');
