-- @id PH603
-- @name client-in-loop
-- @scope file
-- @severity P1
-- @precision high
-- @tags pool http database loop
-- @message {callee}() {what} on every iteration of the {loop}: create it once, before the loop
-- @fix hoist the client, session, engine, pool or connection out of the loop (a `with` around the loop) and reuse it for every item
-- @description A client, session, engine, pool or database connection made
-- inside a loop body or comprehension is set up and torn down once per item:
-- a TCP (and often TLS) handshake, a login, a server-side session, for every
-- element of data of unknown size. Besides the latency, a long loop can
-- exhaust the server's connection slots or the client's ephemeral ports.
-- One object created before the loop serves every iteration.
-- @bad
-- for url in urls:
--     with httpx.Client() as client:
--         pages.append(client.get(url).text)
-- @good
-- with httpx.Client() as client:
--     for url in urls:
--         pages.append(client.get(url).text)
-- @accepted objects created once before the loop; cursors, pool.acquire()
-- and other borrowing from a pool inside it; module-level HTTP helpers
-- (PH605); clients over a shared connector or pool.
--
-- Result: one row per constructor call, at the call. Columns: the location;
-- `callee` as written; `what` (what it creates); `loop` (its innermost loop);
-- `related` (that loop).
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, c.callee,
       CASE p.kind WHEN 'session' THEN 'builds a new HTTP connection pool'
                   WHEN 'engine' THEN 'builds a new engine (a database connection pool)'
                   WHEN 'pool' THEN 'builds a new connection pool'
                   WHEN 'client' THEN 'builds a new client with its own connections'
                   ELSE 'opens a new database connection' END AS what,
       ll.label AS loop,
       json_array(json_object('file_id', l.file_id, 'line', l.line, 'col', l.col, 'end_line', l.end_line,
                              'end_col', l.end_col, 'message', 'the ' || ll.label)) AS related
  FROM pool_creations p
  JOIN calls c ON c.id = p.call_id
  JOIN loops l ON l.id = c.loop_id
  JOIN loop_labels ll ON ll.loop_id = l.id;
