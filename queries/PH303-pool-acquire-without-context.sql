-- @id PH303
-- @name pool-acquire-without-context
-- @severity P1
-- @precision high
-- @tags resources database pool leak
-- @message {what} in {function} {how}
-- @fix use `async with pool.acquire() as conn:`, or release it (pool.release / pool.putconn) in a `finally`
-- @description A connection taken from a pool must go back on every path.
-- If a query raises (a constraint violation, a timeout, a cancelled task)
-- between acquire() and release(), the connection is lost to the pool; after
-- max_size such errors every request waits forever for a connection. The
-- rule reports `conn = await pool.acquire()` (asyncpg, aiomysql, aiopg; also
-- inside asyncio.wait_for) and psycopg2's `pool.getconn()` that are not
-- released in a `finally`.
-- @bad
-- async def save_event(pool, event):
--     conn = await pool.acquire()
--     await conn.execute("INSERT INTO events VALUES ($1)", event.id)
--     await pool.release(conn)
-- @good
-- async def save_event(pool, event):
--     async with pool.acquire() as conn:
--         await conn.execute("INSERT INTO events VALUES ($1)", event.id)
-- @accepted `async with pool.acquire()`; a release()/putconn() (or the
-- connection's own release()/close()) in a `finally`; connections returned
-- to the caller, stored on an object (`self._conn = await
-- pool.acquire()`), or wrapped in an object that is (`return
-- Wrapper(conn)`): the owner releases them; acquire() on locks, semaphores
-- and conditions, and on a project pool class that has no release method
-- (nothing to give back).
--
-- Result: one row per acquire()/getconn() call, at that call. Columns: the
-- location; `what` (`conn = pool.acquire()`), `function`, `how`.
WITH
  acquires(id) AS MATERIALIZED (
    SELECT c.id FROM calls c
     WHERE c.function_id IS NOT NULL
       AND ((c.name IN (SELECT name FROM catalogue WHERE kind = 'pool-take' AND family = 'awaited')
             AND (c.awaited OR EXISTS (SELECT 1 FROM calls w WHERE w.id = c.parent_call_id AND w.awaited
                                          AND w.name IN ('wait_for', 'shield')))
             AND (c.receiver_type GLOB '*[Pp]ool*'
                  OR (c.receiver_type IS NULL
                      AND lower(substr(c.receiver, length(rtrim(c.receiver, replace(c.receiver, '.', ''))) + 1))
                          GLOB '*pool*')))
            OR c.name IN (SELECT name FROM catalogue WHERE kind = 'pool-take' AND family IS NULL))),
  verdict(id, name, how) AS (
    SELECT c.id, r.name,
           CASE WHEN r.name IS NULL THEN 'is never released'
                WHEN EXISTS (SELECT 1 FROM calls k JOIN call_args a ON a.call_id = k.id
                              WHERE k.function_id = c.function_id
                                AND k.name IN (SELECT name FROM catalogue WHERE kind = 'closer' AND family = 'pool')
                                AND instr(a.names, ' ' || r.name || ' ') > 0)
                  OR EXISTS (SELECT 1 FROM calls k WHERE k.function_id = c.function_id AND k.receiver = r.name
                                AND (k.name = 'close'
                                     OR k.name IN (SELECT name FROM catalogue WHERE kind = 'closer' AND family = 'pool')))
                  THEN 'is released, but not in a finally: an exception before that loses the connection'
                ELSE 'is never released' END
      FROM acquires q JOIN calls c ON c.id = q.id
      LEFT JOIN resource_names r ON r.call_id = c.id
     WHERE c.use <> 'with' AND c.use <> 'return'
       -- stored on an object: self._conn = await self._pool.acquire(), also chained
       -- (self._conn = conn = await ...)
       AND NOT (c.use = 'assign' AND (instr(c.target, '.') > 0 OR instr(c.target, '[') > 0))
       AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.function_id = c.function_id AND a.stmt_id = c.stmt_id
                          AND a.target_kind IN ('attribute', 'subscript'))
       -- a project pool class (or a class of its family) without release*/putconn: nothing to give back
       AND NOT EXISTS (SELECT 1 FROM call_graph g JOIN functions m ON m.id = g.callee
                        WHERE g.call_id = c.id AND m.class_id IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM class_ancestry a JOIN functions x ON x.class_id = a.ancestor_id
                                           WHERE a.class_id = m.class_id
                                             AND (x.name GLOB 'release*'
                                                  OR x.name IN (SELECT name FROM catalogue
                                                                 WHERE kind = 'closer' AND family = 'pool')))
                          AND NOT EXISTS (SELECT 1 FROM class_ancestry a JOIN functions x ON x.class_id = a.class_id
                                           WHERE a.ancestor_id = m.class_id
                                             AND (x.name GLOB 'release*'
                                                  OR x.name IN (SELECT name FROM catalogue
                                                                 WHERE kind = 'closer' AND family = 'pool'))))
       AND NOT (c.use = 'arg' AND NOT EXISTS (SELECT 1 FROM calls w WHERE w.id = c.parent_call_id
                                                 AND w.name IN ('wait_for', 'shield')))
       -- released in a finally
       AND NOT EXISTS (SELECT 1 FROM calls k JOIN finally_calls f ON f.call_id = k.id
                        JOIN call_args a ON a.call_id = k.id
                        WHERE k.function_id = c.function_id
                          AND k.name IN (SELECT name FROM catalogue WHERE kind = 'closer' AND family = 'pool')
                          AND instr(a.names, ' ' || r.name || ' ') > 0)
       AND NOT EXISTS (SELECT 1 FROM calls k JOIN finally_calls f ON f.call_id = k.id
                        WHERE k.function_id = c.function_id AND k.receiver = r.name
                          AND (k.name = 'close'
                               OR k.name IN (SELECT name FROM catalogue WHERE kind = 'closer' AND family = 'pool')))
       -- handed on: returned, stored, used as a context manager, or wrapped in an
       -- object that is returned or stored (`return Wrapper(conn)`, `w = Wrapper(conn); return w`)
       AND NOT EXISTS (SELECT 1 FROM name_uses u
                        WHERE u.function_id = r.function_id AND u.name = r.name
                          AND (u.how IN ('return', 'store', 'with')
                               OR (u.how = 'arg'
                                   AND EXISTS (SELECT 1 FROM calls p WHERE p.id = u.call_id
                                                  AND (p.use IN ('return', 'yield')
                                                       OR (p.use = 'assign'
                                                           AND (instr(p.target, '.') > 0 OR instr(p.target, '[') > 0
                                                                OR EXISTS (SELECT 1 FROM name_uses w
                                                                            WHERE w.function_id = p.function_id
                                                                              AND w.name = p.target
                                                                              AND w.how IN ('return', 'yield',
                                                                                            'store')))))))))
       AND NOT (r.function_id IN (SELECT function_id FROM global_declarers)
                AND EXISTS (SELECT 1 FROM assignments a WHERE a.target = r.name AND a.scope = 'module'
                               AND a.file_id = c.file_id)))
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col,
       coalesce(v.name || ' = ', '') || c.callee || '()' AS what, v.how, fn.name AS function
  FROM verdict v
  JOIN calls c ON c.id = v.id
  JOIN functions fn ON fn.id = c.function_id;
