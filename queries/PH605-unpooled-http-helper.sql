-- @id PH605
-- @name unpooled-http-helper
-- @severity P2
-- @precision high
-- @tags pool http interprocedural
-- @message {callee}() opens a new connection on every call, {why}: reuse a Session/Client
-- @fix create one requests.Session / httpx.Client / aiohttp.ClientSession outside the loop (or once per application) and call its methods
-- @description The module-level helpers requests.get/post/..., httpx.get/post/...
-- and aiohttp.request build a throw-away client for every call: a new TCP
-- connection, a new TLS handshake and a new DNS lookup each time, with
-- keep-alive wasted. Called once per item of a loop or once per request,
-- that is one handshake per item; a Session or Client keeps the connection
-- open and reuses it. The rule reports these helpers in a loop body or
-- comprehension, in a request handler, or in a function that a loop or a
-- request handler calls at any depth, across modules; the chain is given as
-- related locations.
-- @bad
-- def get_json(url):
--     return requests.get(url, timeout=5).json()
--
-- def load_pages(base, n):
--     return [get_json(f"{base}?page={i}") for i in range(n)]
-- @good
-- def load_pages(base, n):
--     with requests.Session() as s:
--         return [s.get(f"{base}?page={i}", timeout=5).json() for i in range(n)]
-- @accepted a Session/Client reused (its methods are not these helpers);
-- a single call in a function nothing calls per item or per request;
-- names that merely look alike (a local dict named `requests`). Beyond the
-- column: a request retried in a loop that ends on its first success
-- (retry_calls: `for _ in range(5): try: get(u); break / except: sleep()`)
-- is one request, not one per iteration: it is judged on its function's
-- callers (a loop or a handler calling the retrying helper is reported).
--
-- Result: one row per helper call, at the call. Columns: the location;
-- `callee` as written; `why` (the loop, the handler or the chain);
-- `related` (hot_chains: the loop or handler, then every call of the chain).
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, c.callee,
       CASE h.root WHEN 'loop' THEN 'once per iteration of a loop in ' || coalesce(f.name || '()', 'the module body')
                   WHEN 'handler' THEN 'once per request in handler ' || f.name || '()'
                   WHEN 'called_in_loop' THEN 'once per item of a loop: ' || h.steps
                   ELSE 'once per request: ' || h.steps END AS why,
       h.related
  FROM hot_chains h JOIN calls c ON c.id = h.call_id LEFT JOIN functions f ON f.id = c.function_id
 WHERE h.rule = 'PH605';
