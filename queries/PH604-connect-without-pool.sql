-- @id PH604
-- @name connect-without-pool
-- @severity P2
-- @precision high
-- @tags pool database redis interprocedural
-- @message {callee}() opens a new connection {per} ({why}): borrow one from a pool instead
-- @fix create a pool once (psycopg2.pool / psycopg_pool, asyncpg.create_pool, aiomysql.create_pool, a module-level redis.Redis) and acquire from it here
-- @description Opening a database connection costs a TCP handshake, often
-- TLS, authentication and a server-side session: milliseconds of latency
-- and a process or thread on the server. Done once per request or once per
-- item, it multiplies that cost by the traffic and can exhaust the server's
-- connection limit under load; a pool keeps connections open and lends them
-- out. The rule reports psycopg2/psycopg, asyncpg, pymysql, MySQLdb,
-- aiomysql and aiopg connects and Redis/MongoDB clients created in a
-- request handler, in a loop body, or in a function that a loop or a
-- request handler calls at any depth, across modules; the chain is given as
-- related locations.
-- @bad
-- def save_reading(dsn, reading):
--     conn = psycopg2.connect(dsn)
--     ...
--
-- def ingest(dsn, readings):
--     for r in readings:
--         save_reading(dsn, r)           # ingest -> save_reading -> connect
-- @good
-- pool = psycopg2.pool.ThreadedConnectionPool(1, 10, dsn)
--
-- def save_reading(reading):
--     conn = pool.getconn()
--     try:
--         ...
--     finally:
--         pool.putconn(conn)
-- @accepted scripts and module-level code; main(), functions called from
-- module level or `if __name__ == "__main__":`; CLI commands (click, typer,
-- Django management commands); connections memoized on an attribute or a
-- global; a `redis.Redis(connection_pool=...)` over a shared pool; code
-- that runs once per process (once_code: start-up and shut-down hooks,
-- server start, functions only such code calls); a connect retried in a
-- loop that ends on its first success (retry_calls: judged as one connect,
-- so only its function's callers can make it per item or per request).
--
-- Result: one row per connect call, at the call. Columns: the location;
-- `callee` as written; `per` ('per item' or 'per request'); `why` (the loop,
-- the handler or the chain); `related` (hot_chains: the loop or handler,
-- then every call of the chain).
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, c.callee,
       CASE WHEN h.root IN ('handler', 'called_by_handler') THEN 'per request' ELSE 'per item' END AS per,
       CASE h.root WHEN 'loop' THEN 'in a loop in ' || f.name || '()'
                   WHEN 'handler' THEN 'in request handler ' || f.name || '()'
                   WHEN 'called_in_loop' THEN 'called from a loop: ' || h.steps
                   ELSE 'called for every request: ' || h.steps END AS why,
       h.related
  FROM hot_chains h JOIN calls c ON c.id = h.call_id JOIN functions f ON f.id = c.function_id
 WHERE h.rule = 'PH604';
