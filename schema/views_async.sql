-- pyhunt library views for the blocking-call rules (PH101, PH102) and the
-- coroutine rules (PH103, PH104): what blocks the event loop, as data, and
-- which project functions reach such a call. Loaded after views.sql (name
-- order) and built on its call graph (call_targets, call_edges).

-- blocking_names(qualname)
-- Functions and constructors that block the calling thread on I/O, sleep,
-- a child process or the terminal, by qualified name. A call matches when
-- calls.resolved is one of them (through imports and aliases).
CREATE TEMP VIEW blocking_names(qualname) AS
  VALUES ('time.sleep'),
         ('requests.get'), ('requests.post'), ('requests.put'), ('requests.patch'), ('requests.delete'),
         ('requests.head'), ('requests.options'), ('requests.request'),
         ('urllib.request.urlopen'), ('urllib.request.urlretrieve'),
         ('httpx.get'), ('httpx.post'), ('httpx.put'), ('httpx.patch'), ('httpx.delete'), ('httpx.head'),
         ('httpx.options'), ('httpx.request'), ('httpx.stream'),
         ('subprocess.run'), ('subprocess.call'), ('subprocess.check_call'), ('subprocess.check_output'),
         ('subprocess.getoutput'), ('subprocess.getstatusoutput'), ('subprocess.Popen'),
         ('os.system'), ('os.popen'), ('os.spawnl'), ('os.spawnle'), ('os.spawnlp'), ('os.spawnlpe'),
         ('os.spawnv'), ('os.spawnve'), ('os.spawnvp'), ('os.spawnvpe'), ('os.posix_spawn'), ('os.posix_spawnp'),
         ('os.wait'), ('os.waitpid'), ('os.wait3'), ('os.wait4'), ('os.waitid'),
         ('open'), ('io.open'), ('os.fdopen'),
         ('os.path.exists'), ('os.path.lexists'), ('os.path.isfile'), ('os.path.isdir'), ('os.path.islink'),
         ('os.path.ismount'), ('os.path.getsize'), ('os.path.getmtime'), ('os.path.getatime'),
         ('os.path.getctime'), ('os.path.realpath'), ('os.path.samefile'),
         ('os.listdir'), ('os.scandir'), ('os.stat'), ('os.lstat'), ('os.walk'), ('os.remove'), ('os.unlink'),
         ('os.rename'), ('os.replace'), ('os.makedirs'), ('os.mkdir'), ('os.rmdir'), ('os.removedirs'),
         ('shutil.copy'), ('shutil.copy2'), ('shutil.copyfile'), ('shutil.copytree'), ('shutil.copyfileobj'),
         ('shutil.copymode'), ('shutil.copystat'), ('shutil.move'), ('shutil.rmtree'),
         ('input'),
         ('smtplib.SMTP'), ('smtplib.SMTP_SSL'), ('smtplib.LMTP'), ('ftplib.FTP'), ('ftplib.FTP_TLS'),
         ('imaplib.IMAP4'), ('imaplib.IMAP4_SSL'), ('imaplib.IMAP4_stream'), ('poplib.POP3'), ('poplib.POP3_SSL'),
         ('socket.create_connection'), ('socket.getaddrinfo'), ('socket.gethostbyname'),
         ('sqlite3.connect'), ('psycopg2.connect'), ('pymysql.connect'), ('MySQLdb.connect'),
         ('concurrent.futures.wait');

-- blocking_methods(type, method, label)
-- Methods that block on a receiver of a known type. `type` is a GLOB over
-- the receiver's type as the extractor names it (the constructor or factory
-- that made it: sqlite3.connect for a connection, sqlite3.connect.cursor for
-- its cursor); `label` names the type in messages.
CREATE TEMP VIEW blocking_methods(type, method, label) AS
  WITH
    t(type, label, kind) AS (VALUES
      ('requests.Session', 'requests.Session', 'http'), ('requests.session', 'requests.Session', 'http'),
      ('requests.sessions.Session', 'requests.Session', 'http'),
      ('httpx.Client', 'httpx.Client', 'httpx'),
      ('urllib3.PoolManager', 'urllib3.PoolManager', 'urllib3'),
      ('urllib3.ProxyManager', 'urllib3.ProxyManager', 'urllib3'),
      ('urllib3.HTTPConnectionPool', 'urllib3.HTTPConnectionPool', 'urllib3'),
      ('urllib3.HTTPSConnectionPool', 'urllib3.HTTPSConnectionPool', 'urllib3'),
      ('urllib3.connection_from_url', 'urllib3.HTTPConnectionPool', 'urllib3'),
      ('http.client.HTTPConnection', 'http.client.HTTPConnection', 'httpclient'),
      ('http.client.HTTPSConnection', 'http.client.HTTPSConnection', 'httpclient'),
      ('smtplib.SMTP', 'smtplib.SMTP', 'smtp'), ('smtplib.SMTP_SSL', 'smtplib.SMTP_SSL', 'smtp'),
      ('smtplib.LMTP', 'smtplib.LMTP', 'smtp'),
      ('ftplib.FTP', 'ftplib.FTP', 'ftp'), ('ftplib.FTP_TLS', 'ftplib.FTP_TLS', 'ftp'),
      ('imaplib.IMAP4', 'imaplib.IMAP4', 'imap'), ('imaplib.IMAP4_SSL', 'imaplib.IMAP4_SSL', 'imap'),
      ('poplib.POP3', 'poplib.POP3', 'pop'), ('poplib.POP3_SSL', 'poplib.POP3_SSL', 'pop'),
      ('socket.socket', 'socket.socket', 'socket'), ('socket.create_connection', 'socket.socket', 'socket'),
      ('sqlite3.connect', 'sqlite3.Connection', 'dbconn'), ('sqlite3.connect.*', 'sqlite3.Cursor', 'dbcur'),
      ('sqlite3.Connection', 'sqlite3.Connection', 'dbconn'), ('sqlite3.Cursor', 'sqlite3.Cursor', 'dbcur'),
      ('psycopg2.connect', 'psycopg2.connection', 'dbconn'), ('psycopg2.connect.*', 'psycopg2.cursor', 'dbcur'),
      ('pymysql.connect', 'pymysql.Connection', 'dbconn'), ('pymysql.connect.*', 'pymysql.Cursor', 'dbcur'),
      ('MySQLdb.connect', 'MySQLdb.Connection', 'dbconn'), ('MySQLdb.connect.*', 'MySQLdb.Cursor', 'dbcur'),
      ('concurrent.futures.*Executor.submit', 'concurrent.futures.Future', 'future'),
      ('concurrent.futures.Future', 'concurrent.futures.Future', 'future'),
      ('threading.Thread', 'threading.Thread', 'thread'), ('threading.Event', 'threading.Event', 'event'),
      ('queue.Queue', 'queue.Queue', 'queue'), ('queue.LifoQueue', 'queue.LifoQueue', 'queue'),
      ('queue.PriorityQueue', 'queue.PriorityQueue', 'queue'), ('queue.SimpleQueue', 'queue.SimpleQueue', 'squeue'),
      ('subprocess.Popen', 'subprocess.Popen', 'popen'),
      ('open', 'file', 'file'), ('io.open', 'file', 'file'), ('os.fdopen', 'file', 'file'),
      ('pathlib.Path.open', 'file', 'file'),
      ('pathlib.Path', 'pathlib.Path', 'path'), ('pathlib.PosixPath', 'pathlib.Path', 'path'),
      ('pathlib.WindowsPath', 'pathlib.Path', 'path'), ('pathlib.Path.joinpath', 'pathlib.Path', 'path'),
      ('pathlib.Path.with_name', 'pathlib.Path', 'path'), ('pathlib.Path.with_suffix', 'pathlib.Path', 'path'),
      ('pathlib.Path.with_stem', 'pathlib.Path', 'path'), ('pathlib.Path.resolve', 'pathlib.Path', 'path'),
      ('pathlib.Path.absolute', 'pathlib.Path', 'path'), ('pathlib.Path.expanduser', 'pathlib.Path', 'path'),
      ('pathlib.Path.relative_to', 'pathlib.Path', 'path'), ('pathlib.Path.home', 'pathlib.Path', 'path'),
      ('pathlib.Path.cwd', 'pathlib.Path', 'path')),
    m(kind, method) AS (VALUES
      ('http', 'get'), ('http', 'post'), ('http', 'put'), ('http', 'patch'), ('http', 'delete'),
      ('http', 'head'), ('http', 'options'), ('http', 'request'), ('http', 'send'),
      ('httpx', 'get'), ('httpx', 'post'), ('httpx', 'put'), ('httpx', 'patch'), ('httpx', 'delete'),
      ('httpx', 'head'), ('httpx', 'options'), ('httpx', 'request'), ('httpx', 'stream'), ('httpx', 'send'),
      ('urllib3', 'request'), ('urllib3', 'urlopen'), ('urllib3', 'request_encode_url'),
      ('urllib3', 'request_encode_body'),
      ('httpclient', 'request'), ('httpclient', 'getresponse'), ('httpclient', 'connect'),
      ('httpclient', 'endheaders'),
      ('smtp', 'sendmail'), ('smtp', 'send_message'), ('smtp', 'login'), ('smtp', 'starttls'),
      ('smtp', 'connect'), ('smtp', 'ehlo'), ('smtp', 'helo'), ('smtp', 'quit'), ('smtp', 'noop'),
      ('ftp', 'connect'), ('ftp', 'login'), ('ftp', 'retrbinary'), ('ftp', 'retrlines'), ('ftp', 'storbinary'),
      ('ftp', 'storlines'), ('ftp', 'nlst'), ('ftp', 'dir'), ('ftp', 'mlsd'), ('ftp', 'cwd'), ('ftp', 'mkd'),
      ('ftp', 'rmd'), ('ftp', 'delete'), ('ftp', 'rename'), ('ftp', 'size'), ('ftp', 'quit'),
      ('imap', 'login'), ('imap', 'select'), ('imap', 'search'), ('imap', 'fetch'), ('imap', 'store'),
      ('imap', 'append'), ('imap', 'expunge'), ('imap', 'uid'), ('imap', 'list'), ('imap', 'logout'),
      ('pop', 'user'), ('pop', 'pass_'), ('pop', 'stat'), ('pop', 'list'), ('pop', 'retr'), ('pop', 'dele'),
      ('pop', 'top'), ('pop', 'uidl'), ('pop', 'quit'),
      ('socket', 'recv'), ('socket', 'recv_into'), ('socket', 'recvfrom'), ('socket', 'recvfrom_into'),
      ('socket', 'send'), ('socket', 'sendall'), ('socket', 'sendto'), ('socket', 'sendfile'),
      ('socket', 'accept'), ('socket', 'connect'),
      ('dbconn', 'execute'), ('dbconn', 'executemany'), ('dbconn', 'executescript'), ('dbconn', 'commit'),
      ('dbconn', 'rollback'),
      ('dbcur', 'execute'), ('dbcur', 'executemany'), ('dbcur', 'executescript'), ('dbcur', 'fetchone'),
      ('dbcur', 'fetchall'), ('dbcur', 'fetchmany'),
      ('future', 'result'), ('future', 'exception'),
      ('thread', 'join'), ('event', 'wait'),
      ('queue', 'get'), ('queue', 'put'), ('queue', 'join'), ('squeue', 'get'),
      ('popen', 'wait'), ('popen', 'communicate'),
      ('file', 'read'), ('file', 'write'), ('file', 'readline'), ('file', 'readlines'), ('file', 'writelines'),
      ('path', 'open'), ('path', 'read_text'), ('path', 'read_bytes'), ('path', 'write_text'),
      ('path', 'write_bytes'), ('path', 'exists'), ('path', 'is_file'), ('path', 'is_dir'),
      ('path', 'is_symlink'), ('path', 'stat'), ('path', 'lstat'), ('path', 'iterdir'), ('path', 'glob'),
      ('path', 'rglob'), ('path', 'mkdir'), ('path', 'rmdir'), ('path', 'unlink'), ('path', 'rename'),
      ('path', 'replace'), ('path', 'touch'), ('path', 'chmod'), ('path', 'samefile'))
  SELECT t.type, m.method, t.label FROM t JOIN m ON m.kind = t.kind;

-- blocking_calls(call_id, what)
-- Every call, anywhere, that blocks the calling thread: a blocking_names
-- function, or a blocking_methods method on a receiver of a matching type
-- (the receiver's type, or for a chained call such as
-- `ex.submit(f).result()` the name of the call it is made on). `what` names
-- it for messages: 'time.sleep', 'requests.Session.get', 'sqlite3.Cursor.execute'.
-- Not blocking: queue get/put with block=False; put on a queue the file
-- only ever makes unbounded (queue.Queue() with no maxsize); methods of a
-- socket the same function sets non-blocking (setblocking), or called in a
-- try that catches BlockingIOError (the socket is non-blocking);
-- socket.getaddrinfo/gethostbyname with AI_NUMERICHOST/NUMERICSERV or a
-- numeric address literal (no lookup);
-- psycopg2.connect in asynchronous mode (async_=True, or kwargs["async_"] set).
CREATE TEMP VIEW blocking_calls(call_id, what) AS
  SELECT c.id, c.resolved
    FROM blocking_names n JOIN calls c ON c.resolved = n.qualname
   WHERE NOT (n.qualname IN ('socket.getaddrinfo', 'socket.gethostbyname')
              AND EXISTS (SELECT 1 FROM call_args a
                           WHERE a.call_id = c.id
                             AND (a.text GLOB '*NUMERIC*'
                                  OR (a.pos = 0 AND a.kind = 'string' AND a.text NOT GLOB '*[A-Za-z]*'))))
     AND NOT (n.qualname = 'psycopg2.connect'
              AND (EXISTS (SELECT 1 FROM call_args a WHERE a.call_id = c.id AND a.keyword IN ('async_', 'async'))
                   OR EXISTS (SELECT 1 FROM assignments a
                               WHERE a.function_id = c.function_id AND a.target GLOB '*[[]*async*]')))
  UNION ALL
  SELECT id, min(what) FROM (
    SELECT c.id, m.label || '.' || m.method AS what, m.label, c.name, c.function_id, c.receiver, c.file_id
      FROM (SELECT DISTINCT method FROM blocking_methods) u
      JOIN calls c ON c.name = u.method
      JOIN blocking_methods m ON m.method = c.name
     WHERE c.receiver IS NOT NULL
       AND coalesce(c.receiver_type,
                    (SELECT i.resolved FROM calls i
                      WHERE i.parent_call_id = c.id AND i.use = 'attr' AND i.line = c.line AND i.col = c.col))
           GLOB m.type) x
   WHERE NOT (x.label GLOB 'queue.*' AND x.name IN ('get', 'put')
              AND EXISTS (SELECT 1 FROM call_args a
                           WHERE a.call_id = x.id AND a.text IN ('False', '0')
                             AND (a.keyword = 'block'
                                  OR (a.keyword IS NULL AND a.pos = CASE x.name WHEN 'get' THEN 0 ELSE 1 END))))
     AND NOT (x.label GLOB 'queue.*' AND x.name = 'put'
              AND EXISTS (SELECT 1 FROM assignments a JOIN calls k ON k.id = a.value_call_id
                           WHERE a.target = x.receiver AND a.file_id = x.file_id
                             AND k.resolved GLOB 'queue.*Queue' AND k.nargs = 0 AND k.kwargs NOT GLOB '*,maxsize,*')
              AND NOT EXISTS (SELECT 1 FROM assignments a JOIN calls k ON k.id = a.value_call_id
                               WHERE a.target = x.receiver AND a.file_id = x.file_id
                                 AND k.resolved GLOB 'queue.*Queue' AND (k.nargs > 0 OR k.kwargs GLOB '*,maxsize,*')))
     AND NOT (x.label = 'socket.socket'
              AND (EXISTS (SELECT 1 FROM calls s
                            WHERE s.function_id IS x.function_id AND s.receiver = x.receiver
                              AND s.name = 'setblocking')
                   OR EXISTS (SELECT 1 FROM calls cc JOIN handlers h ON h.function_id IS cc.function_id
                                                                  AND h.try_id = cc.try_id
                               WHERE cc.id = x.id AND cc.in_try
                                 AND (h.resolved_types GLOB '*,BlockingIOError,*'
                                      OR h.resolved_types GLOB '*,ssl.SSLWantReadError,*'
                                      OR h.resolved_types GLOB '*,ssl.SSLWantWriteError,*'))))
   GROUP BY id;

-- blocking_exempt_modules(module)
-- Modules whose own I/O async code accepts by convention: logging handlers,
-- traceback and warning formatting (they read source lines through
-- linecache), and threading's start-up handshake. Their functions neither
-- reach nor pass on reach; this matters only when they are part of the
-- audited tree (auditing the standard library itself), since a project's
-- calls into the installed stdlib resolve to nothing in the project.
CREATE TEMP VIEW blocking_exempt_modules(module) AS
  VALUES ('logging'), ('traceback'), ('linecache'), ('warnings'), ('threading'), ('asyncio.format_helpers');

-- blocking_reach(function_id, via_call_id, depth)
-- Sync project functions that reach a blocking call at any depth, across
-- modules: via_call_id is a call in the function that leads there (a
-- blocking call itself at depth 1, else a call to another such function),
-- depth the length of the shortest chain through that call. Async
-- functions, lambdas, functions a decorator offloads to a thread
-- (offloaded_functions) and functions of blocking_exempt_modules neither
-- reach nor pass reach on; a function only passed to to_thread or
-- run_in_executor is not called, so the chain is cut there. A call passes
-- reach on only when it has a single target (decorated stubs such as
-- @overload signatures aside): a name defined twice (per platform, `if
-- sys.platform == ...: def f()`) may run either definition, and the chain
-- is not guessed.
-- The closure is seeded at the blocking calls and walks call_edges
-- backwards (index call_graph_callee), one row per (function, depth),
-- depth <= 30: cycles and recursion terminate, and the cost is linear in
-- the call edges (30 x edges at worst), never functions x functions.
CREATE TEMP VIEW blocking_reach(function_id, via_call_id, depth) AS
  WITH RECURSIVE
    off(function_id) AS MATERIALIZED (
      SELECT function_id FROM offloaded_functions
      UNION
      SELECT f.id
        FROM blocking_exempt_modules x
        JOIN files fl ON fl.module = x.module OR fl.module GLOB x.module || '.*'
        JOIN functions f ON f.id BETWEEN file_first_id(fl.id) AND file_last_id(fl.id)),
    sink(function_id, call_id) AS MATERIALIZED (
      SELECT c.function_id, c.id
        FROM blocking_calls b
        CROSS JOIN calls c ON c.id = b.call_id
        CROSS JOIN functions f ON f.id = c.function_id
       WHERE NOT f.is_async AND NOT f.is_lambda AND f.id NOT IN (SELECT function_id FROM off)),
    -- calls with more than one non-stub target pass nothing on
    ambiguous(call_id) AS MATERIALIZED (
      SELECT g.call_id FROM call_edges g JOIN functions f ON f.id = g.callee
       WHERE NOT (f.is_stub AND f.n_decorators > 0) GROUP BY g.call_id HAVING count(*) > 1),
    -- one row per (function, depth): walk call_edges backwards from the sinks
    d(function_id, depth) AS (
      SELECT function_id, 1 FROM sink
      UNION
      SELECT g.caller, d.depth + 1
        FROM d
        CROSS JOIN call_edges g ON g.callee = d.function_id
        CROSS JOIN functions a ON a.id = g.caller
       WHERE d.depth < 30 AND NOT a.is_async AND NOT a.is_lambda
         AND a.id NOT IN (SELECT function_id FROM off)
         AND g.call_id NOT IN (SELECT call_id FROM ambiguous)),
    best(function_id, depth) AS MATERIALIZED (
      SELECT function_id, min(depth) FROM d GROUP BY function_id)
  SELECT function_id, call_id, 1 FROM sink
  UNION ALL
  SELECT g.caller, g.call_id, min(b.depth) + 1
    FROM best b
    CROSS JOIN call_edges g ON g.callee = b.function_id
    CROSS JOIN functions a ON a.id = g.caller
   WHERE NOT a.is_async AND NOT a.is_lambda AND a.id NOT IN (SELECT function_id FROM off)
     AND g.call_id NOT IN (SELECT call_id FROM ambiguous)
   GROUP BY g.caller, g.call_id;
