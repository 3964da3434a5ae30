-- pyhunt library views for I/O: database queries, awaited I/O, loops and
-- what varies in them, and the fate of a resource bound to a local name.
-- Used by PH201/PH202 (N+1 and I/O in loops) and PH301-PH304 (resource
-- lifecycle); they know nothing of messages or severities. Loaded after
-- views.sql (name order) and built on its call graph (call_targets,
-- call_edges).

-- ---------------------------------------------------------------------------
-- Loops

-- loop_ancestors(loop_id, ancestor_id, depth)
-- A loop and every loop enclosing it in the same function: depth 0 is the
-- loop itself, 1 its parent...
CREATE TEMP VIEW loop_ancestors(loop_id, ancestor_id, depth) AS
  WITH RECURSIVE a(loop_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM loops
    UNION ALL
    SELECT a.loop_id, l.parent_id, a.depth + 1
      FROM a JOIN loops l ON l.id = a.ancestor_id
     WHERE l.parent_id IS NOT NULL AND a.depth < 40)
  SELECT loop_id, ancestor_id, depth FROM a;

-- loop_targets(loop_id, name)
-- The names a for loop or comprehension binds, one row each (`for i, (k, v)
-- in ...` gives i, k and v). `_` is left out: it is bound, never read.
CREATE TEMP VIEW loop_targets(loop_id, name) AS
  WITH RECURSIVE s(loop_id, name, rest) AS (
    SELECT id, NULL, ltrim(targets) FROM loops WHERE targets IS NOT NULL AND trim(targets) <> ''
    UNION ALL
    SELECT loop_id, substr(rest, 1, instr(rest || ' ', ' ') - 1),
           ltrim(substr(rest, instr(rest || ' ', ' ') + 1))
      FROM s WHERE rest <> '')
  SELECT loop_id, name FROM s WHERE name IS NOT NULL AND name NOT IN ('', '_');

-- loop_vars(loop_id, name)
-- Names whose value changes from one iteration of the loop to the next:
--   * the names it binds, and those of loops nested in it;
--   * in a `while` loop (which binds none), every name assigned in its body,
--     except items taken from a queue (a consumer cannot batch what has not
--     arrived yet);
--   * in other loops, a name assigned in the body by a statement that reads
--     one of the above (`uid = row["id"]`): one level of derivation.
CREATE TEMP VIEW loop_vars(loop_id, name) AS
  WITH t(loop_id, name) AS MATERIALIZED (
    SELECT la.ancestor_id, lt.name
      FROM loop_ancestors la JOIN loop_targets lt ON lt.loop_id = la.loop_id)
  SELECT loop_id, name FROM t
  UNION
  SELECT la.ancestor_id, a.target
    FROM assignments a
    JOIN loop_ancestors la ON la.loop_id = a.loop_id
    JOIN loops l ON l.id = la.ancestor_id
   WHERE a.loop_id IS NOT NULL AND a.target_kind = 'name' AND a.op <> 'for'
     AND (l.kind = 'while'
          OR EXISTS (SELECT 1 FROM t JOIN names n ON n.function_id = a.function_id AND n.name = t.name
                      WHERE t.loop_id = la.ancestor_id AND n.stmt_id = a.stmt_id AND n.ctx = 'load'))
     -- not an item taken from a queue: a consumer gets items one at a time,
     -- as they arrive (`job = await queue.get()`); there is nothing to batch
     AND NOT EXISTS (SELECT 1 FROM sync_point_calls sp JOIN calls q ON q.id = sp.call_id
                      WHERE sp.call_id = a.value_call_id
                        AND q.name IN (SELECT name FROM catalogue WHERE kind = 'sync-point' AND family = 'take'));

-- fixed_loops(loop_id)
-- Loops over a literal list, tuple or set (`for table in ("a", "b")`, `for
-- v in 1, 2:`), or over a name bound once to such a literal and never
-- added to: in the loop's function (`dataset = (...)`), or, when the
-- function neither binds it nor takes it as a parameter, at module level
-- (`TABLES = ["a", "b"]`). They run a known, small number of times.
CREATE TEMP VIEW fixed_loops(loop_id) AS
  -- The bindings of the loops' names are looked up by scope (the function,
  -- or -file_id for the module and its classes) and name, growing calls and
  -- item assignments by file and name, in tables materialized once (indexed
  -- automatically): scanning the file's assignments and calls per loop, or
  -- every binding of the name in the file, was quadratic in the size of a
  -- file.
  WITH
    iter_names AS MATERIALIZED (SELECT DISTINCT iter FROM loops WHERE iter_kind = 'identifier'),
    binds AS MATERIALIZED (
      SELECT coalesce(function_id, -file_id) AS scope, target, target_kind, class_id, op, value_kind, value
        FROM assignments WHERE target IN (SELECT iter FROM iter_names)),
    grown AS MATERIALIZED (
      SELECT DISTINCT file_id, receiver FROM calls
       WHERE (name IN (SELECT name FROM collection_methods WHERE effect = 'grow') OR name = '__setitem__')
         AND receiver IN (SELECT iter FROM iter_names)),
    subscripted AS MATERIALIZED (
      SELECT DISTINCT file_id, target_root FROM assignments
       WHERE target_kind = 'subscript' AND target_root IN (SELECT iter FROM iter_names)),
    named AS MATERIALIZED (          -- loops over a name, and the scope binding it (NULL: the module's)
      SELECT l.id, l.file_id, l.function_id, l.iter,
             CASE WHEN EXISTS (SELECT 1 FROM binds b
                                WHERE b.scope = coalesce(l.function_id, -l.file_id) AND b.target = l.iter)
                  THEN coalesce(l.function_id, -l.file_id) END AS own_scope
        FROM loops l WHERE l.iter_kind = 'identifier')
  SELECT id FROM loops
   WHERE iter_kind IN ('list', 'tuple', 'set')
      OR (iter_kind = 'expression_list' AND iter NOT GLOB '[*]*' AND iter NOT GLOB '*, [*]*')
  UNION ALL
  SELECT l.id FROM named l
   WHERE NOT EXISTS (SELECT 1 FROM params p WHERE p.function_id = l.function_id AND p.name = l.iter)
     -- its bindings in the scope that binds it (else at module level): exactly one, a literal display
     AND (SELECT count(*) = 1 AND sum(a.op = '=' AND a.value_kind IN ('list', 'tuple', 'set')
                                      AND a.value NOT IN ('[]', '()'))
            FROM binds a
           WHERE a.scope = coalesce(l.own_scope, -l.file_id) AND a.target = l.iter AND a.target_kind = 'name'
             AND (l.own_scope IS NOT NULL OR a.class_id IS NULL))
     -- nothing in the file adds to it
     AND NOT EXISTS (SELECT 1 FROM grown c WHERE c.file_id = l.file_id AND c.receiver = l.iter)
     AND NOT EXISTS (SELECT 1 FROM subscripted s WHERE s.file_id = l.file_id AND s.target_root = l.iter);

-- call_chain_links(call_id, link_id)
-- A call and the calls chained on its value (`session.query(X).filter(...)
-- .first()`: the filter and first calls are links of the query call). They
-- start where the call starts and were numbered just before it.
CREATE TEMP VIEW call_chain_links(call_id, link_id) AS
  SELECT c.id, c.id FROM calls c
  UNION ALL
  SELECT c.id, o.id
    FROM calls c JOIN calls o ON o.id BETWEEN c.id - 24 AND c.id - 1
   WHERE c.use = 'attr' AND o.line = c.line AND o.col = c.col AND o.stmt_id IS c.stmt_id;

-- ---------------------------------------------------------------------------
-- Database queries

-- db_driver_types(prefix)
-- Qualified-name prefixes of database drivers and ORMs (the catalogue's kind
-- 'db-driver'): a receiver typed `sqlite3.connect`, `asyncpg.create_pool`,
-- `sqlalchemy.orm.Session`... is a database handle.
CREATE TEMP VIEW db_driver_types(prefix) AS
  SELECT name FROM catalogue WHERE kind = 'db-driver';

-- db_receiver_names(pattern)
-- Lower-case GLOBs for the last part of a receiver whose type is unknown but
-- whose name says it is a cursor, connection, pool or ORM session.
CREATE TEMP VIEW db_receiver_names(pattern) AS
  VALUES ('cur'), ('cursor'), ('*cursor'), ('*_cur'), ('conn'), ('con'), ('cnx'), ('connection'),
         ('*conn'), ('*_connection'), ('db'), ('*_db'), ('database'), ('pool'), ('*_pool'), ('dbpool'),
         ('tx'), ('txn'), ('transaction'), ('session'), ('*session'), ('engine'), ('*_engine');

-- db_query_calls(call_id, kind)
-- Calls that run a database query (one round trip each), by the method
-- names of the catalogue's kind 'db-query'. `kind` is:
--   sql         execute/executescript/fetch/fetchrow/fetchval on a cursor,
--               connection or pool (DB-API drivers, asyncpg, aiosqlite...);
--   result      fetchone/fetchall/fetchmany: reading the rows of an execute;
--   orm         SQLAlchemy session get/query/execute/scalar(s)/refresh/merge,
--               Flask-SQLAlchemy `Model.query.get/filter_by`;
--   django      any method of a Django manager (`Model.objects.get/filter`);
--   mongo       find/find_one/aggregate/insert_one/update_one... on a
--               collection (PyMongo, Motor);
--   repository  repository-style lookups: find_by_*, get_*_by_id, get_by_id.
-- The receiver is a handle when its type is a driver's (db_driver_types), or,
-- its type unknown, when its name is (db_receiver_names). A receiver of
-- another known type (`requests.Session().get`) is never one.
CREATE TEMP VIEW db_query_calls(call_id, kind) AS
  WITH cand(id, name, rtype, rlast, kind) AS MATERIALIZED (
    SELECT c.id, c.name, c.receiver_type,
           lower(substr(c.receiver, length(rtrim(c.receiver, replace(c.receiver, '.', ''))) + 1)),
           q.family
      FROM catalogue q CROSS JOIN calls c ON c.name = q.name
     WHERE q.kind = 'db-query' AND q.family IN ('sql', 'result', 'orm')
       AND c.receiver IS NOT NULL)
  SELECT cand.id, CASE WHEN cand.kind = 'sql' AND cand.rlast GLOB '*session' THEN 'orm' ELSE cand.kind END
    FROM cand
   WHERE CASE
           WHEN cand.rtype IS NOT NULL THEN
             EXISTS (SELECT 1 FROM db_driver_types d
                      WHERE cand.rtype = d.prefix OR cand.rtype GLOB d.prefix || '.*')
             -- an ORM session's get takes the mapped class first: session.get(User, 1)
             AND (cand.name <> 'get' OR EXISTS (
                   SELECT 1 FROM call_args a WHERE a.call_id = cand.id AND a.pos = 0
                      AND a.kind IN ('identifier', 'attribute')
                      AND substr(a.text, length(rtrim(a.text, replace(a.text, '.', ''))) + 1, 1)
                          BETWEEN 'A' AND 'Z'))
           WHEN cand.kind = 'orm' THEN
             cand.rlast GLOB '*session'
             AND (cand.name NOT IN ('get', 'get_one') OR EXISTS (
                   SELECT 1 FROM call_args a WHERE a.call_id = cand.id AND a.pos = 0
                      AND a.kind IN ('identifier', 'attribute')
                      AND substr(a.text, length(rtrim(a.text, replace(a.text, '.', ''))) + 1, 1)
                          BETWEEN 'A' AND 'Z'))
           ELSE EXISTS (SELECT 1 FROM db_receiver_names n WHERE cand.rlast GLOB n.pattern)
         END
  UNION ALL
  -- Flask-SQLAlchemy: User.query.get(uid), User.query.filter_by(...)
  SELECT c.id, 'orm' FROM calls c
   WHERE c.name IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND family = 'flask')
     AND c.receiver GLOB '[A-Z]*.query' AND c.receiver NOT GLOB '*[^A-Za-z0-9_.]*'
  UNION ALL
  -- Django managers
  SELECT c.id, 'django' FROM calls c
   WHERE c.name IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND family = 'django')
     -- the receiver's last attribute names a manager (Model.objects)
     AND c.receiver GLOB '*.*'
     AND substr(c.receiver, length(rtrim(c.receiver, replace(c.receiver, '.', ''))) + 1)
         IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND family = 'django-manager')
  UNION ALL
  -- MongoDB collections: the operation names that are Mongo's own, on any
  -- receiver; the generic ones (find, aggregate, distinct) on a receiver
  -- typed by a Mongo driver, named like a database or collection, or given
  -- a filter document.
  SELECT c.id, 'mongo' FROM calls c
   WHERE c.name IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND family = 'mongo')
     AND c.receiver IS NOT NULL
  UNION ALL
  SELECT c.id, 'mongo' FROM calls c
   WHERE c.name IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND family = 'mongo-generic')
     AND c.receiver IS NOT NULL
     AND (EXISTS (SELECT 1 FROM catalogue d
                   WHERE d.kind = 'db-driver' AND d.family = 'mongo' AND c.receiver_type GLOB d.name || '.*')
          OR c.receiver GLOB 'db.*' OR c.receiver GLOB '*.db.*' OR c.receiver GLOB 'db[[]*'
          OR lower(c.receiver) GLOB '*collection' OR lower(c.receiver) GLOB '*coll'
          OR EXISTS (SELECT 1 FROM call_args a WHERE a.call_id = c.id AND a.idx = 0 AND a.kind = 'dictionary'))
  UNION ALL
  -- repository-style lookups
  SELECT c.id, 'repository' FROM calls c
   WHERE c.name GLOB 'find_by_?*' OR c.name GLOB 'get_?*_by_id' OR c.name GLOB 'find_?*_by_id'
      OR c.name IN ('get_by_id', 'find_by_id', 'aget_by_id');

-- query_functions(function_id, depth, via_call_id)
-- Project functions that run a database query (kind other than 'result'),
-- directly (depth 0, via_call_id the query) or through the project functions
-- they call (depth n, via_call_id the call to the next function of a
-- shortest chain). Chains stop at depth 6.
CREATE TEMP VIEW query_functions(function_id, depth, via_call_id) AS
  WITH RECURSIVE
    r(function_id, depth, via_call_id) AS (
      SELECT c.function_id, 0, min(c.id)
        FROM db_query_calls q JOIN calls c ON c.id = q.call_id
       WHERE q.kind <> 'result' AND c.function_id IS NOT NULL
       GROUP BY c.function_id
      UNION
      SELECT e.caller, r.depth + 1, e.call_id
        FROM r JOIN call_edges e ON e.callee = r.function_id
       WHERE r.depth < 6 AND e.caller <> r.function_id)
  SELECT function_id, min(depth), via_call_id FROM r GROUP BY function_id;

-- query_inputs(call_id, role, names)
-- What each database query (db_query_calls, kind other than 'result') is run
-- with: one row per argument of the query and of the calls chained on it
-- (`.filter(User.id == uid).first()`), with the identifiers it reads (' a b
-- '). `role` says what a value that changes from one call to the next does:
--   param  the same query runs with other values (N+1): a bound parameter
--          (`execute(sql, (uid,))`), a keyword, a chained filter, any
--          argument of an ORM, Django, Mongo or repository lookup, and the
--          statement itself when it is a SELECT/INSERT/UPDATE/DELETE/WITH
--          string written in place (directly or in the name it was last
--          bound to by `=`, in the function or at module level) or a
--          SQLAlchemy construction (`select(...)`, `.where(...)`,
--          `.values(...)`, `insert(...)`);
--   stmt   a different statement runs: the statement when it is anything
--          else (a name holding SQL from elsewhere, DDL, PRAGMA, transaction
--          control, a string that interpolates a table name: `FROM %s`,
--          "FROM `{t}`"), and the object a construction starts from
--          (`table.delete()`: another table each time).
-- The statement is the first positional argument (or `sql=`, `statement=`,
-- `query=`, `operation=`, `stmt=`) of execute/executescript/fetch/fetchrow/
-- fetchval on a DB-API or asyncpg handle and of an ORM session's
-- execute/scalar/scalars.
CREATE TEMP VIEW query_inputs(call_id, role, names) AS
  WITH
    q(id, takes_stmt) AS MATERIALIZED (
      SELECT c.id, d.kind IN ('sql', 'orm')
                   AND c.name IN (SELECT name FROM catalogue WHERE kind = 'db-query' AND pos = 0)
        FROM db_query_calls d JOIN calls c ON c.id = d.call_id
       WHERE d.kind <> 'result'),
    -- the statement argument, and the identifier its text starts with
    s(call_id, kind, text, names, lead) AS MATERIALIZED (
      SELECT q.id, x.kind, x.text, x.names,
             CASE WHEN x.text GLOB '[A-Za-z_]*' THEN
                    substr(x.text, 1, length(x.text) - length(ltrim(x.text,
                      'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'))) END
        FROM q JOIN call_args x ON x.call_id = q.id
       WHERE q.takes_stmt AND x.star = 0
         AND (coalesce(x.pos, -1) = 0
              OR coalesce(x.keyword, '') IN (SELECT name FROM catalogue WHERE kind = 'statement-param'))),
    -- the value that identifier was last bound to by `=` before the query,
    -- in its function, else (the function never binding it) at module level
    b(call_id, kind, text, names, bound) AS MATERIALIZED (
      SELECT s.call_id, s.kind, s.text, s.names,
             CASE WHEN s.lead IS NOT NULL THEN nullif(coalesce(
               (SELECT CASE WHEN a.op = '=' THEN a.value ELSE '' END FROM assignments a
                 WHERE a.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                   AND a.function_id IS c.function_id AND a.target = s.lead AND a.target_kind = 'name'
                   AND (a.line < c.line OR (a.line = c.line AND a.col < c.col))
                 ORDER BY a.line DESC, a.col DESC LIMIT 1),
               (SELECT CASE WHEN a.op = '=' THEN a.value ELSE '' END FROM assignments a
                 WHERE a.id BETWEEN file_first_id(c.file_id) AND file_last_id(c.file_id)
                   AND c.function_id IS NOT NULL AND a.function_id IS NULL AND a.class_id IS NULL
                   AND a.target = s.lead AND a.target_kind = 'name'
                   AND NOT EXISTS (SELECT 1 FROM assignments e
                                    WHERE e.function_id = c.function_id AND e.target = s.lead)
                 ORDER BY a.line DESC, a.col DESC LIMIT 1)), '') END
        FROM s JOIN calls c ON c.id = s.call_id),
    -- the SQL text to read: a string's, after `text(`, its prefix and quotes
    t(call_id, names, src, builder_text) AS (
      SELECT b.call_id, b.names,
             CASE WHEN b.bound IS NOT NULL AND b.kind <> 'string' THEN b.bound ELSE b.text END,
             lower(b.text || ' ' || coalesce(b.bound, ''))
        FROM b),
    u(call_id, names, src, builder_text, s1) AS (
      SELECT t.*,
             CASE WHEN substr(t.src, 1, instr(t.src, '(') - 1) GLOB 'text'
                    OR substr(t.src, 1, instr(t.src, '(') - 1) GLOB '*.text'
                  THEN ltrim(substr(t.src, instr(t.src, '(') + 1), ' ' || char(9, 10, 13)) ELSE t.src END
        FROM t),
    v(call_id, names, src, builder_text, is_string, sql) AS (
      SELECT u.call_id, u.names, u.src, u.builder_text,
             u.s1 GLOB '[''"]*' OR u.s1 GLOB '[fFrRbBuU][''"]*' OR u.s1 GLOB '[fFrRbBuU][fFrRbB][''"]*',
             ' ' || upper(replace(replace(replace(
                      ltrim(CASE WHEN u.s1 GLOB '[fFrRbBuU][fFrRbB][''"]*' THEN substr(u.s1, 3)
                                 WHEN u.s1 GLOB '[fFrRbBuU][''"]*' THEN substr(u.s1, 2)
                                 ELSE u.s1 END, '"''( ' || char(9, 10, 13)),
                      char(10), ' '), char(13), ' '), char(9), ' '))
        FROM u),
    w(call_id, names, src, role) AS (
      SELECT v.call_id, v.names, v.src,
             CASE WHEN v.is_string THEN
                    CASE WHEN (v.sql GLOB ' SELECT[^A-Z_]*' OR v.sql GLOB ' INSERT[^A-Z_]*'
                               OR v.sql GLOB ' UPDATE[^A-Z_]*' OR v.sql GLOB ' DELETE[^A-Z_]*'
                               OR v.sql GLOB ' WITH[^A-Z_]*' OR v.sql GLOB ' REPLACE[^A-Z_]*'
                               OR v.sql GLOB ' MERGE[^A-Z_]*')
                          AND NOT EXISTS (SELECT 1 FROM (VALUES ('FROM'), ('INTO'), ('JOIN'), ('UPDATE'), ('TABLE')) k
                                           WHERE v.sql GLOB '*[^A-Z_]' || k.column1 || ' [%{]*'
                                              OR v.sql GLOB '*[^A-Z_]' || k.column1 || ' [`"[][%{]*')
                         THEN 'param' ELSE 'stmt' END
                  WHEN EXISTS (SELECT 1 FROM catalogue k
                                WHERE k.kind = 'query-builder'
                                  AND v.builder_text GLOB '*' || CASE k.family WHEN 'method' THEN '.' ELSE '' END
                                                          || k.name || '(*')
                    THEN 'builder'
                  ELSE 'stmt' END
        FROM v)
  -- the statement
  SELECT call_id, CASE role WHEN 'builder' THEN 'param' ELSE role END, names FROM w
  UNION ALL
  -- the object a construction starts from
  SELECT call_id, 'stmt',
         ' ' || substr(src, 1, length(src) - length(ltrim(src,
                  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'))) || ' '
    FROM w WHERE role = 'builder' AND src GLOB '[A-Za-z_]*.*'
  UNION ALL
  -- the other arguments
  SELECT q.id, 'param', x.names
    FROM q JOIN call_args x ON x.call_id = q.id
   WHERE NOT (q.takes_stmt AND x.star = 0
              AND (coalesce(x.pos, -1) = 0
                   OR coalesce(x.keyword, '') IN (SELECT name FROM catalogue WHERE kind = 'statement-param')))
  UNION ALL
  -- the arguments of the calls chained on it (call_chain_links, spelt out:
  -- CROSS JOIN keeps SQLite on the rowid range of the few queries)
  SELECT q.id, 'param', x.names
    FROM q CROSS JOIN calls c ON c.id = q.id
    CROSS JOIN calls o ON o.id BETWEEN c.id - 24 AND c.id - 1
    CROSS JOIN call_args x ON x.call_id = o.id
   WHERE c.use = 'attr' AND +o.line = c.line AND +o.col = c.col AND +o.stmt_id IS c.stmt_id;

-- query_params(function_id, param, role, depth, via_call_id)
-- Parameters of project functions that feed a database query, with the role
-- they play there (query_inputs): used directly by a query of the function
-- or through one name bound from them (`sql = "... %s" % uid`; depth 0,
-- via_call_id the query), or passed on, the same way, to such a parameter
-- of a project function it calls (depth n, via_call_id that call). An
-- argument goes to the parameter of its keyword, else of its position
-- (counting `self`/`cls` for a method called on a receiver or a
-- constructor, not for a @staticmethod). `self` and `cls` themselves are
-- left out. Chains stop at depth 6; the shortest is kept.
CREATE TEMP VIEW query_params(function_id, param, role, depth, via_call_id) AS
  WITH RECURSIVE
    r(function_id, param, role, depth, via_call_id) AS (
      SELECT c.function_id, p.name, i.role, 0, i.call_id
        FROM query_inputs i JOIN calls c ON c.id = i.call_id
        JOIN params p ON p.function_id = c.function_id
       WHERE p.name NOT IN ('self', 'cls')
         AND (instr(i.names, ' ' || p.name || ' ') > 0
              OR EXISTS (SELECT 1 FROM names n JOIN assignments a ON a.stmt_id = n.stmt_id
                          WHERE n.function_id = c.function_id AND n.name = p.name AND n.ctx = 'load'
                            AND a.function_id = c.function_id AND a.target_kind = 'name'
                            AND instr(i.names, ' ' || a.target || ' ') > 0))
      UNION
      SELECT c.function_id, p.name, r.role, r.depth + 1, c.id
        FROM r
        JOIN call_graph g ON g.callee = r.function_id
        JOIN calls c ON c.id = g.call_id
        JOIN functions tf ON tf.id = r.function_id
        JOIN params tp ON tp.function_id = r.function_id AND tp.name = r.param
        JOIN call_args x ON x.call_id = c.id
        JOIN params p ON p.function_id = c.function_id
       WHERE r.depth < 6 AND c.function_id <> r.function_id
         AND (x.keyword = tp.name
              OR (x.keyword IS NULL AND x.star = 0
                  AND x.pos + CASE WHEN tf.is_method AND (c.receiver IS NOT NULL OR tf.name = '__init__')
                                        AND NOT EXISTS (SELECT 1 FROM decorators d
                                                         WHERE d.function_id = tf.id AND d.name = 'staticmethod')
                                   THEN 1 ELSE 0 END = tp.idx))
         AND p.name NOT IN ('self', 'cls')
         AND (instr(x.names, ' ' || p.name || ' ') > 0
              OR EXISTS (SELECT 1 FROM names n JOIN assignments a ON a.stmt_id = n.stmt_id
                          WHERE n.function_id = c.function_id AND n.name = p.name AND n.ctx = 'load'
                            AND a.function_id = c.function_id AND a.target_kind = 'name'
                            AND instr(x.names, ' ' || a.target || ' ') > 0)))
  SELECT function_id, param, role, min(depth), via_call_id FROM r GROUP BY function_id, param, role;

-- ---------------------------------------------------------------------------
-- Awaited I/O

-- await_non_io(call_id, kind)
-- Awaited calls that wait for time or for another task rather than for I/O,
-- or that are not the independent I/O a loop could run concurrently:
--   sleep       sleep (by name, or an async 'sleep' of the catalogue);
--   sync        lock/semaphore acquire, event/condition wait, stream drain,
--               wait_for/shield of a future or task already made (`await
--               asyncio.wait_for(fut, 5)`);
--   queue       queue/channel get/put/join/send/receive;
--   concurrent  the fan-out helpers that already run concurrently (gather,
--               wait, as_completed, a task group's spawn/start_soon; by
--               name, or a 'task-waiter' or 'nursery' of the catalogue);
--   lifecycle   starting, stopping, flushing and closing (start, stop,
--               close, aclose, close_*, _close*, shutdown, disconnect,
--               cancel, flush, __aenter__/__aexit__, __anext__,
--               enter_async_context, any *startup* or *shutdown* step:
--               `emit_startup`, `run_shutdown_hooks`...): startup and teardown sequences,
--               ordered on purpose;
--   callback    a callable the function was given (a parameter or loop
--               variable called by name: `await handler(event)`) or made
--               by an expression (`await self.wrap(func)()`), an event
--               hook or handler (`self.on_ready.send(...)`, `emit`,
--               `dispatch`, `notify`, `fire`, `trigger`, `handle*`,
--               `on_*`): code of unknown kind, run in order;
--   log         a logger's debug/info/warning/error/exception/critical/log.
CREATE TEMP VIEW await_non_io(call_id, kind) AS
  SELECT c.id,
         CASE WHEN c.name = 'sleep'
                   OR c.resolved IN (SELECT name FROM catalogue WHERE kind = 'sleep' AND family = 'async') THEN 'sleep'
              WHEN c.name IN ('acquire', 'wait', 'wait_closed', 'drain', 'wait_for', 'shield') THEN 'sync'
              WHEN c.name IN ('gather', 'as_completed', 'spawn', 'start_soon', 'create_task', 'ensure_future')
                   OR c.resolved IN (SELECT name FROM catalogue
                                      WHERE kind = 'nursery' OR (kind = 'task-waiter' AND family = 'list'))
                THEN 'concurrent'
              WHEN c.name IN ('start', 'stop', 'close', 'aclose', 'shutdown', 'disconnect', 'terminate', 'kill',
                              'cancel', 'flush', '__aenter__', '__aexit__', '__anext__', 'asend', 'athrow',
                              'enter_async_context', 'push_async_exit', 'cleanup')
                   OR c.name GLOB 'close_*' OR c.name GLOB '_close*'
                   OR lower(c.name) GLOB '*startup*' OR lower(c.name) GLOB '*shutdown*'
                THEN 'lifecycle'
              WHEN c.name IN ('debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'log')
                   AND (lower(c.receiver) GLOB '*log' OR lower(c.receiver) GLOB '*logger'
                        OR lower(c.receiver) GLOB '*logging')
                THEN 'log'
              WHEN c.name IN ('get', 'put', 'join', 'send', 'receive')
                   AND (c.receiver_type GLOB '*Queue*' OR c.receiver_type GLOB '*.Channel*'
                        OR c.receiver_type GLOB '*memory_object_stream*'
                        OR lower(c.receiver) GLOB '*queue' OR lower(c.receiver) GLOB '*_q' OR lower(c.receiver) = 'q'
                        OR lower(c.receiver) GLOB '*channel')
                THEN 'queue'
              ELSE 'callback' END
    FROM calls c
   WHERE c.name IN ('sleep', 'acquire', 'wait', 'wait_closed', 'drain', 'gather', 'as_completed', 'spawn',
                    'start_soon', 'create_task', 'ensure_future', 'start', 'stop', 'close', 'aclose', 'shutdown',
                    'flush', 'disconnect', 'terminate', 'kill', 'cancel', '__aenter__', '__aexit__', '__anext__',
                    'asend', 'athrow', 'enter_async_context', 'push_async_exit', 'cleanup', 'emit', 'dispatch',
                    'notify', 'fire', 'trigger')
      OR c.name GLOB 'close_*' OR c.name GLOB '_close*'
      OR lower(c.name) GLOB '*startup*' OR lower(c.name) GLOB '*shutdown*'
      OR c.resolved IN (SELECT name FROM catalogue
                         WHERE (kind = 'sleep' AND family = 'async') OR (kind = 'task-waiter' AND family = 'list'))
      OR (c.name IN ('wait_for', 'shield')
          AND NOT EXISTS (SELECT 1 FROM calls i WHERE i.parent_call_id = c.id AND i.arg_idx = 0))
      OR (c.name IN ('get', 'put', 'join', 'send', 'receive')
          AND (c.receiver_type GLOB '*Queue*' OR c.receiver_type GLOB '*.Channel*'
               OR c.receiver_type GLOB '*memory_object_stream*'
               OR lower(c.receiver) GLOB '*queue' OR lower(c.receiver) GLOB '*_q' OR lower(c.receiver) = 'q'
               OR lower(c.receiver) GLOB '*channel'))
      OR (c.name IN ('debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'log')
          AND (lower(c.receiver) GLOB '*log' OR lower(c.receiver) GLOB '*logger'
               OR lower(c.receiver) GLOB '*logging'))
      -- an event hook (a method of an `on_*` attribute) or handler
      OR c.receiver GLOB 'on_*' OR c.receiver GLOB '*.on_*' OR c.receiver GLOB '_on_*' OR c.receiver GLOB '*._on_*'
      OR c.name = 'handle' OR c.name GLOB 'handle_*' OR c.name GLOB '_handle_*'
      OR c.name GLOB 'on_*' OR c.name GLOB '_on_*'
      -- a callable made by an expression: `await self.wrap(func)()`
      OR coalesce(c.name, '') = ''
      -- a callable given to the function: a parameter or a loop variable
      OR (c.receiver IS NULL AND c.function_id IS NOT NULL
          AND (EXISTS (SELECT 1 FROM params p WHERE p.function_id = c.function_id AND p.name = c.callee)
               OR EXISTS (SELECT 1 FROM assignments a
                           WHERE a.function_id = c.function_id AND a.target = c.callee AND a.op = 'for')));

-- io_calls(call_id, family, serves_many)
-- Calls shown to do network or database I/O: the "I/O" of PH113 and PH202
-- (a network, HTTP, database, cache or RPC client call of the catalogue).
-- One of:
--   a method of a client of the catalogue (kind 'client'), by the
--   receiver's type: of the client itself (`session.get()` on an
--   aiohttp.ClientSession, `pool.fetchrow()` on an asyncpg pool), `family`
--   as the catalogue says; or of an object it made (`conn.fetch()` on
--   `pool.acquire()`'s connection, `resp.json()` on a response), family
--   'connection';
--   a database query of db_query_calls on any other receiver (an ORM
--   session, a cursor, a handle named like one), family 'database', or
--   'pool' when the receiver's type is unknown and its name says pool or
--   engine;
--   a module-level HTTP helper (the catalogue's kind http-helper), family
--   'helper'; a call that opens a connection of its own (kind
--   'network-open', or a client's constructor: `await asyncpg.connect()`),
--   family 'connect'.
-- `serves_many`: the receiver can serve concurrent calls (an HTTP session,
-- an engine, a pool, a Redis or MongoDB client, a helper that connects per
-- call); a connection, a cursor, an ORM session or transaction and an
-- embedded database serve one call at a time. Lifecycle and
-- synchronisation calls are in it too (`session.close()`): rules drop
-- them with await_non_io.
CREATE TEMP VIEW io_calls(call_id, family, serves_many) AS
  -- (driven from the calls, each probing the catalogue's index: calls has
  -- no index on receiver_type; the second branch tests each distinct
  -- receiver type once, not each call)
  SELECT c.id, k.family, k.family IN ('session', 'engine', 'pool', 'client')
    FROM calls c CROSS JOIN catalogue k INDEXED BY catalogue_kind ON k.kind = 'client' AND k.name = c.receiver_type
   WHERE c.receiver_type IS NOT NULL
  UNION ALL
  SELECT c.id, 'connection', 0
    FROM calls c
   WHERE c.receiver_type IN (
           SELECT t.rt FROM (SELECT DISTINCT receiver_type AS rt FROM calls WHERE receiver_type GLOB '*.*.*') t
            WHERE NOT EXISTS (SELECT 1 FROM catalogue k WHERE k.kind = 'client' AND k.name = t.rt)
              AND EXISTS (SELECT 1 FROM catalogue k WHERE k.kind = 'client' AND t.rt GLOB k.name || '.*'))
  UNION ALL
  SELECT q.call_id,
         CASE WHEN c.receiver_type IS NULL
                   AND (lower(c.receiver) GLOB '*pool' OR lower(c.receiver) GLOB '*engine') THEN 'pool'
              ELSE 'database' END,
         c.receiver_type IS NULL AND (lower(c.receiver) GLOB '*pool' OR lower(c.receiver) GLOB '*engine')
    FROM db_query_calls q JOIN calls c ON c.id = q.call_id
   WHERE q.kind <> 'repository'
     AND NOT EXISTS (SELECT 1 FROM catalogue k WHERE k.kind = 'client'
                        AND (c.receiver_type = k.name OR c.receiver_type GLOB k.name || '.*'))
  UNION ALL
  SELECT c.id, 'helper', 1 FROM catalogue h JOIN calls c ON c.resolved = h.name WHERE h.kind = 'http-helper'
  UNION ALL
  SELECT c.id, 'connect', 1 FROM catalogue h JOIN calls c ON c.resolved = h.name
   WHERE h.kind IN ('network-open', 'client');

-- io_functions(function_id, depth, via_call_id, serves_many)
-- Project coroutines shown to await I/O: one that awaits an io_calls call
-- (depth 0, via_call_id that call), or that awaits a project coroutine
-- that does (depth n, via_call_id the awaited call, resolved with evidence
-- of its target: call_targets, never a method name alone). Lifecycle and
-- synchronisation steps (await_non_io) are not its I/O. `serves_many`: it
-- can run for many callers at once, because the I/O it reaches is on a
-- receiver that serves concurrent calls, or on a connection it makes
-- itself (`conn = await asyncpg.connect(dsn)`; one per call). Per
-- function: the shortest chain among those that serve many, else the
-- shortest. Chains stop at depth 6.
CREATE TEMP VIEW io_functions(function_id, depth, via_call_id, serves_many) AS
  WITH RECURSIVE
    base(function_id, call_id, serves_many) AS MATERIALIZED (
      SELECT c.async_id, c.id,
             i.serves_many
             OR EXISTS (SELECT 1 FROM calls k
                         WHERE k.function_id = c.function_id AND k.id <> c.id
                           AND k.resolved IS NOT NULL AND k.resolved NOT GLOB '*.*.*.*.*.*'
                           AND (c.receiver_type = k.resolved OR c.receiver_type GLOB k.resolved || '.*')
                           AND k.resolved IN (SELECT name FROM catalogue WHERE kind = 'client'))
        FROM io_calls i JOIN calls c ON c.id = i.call_id
       WHERE c.awaited AND c.async_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM await_non_io n WHERE n.call_id = c.id)),
    r(function_id, depth, via_call_id, serves_many) AS (
      SELECT function_id, 0, min(call_id), serves_many FROM base GROUP BY function_id, serves_many
      UNION
      SELECT e.async_id, r.depth + 1, e.id, r.serves_many
        FROM r JOIN call_targets t ON t.function_id = r.function_id
               JOIN calls e ON e.id = t.call_id
       WHERE r.depth < 6 AND e.awaited AND e.async_id IS NOT NULL AND e.async_id <> r.function_id
         AND NOT EXISTS (SELECT 1 FROM await_non_io n WHERE n.call_id = e.id)),
    ranked(function_id, depth, via_call_id, serves_many, n) AS (
      SELECT function_id, depth, via_call_id, serves_many,
             row_number() OVER (PARTITION BY function_id ORDER BY serves_many DESC, depth, via_call_id)
        FROM r)
  SELECT function_id, depth, via_call_id, serves_many FROM ranked WHERE n = 1;

-- ---------------------------------------------------------------------------
-- Resources bound to local names
--
-- These views are single SELECTs (no UNION) on purpose: SQLite can then
-- flatten them into a rule's join and reach the facts of the few candidate
-- calls through indexes, instead of deriving the view for every call.

-- resource_names(call_id, function_id, name)
-- The local name a call's value is bound to inside a function: `fh =
-- open(p)`, `conn = await pool.acquire()`, and through an awaited wrapper,
-- `conn = await asyncio.wait_for(pool.acquire(), 2)`. Not `with ... as`
-- targets (see withs.as_name), attributes or unpacking.
CREATE TEMP VIEW resource_names(call_id, function_id, name) AS
  SELECT c.id, c.function_id,
         CASE WHEN c.use = 'assign' THEN c.target
              ELSE (SELECT w.target FROM calls w
                     WHERE w.id = c.parent_call_id AND w.use = 'assign' AND w.name IN ('wait_for', 'shield')) END
    FROM calls c
   WHERE c.function_id IS NOT NULL
     AND CASE WHEN c.use = 'assign' THEN c.target
              WHEN c.use = 'arg' AND c.arg_idx = 0 THEN
                (SELECT w.target FROM calls w
                  WHERE w.id = c.parent_call_id AND w.use = 'assign' AND w.name IN ('wait_for', 'shield')) END
         NOT GLOB '*[^A-Za-z0-9_]*'
     AND CASE WHEN c.use = 'assign' THEN c.target
              WHEN c.use = 'arg' AND c.arg_idx = 0 THEN
                (SELECT w.target FROM calls w
                  WHERE w.id = c.parent_call_id AND w.use = 'assign' AND w.name IN ('wait_for', 'shield')) END
         <> '';

-- name_uses(function_id, name, how, call_id, stmt_id)
-- Every read of a name in a function, with what it does to the object the
-- name holds. `how` is one of:
--   return, yield  handed to the caller (alone or in a tuple: `return fh, n`);
--   store          assigned to an attribute, a subscript or another name,
--                  alone or in a display (`self.fh = fh`, `files = [fh]`);
--   arg            passed to a call (call_id), alone or in a display given as
--                  an argument (`Server([sock])`, `run(files=(fh,))`);
--   with           used as a context manager (`with fh:`), which closes it;
--   callback       a method that ends it handed over, returned or stored:
--                  `atexit.register(fh.close)`, `self.addCleanup(proc.wait)`,
--                  `return sock.close, port` (the row's name is then `fh.close`,
--                  `proc.wait`...: a 'closer' of the catalogue, other than
--                  those that remove a path);
--   use            anything else (a method call on it, a test, an f-string).
-- Rules join it on (function_id, name), which is indexed.
CREATE TEMP VIEW name_uses(function_id, name, how, call_id, stmt_id) AS
  SELECT n.function_id, n.name,
         CASE WHEN n.name GLOB '*.*' THEN
                CASE WHEN substr(n.name, length(rtrim(n.name, replace(n.name, '.', ''))) + 1)
                            NOT IN (SELECT name FROM catalogue
                                     WHERE kind = 'closer' AND family IN ('any', 'pool', 'process'))
                       THEN 'use'
                     WHEN n.role IN ('arg', 'return', 'yield', 'assign') THEN 'callback'
                     WHEN n.role = 'other' AND n.call_id IS NULL
                          AND ((SELECT s.kind FROM statements s WHERE s.id = n.stmt_id) = 'return_statement'
                               OR EXISTS (SELECT 1 FROM returns r
                                           WHERE r.function_id = n.function_id AND r.stmt_id = n.stmt_id)
                               OR EXISTS (SELECT 1 FROM assignments a
                                           WHERE a.function_id = n.function_id AND a.stmt_id = n.stmt_id
                                             AND a.op = '=')) THEN 'callback'
                     ELSE 'use' END
              WHEN n.role IN ('return', 'yield', 'arg', 'with') THEN n.role
              WHEN n.role = 'assign' THEN 'store'
              -- an element of a display passed as an argument: Server(self, [sock])
              WHEN n.role = 'other' AND n.call_id IS NOT NULL THEN
                CASE WHEN EXISTS (SELECT 1 FROM call_args a
                                   WHERE a.call_id = n.call_id
                                     AND a.kind IN ('list', 'tuple', 'set', 'dictionary')
                                     AND instr(a.names, ' ' || n.name || ' ') > 0) THEN 'arg'
                     ELSE 'use' END
              WHEN n.role = 'other' AND n.call_id IS NULL THEN
                CASE WHEN (SELECT s.kind FROM statements s WHERE s.id = n.stmt_id) = 'return_statement' THEN 'return'
                     WHEN EXISTS (SELECT 1 FROM returns r
                                   WHERE r.function_id = n.function_id AND r.stmt_id = n.stmt_id
                                     AND r.kind <> 'return') THEN 'yield'
                     WHEN EXISTS (SELECT 1 FROM assignments a
                                   WHERE a.function_id = n.function_id AND a.stmt_id = n.stmt_id AND a.op = '='
                                     AND a.value_kind IN ('tuple', 'list', 'dictionary', 'set', 'expression_list'))
                       THEN 'store'
                     ELSE 'use' END
              ELSE 'use' END,
         n.call_id, n.stmt_id
    FROM names n
   WHERE n.ctx = 'load';

-- closed_by_nested(function_id, name, call_id)
-- A def or lambda nested in the function closes, releases, stops or removes
-- what the name holds, with a 'closer' of the catalogue other than an
-- exchange (`def cleanup(): fh.close()`, `def kill(): proc.terminate()`): a
-- cleanup callback.
CREATE TEMP VIEW closed_by_nested(function_id, name, call_id) AS
  SELECT f.parent_id, c.receiver, c.id
    FROM functions f JOIN calls c ON c.function_id = f.id
   WHERE f.parent_id IS NOT NULL
     AND c.name IN (SELECT name FROM catalogue WHERE kind = 'closer' AND family <> 'exchange');

-- global_declarers(function_id)
-- Functions with a `global` statement: a name they bind that the module
-- also binds at module level lives on after the call. (The statement's names
-- are not extracted; rules pair this with a module-level assignment.)
CREATE TEMP VIEW global_declarers(function_id) AS
  SELECT function_id FROM statements WHERE kind = 'global_statement';

-- finally_calls(call_id)
-- Calls that run on every way out of a try: in its finally clause, or in a
-- try statement nested in an enclosing try's finally (`finally: try:
-- fh.close() except OSError: pass`). That enclosing try's `else:` block is
-- not told apart from its finally.
CREATE TEMP VIEW finally_calls(call_id) AS
  SELECT c.id FROM calls c
   WHERE c.in_finally
      OR (c.try_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM statements t JOIN statements s ON s.id = t.parent_id
                       WHERE t.id = c.try_id AND s.kind = 'try_statement' AND t.block_id > s.id + 1
                         AND NOT EXISTS (SELECT 1 FROM handlers h
                                          WHERE h.function_id IS s.function_id AND h.try_id = s.id
                                            AND t.line BETWEEN h.line AND h.end_line)));

-- non_owning_consumers(qualname)
-- Calls that use a file or connection passed to them without taking it
-- over (the catalogue's kind 'borrower'): passing an object to them is not
-- handing it on.
CREATE TEMP VIEW non_owning_consumers(qualname) AS
  SELECT name FROM catalogue WHERE kind = 'borrower';
