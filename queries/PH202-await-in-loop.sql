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
-- loop whose awaited call is fed by the loop variable (or a name derived from
-- it) while nothing carries over from one iteration to the next. When the
-- awaited call is a project coroutine, the chain down to its I/O is shown.
-- @bad
-- async def fetch_all(client, urls):
--     results = []
--     for url in urls:
--         resp = await client.get(url)
--         results.append(resp.json())
--     return results
-- @good
-- async def fetch_all(client, urls):
--     sem = asyncio.Semaphore(10)
--     async def one(url):
--         async with sem:
--             return (await client.get(url)).json()
--     return await asyncio.gather(*(one(u) for u in urls))
-- @accepted `async for` (the stream yields one item at a time); awaits on
-- sleep, locks, semaphores, events, conditions, queues and `drain`; ordered
-- writes or reads on one stream (`await ws.send(msg)` for each message);
-- loops that break or return (they may stop on a result); bodies that feed
-- the previous iteration's result into the next await (pagination cursors,
-- running totals); awaited calls that do not use the loop variable; database
-- queries (PH201 reports those: batch them instead); project coroutines that
-- await no I/O.
--
-- Result: one row per loop, at the first such awaited call. Columns: the
-- location; `what` (`client.get()`), `function`, `loop` (`the loop over
-- urls`), `through` (` (-> load_profile() -> conn.get())` when the awaited
-- call is a project coroutine reaching I/O, else empty), `related` (the
-- loop, then each step of the chain).
WITH
  io(function_id, depth, via_call_id) AS MATERIALIZED (SELECT * FROM io_coroutines),
  qf(function_id) AS MATERIALIZED (SELECT function_id FROM query_functions),
  -- awaited calls in for loops and comprehensions; `eff` is the call that
  -- does the work (the coroutine inside asyncio.wait_for/shield)
  aw(await_id, call_id, eff_id, loop_id, names, stmt_id, line, col) AS MATERIALIZED (
    SELECT a.id, c.id,
           coalesce((SELECT i.id FROM calls i WHERE i.parent_call_id = c.id AND i.arg_idx = 0
                      AND c.name IN ('wait_for', 'shield', 'timeout') LIMIT 1), c.id),
           a.loop_id, a.names, a.stmt_id, a.line, a.col
      FROM awaits a
      JOIN calls c ON c.id = a.call_id
      JOIN loops l ON l.id = a.loop_id
     WHERE l.kind IN ('for', 'list_comp', 'set_comp', 'dict_comp', 'generator')
       AND NOT l.has_break),
  hit(call_id, eff_id, loop_id, target_id) AS (
    SELECT aw.call_id, aw.eff_id, aw.loop_id,
           (SELECT t.function_id FROM call_targets t WHERE t.call_id = aw.eff_id LIMIT 1)
      FROM aw JOIN calls e ON e.id = aw.eff_id
     -- not a timer, lock, event or queue; not already concurrent
     WHERE NOT EXISTS (SELECT 1 FROM await_non_io n WHERE n.call_id IN (aw.call_id, aw.eff_id))
       -- the loop variable feeds the awaited call
       AND EXISTS (SELECT 1 FROM loop_vars v
                    WHERE v.loop_id = aw.loop_id AND instr(aw.names, ' ' || v.name || ' ') > 0)
       -- nothing carried over: no name it reads is assigned at or after it in the body
       AND NOT EXISTS (SELECT 1 FROM assignments s JOIN loop_ancestors la ON la.loop_id = s.loop_id
                        WHERE la.ancestor_id = aw.loop_id AND s.target_kind = 'name' AND s.op <> 'for'
                          AND instr(aw.names, ' ' || s.target || ' ') > 0
                          AND (s.stmt_id = aw.stmt_id OR s.line > aw.line
                               OR (s.line = aw.line AND s.col > aw.col)))
       -- ordered reads and writes on one stream: same receiver every turn
       AND NOT (e.name IN ('send', 'sendall', 'send_all', 'sendto', 'write', 'writelines', 'send_json',
                           'send_text', 'send_bytes', 'send_str', 'send_message', 'recv', 'receive',
                           'receive_json', 'receive_text', 'receive_bytes', 'read', 'readline',
                           'readexactly', 'readuntil', 'flush')
                AND NOT EXISTS (SELECT 1 FROM loop_vars v
                                 WHERE v.loop_id = aw.loop_id
                                   AND v.name = substr(e.receiver, 1, instr(e.receiver || '.', '.') - 1)))
       -- database queries are PH201's
       AND NOT EXISTS (SELECT 1 FROM db_query_calls d WHERE d.call_id = aw.eff_id)
       AND NOT EXISTS (SELECT 1 FROM call_targets t JOIN qf ON qf.function_id = t.function_id
                        WHERE t.call_id = aw.eff_id)
       -- a project coroutine must reach I/O (or be a stub whose body is elsewhere)
       AND NOT EXISTS (SELECT 1 FROM call_targets t JOIN functions f ON f.id = t.function_id
                        WHERE t.call_id = aw.eff_id AND f.is_async AND NOT f.is_stub
                          AND NOT EXISTS (SELECT 1 FROM io WHERE io.function_id = f.id))),
  -- one per loop: the first in source order
  pick(call_id, eff_id, loop_id, target_id) AS (
    SELECT h.call_id, h.eff_id, h.loop_id,
           (SELECT io.function_id FROM io WHERE io.function_id = h.target_id)
      FROM hit h JOIN calls c ON c.id = h.call_id
     WHERE NOT EXISTS (SELECT 1 FROM hit h2 JOIN calls c2 ON c2.id = h2.call_id
                        WHERE h2.loop_id = h.loop_id
                          AND (c2.line < c.line OR (c2.line = c.line AND c2.col < c.col)))),
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
