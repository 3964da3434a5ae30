-- pyhunt library views for connection pooling (PH601-PH605) and expensive
-- work in hot paths (PH701-PH705): what creates a connection or a pool, which
-- functions run once per process and which once per request or per item,
-- and the call chain that makes them so. Loaded after views.sql (name
-- order) and built on its call graph (call_edges, request_handlers); they
-- know nothing of messages or severities.

-- ---------------------------------------------------------------------------
-- What opens connections

-- pool_constructors(qualname, kind)
-- Calls that create something holding network connections, by kind:
--   session     an HTTP client with its own connection pool (requests.Session,
--               httpx.Client/AsyncClient, aiohttp.ClientSession, urllib3 pools)
--   engine      a SQLAlchemy engine (a database connection pool)
--   pool        a database or Redis connection pool
--   connection  one server database connection (psycopg2, asyncpg, pymysql...)
--   client      a Redis or MongoDB client (its own pool, opened on first use)
--   local       an embedded database connection (sqlite3, aiosqlite)
CREATE TEMP VIEW pool_constructors(qualname, kind) AS
  VALUES ('requests.Session', 'session'), ('requests.session', 'session'),
         ('requests.sessions.Session', 'session'), ('requests.sessions.session', 'session'),
         ('httpx.Client', 'session'), ('httpx.AsyncClient', 'session'),
         ('aiohttp.ClientSession', 'session'), ('aiohttp.client.ClientSession', 'session'),
         ('urllib3.PoolManager', 'session'), ('urllib3.poolmanager.PoolManager', 'session'),
         ('urllib3.HTTPConnectionPool', 'session'), ('urllib3.HTTPSConnectionPool', 'session'),
         ('urllib3.connection_from_url', 'session'),
         ('sqlalchemy.create_engine', 'engine'), ('sqlalchemy.engine.create_engine', 'engine'),
         ('sqlalchemy.engine.create.create_engine', 'engine'), ('sqlalchemy.engine_from_config', 'engine'),
         ('sqlalchemy.ext.asyncio.create_async_engine', 'engine'),
         ('sqlalchemy.ext.asyncio.engine.create_async_engine', 'engine'),
         ('sqlalchemy.ext.asyncio.async_engine_from_config', 'engine'),
         ('asyncpg.create_pool', 'pool'), ('asyncpg.pool.create_pool', 'pool'), ('aiomysql.create_pool', 'pool'),
         ('aiopg.create_pool', 'pool'), ('psycopg2.pool.SimpleConnectionPool', 'pool'),
         ('psycopg2.pool.ThreadedConnectionPool', 'pool'), ('psycopg_pool.ConnectionPool', 'pool'),
         ('psycopg_pool.AsyncConnectionPool', 'pool'), ('redis.ConnectionPool', 'pool'),
         ('redis.BlockingConnectionPool', 'pool'), ('redis.asyncio.ConnectionPool', 'pool'),
         ('redis.asyncio.BlockingConnectionPool', 'pool'), ('aioredis.create_redis_pool', 'pool'),
         ('psycopg2.connect', 'connection'), ('psycopg.connect', 'connection'),
         ('psycopg.Connection.connect', 'connection'), ('psycopg.AsyncConnection.connect', 'connection'),
         ('asyncpg.connect', 'connection'), ('pymysql.connect', 'connection'), ('pymysql.Connect', 'connection'),
         ('pymysql.connections.Connection', 'connection'), ('MySQLdb.connect', 'connection'),
         ('MySQLdb.Connect', 'connection'), ('mysql.connector.connect', 'connection'),
         ('aiomysql.connect', 'connection'), ('aiopg.connect', 'connection'), ('cx_Oracle.connect', 'connection'),
         ('oracledb.connect', 'connection'), ('pyodbc.connect', 'connection'), ('pymssql.connect', 'connection'),
         ('redis.Redis', 'client'), ('redis.StrictRedis', 'client'), ('redis.from_url', 'client'),
         ('redis.Redis.from_url', 'client'), ('redis.asyncio.Redis', 'client'), ('redis.asyncio.from_url', 'client'),
         ('redis.asyncio.Redis.from_url', 'client'), ('aioredis.Redis', 'client'), ('aioredis.from_url', 'client'),
         ('pymongo.MongoClient', 'client'), ('motor.motor_asyncio.AsyncIOMotorClient', 'client'),
         ('sqlite3.connect', 'local'), ('aiosqlite.connect', 'local');

-- pool_creations(call_id, kind, what)
-- Calls of pool_constructors that really open something new: not a client
-- built over a pool it is given (`redis.Redis(connection_pool=pool)`,
-- `aiohttp.ClientSession(connector=shared, ...)`). `what` is the callee as
-- written, for messages.
CREATE TEMP VIEW pool_creations(call_id, kind, what) AS
  SELECT c.id, p.kind, c.callee
    FROM pool_constructors p JOIN calls c ON c.resolved = p.qualname
   WHERE NOT EXISTS (SELECT 1 FROM call_args a
                      WHERE a.call_id = c.id
                        AND (a.keyword = 'connection_pool'
                             OR (a.keyword = 'connector' AND a.kind <> 'call')));

-- http_helpers(qualname)
-- Module-level HTTP helpers that build a throw-away client per call (no
-- connection is kept alive for the next request).
CREATE TEMP VIEW http_helpers(qualname) AS
  VALUES ('requests.get'), ('requests.post'), ('requests.put'), ('requests.patch'), ('requests.delete'),
         ('requests.head'), ('requests.options'), ('requests.request'),
         ('requests.api.get'), ('requests.api.post'), ('requests.api.put'), ('requests.api.patch'),
         ('requests.api.delete'), ('requests.api.head'), ('requests.api.options'), ('requests.api.request'),
         ('httpx.get'), ('httpx.post'), ('httpx.put'), ('httpx.patch'), ('httpx.delete'), ('httpx.head'),
         ('httpx.options'), ('httpx.request'), ('httpx.stream'),
         ('aiohttp.request'), ('aiohttp.client.request');

-- ---------------------------------------------------------------------------
-- How often a function runs

-- once_functions(function_id, why)
-- Functions that run once per process (or per test), where creating a
-- client or connecting is set-up, not per-call work. `why` is one of:
--   main     an entry point: main(), or a function called from module-level
--            code (`if __name__ == "__main__": run()`, `asyncio.run(amain())`,
--            `app = create_app()`), outside any loop
--   setup    __init__ and friends, setUp, init_app/create_app; lifespan and
--            startup hooks, by name, by decorator (`@app.on_event("startup")`,
--            `@app.before_serving`) or by registration (`lifespan=f`,
--            `on_startup=[f]`, `app.on_startup.append(f)`)
--   cli      a click/typer command, a Django management command's handle()
--   test     a function of a test file, a test_* function, a pytest fixture
--   cached   a function whose result a decorator caches (lru_cache, cache,
--            cached_property...): its body runs once per argument
CREATE TEMP VIEW once_functions(function_id, why) AS
  SELECT id, 'main' FROM functions
   WHERE name IN ('main', '_main', 'amain', 'async_main', 'main_async', 'run_main')
  UNION
  SELECT f.id, 'main'
    FROM calls c JOIN functions f ON f.qualname = c.resolved
   WHERE c.function_id IS NULL AND c.loop_id IS NULL AND NOT c.in_decorator
  UNION
  SELECT id, 'setup' FROM functions
   WHERE name IN ('__init__', '__post_init__', '__new__', '__aenter__', '__enter__', 'setUp', 'setUpClass',
                  'asyncSetUp', 'setup_method', 'setup_class', 'setup', 'init_app', 'create_app',
                  'lifespan', 'startup', 'on_startup', '_startup', 'on_start', 'before_serving')
  UNION
  SELECT d.function_id, 'setup' FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND (d.name GLOB '*on_event' OR d.name GLOB '*on_startup*' OR d.name GLOB '*.startup'
          OR d.name GLOB '*before_serving' OR d.name GLOB '*before_first_request'
          OR d.name GLOB '*.listener' OR d.name GLOB '*.on_ready')
  UNION
  SELECT f.id, 'setup'
    FROM call_args a JOIN calls c ON c.id = a.call_id
    JOIN functions f ON f.file_id = a.file_id AND f.parent_id IS NULL AND f.class_id IS NULL
                    AND instr(' ' || a.names || ' ', ' ' || f.name || ' ') > 0
   WHERE a.keyword IN ('lifespan', 'on_startup', 'startup')
      OR (c.name = 'append' AND (c.receiver GLOB '*on_startup' OR c.receiver GLOB '*on_cleanup'
                                 OR c.receiver GLOB '*cleanup_ctx'))
      OR (c.name = 'add_event_handler' AND a.pos = 1)
  UNION
  SELECT d.function_id, 'cli' FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND (d.name GLOB '*command' OR d.resolved GLOB 'click.*' OR d.resolved GLOB 'typer.*')
  UNION
  SELECT f.id, 'cli' FROM functions f JOIN files p ON p.id = f.file_id
   WHERE f.name = 'handle' AND f.is_method AND p.path GLOB '*management/commands/*'
  UNION
  SELECT f.id, 'test' FROM functions f JOIN files p ON p.id = f.file_id
   WHERE p.is_test OR f.name GLOB 'test_*'
  UNION
  SELECT d.function_id, 'test' FROM decorators d
   WHERE d.function_id IS NOT NULL AND (d.name GLOB '*fixture' OR d.resolved GLOB 'pytest.fixture*')
  UNION
  SELECT d.function_id, 'cached' FROM decorators d
   WHERE d.function_id IS NOT NULL
     AND (d.name GLOB '*lru_cache' OR d.name GLOB '*cache' OR d.name GLOB '*cached_property'
          OR d.name GLOB '*cached' OR d.name GLOB '*memoize*' OR d.name GLOB '*cache_resource');

-- paced_loops(loop_id)
-- Loops whose body sleeps (time.sleep, asyncio/trio/anyio/gevent sleep) in
-- the loop itself or a loop nested in it: polling and retry loops run at a
-- pace of their own choosing, they are not hot paths.
CREATE TEMP VIEW paced_loops(loop_id) AS
  SELECT DISTINCT a.ancestor_id
    FROM calls c JOIN loop_ancestors a ON a.loop_id = c.loop_id
   WHERE c.loop_id IS NOT NULL
     AND c.resolved IN ('time.sleep', 'asyncio.sleep', 'asyncio.tasks.sleep', 'trio.sleep', 'anyio.sleep',
                        'gevent.sleep', 'eventlet.sleep');

-- hot_sinks(call_id, rule)
-- The calls PH604 (a database or Redis connection) and PH605 (a module-level
-- HTTP helper) report when they run per request or per item, before asking
-- the call graph whether they do: made inside a function that is not run
-- once (once_functions), not under `if __name__ == "__main__":`, not in a
-- paced loop; PH604's connection is not memoized (stored on an attribute,
-- in a subscript or a module global).
CREATE TEMP VIEW hot_sinks(call_id, rule) AS
  SELECT c.id, 'PH604'
    FROM pool_creations p JOIN calls c ON c.id = p.call_id
   WHERE p.kind IN ('connection', 'client')
     AND c.function_id IS NOT NULL AND NOT c.in_main_guard
     AND c.function_id NOT IN (SELECT function_id FROM once_functions)
     AND (c.loop_id IS NULL OR c.loop_id NOT IN (SELECT loop_id FROM paced_loops))
     AND NOT (c.use = 'assign' AND (c.target GLOB '*[.[]*'
                                    OR c.function_id IN (SELECT function_id FROM global_declaring_functions)))
  UNION ALL
  SELECT c.id, 'PH605'
    FROM http_helpers h JOIN calls c ON c.resolved = h.qualname
   WHERE c.function_id IS NOT NULL AND NOT c.in_main_guard
     AND c.function_id NOT IN (SELECT function_id FROM once_functions)
     AND (c.loop_id IS NULL OR c.loop_id NOT IN (SELECT loop_id FROM paced_loops));

-- hot_chains(call_id, rule, root, steps, related)
-- For every hot_sinks call: why it runs per request or per item, shortest
-- reason first (ties: loops before handlers, then source order).
--   root    'loop'    the call is in a loop body or comprehension
--           'handler' its function is a request handler
--           'chain'   its function is called, at any depth (up to 10
--                     calls), from a loop body or from a request handler
--   steps   the chain as text: 'ingest -> save_reading' ('' for loop/handler)
--   related JSON array of the locations that show it, in order: the loop,
--           or the handler's decorator, then every call of the chain.
-- The closure is seeded at the functions holding a sink and walks
-- call_edges backwards (one row per function, sink function and depth), so
-- its cost follows the sinks' callers, not the whole call graph. Roots in
-- test files and paced loops do not count.
CREATE TEMP VIEW hot_chains(call_id, rule, root, steps, related) AS
  WITH RECURSIVE
    sink(call_id, rule, function_id) AS MATERIALIZED (
      SELECT s.call_id, s.rule, c.function_id FROM hot_sinks s JOIN calls c ON c.id = s.call_id),
    e(caller, callee, call_id) AS MATERIALIZED (
      SELECT DISTINCT ce.caller, ce.callee, ce.call_id FROM call_edges ce),
    up(function_id, sink_fn, depth) AS (
      SELECT DISTINCT function_id, function_id, 0 FROM sink
      UNION
      SELECT e.caller, up.sink_fn, up.depth + 1
        FROM up JOIN e ON e.callee = up.function_id
       WHERE up.depth < 10),
    dist(function_id, sink_fn, depth) AS MATERIALIZED (
      SELECT function_id, sink_fn, min(depth) FROM up GROUP BY function_id, sink_fn),
    live(file_id) AS MATERIALIZED (SELECT id FROM files WHERE NOT is_test),
    -- candidate roots per sink function: (length, kind order, root id)
    roots(sink_fn, len, ord, kind, root_id, first_fn) AS (
      SELECT d.sink_fn, d.depth + 1, 0, 'loop', c.id, d.function_id
        FROM dist d JOIN e ON e.callee = d.function_id
        JOIN calls c ON c.id = e.call_id
       WHERE c.loop_id IS NOT NULL AND c.loop_id NOT IN (SELECT loop_id FROM paced_loops)
         AND c.file_id IN (SELECT file_id FROM live)
      UNION ALL
      SELECT d.sink_fn, d.depth, 1, 'handler', h.function_id, h.function_id
        FROM dist d JOIN request_handlers h ON h.function_id = d.function_id
        JOIN functions f ON f.id = h.function_id
       WHERE f.file_id IN (SELECT file_id FROM live)),
    best(sink_fn, len, kind, root_id, first_fn) AS MATERIALIZED (
      SELECT sink_fn, len, kind, root_id, first_fn FROM (
        SELECT r.*, row_number() OVER (PARTITION BY sink_fn ORDER BY len, ord, root_id) AS rn FROM roots r)
       WHERE rn = 1),
    -- the chain from the root down to the sink function, one call per step:
    -- in each function, the first call to a function one step closer
    walk(sink_fn, n, function_id, steps, related) AS (
      SELECT b.sink_fn, 0, b.first_fn,
             CASE b.kind WHEN 'loop' THEN rf.name || ' -> ' || tf.name ELSE tf.name END,
             CASE b.kind
               WHEN 'loop' THEN
                 json_array(json_object('file_id', l.file_id, 'line', l.line, 'col', l.col,
                                        'end_line', l.line, 'end_col', l.col,
                                        'message', 'a ' || replace(l.kind, '_', ' ') || ' loop in ' || rf.name || '()'),
                            json_object('file_id', c.file_id, 'line', c.line, 'col', c.col,
                                        'end_line', c.end_line, 'end_col', c.end_col,
                                        'message', rf.name || '() calls ' || tf.name || '() once per iteration'))
               ELSE
                 json_array(json_object('file_id', d.file_id, 'line', d.line, 'col', d.col,
                                        'end_line', d.end_line, 'end_col', d.end_col,
                                        'message', tf.name || '() handles every request: @' || d.text))
             END
        FROM best b
        JOIN functions tf ON tf.id = b.first_fn
        LEFT JOIN calls c ON b.kind = 'loop' AND c.id = b.root_id
        LEFT JOIN loops l ON l.id = c.loop_id
        LEFT JOIN functions rf ON rf.id = c.function_id
        LEFT JOIN decorators d ON b.kind = 'handler'
                              AND d.id = (SELECT min(x.id) FROM decorators x JOIN request_handlers h
                                                                  ON h.function_id = x.function_id AND h.decorator = x.text
                                           WHERE x.function_id = b.first_fn)
      UNION ALL
      SELECT w.sink_fn, w.n + 1, nx.callee, w.steps || ' -> ' || g.name,
             json_insert(w.related, '$[#]',
                         json_object('file_id', c.file_id, 'line', c.line, 'col', c.col,
                                     'end_line', c.end_line, 'end_col', c.end_col,
                                     'message', f.name || '() calls ' || g.name || '()'))
        FROM walk w
        JOIN dist here ON here.function_id = w.function_id AND here.sink_fn = w.sink_fn
        JOIN (SELECT e.call_id, min(e.callee) AS callee, e.caller, d.sink_fn, d.depth
                FROM e JOIN dist d ON d.function_id = e.callee
               GROUP BY e.call_id, d.sink_fn, d.depth) nx
          ON nx.caller = w.function_id AND nx.sink_fn = w.sink_fn AND nx.depth = here.depth - 1
         AND nx.call_id = (SELECT min(e2.call_id) FROM e e2 JOIN dist d2 ON d2.function_id = e2.callee
                            WHERE e2.caller = w.function_id AND d2.sink_fn = w.sink_fn
                              AND d2.depth = here.depth - 1)
        JOIN calls c ON c.id = nx.call_id
        JOIN functions f ON f.id = w.function_id
        JOIN functions g ON g.id = nx.callee
       WHERE here.depth > 0 AND w.n < 12)
  SELECT s.call_id, s.rule, 'loop', '',
         json_array(json_object('file_id', l.file_id, 'line', l.line, 'col', l.col, 'end_line', l.line,
                                'end_col', l.col,
                                'message', 'a ' || replace(l.kind, '_', ' ') || ' loop'
                                           || coalesce(' over ' || l.iter, '')))
    FROM sink s JOIN calls c ON c.id = s.call_id JOIN loops l ON l.id = c.loop_id
  UNION ALL
  SELECT s.call_id, s.rule, 'handler', '',
         json_array(json_object('file_id', d.file_id, 'line', d.line, 'col', d.col, 'end_line', d.end_line,
                                'end_col', d.end_col, 'message', f.name || '() handles every request: @' || d.text))
    FROM sink s JOIN calls c ON c.id = s.call_id
    JOIN functions f ON f.id = s.function_id
    JOIN decorators d ON d.id = (SELECT min(x.id) FROM decorators x JOIN request_handlers h
                                        ON h.function_id = x.function_id AND h.decorator = x.text
                                  WHERE x.function_id = s.function_id)
   WHERE c.loop_id IS NULL AND f.file_id IN (SELECT file_id FROM live)
  UNION ALL
  SELECT s.call_id, s.rule, 'chain', w.steps, w.related
    FROM sink s JOIN calls c ON c.id = s.call_id
    JOIN walk w ON w.sink_fn = s.function_id AND w.function_id = s.function_id
    JOIN best b ON b.sink_fn = s.function_id
   WHERE c.loop_id IS NULL AND b.len > 0
     AND s.function_id NOT IN (SELECT function_id FROM request_handlers);
