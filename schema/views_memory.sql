-- pyhunt library views for the memory rules PH401-PH404 and the eager
-- materialization rules PH501-PH504: which names hold collections, and
-- where those collections grow, shrink or are replaced. Loaded after
-- views.sql; every view here is TEMP, like the rest of the library.
--
-- A collection is named by the expression that reaches it, as written:
-- `cache`, `self.cache`, `Registry.cache`. Rules match those texts against
-- the binding that created the collection (collection_defs) to decide
-- which collection a mutation touches.

-- collection_constructors(qualname, kind)
-- Calls that create an empty or seeded mutable collection. Weak containers
-- are absent on purpose: they do not keep their entries alive.
CREATE TEMP VIEW collection_constructors(qualname, kind) AS
  VALUES ('dict', 'dict'), ('list', 'list'), ('set', 'set'),
         ('collections.defaultdict', 'dict'), ('collections.OrderedDict', 'dict'),
         ('collections.Counter', 'dict'), ('collections.deque', 'deque');

-- collection_methods(name, effect)
-- Methods that change a collection's size: 'grow' adds entries, 'shrink'
-- removes some or all of them.
CREATE TEMP VIEW collection_methods(name, effect) AS
  VALUES ('append', 'grow'), ('appendleft', 'grow'), ('add', 'grow'), ('update', 'grow'),
         ('setdefault', 'grow'), ('extend', 'grow'), ('extendleft', 'grow'), ('insert', 'grow'),
         ('pop', 'shrink'), ('popitem', 'shrink'), ('popleft', 'shrink'), ('clear', 'shrink'),
         ('remove', 'shrink'), ('discard', 'shrink'), ('difference_update', 'shrink'),
         ('intersection_update', 'shrink');

-- collection_defs(id, file_id, function_id, class_id, stmt_id, loop_id, name, kind, bounded,
--                 call_id, line, col, end_line, end_col)
-- A name or attribute bound to a new collection: `x = {}`, `x: dict = {}`,
-- `self.x = []`, `x = set()`, `x = collections.deque(maxlen=10)`, a
-- comprehension. `name` is the target as written; `kind` is dict, list, set
-- or deque; `bounded` is 1 for a deque given a maxlen other than None;
-- `call_id` is the constructor call (NULL for literals); the location is
-- that of the whole statement.
CREATE TEMP VIEW collection_defs(id, file_id, function_id, class_id, stmt_id, loop_id, name, kind, bounded,
                                 call_id, line, col, end_line, end_col) AS
  SELECT a.id, a.file_id, a.function_id, a.class_id, a.stmt_id, a.loop_id, a.target,
         CASE WHEN a.value_kind IN ('dictionary', 'dictionary_comprehension') THEN 'dict'
              WHEN a.value_kind IN ('list', 'list_comprehension') THEN 'list'
              WHEN a.value_kind IN ('set', 'set_comprehension') THEN 'set'
              ELSE k.kind END,
         CASE WHEN k.kind = 'deque' THEN EXISTS (
                SELECT 1 FROM call_args m
                 WHERE m.call_id = c.id AND m.text <> 'None'
                   AND (m.keyword = 'maxlen' OR m.pos = 1))
              ELSE 0 END,
         c.id, s.line, s.col, s.end_line, s.end_col
    FROM assignments a
    JOIN statements s ON s.id = a.stmt_id
    LEFT JOIN calls c ON c.id = a.value_call_id
    LEFT JOIN collection_constructors k ON k.qualname = c.resolved
   WHERE a.op = '=' AND a.target_kind IN ('name', 'attribute')
     AND (a.value_kind IN ('dictionary', 'dictionary_comprehension', 'list', 'list_comprehension',
                           'set', 'set_comprehension')
          OR k.kind IS NOT NULL);

-- collection_mutations(file_id, function_id, stmt_id, loop_id, coll, effect, what,
--                      call_id, line, col, end_line, end_col)
-- Every place a collection-like expression changes: `coll` is the
-- collection as written, `effect` one of
--   grow    c.append(x) and the other growing methods, c[k] = v, c[k] += v,
--           c += [...], c |= {...}
--   shrink  c.pop() and the other shrinking methods, del c[k], del c[:],
--           c[:] = ... (a slice assignment replaces the contents)
--   rebind  c = ..., del c: the name now holds another object
-- `what` names the operation for messages ('append()', '[]=', 'del', '='),
-- `call_id` is the method call when there is one.
CREATE TEMP VIEW collection_mutations(file_id, function_id, stmt_id, loop_id, coll, effect, what,
                                      call_id, line, col, end_line, end_col) AS
  SELECT c.file_id, c.function_id, c.stmt_id, c.loop_id, c.receiver, m.effect, c.name || '()',
         c.id, c.line, c.col, c.end_line, c.end_col
    FROM calls c JOIN collection_methods m ON m.name = c.name
   WHERE c.receiver IS NOT NULL
  UNION ALL
  SELECT a.file_id, a.function_id, a.stmt_id, a.loop_id, substr(a.target, 1, instr(a.target, '[') - 1),
         CASE WHEN a.op = '=' AND substr(a.target, instr(a.target, '[')) GLOB '*:*' THEN 'shrink'
              ELSE 'grow' END,
         '[]' || a.op, NULL, a.line, a.col, a.end_line, a.end_col
    FROM assignments a
   WHERE a.target_kind = 'subscript' AND a.op NOT IN ('for', 'with', 'import') AND instr(a.target, '[') > 1
  UNION ALL
  SELECT a.file_id, a.function_id, a.stmt_id, a.loop_id, a.target,
         CASE WHEN a.op IN ('+=', '|=') THEN 'grow' ELSE 'rebind' END,
         a.op, NULL, a.line, a.col, a.end_line, a.end_col
    FROM assignments a
   WHERE a.target_kind IN ('name', 'attribute') AND a.op IN ('=', ':=', 'for', 'with', '+=', '|=')
  UNION ALL
  SELECT n.file_id, n.function_id, n.stmt_id, n.loop_id, n.name,
         CASE WHEN n.ctx = 'del' THEN 'rebind' ELSE 'shrink' END, 'del', NULL,
         n.line, n.col, n.end_line, n.end_col
    FROM statements s JOIN names n ON n.stmt_id = s.id
   WHERE s.kind = 'delete_statement' AND (n.ctx = 'del' OR n.role = 'subscript');

-- global_declaring_functions(function_id)
-- Functions with a `global` statement: there, assigning a module-level
-- name rebinds the global instead of creating a local.
CREATE TEMP VIEW global_declaring_functions(function_id) AS
  SELECT DISTINCT function_id FROM statements
   WHERE kind = 'global_statement' AND function_id IS NOT NULL;

-- function_locals(function_id, name)
-- Names local to a function: its parameters and the names it binds, unless
-- it declares globals (then its bindings may be the module's).
CREATE TEMP VIEW function_locals(function_id, name) AS
  SELECT p.function_id, p.name FROM params p
  UNION
  SELECT a.function_id, a.target FROM assignments a
   WHERE a.function_id IS NOT NULL AND a.target_kind = 'name'
     AND a.function_id NOT IN (SELECT function_id FROM global_declaring_functions);
