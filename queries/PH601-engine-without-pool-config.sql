-- @id PH601
-- @name engine-without-pool-config
-- @scope file
-- @severity P2
-- @precision high
-- @tags pool database sqlalchemy
-- @message {callee}() relies on the default pool (5 connections + 10 overflow, no pre-ping, no recycle): size it for the deployment
-- @fix pass pool_size/max_overflow sized to the server's connection limit and the worker count, and pool_pre_ping=True or pool_recycle=N so dropped connections are replaced; poolclass=NullPool behind PgBouncer
-- @description create_engine() and create_async_engine() build a QueuePool of
-- 5 connections with 10 overflow, never pre-pinged or recycled. Under load
-- requests queue for pool_timeout (30 s) and then fail; with several workers
-- the total can exceed the server's max_connections; connections the server
-- or a proxy drops after idling surface as errors on first use. Choosing at
-- least one of pool_size, max_overflow, poolclass, pool_pre_ping or
-- pool_recycle shows the pool was thought about.
-- @bad
-- from sqlalchemy import create_engine
--
-- engine = create_engine("postgresql+psycopg2://app@db/app")
-- @good
-- from sqlalchemy import create_engine
--
-- engine = create_engine(
--     "postgresql+psycopg2://app@db/app",
--     pool_size=10, max_overflow=5, pool_pre_ping=True, pool_recycle=1800,
-- )
-- @accepted SQLite and other embedded or in-memory database URLs (catalogue
-- kind embedded-url: `duckdb:///:memory:`, also a DuckDB file, which has no
-- server either; written in the call, a name bound to one in the same
-- module, or any URL expression that says so), whose pool is not a
-- server's; any of the pool options given
-- (poolclass=NullPool on purpose); options passed through **kwargs;
-- engine_from_config (its options come from the configuration); project
-- functions that happen to be named create_engine.
--
-- Result: one row per engine call, at the call. Columns: the location;
-- `callee` as written.
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, c.callee
  FROM catalogue p JOIN calls c ON c.resolved = p.name
 WHERE p.kind = 'client' AND p.family = 'engine' AND p.unless IS NOT 'from-config' AND NOT c.star_args
   AND NOT EXISTS (SELECT 1 FROM catalogue s
                    WHERE s.kind = 'pool-setting' AND instr(c.kwargs, ',' || s.name || ',') > 0)
   AND c.id NOT IN (SELECT call_id FROM engines_on_sqlite);
