-- @id PH112
-- @name missing-timeout
-- @scope file
-- @severity P1
-- @precision high
-- @tags network timeout reliability
-- @message {callee}() {problem}: a server that stops answering hangs this call (and its worker) forever
-- @fix pass a timeout (requests: timeout=(3.05, 27); urlopen/create_connection: timeout=10)
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
-- @accepted a timeout given by keyword or positionally (`urlopen(url, None,
-- 10)`, `create_connection(addr, 5)`); a session whose requests are all made
-- with a timeout; httpx and aiohttp (their clients have a default timeout: 5
-- s, and 5 min in total). Beyond the column: a call that passes **kwargs (a
-- timeout may be among them); names that merely look alike (a local dict
-- called `requests`: not the library); urlopen of a literal data: or file:
-- URL (no network).
--
-- Result: one row per call, at the call; `callee` as written, `problem`
-- says what is missing, `severity` is P3 for an explicit timeout=None.
SELECT file_id, line, col, end_line, end_col, callee,
       CASE WHEN timeout_kw = 'None' THEN 'passes timeout=None' ELSE 'has no timeout' END AS problem,
       CASE WHEN timeout_kw = 'None' THEN 'P3' END AS severity
  FROM (SELECT c.*,
               (SELECT a.text FROM call_args a WHERE a.call_id = c.id AND a.keyword = 'timeout') AS timeout_kw
          FROM calls c JOIN timeout_calls t ON t.qualname = c.resolved
         WHERE NOT c.star_args
           AND (t.timeout_pos IS NULL OR c.nargs <= t.timeout_pos)
           AND NOT EXISTS (SELECT 1 FROM call_args a     -- data: and file: URLs never touch the network
                            WHERE a.call_id = c.id AND a.pos = 0
                              AND (a.text GLOB '[''"]data:*' OR a.text GLOB '[''"]file:*')))
 WHERE timeout_kw IS NULL OR timeout_kw = 'None';
