-- @id PH113
-- @name sequential-awaits
-- @scope file
-- @severity P2
-- @precision high
-- @tags async latency concurrency
-- @message {n} independent awaits could run concurrently: {steps}
-- @fix run them together: a, b = await asyncio.gather(get_a(), get_b()) (or tasks in an asyncio.TaskGroup)
-- @description Each await waits for the previous one to finish. When none of
-- the awaited calls needs another's result, the function takes the sum of
-- their latencies where it could take the longest one: a handler that makes
-- three network calls in a row waits for three round trips one after the
-- other. Reported only where every awaited call is shown to do I/O (a
-- client call of the catalogue, or a project coroutine that reaches one)
-- and the calls are shown to be independent.
-- @bad
-- import httpx
--
-- users_api = httpx.AsyncClient(base_url="https://users.example.com")
-- orders_api = httpx.AsyncClient(base_url="https://orders.example.com")
--
-- async def dashboard(uid):
--     user = await users_api.get(f"/users/{uid}")
--     orders = await orders_api.get(f"/orders/{uid}")
--     return user, orders
-- @good
-- async def dashboard(uid):
--     user, orders = await asyncio.gather(
--         users_api.get(f"/users/{uid}"), orders_api.get(f"/orders/{uid}"))
--     return user, orders
-- @accepted awaited calls whose I/O is not shown: unresolved callees, methods
-- on receivers of unknown type, in-memory stores, callbacks, project
-- coroutines that reach no catalogue client call; a later await that reads an
-- earlier result; awaits on the same receiver or receiver root (an ordered
-- protocol: conn.execute then conn.commit); steps where one acts on an object
-- another was given (`await part.write(w)` then `await w.write_eof()`), whose
-- calls take the same connection, session, transaction, cursor or collection,
-- or wrap calls on the same object (`await maybe_async(repo.add(x))` then
-- `maybe_async(repo.get(k))`); a write then a read of the same resource;
-- awaits of sleep, locks, events (wait, set), queues, drain, barriers and
-- lifecycle hooks (on_*, *_hooks); awaits inside `async with` of a
-- transaction or a lock. Beyond the column: a connection, session or
-- collection passed to both is told by its name, its annotated or bound type,
-- or a collection the function made (any of them may serialise the calls);
-- project coroutines that do I/O through the same client object (a
-- module-level client, the same attribute of self) where one of them writes
-- through it (the write and the read may concern one resource); set-up and
-- tear-down steps (connect, start, close, stop...: their order is the
-- protocol); gather/wait and already-running tasks (already concurrent);
-- awaits separated by another statement or in different blocks (the statement
-- between may order them); reads and writes of a stream (writer.write then
-- reader.read: a request and its reply).
--
-- Result: one row per run, at its first await; `n` is the run's length,
-- `steps` names every await of the run with its line, `related` holds their
-- locations (JSON).
--
-- A run is a sequence of consecutive statements of one block (statements
-- idx, idx+1, ...) that are each a single await of a call, as an expression
-- statement or the value of an assignment. The recursive CTE walks each such
-- sequence in order and cuts it greedily: an await that reads a name bound by
-- an earlier await of the current run, or that shares an object with one,
-- starts a new run.
WITH RECURSIVE
ordered_withs AS MATERIALIZED (  -- async with / with of a transaction or a lock: order matters inside
  SELECT w.function_id, s.line, s.end_line
    FROM withs w JOIN statements s ON s.id = w.stmt_id
   WHERE w.function_id IS NOT NULL
     AND (lower(w.context) GLOB '*transaction*' OR lower(w.context) GLOB '*atomic*'
          OR lower(w.context) GLOB '*lock*' OR lower(w.context) GLOB '*mutex*'
          OR lower(w.context) GLOB '*begin(*' OR lower(w.context) GLOB '*savepoint*'
          OR w.resolved IN (SELECT name FROM catalogue WHERE kind = 'async-lock'))),
ordered_verbs(pattern) AS (   -- steps whose order matters, on any object
  VALUES ('*close*'), ('*stop*'), ('*start*'), ('*connect*'), ('*shutdown*'), ('cancel*'), ('*_cancel'),
         ('open*'), ('*_open'), ('login*'), ('logout*'), ('auth*'), ('*handshake*'), ('setup*'),
         ('prepare*'), ('commit*'), ('rollback*'), ('flush*'), ('release*'), ('reset*'), ('ready'),
         ('finish*'), ('begin*'), ('__aenter__'), ('__aexit__'), ('enter_async_context'), ('terminate'),
         ('kill'), ('accept*'), ('bind*'), ('unbind*'), ('listen*'), ('subscribe*'), ('unsubscribe*'),
         ('startup'), ('on_*'), ('_on_*'), ('*_hook'), ('*_hooks'),
         -- already concurrent, or synchronisation rather than I/O (waits for
         -- other tasks, readiness, barriers; asyncio.wait_for is its
         -- coroutine's step, not a wait)
         ('spawn'), ('create_task'), ('start_soon'), ('sleep*'), ('checkpoint*'), ('wait'), ('wait_[a-e]*'),
         ('wait_[g-z]*'), ('wait_f[a-np-z]*'), ('*_wait'), ('*barrier*')),
stream_verbs(pattern) AS (     -- reads and writes, ordered on a stream (writer.write, then reader.read)
  VALUES ('write*'), ('read*'), ('recv*'), ('receive*'), ('send'), ('sendall'), ('send_bytes'), ('send_text'),
         ('send_json'), ('send_str'), ('send_frame'), ('send_all'), ('sendto')),
stream_names(pattern) AS (     -- receivers named like a stream, a socket or a pipe
  VALUES ('*reader*'), ('*writer*'), ('*stream*'), ('ws'), ('*_ws'), ('*websocket*'), ('*sock*'),
         ('*transport*'), ('*pipe*'), ('*stdin*'), ('*stdout*'), ('*stderr*'), ('proc'), ('*process*'),
         ('*serial*'), ('*channel*'), ('conn'), ('*_conn'), ('*connection*')),
imported AS MATERIALIZED (       -- names bound by imports, per file (looked up per step: indexed here)
  SELECT file_id, bound, name IS NULL AS whole_module FROM imports),
single AS MATERIALIZED (         -- statements holding exactly one await
  SELECT a.stmt_id FROM awaits a GROUP BY a.stmt_id HAVING count(*) = 1),
io_steps AS MATERIALIZED (SELECT call_id, handle, writes FROM io_call_handles),
io_reach AS MATERIALIZED (SELECT function_id FROM io_functions),
-- names a function holds a client, connection or collection in: a
-- parameter annotated with, or a name bound to, an I/O client type or a
-- collection; passed to two calls, they order them
held AS MATERIALIZED (
  SELECT p.function_id, p.name FROM params p
   WHERE p.annotation_resolved IS NOT NULL
     AND (p.annotation_resolved IN (SELECT name FROM catalogue WHERE kind = 'client')
          OR p.annotation_resolved IN (SELECT name FROM catalogue WHERE kind = 'collection')
          OR p.annotation_resolved IN ('list', 'dict', 'set', 'typing.List', 'typing.Dict', 'typing.Set'))
  UNION
  SELECT a.function_id, a.target FROM assignments a
   WHERE a.function_id IS NOT NULL AND a.target_kind = 'name'
     AND (a.value_kind IN ('list', 'dictionary', 'set', 'list_comprehension', 'dictionary_comprehension',
                           'set_comprehension')
          OR a.value_type IN (SELECT name FROM catalogue WHERE kind IN ('client', 'collection')))),
cands AS MATERIALIZED (          -- eligible await statements, with the call that does the work
  SELECT s.id, s.block_id, s.idx, s.file_id, s.function_id, a.line, a.col, a.end_line, a.end_col, a.names,
         a.use, a.target, c.id AS call_id, c.callee, c.receiver, c.resolved, c.file_id AS c_file,
         -- the coroutine inside asyncio.wait_for()/shield() is the step
         coalesce((SELECT e.id FROM calls e
                    WHERE e.parent_call_id = c.id AND e.arg_idx = 0
                      AND c.resolved IN (SELECT name FROM catalogue
                                          WHERE kind = 'task-waiter' AND family IN ('timeout', 'shield'))),
                  c.id) AS eff_id
    FROM awaits a
    JOIN statements s ON s.id = a.stmt_id AND s.kind = 'expression_statement'
    JOIN calls c ON c.id = a.call_id
   WHERE a.use IN ('discard', 'assign')
     AND a.stmt_id IN (SELECT stmt_id FROM single)
     AND a.call_id NOT IN (SELECT call_id FROM async_sleeps)
     AND a.call_id NOT IN (SELECT call_id FROM sync_point_calls)
     AND coalesce(c.resolved, '') NOT IN (SELECT name FROM catalogue
                                           WHERE kind = 'task-waiter' AND family NOT IN ('timeout', 'shield'))
     AND NOT EXISTS (SELECT 1 FROM ordered_withs o
                      WHERE o.function_id = s.function_id AND s.line > o.line AND s.line <= o.end_line)
     -- an independent service: a known function, a plain name (a parameter,
     -- a local client) or one attribute of self; not self itself, super(),
     -- nor a part of another object (conn.cursor, self.ws.transport)
     AND ((c.receiver IS NULL AND c.resolved IS NOT NULL)
          OR (c.receiver GLOB '[A-Za-z_]*' AND c.receiver NOT GLOB '*[^A-Za-z0-9_]*'
              AND c.receiver NOT IN ('self', 'cls'))
          OR ((c.receiver GLOB 'self.[A-Za-z_]*' OR c.receiver GLOB 'cls.[A-Za-z_]*')
              AND substr(c.receiver, instr(c.receiver, '.') + 1) NOT GLOB '*[^A-Za-z0-9_]*'))),
steps AS MATERIALIZED (          -- the candidates shown to do I/O, with what they bind and share
  SELECT t.*,
         -- what two steps must not share: the receiver, and a connection,
         -- cursor, session, transaction or collection passed in (one
         -- connection runs one query at a time: `await insert_order(conn,
         -- o); await insert_items(conn, i)`), and the receivers of calls
         -- wrapped in the awaited one (`maybe_async(repo.add(x))`)
         -- (a function called for its effect twice, `await send(a); await
         -- send(b)`, counts as its own receiver)
         -- (a module is no receiver: `await api.get_user()` then `await
         -- api.get_orders()` are two services of one module)
         ' ' || coalesce(CASE WHEN NOT EXISTS (SELECT 1 FROM imported i
                                                WHERE i.file_id = t.c_file AND i.bound = t.receiver
                                                  AND i.whole_module)
                              THEN t.receiver END,
                         CASE WHEN t.use = 'discard' THEN (SELECT e.callee FROM calls e WHERE e.id = t.eff_id) END,
                         '') || ' '
           || coalesce((WITH RECURSIVE split(word, rest) AS (   -- the words of ' a b '
                          SELECT NULL, trim(t.names) || ' '
                          UNION ALL
                          SELECT substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
                            FROM split WHERE rest <> '')
                        SELECT group_concat(word, ' ') FROM split
                         WHERE word IN ('conn', 'connection', 'cursor', 'cur', 'tx', 'txn', 'transaction',
                                        'db', 'uow', 'session')
                            OR word GLOB 'conn_*' OR word GLOB '*_conn' OR word GLOB '*_connection'
                            OR word GLOB '*_cursor' OR word GLOB '*_tx' OR word GLOB '*_session'
                            OR EXISTS (SELECT 1 FROM held h WHERE h.function_id = t.function_id AND h.name = word)),
                       '') || ' '
           || coalesce((SELECT replace(group_concat(DISTINCT substr(k.receiver, 1, instr(k.receiver || '.', '.') - 1)), ',', ' ')
                          FROM calls k
                         WHERE k.parent_call_id = t.eff_id AND k.receiver IS NOT NULL
                           AND k.receiver NOT GLOB '*(*'
                           AND substr(k.receiver, 1, instr(k.receiver || '.', '.') - 1) NOT IN ('self', 'cls')),
                       '') || ' '
           -- a closure of this function acts on the objects its body calls
           -- methods of (`await expect(b"a")` then `await clear()`, both on
           -- the stream s): those are its receivers too
           || coalesce((SELECT replace(group_concat(DISTINCT substr(k.receiver, 1, instr(k.receiver || '.', '.') - 1)), ',', ' ')
                          FROM functions g JOIN calls k ON k.function_id = g.id
                         WHERE g.qualname = t.resolved AND g.parent_id = t.function_id
                           AND k.receiver IS NOT NULL AND k.receiver NOT GLOB '*(*'
                           AND substr(k.receiver, 1, instr(k.receiver || '.', '.') - 1) NOT IN ('self', 'cls')
                           AND NOT EXISTS (SELECT 1 FROM imported i
                                            WHERE i.file_id = k.file_id
                                              AND i.bound = substr(k.receiver, 1, instr(k.receiver || '.', '.') - 1))),
                       '') || ' ' AS keys,
         -- the client objects the step does I/O through, read only or written
         ' ' || coalesce((SELECT group_concat(x.handle, ' ') FROM (
                            SELECT handle, writes FROM io_steps WHERE call_id = t.eff_id AND handle IS NOT NULL
                            UNION ALL
                            SELECT h.handle, h.writes FROM call_targets g
                              JOIN async_io_handles h ON h.function_id = g.function_id
                             WHERE g.call_id = t.eff_id) x WHERE NOT x.writes), '') || ' ' AS reads_via,
         ' ' || coalesce((SELECT group_concat(x.handle, ' ') FROM (
                            SELECT handle, writes FROM io_steps WHERE call_id = t.eff_id AND handle IS NOT NULL
                            UNION ALL
                            SELECT h.handle, h.writes FROM call_targets g
                              JOIN async_io_handles h ON h.function_id = g.function_id
                             WHERE g.call_id = t.eff_id) x WHERE x.writes), '') || ' ' AS writes_via,
         -- the object the call acts on, when it is a local or a parameter
         -- (not self, cls or a module): another step that reads it, or
         -- whose own object this step reads, is ordered with this one
         -- (`await part.write(w)` then `await w.write_eof()`)
         CASE WHEN t.receiver IS NOT NULL
                   AND substr(t.receiver, 1, instr(t.receiver || '.', '.') - 1) NOT IN ('self', 'cls')
                   AND NOT EXISTS (SELECT 1 FROM imported i WHERE i.file_id = t.c_file
                                      AND i.bound = substr(t.receiver, 1, instr(t.receiver || '.', '.') - 1))
              THEN ' ' || substr(t.receiver, 1, instr(t.receiver || '.', '.') - 1) || ' ' ELSE '' END AS root,
         CASE WHEN t.target IS NULL THEN ''
              ELSE ' ' || replace(replace(replace(replace(replace(replace(replace(replace(
                     t.target, ',', ' '), '(', ' '), ')', ' '), '[', ' '), ']', ' '), '*', ' '), '.', ' '), '"', ' ')
                   || ' ' END AS binds
    FROM cands t
    JOIN calls e ON e.id = t.eff_id
   WHERE
     -- shown to do I/O: a client call of the catalogue, or a call whose every
     -- target is a project coroutine that reaches one
     (t.eff_id IN (SELECT call_id FROM io_steps)
      OR (EXISTS (SELECT 1 FROM call_targets g WHERE g.call_id = t.eff_id)
          AND NOT EXISTS (SELECT 1 FROM call_targets g
                           WHERE g.call_id = t.eff_id AND g.function_id NOT IN (SELECT function_id FROM io_reach))))
     -- not a step of a protocol whose order matters: set-up and tear-down
     -- and transactions on any object, reads and writes on a stream (the
     -- same verb on two services, `primary.read(k)` then `replica.read(k)`,
     -- is a fan-out, not a protocol)
     AND NOT EXISTS (SELECT 1 FROM ordered_verbs v WHERE lower(coalesce(e.name, '')) GLOB v.pattern)
     -- an event set: `await ev.set()` (a store's set(key, value) is I/O)
     AND NOT (e.name = 'set' AND e.nargs = 0 AND e.kwargs = '')
     AND NOT (e.receiver IS NOT NULL
              AND EXISTS (SELECT 1 FROM stream_verbs v WHERE lower(e.name) GLOB v.pattern)
              AND EXISTS (SELECT 1 FROM stream_names n WHERE lower(replace(e.receiver, 'self.', '')) GLOB n.pattern))),
walk(first_id, id, block_id, idx, state) AS (
  -- Each maximal sequence starts where the previous statement is not a step.
  -- state: the current run, as {start, binds, recv, n, items}: its first
  -- statement's idx, the names its awaits bind, their receivers, its length
  -- and its statement ids.
  SELECT t.id, t.id, t.block_id, t.idx,
         json_object('start', t.idx, 'binds', t.binds, 'keys', t.keys, 'reads', t.names, 'roots', t.root,
                     'rvia', t.reads_via, 'wvia', t.writes_via, 'n', 1, 'items', json_array(t.id))
    FROM steps t
   WHERE NOT EXISTS (SELECT 1 FROM steps p WHERE p.block_id = t.block_id AND p.idx = t.idx - 1)
  UNION ALL
  SELECT w.first_id, t.id, t.block_id, t.idx,
         -- (the lists are ' a b ' words, compared by shares_name: never
         -- parsed as JSON, whatever the source text they hold)
         CASE WHEN shares_name(t.keys, w.state ->> '$.keys')     -- shares a receiver or a connection with the run
                   -- does I/O through a client an earlier step also uses, and one of them writes
                   OR shares_name(t.writes_via, (w.state ->> '$.rvia') || (w.state ->> '$.wvia'))
                   OR shares_name(t.reads_via, w.state ->> '$.wvia')
                   OR (t.root <> '' AND instr(w.state ->> '$.reads', t.root) > 0)
                   OR shares_name(t.names, w.state ->> '$.roots')   -- reads an object an earlier step acted on
                   OR shares_name(t.names, w.state ->> '$.binds')   -- reads a name an earlier step bound
                   -- rebinds a name an earlier step read or bound (loop-carried)
                   OR shares_name(t.binds, w.state ->> '$.reads') OR shares_name(t.binds, w.state ->> '$.binds')
              THEN json_object('start', t.idx, 'binds', t.binds, 'keys', t.keys, 'reads', t.names,
                               'roots', t.root, 'rvia', t.reads_via, 'wvia', t.writes_via,
                               'n', 1, 'items', json_array(t.id))
              ELSE json_object('start', w.state ->> '$.start', 'binds', (w.state ->> '$.binds') || t.binds,
                               'keys', (w.state ->> '$.keys') || t.keys,
                               'reads', (w.state ->> '$.reads') || t.names,
                               'roots', (w.state ->> '$.roots') || t.root,
                               'rvia', (w.state ->> '$.rvia') || t.reads_via,
                               'wvia', (w.state ->> '$.wvia') || t.writes_via,
                               'n', (w.state ->> '$.n') + 1,
                               'items', json_insert(w.state -> '$.items', '$[#]', t.id))
         END
    FROM walk w
    JOIN steps t ON t.block_id = w.block_id AND t.idx = w.idx + 1),
runs AS (                        -- the longest state of each run
  SELECT first_id, state ->> '$.start' AS start, max(state ->> '$.n') AS n, state ->> '$.items' AS items
    FROM walk GROUP BY first_id, state ->> '$.start'),
members AS MATERIALIZED (
  SELECT r.first_id, r.start, r.n, j.key AS k, t.*
    FROM runs r, json_each(r.items) j JOIN steps t ON t.id = j.value
   WHERE r.n >= 2)
SELECT f.file_id, f.line, f.col, l.end_line, l.end_col, f.n,
       (SELECT group_concat(m.callee || '() (line ' || m.line || ')', ', ')
          FROM (SELECT * FROM members m WHERE m.first_id = f.first_id AND m.start = f.start ORDER BY m.k) m)
         AS steps,
       (SELECT json_group_array(json_object('file_id', m.file_id, 'line', m.line, 'col', m.col,
                                            'end_line', m.end_line, 'end_col', m.end_col,
                                            'message', 'await ' || m.callee || '()'))
          FROM (SELECT * FROM members m WHERE m.first_id = f.first_id AND m.start = f.start ORDER BY m.k) m)
         AS related
  FROM members f
  JOIN members l ON l.first_id = f.first_id AND l.start = f.start AND l.k = f.n - 1
 WHERE f.k = 0;
