-- @id PH112
-- @name missing-timeout
-- @scope file
-- @severity P1
-- @precision high
-- @tags network timeout reliability
-- @message {callee}() {problem}: a server that stops answering hangs this call (and its worker) forever
-- @fix pass a timeout (requests: timeout=(3.05, 27); urlopen/create_connection: timeout=10; aiohttp: ClientSession(timeout=aiohttp.ClientTimeout(total=30)))
-- @description requests, urllib and socket wait forever by default: one slow
-- or dead peer holds a thread, a connection-pool slot or a whole worker until
-- the process is restarted, and under load those pile up into an outage. An
-- explicit `timeout=None` asks for exactly that; it is reported at P3, as a
-- choice to double-check (streams, long polls).
-- @bad
-- def get_rates(base):
--     return requests.get("https://rates.example.com/latest", params={"base": base}).json()
-- @good
-- def get_rates(base):
--     return requests.get("https://rates.example.com/latest", params={"base": base}, timeout=5).json()
-- @accepted a timeout given by keyword or positionally (`urlopen(url, None, 10)`,
-- `create_connection(addr, 5)`), or through **kwargs; httpx (default timeout
-- of 5 s); an aiohttp session whose every request passes timeout=; names that
-- merely look alike (a local dict called `requests`); urlopen of a literal
-- data: or file: URL.
--
-- Result: one row per call, at the call; `callee` as written, `problem`
-- says what is missing, `severity` is P3 for an explicit timeout=None.
WITH calls_t AS (
  SELECT c.*, t.timeout_pos,
         (SELECT a.text FROM call_args a WHERE a.call_id = c.id AND a.keyword = 'timeout') AS timeout_kw
    FROM calls c JOIN timeout_calls t ON t.qualname = c.resolved
   WHERE NOT c.star_args
     AND (t.timeout_pos IS NULL OR c.nargs <= t.timeout_pos)
     AND NOT EXISTS (SELECT 1 FROM call_args a     -- data: and file: URLs never touch the network
                      WHERE a.call_id = c.id AND a.pos = 0
                        AND (a.text GLOB '[''"]data:*' OR a.text GLOB '[''"]file:*'))),
-- with items by their call (withs has no index on call_id: a scan of every
-- with per session was quadratic)
with_calls AS MATERIALIZED (SELECT call_id, as_name FROM withs WHERE call_id IS NOT NULL),
-- aiohttp sessions created without timeout=, with the name they are bound to
sessions AS (
  SELECT c.*, coalesce(w.as_name, s.target) AS bound,
         (SELECT a.text FROM call_args a WHERE a.call_id = c.id AND a.keyword = 'timeout') AS timeout_kw
    FROM calls c
    LEFT JOIN with_calls w ON w.call_id = c.id
    LEFT JOIN assignments s ON s.value_call_id = c.id AND s.op = '='
   WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'timeout' AND family = 'session')
     AND NOT c.star_args),
-- the requests made on each such session, with whether they pass a timeout
session_requests AS (
  SELECT s.id AS session_id, r.kwargs GLOB '*,timeout,*' OR r.star_args AS has_timeout
    FROM sessions s
    JOIN calls r ON r.receiver = s.bound
                AND r.receiver_type IN (SELECT name FROM catalogue WHERE kind = 'timeout' AND family = 'session')
                AND r.name IN (SELECT name FROM aiohttp_requests)
                AND (r.function_id IS s.function_id
                     OR (s.bound GLOB 'self.*' AND r.class_id IS s.class_id))
   WHERE s.bound IS NOT NULL)
SELECT file_id, line, col, end_line, end_col, callee,
       CASE WHEN timeout_kw = 'None' THEN 'passes timeout=None' ELSE 'has no timeout' END AS problem,
       CASE WHEN timeout_kw = 'None' THEN 'P3' END AS severity
  FROM calls_t
 WHERE timeout_kw IS NULL OR timeout_kw = 'None'
UNION ALL
SELECT s.file_id, s.line, s.col, s.end_line, s.end_col, s.callee,
       CASE WHEN s.timeout_kw = 'None' THEN 'passes timeout=None'
            ELSE 'has no timeout and its requests pass none' END,
       CASE WHEN s.timeout_kw = 'None' THEN 'P3' END
  FROM sessions s
 WHERE (s.timeout_kw IS NULL OR s.timeout_kw = 'None')
   AND NOT (EXISTS (SELECT 1 FROM session_requests q WHERE q.session_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM session_requests q WHERE q.session_id = s.id AND NOT q.has_timeout));
