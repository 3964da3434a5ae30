-- @id PH102
-- @name transitive-blocking-in-async
-- @severity P1
-- @precision high
-- @tags async event-loop blocking interprocedural
-- @message {callee}() blocks the event loop inside async def {function}: {chain}
-- @fix make the helper chain async (await async equivalents all the way down), or call the helper with await asyncio.to_thread(helper, ...)
-- @description An async def that calls an ordinary project function runs
-- that function on the event loop's thread, and everything it calls. When
-- the chain ends in a blocking call (PH101's sinks: sleep, network or disk
-- I/O, subprocesses, sync database drivers) the whole loop stalls, even
-- though the coroutine itself looks clean. The chain is followed across
-- modules (imports, aliases, relative imports, package re-exports),
-- through self./cls. methods, inherited methods, ClassName.method and
-- attributes bound in __init__, at any depth; cycles and recursion end.
-- @bad
-- def load(path):
--     return json.load(open(path))
--
-- async def handler(request):
--     return load(request.path)        # handler -> load -> open()
-- @good
-- async def handler(request):
--     return await asyncio.to_thread(load, request.path)
-- @accepted chains that pass through asyncio.to_thread, run_in_executor or
-- anyio/trio to_thread (the function is passed, not called); functions only
-- referenced (registered as callbacks, stored), not called. Beyond the
-- column: helpers decorated to run on a thread (@sync_to_async: their body
-- does not run on the loop); a blocking call directly in the async def (PH101
-- reports it: one finding per root cause); calls that may run more than one
-- definition (a name defined per platform: the chain would be a guess);
-- functions of modules whose I/O async code accepts by convention (logging,
-- traceback: the catalogue's exempt-module).
--
-- Result: one row per call site in an async def whose target is a sync
-- project function in blocking_reach, at the call. The chain is the shortest
-- one (ties: the first call in source order); `chain` spells it
-- (`handler -> load -> read_file -> open()`) and `related` holds every step's
-- call site in chain order, the finding's own call first.
WITH RECURSIVE
  reach(function_id, via_call_id, depth) AS MATERIALIZED (
    SELECT function_id, via_call_id, depth FROM blocking_reach),
  best(function_id, via_call_id, depth) AS MATERIALIZED (
    SELECT function_id, via_call_id, depth FROM (
      SELECT function_id, via_call_id, depth,
             row_number() OVER (PARTITION BY function_id ORDER BY depth, via_call_id) AS rn
        FROM reach)
     WHERE rn = 1),
  sinks(call_id, what) AS MATERIALIZED (
    SELECT call_id, what FROM blocking_calls),
  -- one step down from each function: the function its best call runs
  -- (NULL when that call is the blocking call itself)
  step(function_id, call_id, next_id, what) AS MATERIALIZED (
    SELECT b.function_id, b.via_call_id,
           CASE WHEN b.depth > 1 THEN
             (SELECT t.function_id FROM call_targets t CROSS JOIN best n ON n.function_id = t.function_id
               WHERE t.call_id = b.via_call_id AND n.depth = b.depth - 1
               ORDER BY t.function_id LIMIT 1)
           END,
           CASE WHEN b.depth = 1 THEN (SELECT s.what FROM sinks s WHERE s.call_id = b.via_call_id) END
      FROM best b),
  -- call sites in coroutines: one per call, its nearest blocking target
  sites(call_id, async_id, target_id) AS MATERIALIZED (
    SELECT call_id, async_id, target_id FROM (
      SELECT c.id AS call_id, c.async_id, t.function_id AS target_id,
             row_number() OVER (PARTITION BY c.id ORDER BY b.depth, t.function_id) AS rn
        FROM calls c
        JOIN call_targets t ON t.call_id = c.id
        JOIN best b ON b.function_id = t.function_id
       WHERE c.async_id IS NOT NULL
         AND c.id NOT IN (SELECT call_id FROM sinks)
         -- every definition the call may run reaches (@overload stubs aside): not guessed
         AND NOT EXISTS (SELECT 1 FROM call_targets t2 JOIN functions f2 ON f2.id = t2.function_id
                          WHERE t2.call_id = c.id AND NOT (f2.is_stub AND f2.n_decorators > 0)
                            AND t2.function_id NOT IN (SELECT function_id FROM best)))
     WHERE rn = 1),
  chain(site, n, function_id, names, related) AS (
    SELECT s.call_id, 0, s.target_id,
           a.name || ' -> ' || g.name,
           json_array(json_object('file_id', c.file_id, 'line', c.line, 'col', c.col,
                                  'end_line', c.end_line, 'end_col', c.end_col,
                                  'message', a.name || '() calls ' || g.name || '()'))
      FROM sites s
      JOIN calls c ON c.id = s.call_id
      JOIN functions a ON a.id = s.async_id
      JOIN functions g ON g.id = s.target_id
    UNION ALL
    SELECT ch.site, ch.n + 1, st.next_id,
           ch.names || ' -> ' || coalesce(g.name, st.what || '()'),
           json_insert(ch.related, '$[#]',
                       json_object('file_id', c.file_id, 'line', c.line, 'col', c.col,
                                   'end_line', c.end_line, 'end_col', c.end_col,
                                   'message', f.name || '() calls ' || coalesce(g.name || '()',
                                              st.what || '(), which blocks the event loop')))
      FROM chain ch
      JOIN step st ON st.function_id = ch.function_id
      JOIN calls c ON c.id = st.call_id
      JOIN functions f ON f.id = ch.function_id
      LEFT JOIN functions g ON g.id = st.next_id
     WHERE ch.n < 40)
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col,
       g.name AS callee, a.name AS function, ch.names AS chain, ch.related
  FROM chain ch
  JOIN sites s ON s.call_id = ch.site
  JOIN calls c ON c.id = s.call_id
  JOIN functions a ON a.id = s.async_id
  JOIN functions g ON g.id = s.target_id
 WHERE ch.function_id IS NULL;
