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
-- follows the loop variable: a query that takes it (or a name derived from
-- it) as a value (a bound parameter, a filter, a value written into a
-- SELECT/INSERT/UPDATE/DELETE string) runs once per iteration. A project
-- function called in the loop counts too when what it is given reaches such
-- a value of its query, at any depth, and the chain is shown.
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
-- @accepted executemany; loops over a fixed literal list or tuple (or a name
-- bound once to one); queries whose arguments do not use the loop variable
-- (`SELECT 1` retried); a query as the loop's or comprehension's iterable (it
-- runs once); a different statement each turn (a list of statements, DDL,
-- PRAGMA, transaction control, the same query on another table each time),
-- which no batch form replaces; a project function given a statement, or
-- whose query does not use what it is given as a value; loops that already
-- batch (range with a step, a chunk sliced off each turn); requests/httpx
-- sessions and dict `get`; scripts under `if __name__ == "__main__"` and
-- migrations are reported at P3 only.
--
-- Result: one row per loop, at the first query (or call of a querying project
-- function) in it whose arguments vary with the loop. Columns: the location;
-- `what` (`cur.execute()`), `function` (enclosing function), `loop` (`the
-- loop over user_ids`), `through` (` through build -> fetch -> cur.execute()`
-- for a chain, else empty), `alternative` (the batch form for this kind of
-- query), `severity` (P3 under a main guard or in a migration), `related`
-- (the loop, then each step of the chain).
WITH
  -- the queries, computed once (looked up per call below: a lookup in the
  -- view re-derived it per row)
  dq(call_id, kind) AS MATERIALIZED (SELECT call_id, kind FROM db_query_calls),
  qp(function_id, param, role, depth, via_call_id) AS MATERIALIZED (SELECT * FROM query_params),
  -- project functions that run a query with values a parameter brings in:
  -- the shortest chain down to it
  qf(function_id, depth, via_call_id) AS MATERIALIZED (
    SELECT function_id, min(depth), via_call_id FROM qp WHERE role = 'param' GROUP BY function_id),
  -- what feeds each call in a loop that queries: the inputs of a query
  -- (query_inputs); for a call of a project function that queries, each
  -- argument, in the role of the parameter it goes to (query_params)
  inp(call_id, role, names) AS MATERIALIZED (
    SELECT i.call_id, i.role, i.names
      FROM query_inputs i JOIN calls c ON c.id = i.call_id
     WHERE c.loop_id IS NOT NULL
    UNION ALL
    SELECT c.id, qp.role, x.names
      FROM qp
      JOIN call_graph g ON g.callee = qp.function_id
      JOIN calls c ON c.id = g.call_id
      JOIN functions tf ON tf.id = qp.function_id
      JOIN params tp ON tp.function_id = qp.function_id AND tp.name = qp.param
      JOIN call_args x ON x.call_id = c.id
     WHERE c.loop_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM dq d WHERE d.call_id = c.id)
       AND (x.keyword = tp.name
            OR (x.keyword IS NULL AND x.star = 0
                AND x.pos + CASE WHEN tf.is_method AND (c.receiver IS NOT NULL OR tf.name = '__init__')
                                      AND NOT EXISTS (SELECT 1 FROM decorators d
                                                       WHERE d.function_id = tf.id AND d.name = 'staticmethod')
                                 THEN 1 ELSE 0 END = tp.idx))),
  -- candidate calls in loops: queries, and calls of project functions that
  -- query with what they are given
  cand(call_id, loop_id, kind, target_id) AS MATERIALIZED (
    SELECT c.id, c.loop_id, d.kind, NULL
      FROM dq d JOIN calls c ON c.id = d.call_id
     WHERE c.loop_id IS NOT NULL AND d.kind <> 'result'
    UNION ALL
    SELECT c.id, c.loop_id, 'helper', (SELECT t.function_id FROM call_targets t JOIN qf ON qf.function_id = t.function_id
                                        WHERE t.call_id = c.id ORDER BY qf.depth LIMIT 1)
      FROM calls c
     WHERE c.id IN (SELECT call_id FROM inp WHERE role = 'param')
       AND NOT EXISTS (SELECT 1 FROM dq d WHERE d.call_id = c.id)),
  -- each candidate with the loops around it, innermost first, but those
  -- that run it a known, small number of times (over a literal) or once
  -- per batch: over range(start, stop, step), or a while loop or a loop
  -- over range() that slices a chunk off a collection each turn (`chunk =
  -- ids[i * 500:(i + 1) * 500]`)
  anc(call_id, loop_id, depth) AS MATERIALIZED (
    SELECT cand.call_id, la.ancestor_id, la.depth
      FROM cand CROSS JOIN loop_ancestors la ON la.loop_id = cand.loop_id
      CROSS JOIN loops l ON l.id = la.ancestor_id
     WHERE NOT EXISTS (SELECT 1 FROM fixed_loops f WHERE f.loop_id = l.id)
       AND NOT (l.kind = 'for' AND replace(l.iter, ' ', '') GLOB 'range(*,*,*)')
       AND NOT EXISTS (SELECT 1 FROM assignments a
                        WHERE (l.kind = 'while' OR (l.kind = 'for' AND l.iter GLOB 'range(*'))
                          AND a.function_id IS l.function_id AND a.loop_id = l.id
                          AND a.op = '=' AND a.target_kind = 'name' AND a.value_kind = 'subscript'
                          AND a.value GLOB '*[[]*:*]' AND a.value NOT GLOB '*[[][''"]*'
                          AND NOT EXISTS (SELECT 1 FROM loop_targets t
                                           WHERE t.loop_id = l.id AND a.value GLOB t.name || '[[]*'))),
  lv(loop_id, name) AS MATERIALIZED (
    SELECT loop_id, name FROM loop_vars WHERE loop_id IN (SELECT loop_id FROM anc)),
  -- each candidate with the innermost of those loops whose varying names
  -- feed it as values (role param) and not as the statement (role stmt:
  -- then each turn runs a different statement)
  hit(call_id, kind, target_id, loop_id) AS MATERIALIZED (
    SELECT cand.call_id, cand.kind, cand.target_id,
           (SELECT anc.loop_id FROM anc
             WHERE anc.call_id = cand.call_id
               AND EXISTS (SELECT 1 FROM inp i JOIN lv v ON v.loop_id = anc.loop_id
                            WHERE i.call_id = cand.call_id AND i.role = 'param'
                              AND instr(i.names, ' ' || v.name || ' ') > 0)
               AND NOT EXISTS (SELECT 1 FROM inp i JOIN lv v ON v.loop_id = anc.loop_id
                                WHERE i.call_id = cand.call_id AND i.role = 'stmt'
                                  AND instr(i.names, ' ' || v.name || ' ') > 0)
             ORDER BY anc.depth LIMIT 1)
      FROM cand),
  -- one per loop: the first in source order
  pick(call_id, kind, target_id, loop_id) AS MATERIALIZED (
    SELECT call_id, kind, target_id, loop_id FROM (
      SELECT h.call_id, h.kind, h.target_id, h.loop_id,
             row_number() OVER (PARTITION BY h.loop_id ORDER BY c.line, c.col, c.id DESC) AS n
        FROM hit h JOIN calls c ON c.id = h.call_id
       WHERE h.loop_id IS NOT NULL)
     WHERE n = 1),
  -- the chain of a helper call: each function and the call it makes next
  chain(pick_id, loop_id, step, function_id, call_id, depth) AS (
    SELECT p.call_id, p.loop_id, 1, p.target_id, qf.via_call_id, qf.depth
      FROM pick p JOIN qf ON qf.function_id = p.target_id
     WHERE p.kind = 'helper'
    UNION ALL
    SELECT ch.pick_id, ch.loop_id, ch.step + 1, n.function_id, n.via_call_id, n.depth
      FROM chain ch
      JOIN qf n ON n.depth = ch.depth - 1
               AND n.function_id = (SELECT t.function_id FROM call_targets t JOIN qf q2 ON q2.function_id = t.function_id
                                     WHERE t.call_id = ch.call_id AND q2.depth = ch.depth - 1 LIMIT 1)
     WHERE ch.depth > 0),
  -- each chain in order, as text and as related locations, and its query
  -- (one reference to each CTE above: SQLite compiles a CTE once per use)
  steps(pick_id, loop_id, name, depth, call_id, callee, loc) AS MATERIALIZED (
    SELECT ch.pick_id, ch.loop_id, f2.name, ch.depth, v.id, v.callee,
           json_object('file_id', v.file_id, 'line', v.line, 'col', v.col,
                       'end_line', v.end_line, 'end_col', v.end_col,
                       'message', f2.name || '() ' || CASE WHEN ch.depth = 0 THEN 'runs the query ' ELSE 'calls ' END
                                  || v.callee || '()')
      FROM chain ch JOIN calls v ON v.id = ch.call_id JOIN functions f2 ON f2.id = ch.function_id
     ORDER BY ch.pick_id, ch.step),
  trail(pick_id, loop_id, names, locs, query_id, query_callee) AS (
    SELECT pick_id, max(loop_id), group_concat(name || '()', ' -> '), json_group_array(json(loc)),
           max(CASE WHEN depth = 0 THEN call_id END), max(CASE WHEN depth = 0 THEN callee END)
      FROM steps GROUP BY pick_id),
  -- (the chains, then the picks without one: a LEFT JOIN of pick and trail
  -- ran as a scan of trail per pick, quadratic)
  found(call_id, kind, loop_id, names, locs, query_id, query_callee) AS (
    SELECT tr.pick_id, coalesce(d.kind, 'helper'), tr.loop_id, tr.names, tr.locs,
           coalesce(tr.query_id, tr.pick_id), tr.query_callee
      FROM trail tr LEFT JOIN calls q ON q.id = tr.query_id
      LEFT JOIN (SELECT call_id, min(kind) AS kind FROM dq GROUP BY call_id) d ON d.call_id = q.id
    UNION ALL
    SELECT p.call_id, p.kind, p.loop_id, NULL, NULL, p.call_id, NULL
      FROM pick p WHERE p.call_id NOT IN (SELECT pick_id FROM trail))
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col,
       c.callee || '()' AS what,
       coalesce(fn.name, '<module>') AS function,
       CASE l.kind WHEN 'while' THEN 'the while loop'
                   WHEN 'for' THEN 'the loop over ' || substr(l.iter, 1, 60)
                   WHEN 'async_for' THEN 'the async for loop over ' || substr(l.iter, 1, 60)
                   ELSE 'the comprehension over ' || substr(l.iter, 1, 60) END AS loop,
       CASE WHEN p.names IS NOT NULL THEN
              ' through ' || coalesce(fn.name, '<module>') || ' -> ' || p.names || ' -> ' || p.query_callee || '()'
            ELSE '' END AS through,
       CASE p.kind
         WHEN 'orm' THEN 'load them in one query (.where(Model.id.in_(ids))) or eagerly with selectinload()/joinedload()'
         WHEN 'django' THEN 'fetch them in one query with filter(pk__in=ids), select_related() or prefetch_related()'
         WHEN 'mongo' THEN 'use one find({"_id": {"$in": ids}}) or bulk_write()'
         WHEN 'repository' THEN 'add a batch lookup (WHERE id IN (...)) and call it once'
         ELSE CASE WHEN EXISTS (SELECT 1 FROM call_args a
                                 WHERE a.call_id = p.query_id AND a.idx = 0
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
          SELECT value FROM json_each(p.locs))) AS related
  FROM found p
  JOIN calls c ON c.id = p.call_id
  JOIN loops l ON l.id = p.loop_id
  JOIN files f ON f.id = c.file_id
  LEFT JOIN functions fn ON fn.id = c.function_id;
