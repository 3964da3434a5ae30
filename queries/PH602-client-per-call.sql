-- @id PH602
-- @name client-per-call
-- @severity P2
-- @precision high
-- @tags pool http database
-- @message {callee}() in {function}() {what}: create it once and reuse it
-- @fix create the client, engine or pool once (module level, __init__, an app lifespan/startup hook or a cached factory) and pass it in or keep it on self/app.state
-- @description requests.Session, httpx.Client/AsyncClient and
-- aiohttp.ClientSession each own a connection pool; a SQLAlchemy engine and
-- an asyncpg/psycopg/aiomysql/Redis pool own database connections. Created
-- inside an ordinary function or a request handler, a new pool is built and
-- torn down on every call: every request pays new TCP and TLS handshakes
-- (and for engines, new database logins), keep-alive never helps, and
-- under load the sockets left in TIME_WAIT pile up.
-- @bad
-- @app.get("/weather/{city}")
-- async def weather(city: str):
--     async with httpx.AsyncClient() as client:
--         return (await client.get(f"https://wx.example.com/{city}")).json()
-- @good
-- client = httpx.AsyncClient(timeout=10)       # or app.state, set in lifespan
--
-- @app.get("/weather/{city}")
-- async def weather(city: str):
--     return (await client.get(f"https://wx.example.com/{city}")).json()
-- @accepted module level and class bodies; __init__ and other set-up code,
-- lifespan/startup hooks; factories that return the client, alone or
-- wrapped (`return AsyncEngine(engine)`), or store it on an object, in a
-- subscript or a module global; SQLite engines; cached functions
-- (@lru_cache, @cache); main(), functions called from module level, `if
-- __name__ == "__main__":` blocks and CLI commands; tests and fixtures; a
-- client the function reuses across a loop of its own (one pool for many
-- requests); clients over a shared connector or pool; functions that run
-- once per process by a fact of the code (once_functions: start-up and
-- shut-down hooks registered by decorator, keyword, list or call, functions
-- that start a listening server, and functions that only such code calls,
-- outside loops). Creation inside a loop is PH603.
--
-- Result: one row per constructor call, at the call. Columns: the location;
-- `callee` as written; `function`; `what` (what each call creates).
WITH made(id, name) AS (
  SELECT c.id, CASE WHEN c.use = 'assign' THEN c.target ELSE w.as_name END
    FROM pool_creations p JOIN calls c ON c.id = p.call_id
    JOIN functions f ON f.id = c.function_id AND NOT f.is_lambda
    LEFT JOIN withs w ON w.call_id = c.id
   WHERE p.kind IN ('session', 'engine', 'pool') AND c.id NOT IN (SELECT call_id FROM engines_on_sqlite)
     AND c.loop_id IS NULL AND NOT c.in_main_guard AND c.use <> 'return'
     AND c.function_id NOT IN (SELECT function_id FROM once_functions)
     AND NOT (c.use = 'assign' AND (c.target GLOB '*[.[]*'
                                    OR c.function_id IN (SELECT function_id FROM global_declaring_functions))))
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, c.callee, f.name AS function,
       CASE p.kind WHEN 'session' THEN 'builds a new HTTP connection pool on every call'
                   WHEN 'engine' THEN 'builds a new engine (a database connection pool) on every call'
                   ELSE 'builds a new connection pool on every call' END AS what
  FROM made m
  JOIN calls c ON c.id = m.id
  JOIN pool_creations p ON p.call_id = c.id
  JOIN functions f ON f.id = c.function_id
 WHERE NOT EXISTS (              -- handed on: returned by a factory
         SELECT 1 FROM returns r
          WHERE r.function_id = c.function_id           -- the value itself, or in a tuple
            AND (r.value = m.name OR ',' || replace(trim(r.value, '()'), ' ', '') || ','
                                     GLOB '*,' || m.name || ',*')
            AND (r.kind = 'return'
                 OR EXISTS (SELECT 1 FROM decorators d
                             WHERE d.function_id = c.function_id AND d.name GLOB '*contextmanager')))
   AND NOT EXISTS (              -- or returned wrapped: return AsyncEngine(sync_engine)
         SELECT 1 FROM calls k JOIN call_args a ON a.call_id = k.id
          WHERE k.function_id = c.function_id AND k.use = 'return'
            AND instr(a.names, ' ' || m.name || ' ') > 0)
   AND NOT EXISTS (              -- or kept: stored on an object, in a subscript or a global
         SELECT 1 FROM assignments a
          WHERE a.function_id = c.function_id AND a.value = m.name
            AND (a.target_kind IN ('attribute', 'subscript')
                 OR c.function_id IN (SELECT function_id FROM global_declaring_functions)))
   AND NOT EXISTS (              -- reused across a loop of the function
         SELECT 1 FROM calls u
          WHERE u.function_id = c.function_id AND u.loop_id IS NOT NULL
            AND (u.receiver = m.name OR EXISTS (SELECT 1 FROM call_args a
                                                 WHERE a.call_id = u.id AND instr(a.names, ' ' || m.name || ' ') > 0)));
