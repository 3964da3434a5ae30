-- pyhunt fact schema: the relations the extractor fills and rules read.
--
-- This file is the single source of truth for the fact tables. It is
-- compiled into the binary; `pyhunt schema` prints it and the REPL's
-- `.schema TABLE` shows each column with the comment that follows it.
--
-- Conventions shared by every table:
--   * Positions are 1-based: `line`, `col` where the node starts, `end_line`,
--     `end_col` where it ends (exclusive). Columns count characters, not bytes.
--   * `id` encodes its file: a file owns the ids from file_first_id(file_id)
--     (its module scope and module block) to file_last_id(file_id), 2^32
--     ids whatever the other files hold, and numbers its facts upwards from
--     the first in the order they appear in the source (a file with more
--     facts than that is an error, not extracted). A file's facts are one rowid range in every
--     table, so replacing a file is a range delete that needs no file_id
--     index, and `x.id BETWEEN file_first_id(f) AND file_last_id(f)` reads
--     one file's rows of any table. The two SQL functions are the only
--     spelling of the encoding; no query should shift ids itself.
--   * `function_id` is the innermost enclosing `def` or `lambda` (NULL at
--     module level and in class bodies); `stmt_id` the innermost statement.
--   * Texts of expressions (`callee`, `value`, `text`...) are the source as
--     written, cut at 200 characters.
--   * A qualified name (`resolved`, `qualname`) is dotted and absolute:
--     `time.sleep`, `requests.Session.get`, `app.db.Repo.get`; a builtin is
--     its bare name, however it is reached (`builtins.open(p)` is `open`). A call on a
--     receiver whose type is known is named by that type (`s =
--     requests.Session(); s.get()` is `requests.Session.get`), and the value of
--     a call has the call's own name as its type (`conn = sqlite3.connect();
--     conn.cursor()` is `sqlite3.connect.cursor`).

CREATE TABLE meta(
  key TEXT PRIMARY KEY,            -- 'schema_version', 'tool_version', 'root'
  value TEXT
);

CREATE TABLE files(
  id INTEGER PRIMARY KEY,          -- file id (small integer, stable across runs)
  path TEXT NOT NULL UNIQUE,       -- path relative to the audited root, '/'-separated
  module TEXT,                     -- dotted module name (pkg.mod; pkg for pkg/__init__.py)
  is_package INTEGER NOT NULL,     -- 1 for __init__.py
  context TEXT NOT NULL,           -- 'code', 'test', 'example' or 'script': by the first context pattern the path matches
  hash TEXT NOT NULL,              -- content hash (64-bit FNV-1a, hex)
  interface TEXT NOT NULL,         -- hash of what other files' derived relations read of it: its
                                   -- definitions (ids, names, nesting), class bases and imports; an
                                   -- edit that keeps it updates the call graph of this file only
  size INTEGER NOT NULL,           -- bytes
  mtime_ns INTEGER NOT NULL,       -- modification time seen at extraction
  ctime_ns INTEGER NOT NULL,       -- status change time seen at extraction (moves on every write, even `cp -p`)
  inode INTEGER NOT NULL,          -- inode number seen at extraction (a file replaced by `tar -x` gets a new one)
  lines INTEGER NOT NULL,          -- number of lines
  parse_errors INTEGER NOT NULL    -- syntax errors tree-sitter recovered from
);

CREATE TABLE diagnostics(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  severity TEXT NOT NULL,          -- 'error' or 'warning'
  message TEXT NOT NULL,           -- e.g. 'syntax error', 'invalid UTF-8 byte 0xE9'
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE functions(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  name TEXT NOT NULL,              -- 'f'; '<lambda>' for lambdas
  qualname TEXT NOT NULL,          -- module.Class.method, module.outer.inner
  is_async INTEGER NOT NULL,       -- async def
  is_lambda INTEGER NOT NULL,
  is_method INTEGER NOT NULL,      -- defined directly in a class body
  class_id INTEGER,                -- that class
  parent_id INTEGER,               -- enclosing function
  is_generator INTEGER NOT NULL,   -- its own body yields
  has_await INTEGER NOT NULL,      -- its own body has await, async for or async with
  is_stub INTEGER NOT NULL,        -- body is only docstring/pass/.../raise NotImplementedError
  n_params INTEGER NOT NULL,
  n_decorators INTEGER NOT NULL,
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER  -- from `def`/`async`, not the decorators
);

CREATE TABLE classes(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  qualname TEXT NOT NULL,          -- module.Outer.Name
  function_id INTEGER,             -- enclosing function, if defined in one
  parent_id INTEGER,               -- enclosing class, if nested
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE bases(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  class_id INTEGER NOT NULL,
  idx INTEGER NOT NULL,            -- position in the class's argument list
  text TEXT NOT NULL,              -- as written: 'Base', 'abc.ABC', 'metaclass=Meta'
  resolved TEXT,                   -- qualified name through imports
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE decorators(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  function_id INTEGER,             -- decorated function, or
  class_id INTEGER,                -- decorated class
  idx INTEGER NOT NULL,            -- 0 = outermost (topmost)
  text TEXT NOT NULL,              -- expression after '@'
  name TEXT NOT NULL,              -- callee part: 'app.get' for @app.get('/x')
  resolved TEXT,                   -- qualified name of `name` through imports
  call_id INTEGER,                 -- the call when the decorator is called: @lru_cache(maxsize=None)
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER  -- of the '@'
);

CREATE TABLE params(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  function_id INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  name TEXT NOT NULL,              -- without stars
  kind TEXT NOT NULL,              -- 'plain', 'args' (*a), 'kwargs' (**k)
  annotation TEXT,                 -- as written
  annotation_resolved TEXT,        -- the annotated type through imports: T for `T`, `"T"`, `Optional[T]`,
                                   -- `Union[T, None]`, `T | None` (the parameter is then a receiver of
                                   -- type T); the head for another generic (`List[int]`: typing.List)
  default_value TEXT,              -- as written
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE statements(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  function_id INTEGER,
  kind TEXT NOT NULL,              -- tree-sitter node type: expression_statement, if_statement...
  parent_id INTEGER,               -- enclosing compound statement
  block_id INTEGER NOT NULL,       -- the block holding it (module body: file_first_id(file_id))
  idx INTEGER NOT NULL,            -- index in that block, from 0
  loop_id INTEGER,                 -- innermost enclosing loop in the same function
  in_main_guard INTEGER NOT NULL,  -- under `if __name__ == "__main__":`
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE calls(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  function_id INTEGER,
  async_id INTEGER,                -- innermost def when it is an async def (NULL inside lambdas and sync defs)
  class_id INTEGER,                -- class of the enclosing method
  stmt_id INTEGER,
  callee TEXT NOT NULL,            -- function expression as written, without enclosing parentheses:
                                   -- 'r.get', 'open' (also for `(open)(p)`)
  name TEXT,                       -- last identifier of the callee: 'get'
  receiver TEXT,                   -- object of an attribute callee: 'r', 'self.client'
  receiver_type TEXT,              -- qualified type of the receiver when known
  resolved TEXT,                   -- qualified callee through imports and receiver types
  nargs INTEGER NOT NULL,          -- positional arguments
  kwargs TEXT NOT NULL,            -- keyword names as ',timeout,verify,' ('' if none)
  star_args INTEGER NOT NULL,      -- has *args or **kwargs
  awaited INTEGER NOT NULL,        -- operand of `await`
  use TEXT NOT NULL,               -- what happens to the value: discard, assign, return, yield,
                                   -- arg, await, with, iter, cond, attr, other
  target TEXT,                     -- for use='assign' (or awaited then assigned): the target as written
  parent_call_id INTEGER,          -- call this one is an argument of
  arg_idx INTEGER,                 -- its position there (-1 for a keyword argument)
  arg_kw TEXT,                     -- the keyword there
  loop_id INTEGER,                 -- innermost enclosing loop or comprehension in the same function
  loop_depth INTEGER NOT NULL,
  with_id INTEGER,                 -- innermost enclosing with statement (its statement id)
  try_id INTEGER,                  -- innermost enclosing try statement (in its body, a handler, its
                                   -- else: block, where in_try, in_except and in_finally are all 0,
                                   -- or its finally clause)
  in_try INTEGER NOT NULL,         -- in that try's body
  in_except INTEGER NOT NULL,      -- in one of its handlers
  in_finally INTEGER NOT NULL,     -- in its finally clause
  in_decorator INTEGER NOT NULL,
  in_main_guard INTEGER NOT NULL,
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE call_args(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  call_id INTEGER NOT NULL,
  idx INTEGER NOT NULL,            -- position among all arguments
  pos INTEGER,                     -- position among positional arguments (NULL for keywords)
  keyword TEXT,                    -- keyword name, NULL for positional
  star INTEGER NOT NULL,           -- 1 for *x, 2 for **x
  kind TEXT NOT NULL,              -- node type of the value: identifier, call, list_comprehension...
  text TEXT NOT NULL,              -- value as written
  names TEXT NOT NULL,             -- identifiers read in the value, as ' a b c '
  resolved TEXT,                   -- qualified name when the value is a (dotted) name
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE awaits(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  function_id INTEGER,
  stmt_id INTEGER,
  call_id INTEGER,                 -- the awaited call, when the operand is a call
  expr TEXT NOT NULL,              -- operand as written
  names TEXT NOT NULL,             -- identifiers read in the operand, as ' a b '
  use TEXT NOT NULL,               -- as calls.use, for the await expression
  target TEXT,                     -- assignment target when use = 'assign'
  loop_id INTEGER,
  with_id INTEGER,
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE loops(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  function_id INTEGER,
  stmt_id INTEGER,                 -- the loop statement (NULL for comprehensions: see stmt of the expression)
  kind TEXT NOT NULL,              -- for, async_for, while, list_comp, set_comp, dict_comp, generator
                                   -- (a comprehension is one row, whatever its number of `for` clauses)
  is_async INTEGER NOT NULL,       -- async for, or a comprehension with an `async for` clause
  is_while_true INTEGER NOT NULL,  -- while True / while 1
  condition TEXT,                  -- while condition as written
  targets TEXT,                    -- names bound by the loop (by every clause of a comprehension), as ' a b '
  iter TEXT,                       -- iterable as written (a comprehension's first one)
  iter_kind TEXT,                  -- node type of the iterable: list, tuple, call, identifier...
  iter_call_id INTEGER,            -- the iterable when it is a call
  parent_id INTEGER,               -- enclosing loop in the same function
  depth INTEGER NOT NULL,          -- 1 for an outermost loop
  has_break INTEGER NOT NULL,      -- break or return in its own body
  in_main_guard INTEGER NOT NULL,
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE withs(
  id INTEGER PRIMARY KEY,          -- one row per with item
  file_id INTEGER NOT NULL,
  function_id INTEGER,
  stmt_id INTEGER NOT NULL,        -- the with statement
  parent_with INTEGER,             -- enclosing with statement (its stmt_id)
  is_async INTEGER NOT NULL,
  idx INTEGER NOT NULL,            -- item index
  context TEXT NOT NULL,           -- context expression as written
  call_id INTEGER,                 -- the context expression when it is a call
  resolved TEXT,                   -- qualified name of that call or name
  as_name TEXT,                    -- target of `as`
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER  -- of the item
);

CREATE TABLE assignments(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  function_id INTEGER,
  class_id INTEGER,                -- class body it is in (class-level attribute)
  stmt_id INTEGER,
  scope TEXT NOT NULL,             -- module, class, function
  target TEXT NOT NULL,            -- as written: 'x', 'self.cache', 'd[k]'
  target_kind TEXT NOT NULL,       -- name, attribute, subscript, starred
  target_root TEXT,                -- leftmost identifier of the target: 'self', 'd'
  op TEXT NOT NULL,                -- '=', '+=', ..., ':=' (walrus), 'for' (loop target), 'with' (`as`
                                   -- target; value is the context expression). Imports are in imports
  value TEXT,                      -- right-hand side as written (NULL for bare annotations)
  value_kind TEXT,                 -- node type: call, string, dict, list_comprehension, unpack...
  value_call_id INTEGER,           -- the right-hand side when it is a call
  value_type TEXT,                 -- qualified type bound to the target when known: its annotation
                                   -- (`c: Optional[httpx.Client] = None`), else the value's
  loop_id INTEGER,
  in_main_guard INTEGER NOT NULL,
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE names(
  id INTEGER PRIMARY KEY,          -- identifiers and obj.attr chains read, written or deleted
  file_id INTEGER NOT NULL,
  function_id INTEGER,
  stmt_id INTEGER,
  name TEXT NOT NULL,              -- 'x', or 'obj.attr' for an attribute of an identifier
  ctx TEXT NOT NULL,               -- load, store, del; declare for a name of a global or nonlocal statement
  role TEXT NOT NULL,              -- where it stands: receiver (of a method call or attribute), arg,
                                   -- len (argument of len()), await, return, yield, subscript (the
                                   -- x of x[i]), iter, cond, with, assign, discard, store_target, other;
                                   -- global or nonlocal (ctx declare).
                                   -- A called name itself is not a row: see calls.callee
  call_id INTEGER,                 -- innermost call it is an argument or receiver of
  loop_id INTEGER,
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE imports(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  function_id INTEGER,
  stmt_id INTEGER,
  module TEXT,                     -- module as written, without leading dots
  name TEXT,                       -- imported name for `from m import name`
  alias TEXT,                      -- `as` alias
  level INTEGER NOT NULL,          -- leading dots of a relative import
  bound TEXT NOT NULL,             -- the local name bound ('*' for star imports)
  target TEXT NOT NULL,            -- qualified name it is bound to (relative imports made absolute)
  loop_id INTEGER,
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE handlers(
  id INTEGER PRIMARY KEY,          -- one row per except clause
  file_id INTEGER NOT NULL,
  function_id INTEGER,
  try_id INTEGER NOT NULL,         -- the try statement
  types TEXT,                      -- exception expression as written (NULL for bare except)
  resolved_types TEXT NOT NULL,    -- qualified names as ',asyncio.CancelledError,BaseException,'
  is_bare INTEGER NOT NULL,
  as_name TEXT,
  reraises INTEGER NOT NULL,       -- its body has a raise statement
  returns INTEGER NOT NULL,        -- its body returns (or breaks out of a loop)
  try_awaits INTEGER NOT NULL,     -- the try body awaits (await, async for, async with)
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER  -- of the except clause
);

CREATE TABLE returns(
  id INTEGER PRIMARY KEY,          -- return, yield and yield from
  file_id INTEGER NOT NULL,
  function_id INTEGER,
  stmt_id INTEGER,
  kind TEXT NOT NULL,              -- return, yield, yield_from
  value TEXT,
  names TEXT NOT NULL,             -- identifiers read in the value, as ' a b '
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

CREATE TABLE comments(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  text TEXT NOT NULL,
  noqa TEXT,                       -- NULL, '*' (every rule) or ',PH101,PH113,' from
                                   -- `# noqa`, `# noqa: IDS`, `# pyhunt: ignore[IDS]`
  line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER
);

-- Derived relations. Not extracted: computed from the tables above by
-- schema/derive.sql after every extraction that changed something (the
-- library views call_targets, call_edges, class_ancestors and name_aliases
-- read them).

CREATE TABLE alias_map(
  name TEXT NOT NULL,              -- a qualified name bound by imports: 'pkg.Store'...
  target TEXT NOT NULL             -- ...means this project function, class or module: 'pkg.sub.impl.Store'
);

CREATE TABLE call_graph(
  call_id INTEGER NOT NULL,        -- a call...
  caller INTEGER,                  -- ...in this function (NULL at module level)...
  callee INTEGER NOT NULL,         -- ...runs this project function
  PRIMARY KEY (call_id, callee)    -- (its order is the same however the graph was updated)
) WITHOUT ROWID;

CREATE TABLE class_ancestry(
  class_id INTEGER NOT NULL,
  ancestor_id INTEGER NOT NULL,    -- a project base class at any depth, or the class itself
  depth INTEGER NOT NULL           -- 0 for the class itself
);

-- Rule results over these facts, kept so that an audit of an unchanged tree
-- reads them back instead of running the queries again (core/rules.c). After
-- an extraction that changed files, schema/stale.sql drops the results of
-- every project-wide rule and, for the rules that look at one file at a time
-- (`-- @scope file`), only those in the changed files, which rule_stale lists
-- for the next run to compute; so too for the rules that read other files
-- through their interfaces alone (`-- @scope interface`) when every changed
-- file kept its interface, and as for a project-wide rule otherwise.

CREATE TABLE rule_runs(
  key TEXT PRIMARY KEY,            -- checksum of a rule's SQL, the library and the catalogue it ran with
  scope TEXT NOT NULL              -- the rule's @scope: 'file', 'interface' or 'project'
);

CREATE TABLE rule_stale(
  key TEXT NOT NULL,               -- a rule_runs row of scope 'file' or 'interface'...
  file_id INTEGER NOT NULL,        -- ...whose results in this file are to be computed again
  PRIMARY KEY (key, file_id)
) WITHOUT ROWID;

CREATE TABLE rule_rows(
  key TEXT NOT NULL,               -- the rule_runs row these results belong to
  seq INTEGER NOT NULL,            -- order in which the query returned them
  file_id INTEGER NOT NULL,
  line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL, end_col INTEGER NOT NULL,
  severity TEXT,                   -- the row's own severity column, if any
  message TEXT NOT NULL,           -- the message, template expanded
  related TEXT,                    -- the row's related JSON, if any
  fix TEXT NOT NULL,               -- the fix, template expanded ('' when the rule has none)
  edits TEXT,                      -- the row's edits JSON (its safe fix), if any
  PRIMARY KEY (key, seq)
) WITHOUT ROWID;

CREATE TABLE rule_times(
  id TEXT PRIMARY KEY,             -- a rule id
  seconds REAL NOT NULL            -- how long its query took the last time it ran (the runner starts
                                   -- the longest first); kept across extractions
) WITHOUT ROWID;
