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
-- traceback: the catalogue's exempt-module); a call in a coroutine that
-- runs at start-up or shut-down only (startup_code: a start-up or
-- shut-down hook, a function that starts a listening server, or one only
-- such code calls): the chain stalls the loop once, before the first
-- request or after the last, not per request. A chain with a step under a
-- branch taken only for a parameter's runtime type (`if isinstance(fp,
-- io.IOBase): ... else: open(fp)`) is not evidence that every caller blocks (many pass the other type): it is
-- reported at P2, and the message names the isinstance() test and its
-- function.
--
-- Result: one row per call site in an async def whose target is a sync
-- project function in blocking_reach, at the call. The chain is the shortest
-- one (ties: the first call in source order); `chain` spells it
-- (`handler -> load -> read_file -> open()`, then the isinstance() branch
-- when there is one) and `related` holds every step's call site in chain
-- order, the finding's own call first; `severity` is P2 for a chain under
-- an isinstance() branch.
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
         AND c.async_id NOT IN (SELECT function_id FROM startup_code)
         AND c.id NOT IN (SELECT call_id FROM sinks)
         -- every definition the call may run reaches (@overload stubs aside): not guessed
         AND NOT EXISTS (SELECT 1 FROM call_targets t2 JOIN functions f2 ON f2.id = t2.function_id
                          WHERE t2.call_id = c.id AND NOT (f2.is_stub AND f2.n_decorators > 0)
                            AND t2.function_id NOT IN (SELECT function_id FROM best)))
     WHERE rn = 1),
  -- calls of a chain made under `if isinstance(param, T)` (either arm, or a
  -- later elif/else arm) where param is a parameter of the calling function;
  -- `test` spells it: 'isinstance(fp, io.IOBase) in __init__()'
  stepcalls(call_id) AS MATERIALIZED (
    SELECT via_call_id FROM best UNION SELECT call_id FROM sites),
  anc(call_id, stmt_id) AS (
    SELECT c.id, s.parent_id FROM stepcalls k JOIN calls c ON c.id = k.call_id
      JOIN statements s ON s.id = c.stmt_id
     WHERE s.parent_id IS NOT NULL
    UNION
    SELECT anc.call_id, s.parent_id FROM anc JOIN statements s ON s.id = anc.stmt_id
     WHERE s.parent_id IS NOT NULL),
  typed(call_id, test) AS MATERIALIZED (
    SELECT call_id, test FROM (
      SELECT anc.call_id,
             i.callee || '(' || a0.text || coalesce(', ' || a1.text, '') || ') in ' || f.name || '()' AS test,
             row_number() OVER (PARTITION BY anc.call_id ORDER BY i.line DESC, i.col DESC) AS rn
        FROM anc
        JOIN calls c ON c.id = anc.call_id
        JOIN statements s ON s.id = anc.stmt_id AND s.kind = 'if_statement'
        JOIN calls i ON i.stmt_id = s.id AND i.resolved = 'isinstance'
                    AND (i.line < c.line OR (i.line = c.line AND i.col < c.col))
        JOIN call_args a0 ON a0.call_id = i.id AND a0.pos = 0
        LEFT JOIN call_args a1 ON a1.call_id = i.id AND a1.pos = 1
        JOIN params p ON p.function_id = c.function_id AND p.name = a0.text
        JOIN functions f ON f.id = c.function_id)
     WHERE rn = 1),
  chain(site, n, function_id, names, related, branch) AS (
    SELECT s.call_id, 0, s.target_id,
           a.name || ' -> ' || g.name,
           json_array(json_object('file_id', c.file_id, 'line', c.line, 'col', c.col,
                                  'end_line', c.end_line, 'end_col', c.end_col,
                                  'message', a.name || '() calls ' || g.name || '()')),
           (SELECT test FROM typed y WHERE y.call_id = s.call_id)
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
                                              st.what || '(), which blocks the event loop'))),
           coalesce(ch.branch, (SELECT test FROM typed y WHERE y.call_id = st.call_id))
      FROM chain ch
      JOIN step st ON st.function_id = ch.function_id
      JOIN calls c ON c.id = st.call_id
      JOIN functions f ON f.id = ch.function_id
      LEFT JOIN functions g ON g.id = st.next_id
     WHERE ch.n < 40)
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col,
       g.name AS callee, a.name AS function,
       ch.names || coalesce(' (only on a branch of ' || ch.branch || ')', '') AS chain, ch.related,
       CASE WHEN ch.branch IS NOT NULL THEN 'P2' END AS severity
  FROM chain ch
  JOIN sites s ON s.call_id = ch.site
  JOIN calls c ON c.id = s.call_id
  JOIN functions a ON a.id = s.async_id
  JOIN functions g ON g.id = s.target_id
 WHERE ch.function_id IS NULL;
