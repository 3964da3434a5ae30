-- @id PH202
-- @name await-in-loop
-- @severity P2
-- @precision medium
-- @tags async concurrency loop performance
-- @message await {what} runs {loop} in async def {function} one iteration at a time{through}: the iterations are independent
-- @fix run the iterations concurrently: asyncio.gather() over a bounded set (asyncio.Semaphore) or a TaskGroup
-- @description Awaiting an independent I/O call inside a for loop makes every
-- iteration wait for the previous one: N requests take N round trips of
-- latency where a bounded gather would take about one. The rule reports a
-- loop whose awaited call is shown to be I/O on a receiver that can serve
-- concurrent calls (an HTTP session, a pool, an engine, a Redis or MongoDB
-- client of the catalogue, or a project coroutine that reaches one), is fed
-- by the loop variable (or a name derived from it), and takes nothing over
-- from one iteration to the next. When the awaited call is a project
-- coroutine, the chain down to its I/O is shown.
-- @bad
-- import httpx
--
-- async def fetch_all(client: httpx.AsyncClient, urls):
--     results = []
--     for url in urls:
--         resp = await client.get(url)
--         results.append(resp.json())
--     return results
-- @good
-- import asyncio
-- import httpx
--
-- async def fetch_all(client: httpx.AsyncClient, urls):
--     sem = asyncio.Semaphore(10)
--     async def one(url):
--         async with sem:
--             return (await client.get(url)).json()
--     return await asyncio.gather(*(one(u) for u in urls))
-- @accepted `async for` (the stream yields one item at a time); awaited
-- calls whose I/O is not shown (io_calls, io_functions: a callee of unknown
-- type, a method reached by its name alone, a project coroutine that awaits
-- no catalogue client); calls on one connection, cursor, ORM session or
-- transaction, or a project coroutine given one, or whose I/O is only on
-- one held elsewhere (they serialise: PH201 reports the query per item);
-- awaits on sleep, locks, semaphores, events, conditions, queues and
-- `drain`, and the other await_non_io kinds: starting, stopping and closing
-- resources, startup and shutdown steps, callbacks, event hooks and
-- handlers, loggers, spawning into a task group, waiting for a future
-- already made; loops over as_completed(); ordered writes or reads on one
-- stream, socket or connection (frames written in order, `await
-- queue.restore(channel)`); a coroutine that recurses into the loop's
-- items (`for child in self.children: await child.emit_startup()`, or the
-- function itself); loops in startup and shutdown hooks; methods of the
-- object itself that keep state in it (`await self.command(...)` on a
-- protocol client); loops in a transaction or under a lock or condition;
-- loops that break or return (they may stop on a result); bodies that feed
-- the previous iteration's result into the next await (pagination cursors,
-- running totals and flags, a path built up, a cache filled as it goes);
-- awaited calls that do not use the loop variable.
--
-- Result: one row per loop, at the first such awaited call. Columns: the
-- location; `what` (`client.get()`), `function`, `loop` (`the loop over
-- urls`), `through` (` (-> load_profile() -> conn.get())` when the awaited
-- call is a project coroutine reaching I/O, else empty), `related` (the
-- loop, then each step of the chain).
WITH
  io(function_id, depth, via_call_id, serves_many) AS MATERIALIZED (SELECT * FROM io_functions),
  ioc(call_id, serves_many) AS MATERIALIZED (SELECT call_id, max(serves_many) FROM io_calls GROUP BY call_id),
  -- names bound by imports, per file (imports has no index: looked up here)
  imported(file_id, bound) AS MATERIALIZED (SELECT file_id, bound FROM imports),
  -- awaited calls in for loops and comprehensions; `eff` is the call that
  -- does the work (the coroutine inside asyncio.wait_for/shield)
  aw(await_id, call_id, eff_id, loop_id, names, stmt_id, line, col, with_id) AS MATERIALIZED (
    SELECT a.id, c.id,
           coalesce((SELECT i.id FROM calls i WHERE i.parent_call_id = c.id AND i.arg_idx = 0
                      AND c.name IN ('wait_for', 'shield', 'timeout') LIMIT 1), c.id),
           a.loop_id, a.names, a.stmt_id, a.line, a.col, a.with_id
      FROM awaits a
      JOIN calls c ON c.id = a.call_id
      JOIN loops l ON l.id = a.loop_id
     WHERE l.kind IN ('for', 'list_comp', 'set_comp', 'dict_comp', 'generator')
       AND NOT l.has_break),
  lv(loop_id, name) AS MATERIALIZED (
    SELECT loop_id, name FROM loop_vars WHERE loop_id IN (SELECT loop_id FROM aw)),
  -- ordered reads and writes on one stream or connection, the same every
  -- turn (not reached from the loop variable): a stream operation (send,
  -- write*, read, receive, *_frame... by name) on it, or through a local
  -- alias of one (`write = stream.write`); any call on a receiver, or with
  -- an argument, that names a connection, channel, protocol, transport or
  -- stream (`await queue.restore(channel)`, `await
  -- self._protocol.close_statement(s)`): one connection runs one
  -- operation at a time
  ordered(call_id, loop_id) AS MATERIALIZED (
    SELECT aw.call_id, aw.loop_id
      FROM aw JOIN calls e ON e.id = aw.eff_id
     WHERE ((e.name IN ('send', 'sendall', 'send_all', 'sendto', 'write', 'writelines', 'send_json',
                        'send_text', 'send_bytes', 'send_str', 'send_message', 'recv', 'receive',
                        'receive_json', 'receive_text', 'receive_bytes', 'read', 'readline',
                        'readexactly', 'readuntil', 'flush')
             OR e.name GLOB 'write*' OR e.name GLOB '_write*' OR e.name GLOB '*_frame')
            -- on the object itself (`await self._write_frame(f)`), a stream, a
            -- socket or a connection (the same verb on a service,
            -- `await mailer.send(user.email)`, is independent I/O per item)
            AND ((e.receiver IS NOT NULL
                  AND (e.receiver = 'self' OR lower(e.receiver) GLOB '*reader*' OR lower(e.receiver) GLOB '*writer*'
                       OR lower(e.receiver) GLOB '*stream*' OR lower(e.receiver) GLOB '*ws'
                       OR lower(e.receiver) GLOB '*websocket*' OR lower(e.receiver) GLOB '*sock*'
                       OR lower(e.receiver) GLOB '*transport*' OR lower(e.receiver) GLOB '*pipe*'
                       OR lower(e.receiver) GLOB '*std[io]*' OR lower(e.receiver) GLOB '*conn*'
                       OR lower(e.receiver) GLOB '*channel*' OR lower(e.receiver) GLOB '*proc*'
                       OR lower(e.receiver) GLOB '*file*' OR lower(e.receiver) GLOB '*fh'
                       OR lower(e.receiver) GLOB '*fp' OR lower(e.receiver) GLOB '*serial*'
                       OR lower(e.receiver) GLOB '*port*' OR lower(e.receiver) GLOB '*protocol*'
                       OR lower(e.receiver) GLOB '*resp*' OR lower(e.receiver) GLOB '*body*'
                       OR lower(e.receiver) GLOB '*out' OR lower(e.receiver) GLOB '*dest*'
                       OR lower(e.receiver) GLOB '*sink*' OR lower(e.receiver) GLOB '*buf*'))
                 OR EXISTS (SELECT 1 FROM assignments a
                             WHERE a.function_id = e.function_id AND a.target = e.callee AND a.op = '=')))
       AND NOT EXISTS (SELECT 1 FROM lv v
                        WHERE v.loop_id = aw.loop_id
                          AND v.name = substr(e.receiver, 1, instr(e.receiver || '.', '.') - 1))
    UNION
    SELECT aw.call_id, aw.loop_id
      FROM aw JOIN calls e ON e.id = aw.eff_id
      JOIN (SELECT e2.id AS call_id, e2.receiver AS what FROM aw a2 JOIN calls e2 ON e2.id = a2.eff_id
             WHERE e2.receiver IS NOT NULL
            UNION ALL
            SELECT x.call_id, x.text FROM aw a2 JOIN call_args x ON x.call_id = a2.eff_id
             WHERE x.kind IN ('identifier', 'attribute')) h ON h.call_id = e.id
     WHERE (lower(h.what) GLOB '*conn' OR lower(h.what) GLOB '*connection' OR lower(h.what) GLOB '*channel'
            OR lower(h.what) GLOB '*transport' OR lower(h.what) GLOB '*protocol'
            OR lower(h.what) GLOB '*stream' OR lower(h.what) GLOB '*writer' OR lower(h.what) GLOB '*reader'
            OR lower(h.what) GLOB '*websocket' OR lower(h.what) GLOB '*socket' OR lower(h.what) GLOB '*sock'
            OR lower(h.what) = 'ws' OR lower(h.what) GLOB '*[._]ws')
       -- a query per item on one connection is still reported (the batch is
       -- the fix: PH201 says which)
       AND NOT EXISTS (SELECT 1 FROM db_query_calls d WHERE d.call_id = e.id)
       AND NOT EXISTS (SELECT 1 FROM lv v
                        WHERE v.loop_id = aw.loop_id
                          AND v.name = substr(h.what, 1, instr(h.what || '.', '.') - 1))
    UNION
    -- a closure of the function that awaits methods of an object it shares
    -- with the function (`async def send(b): await s.send_all(b)`): every
    -- turn drives that one object
    SELECT aw.call_id, aw.loop_id
      FROM aw JOIN calls e ON e.id = aw.eff_id
      JOIN functions g ON g.qualname = e.resolved AND g.parent_id = e.function_id
     WHERE EXISTS (
             SELECT 1 FROM (SELECT k.file_id, substr(k.receiver, 1, instr(k.receiver || '.', '.') - 1) AS root
                              FROM calls k WHERE k.function_id = g.id AND k.awaited AND k.receiver IS NOT NULL
                               AND k.receiver NOT GLOB '*(*') r
              WHERE r.root NOT IN ('self', 'cls')
                AND NOT EXISTS (SELECT 1 FROM params p WHERE p.function_id = g.id AND p.name = r.root)
                AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.function_id = g.id AND a.target = r.root)
                AND NOT EXISTS (SELECT 1 FROM imported i WHERE i.file_id = r.file_id AND i.bound = r.root))),
  -- methods that keep state in their object: they assign to or update one
  -- of its attributes, or talk over a stream it holds (`await
  -- self.writer.drain()`), themselves or in a method of self they await
  -- (up to 4 calls down). One object running them in turn (`await
  -- self.m(x)` in the loop, directly or through a local alias `run =
  -- self.m`) is a state machine, not independent requests. Walked down
  -- from the methods the loops call that way.
  own(function_id) AS MATERIALIZED (
    SELECT t.function_id FROM aw JOIN calls e ON e.id = aw.eff_id JOIN call_targets t ON t.call_id = e.id
     WHERE e.receiver = 'self'
    UNION
    SELECT f.id FROM aw JOIN calls e ON e.id = aw.eff_id
      JOIN assignments a ON a.function_id = e.function_id AND a.target = e.callee
      JOIN class_ancestry ca ON ca.class_id = e.class_id
      JOIN functions f ON f.class_id = ca.ancestor_id AND f.name = substr(a.value, 6)
     WHERE e.receiver IS NULL AND a.op = '=' AND a.value GLOB 'self.?*'
       AND a.value NOT GLOB 'self.*[^A-Za-z0-9_]*'),
  down(root_id, function_id, depth) AS (
    SELECT function_id, function_id, 0 FROM own
    UNION
    SELECT d.root_id, t.function_id, d.depth + 1
      FROM down d JOIN calls c ON c.function_id = d.function_id JOIN call_targets t ON t.call_id = c.id
     WHERE d.depth < 4 AND c.receiver = 'self' AND c.awaited),
  keeps_state(function_id) AS MATERIALIZED (
    SELECT DISTINCT d.root_id FROM down d
     WHERE EXISTS (SELECT 1 FROM assignments a
                    WHERE a.function_id = d.function_id AND a.target_root = 'self'
                      AND a.target_kind IN ('attribute', 'subscript'))
        OR EXISTS (SELECT 1 FROM calls c
                    WHERE c.function_id = d.function_id AND c.receiver GLOB 'self.*'
                      AND (c.name IN ('append', 'appendleft', 'add', 'update', 'pop', 'popleft', 'remove',
                                      'discard', 'clear', 'extend', 'insert', 'setdefault')
                           OR (c.awaited AND (c.name IN ('write', 'writelines', 'drain', 'send', 'sendall',
                                                         'recv', 'read', 'readline', 'readexactly',
                                                         'readuntil', 'flush')
                                              OR c.name GLOB 'write*' OR c.name GLOB 'send_*'
                                              OR c.name GLOB '*_frame'))))),
  hit(call_id, eff_id, loop_id, target_id) AS MATERIALIZED (
    SELECT aw.call_id, aw.eff_id, aw.loop_id,
           (SELECT t.function_id FROM call_targets t JOIN io ON io.function_id = t.function_id
             WHERE t.call_id = aw.eff_id AND io.serves_many LIMIT 1)
      FROM aw JOIN calls e ON e.id = aw.eff_id JOIN loops l ON l.id = aw.loop_id
     -- not a timer, lock, event, queue, start/stop/close, callback or log;
     -- not already concurrent
     WHERE NOT EXISTS (SELECT 1 FROM await_non_io n WHERE n.call_id IN (aw.call_id, aw.eff_id))
       AND l.iter NOT GLOB '*as_completed(*'
       -- the loop variable feeds the awaited call
       AND EXISTS (SELECT 1 FROM lv v
                    WHERE v.loop_id = aw.loop_id AND instr(aw.names, ' ' || v.name || ' ') > 0)
       -- nothing carried over: no name it reads is assigned at or after it
       -- in the body, or from itself (`path = join(path, part)`)
       AND NOT EXISTS (SELECT 1 FROM assignments s JOIN loop_ancestors la ON la.loop_id = s.loop_id
                        WHERE la.ancestor_id = aw.loop_id AND s.target_kind = 'name' AND s.op <> 'for'
                          AND instr(aw.names, ' ' || s.target || ' ') > 0
                          AND (s.stmt_id = aw.stmt_id OR s.line > aw.line
                               OR (s.line = aw.line AND s.col > aw.col) OR s.op <> '='
                               OR EXISTS (SELECT 1 FROM names n
                                           WHERE n.function_id = s.function_id AND n.name = s.target
                                             AND n.stmt_id = s.stmt_id AND n.ctx = 'load')))
       -- nor a running result: the await's statement updates a name from
       -- itself (`ok = ok and await f(x)`, `total += await f(x)`)
       AND NOT EXISTS (SELECT 1 FROM assignments s
                        WHERE s.function_id = e.function_id AND s.stmt_id = aw.stmt_id AND s.target_kind = 'name'
                          AND (s.op NOT IN ('=', 'for')
                               OR EXISTS (SELECT 1 FROM names n
                                           WHERE n.function_id = s.function_id AND n.name = s.target
                                             AND n.stmt_id = s.stmt_id AND n.ctx = 'load')))
       -- nor state kept across turns: a collection the body reads before
       -- the await and stores into at or after it (`if k in seen: ...;
       -- seen[k] = await f(k)`)
       AND NOT EXISTS (SELECT 1 FROM names n JOIN loop_ancestors la ON la.loop_id = n.loop_id
                        WHERE la.ancestor_id = aw.loop_id AND n.function_id = e.function_id AND n.ctx = 'load'
                          AND n.role NOT IN ('receiver', 'store_target')
                          AND (n.line < aw.line OR (n.line = aw.line AND n.col < aw.col))
                          AND n.name NOT GLOB '*.*'
                          AND (EXISTS (SELECT 1 FROM assignments s JOIN loop_ancestors lb ON lb.loop_id = s.loop_id
                                        WHERE lb.ancestor_id = aw.loop_id AND s.function_id = n.function_id
                                          AND s.target_root = n.name AND s.target_kind = 'subscript'
                                          AND s.stmt_id <> n.stmt_id
                                          AND (s.stmt_id = aw.stmt_id OR s.line > aw.line
                                               OR (s.line = aw.line AND s.col >= aw.col)))
                               OR EXISTS (SELECT 1 FROM calls m JOIN loop_ancestors lb ON lb.loop_id = m.loop_id
                                           WHERE lb.ancestor_id = aw.loop_id AND m.function_id = n.function_id
                                             AND m.receiver = n.name AND m.stmt_id <> n.stmt_id
                                             AND m.name IN ('append', 'add', 'update', 'setdefault', 'extend', 'insert')
                                             AND (m.stmt_id = aw.stmt_id OR m.line > aw.line
                                                  OR (m.line = aw.line AND m.col >= aw.col)))))
       -- ordered reads and writes on one stream: the call, or another await
       -- of the body
       AND NOT EXISTS (SELECT 1 FROM ordered o JOIN loop_ancestors la ON la.loop_id = o.loop_id
                        WHERE la.ancestor_id = aw.loop_id)
       -- in a transaction, under a lock or condition: in order on purpose
       AND NOT EXISTS (SELECT 1 FROM withs w
                        WHERE w.stmt_id = aw.with_id
                          AND (lower(w.context) GLOB '*transaction*' OR lower(w.context) GLOB '*atomic*'
                               OR lower(w.context) GLOB '*lock*' OR lower(w.context) GLOB '*cond'
                               OR lower(w.context) GLOB '*condition*'))
       -- shown to be I/O on a receiver that serves concurrent calls: a
       -- client of the catalogue, or a project coroutine that reaches one
       AND (EXISTS (SELECT 1 FROM ioc WHERE ioc.call_id = e.id AND ioc.serves_many)
            OR EXISTS (SELECT 1 FROM call_targets t JOIN io ON io.function_id = t.function_id
                        WHERE t.call_id = e.id AND io.serves_many))
       -- not given one connection, cursor, session or transaction that
       -- every turn shares (a name the function also runs one-at-a-time
       -- I/O on, or one named like a handle)
       AND NOT EXISTS (SELECT 1 FROM call_args x
                        WHERE x.call_id = e.id AND x.kind = 'identifier'
                          AND NOT EXISTS (SELECT 1 FROM lv v WHERE v.loop_id = aw.loop_id AND v.name = x.text)
                          AND (EXISTS (SELECT 1 FROM db_receiver_names d
                                        WHERE lower(x.text) GLOB d.pattern
                                          AND lower(x.text) NOT GLOB '*pool' AND lower(x.text) NOT GLOB '*engine')
                               OR EXISTS (SELECT 1 FROM calls k JOIN ioc ON ioc.call_id = k.id
                                           WHERE k.function_id = e.function_id AND k.receiver = x.text
                                             AND NOT ioc.serves_many)))
       -- a walk that recurses into the loop's items (depth first, in
       -- order): the body awaits the function itself, or the method of its
       -- name on a loop variable (`await child.emit(...)`)
       AND NOT EXISTS (SELECT 1 FROM aw r JOIN calls rc ON rc.id = r.eff_id
                        JOIN loop_ancestors la ON la.loop_id = r.loop_id
                       WHERE la.ancestor_id = aw.loop_id
                         AND (EXISTS (SELECT 1 FROM call_targets t
                                       WHERE t.call_id = rc.id AND t.function_id = rc.async_id)
                              OR (rc.name = (SELECT f.name FROM functions f WHERE f.id = rc.async_id)
                                  AND EXISTS (SELECT 1 FROM lv v WHERE v.loop_id = r.loop_id
                                                 AND v.name = substr(rc.receiver, 1,
                                                                     instr(rc.receiver || '.', '.') - 1)))))
       -- in a startup or shutdown hook or step: run in order on purpose
       AND e.async_id NOT IN (SELECT function_id FROM once_functions WHERE why = 'setup')
       AND NOT EXISTS (SELECT 1 FROM functions f WHERE f.id = e.async_id
                          AND (lower(f.name) GLOB '*startup*' OR lower(f.name) GLOB '*shutdown*'))
       -- a method of the object itself that keeps state in it
       AND NOT (e.receiver = 'self'
                AND EXISTS (SELECT 1 FROM call_targets t JOIN keeps_state k ON k.function_id = t.function_id
                             WHERE t.call_id = e.id))
       AND NOT EXISTS (SELECT 1 FROM assignments a
                        JOIN class_ancestry ca ON ca.class_id = e.class_id
                        JOIN functions f ON f.class_id = ca.ancestor_id AND f.name = substr(a.value, 6)
                        JOIN keeps_state k ON k.function_id = f.id
                       WHERE e.receiver IS NULL AND a.function_id = e.function_id AND a.target = e.callee
                         AND a.op = '=' AND a.value GLOB 'self.?*' AND a.value NOT GLOB 'self.*[^A-Za-z0-9_]*')),
  -- one per loop: the first in source order
  pick(call_id, eff_id, loop_id, target_id) AS MATERIALIZED (
    SELECT call_id, eff_id, loop_id, (SELECT io.function_id FROM io WHERE io.function_id = target_id)
      FROM (SELECT h.call_id, h.eff_id, h.loop_id, h.target_id,
                   row_number() OVER (PARTITION BY h.loop_id ORDER BY c.line, c.col) AS n
              FROM hit h JOIN calls c ON c.id = h.call_id)
     WHERE n = 1),
  -- the chain of a project coroutine down to the awaited I/O call
  chain(pick_id, step, function_id, call_id, depth) AS (
    SELECT p.call_id, 1, io.function_id, io.via_call_id, io.depth
      FROM pick p JOIN io ON io.function_id = p.target_id
    UNION ALL
    SELECT ch.pick_id, ch.step + 1, n.function_id, n.via_call_id, n.depth
      FROM chain ch
      JOIN io n ON n.depth = ch.depth - 1
               AND n.function_id = (SELECT t.function_id FROM call_targets t JOIN io i2 ON i2.function_id = t.function_id
                                     WHERE t.call_id = ch.call_id AND i2.depth = ch.depth - 1 LIMIT 1)
     WHERE ch.depth > 0)
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col,
       c.callee || '()' AS what,
       fn.name AS function,
       CASE WHEN l.kind = 'for' THEN 'the loop over ' ELSE 'the comprehension over ' END
         || substr(l.iter, 1, 60) AS loop,
       CASE WHEN p.target_id IS NOT NULL THEN
              ' (' || fn.name || ' -> '
              || (SELECT group_concat(x, ' -> ') FROM (
                    SELECT f2.name || '()' AS x FROM chain ch JOIN functions f2 ON f2.id = ch.function_id
                     WHERE ch.pick_id = p.call_id ORDER BY ch.step))
              || ' -> ' || (SELECT v.callee || '()' FROM chain ch JOIN calls v ON v.id = ch.call_id
                             WHERE ch.pick_id = p.call_id AND ch.depth = 0)
              || ')'
            ELSE '' END AS through,
       (SELECT json_group_array(json(r)) FROM (
          SELECT json_object('file_id', l.file_id, 'line', l.line, 'col', l.col,
                             'end_line', l.line, 'end_col', l.col + 3,
                             'message', 'the loop: each iteration waits for the previous one') AS r
          UNION ALL
          SELECT r FROM (
            SELECT json_object('file_id', v.file_id, 'line', v.line, 'col', v.col,
                               'end_line', v.end_line, 'end_col', v.end_col,
                               'message', f2.name || '() awaits ' || v.callee || '()') AS r
              FROM chain ch JOIN calls v ON v.id = ch.call_id JOIN functions f2 ON f2.id = ch.function_id
             WHERE ch.pick_id = p.call_id ORDER BY ch.step))) AS related
  FROM pick p
  JOIN calls c ON c.id = p.call_id
  JOIN loops l ON l.id = p.loop_id
  JOIN functions fn ON fn.id = c.async_id;
