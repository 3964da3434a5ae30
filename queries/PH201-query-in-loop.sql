-- @id PH201
-- @name query-in-loop
-- @severity P1
-- @precision high
-- @tags n+1 database loop performance
-- @message {what} runs one database query per iteration of {loop} in {function} (N+1){through}: {alternative}
-- @fix fetch or write every row in one statement: WHERE id IN (...) / = ANY($1), executemany, selectinload, filter(pk__in=...)
-- @description A query issued once per element of a collection (the N+1
-- pattern) costs one network round trip, one parse and one plan per element:
-- 10,000 ids mean 10,000 round trips where one query would do. It is the
-- most common cause of slow endpoints and overloaded databases. The rule
-- follows the loop variable: a query whose arguments use it (or a name
-- derived from it) runs once per iteration. A project function called in
-- the loop that runs a query at any depth counts too, and the chain is shown.
-- @bad
-- def load_users(cur, user_ids):
--     users = []
--     for uid in user_ids:
--         cur.execute("SELECT id, name FROM users WHERE id = %s", (uid,))
--         users.append(cur.fetchone())
--     return users
-- @good
-- def load_users(cur, user_ids):
--     cur.execute("SELECT id, name FROM users WHERE id = ANY(%s)", (list(user_ids),))
--     return cur.fetchall()
-- @accepted executemany; loops over a fixed literal list or tuple; queries whose
-- arguments do not use the loop variable (`SELECT 1` retried); a query as the
-- loop's or comprehension's iterable (it runs once); requests/httpx sessions
-- and dict `get`; scripts under `if __name__ == "__main__"` and migrations
-- are reported at P3 only.
--
-- Result: one row per loop, at the first query (or call of a querying project
-- function) in it whose arguments vary with the loop. Columns: the location;
-- `what` (`cur.execute()`), `function` (enclosing function), `loop` (`the
-- loop over user_ids`), `through` (` through build -> fetch -> cur.execute()`
-- for a chain, else empty), `alternative` (the batch form for this kind of
-- query), `severity` (P3 under a main guard or in a migration), `related`
-- (the loop, then each step of the chain).
WITH
  qf(function_id, depth, via_call_id) AS MATERIALIZED (SELECT * FROM query_functions),
  -- candidate calls in loops: queries, and calls of project functions that query
  cand(call_id, loop_id, kind, target_id) AS MATERIALIZED (
    SELECT c.id, c.loop_id, d.kind, NULL
      FROM db_query_calls d JOIN calls c ON c.id = d.call_id
     WHERE c.loop_id IS NOT NULL AND d.kind <> 'result'
    UNION ALL
    SELECT c.id, c.loop_id, 'helper', (SELECT t.function_id FROM call_targets t JOIN qf ON qf.function_id = t.function_id
                                        WHERE t.call_id = c.id ORDER BY qf.depth LIMIT 1)
      FROM calls c
     WHERE c.loop_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM call_targets t JOIN qf ON qf.function_id = t.function_id WHERE t.call_id = c.id)
       AND NOT EXISTS (SELECT 1 FROM db_query_calls d WHERE d.call_id = c.id)),
  -- each candidate with the innermost loop, not over a literal, whose varying
  -- names feed its arguments or those of calls chained on it
  hit(call_id, kind, target_id, loop_id) AS (
    SELECT cand.call_id, cand.kind, cand.target_id,
           (SELECT la.ancestor_id FROM loop_ancestors la
             WHERE la.loop_id = cand.loop_id
               AND la.ancestor_id NOT IN (SELECT loop_id FROM fixed_loops)
               AND EXISTS (SELECT 1 FROM call_chain_links k
                             JOIN call_args a ON a.call_id = k.link_id
                             JOIN loop_vars v ON v.loop_id = la.ancestor_id
                            WHERE k.call_id = cand.call_id AND instr(a.names, ' ' || v.name || ' ') > 0)
             ORDER BY la.depth LIMIT 1)
      FROM cand),
  -- one per loop: the first in source order
  pick(call_id, kind, target_id, loop_id) AS (
    SELECT h.call_id, h.kind, h.target_id, h.loop_id
      FROM hit h JOIN calls c ON c.id = h.call_id
     WHERE h.loop_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM hit h2 JOIN calls c2 ON c2.id = h2.call_id
                        WHERE h2.loop_id = h.loop_id
                          AND (c2.line < c.line OR (c2.line = c.line AND c2.col < c.col)
                               OR (c2.line = c.line AND c2.col = c.col AND c2.id > c.id)))),
  -- the chain of a helper call: each function and the call it makes next
  chain(pick_id, step, function_id, call_id, depth) AS (
    SELECT p.call_id, 1, p.target_id, qf.via_call_id, qf.depth
      FROM pick p JOIN qf ON qf.function_id = p.target_id
     WHERE p.kind = 'helper'
    UNION ALL
    SELECT ch.pick_id, ch.step + 1, n.function_id, n.via_call_id, n.depth
      FROM chain ch
      JOIN qf n ON n.depth = ch.depth - 1
               AND n.function_id = (SELECT t.function_id FROM call_targets t JOIN qf q2 ON q2.function_id = t.function_id
                                     WHERE t.call_id = ch.call_id AND q2.depth = ch.depth - 1 LIMIT 1)
     WHERE ch.depth > 0),
  last(pick_id, query_id, kind) AS (
    SELECT ch.pick_id, ch.call_id, (SELECT d.kind FROM db_query_calls d WHERE d.call_id = ch.call_id LIMIT 1)
      FROM chain ch WHERE ch.depth = 0)
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col,
       c.callee || '()' AS what,
       coalesce(fn.name, '<module>') AS function,
       CASE l.kind WHEN 'while' THEN 'the while loop'
                   WHEN 'for' THEN 'the loop over ' || substr(l.iter, 1, 60)
                   WHEN 'async_for' THEN 'the async for loop over ' || substr(l.iter, 1, 60)
                   ELSE 'the comprehension over ' || substr(l.iter, 1, 60) END AS loop,
       CASE WHEN p.kind = 'helper' THEN
              ' through ' || coalesce(fn.name, '<module>') || ' -> '
              || (SELECT group_concat(x, ' -> ') FROM (
                    SELECT f2.name || '()' AS x FROM chain ch JOIN functions f2 ON f2.id = ch.function_id
                     WHERE ch.pick_id = p.call_id ORDER BY ch.step))
              || ' -> ' || (SELECT q.callee || '()' FROM last JOIN calls q ON q.id = last.query_id
                             WHERE last.pick_id = p.call_id)
            ELSE '' END AS through,
       CASE coalesce((SELECT kind FROM last WHERE last.pick_id = p.call_id), p.kind)
         WHEN 'orm' THEN 'load them in one query (.where(Model.id.in_(ids))) or eagerly with selectinload()/joinedload()'
         WHEN 'django' THEN 'fetch them in one query with filter(pk__in=ids), select_related() or prefetch_related()'
         WHEN 'mongo' THEN 'use one find({"_id": {"$in": ids}}) or bulk_write()'
         WHEN 'repository' THEN 'add a batch lookup (WHERE id IN (...)) and call it once'
         ELSE CASE WHEN EXISTS (SELECT 1 FROM call_args a
                                 WHERE a.call_id = coalesce((SELECT query_id FROM last WHERE last.pick_id = p.call_id), p.call_id)
                                   AND a.idx = 0
                                   AND (upper(a.text) GLOB '*INSERT *' OR upper(a.text) GLOB '*UPDATE *'
                                        OR upper(a.text) GLOB '*DELETE *'))
                   THEN 'send every row at once with executemany() or one multi-row statement'
                   ELSE 'fetch every row in one query with WHERE id IN (...) or = ANY($1)' END
       END AS alternative,
       CASE WHEN c.in_main_guard OR l.in_main_guard OR f.path GLOB '*migrations/*'
                 OR f.path GLOB '*alembic/versions/*'
            THEN 'P3' END AS severity,
       (SELECT json_group_array(json(r)) FROM (
          SELECT json_object('file_id', l.file_id, 'line', l.line, 'col', l.col,
                             'end_line', l.line, 'end_col', l.col,
                             'message', 'the loop: once per iteration') AS r
          UNION ALL
          SELECT r FROM (
            SELECT json_object('file_id', v.file_id, 'line', v.line, 'col', v.col,
                               'end_line', v.end_line, 'end_col', v.end_col,
                               'message', f2.name || '() ' || CASE WHEN ch.depth = 0 THEN 'runs the query ' ELSE 'calls ' END
                                          || v.callee || '()') AS r
              FROM chain ch JOIN calls v ON v.id = ch.call_id JOIN functions f2 ON f2.id = ch.function_id
             WHERE ch.pick_id = p.call_id ORDER BY ch.step))) AS related
  FROM pick p
  JOIN calls c ON c.id = p.call_id
  JOIN loops l ON l.id = p.loop_id
  JOIN files f ON f.id = c.file_id
  LEFT JOIN functions fn ON fn.id = c.function_id;
