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
-- `what` shows the operation for messages ('c.append()', 'c[...] =', 'del c', 'c ='),
-- `call_id` is the method call when there is one.
CREATE TEMP VIEW collection_mutations(file_id, function_id, stmt_id, loop_id, coll, effect, what,
                                      call_id, line, col, end_line, end_col) AS
  SELECT c.file_id, c.function_id, c.stmt_id, c.loop_id, c.receiver, m.effect, c.receiver || '.' || c.name || '()',
         c.id, c.line, c.col, c.end_line, c.end_col
    FROM calls c JOIN collection_methods m ON m.name = c.name
   WHERE c.receiver IS NOT NULL
  UNION ALL
  SELECT a.file_id, a.function_id, a.stmt_id, a.loop_id, substr(a.target, 1, instr(a.target, '[') - 1),
         CASE WHEN a.op = '=' AND substr(a.target, instr(a.target, '[')) GLOB '*:*' THEN 'shrink'
              ELSE 'grow' END,
         substr(a.target, 1, instr(a.target, '[') - 1) || '[...] ' || a.op, NULL, a.line, a.col, a.end_line, a.end_col
    FROM assignments a
   WHERE a.target_kind = 'subscript' AND a.op NOT IN ('for', 'with', 'import') AND instr(a.target, '[') > 1
  UNION ALL
  SELECT a.file_id, a.function_id, a.stmt_id, a.loop_id, a.target,
         CASE WHEN a.op IN ('+=', '|=') THEN 'grow' ELSE 'rebind' END,
         a.target || ' ' || a.op, NULL, a.line, a.col, a.end_line, a.end_col
    FROM assignments a
   WHERE a.target_kind IN ('name', 'attribute') AND a.op IN ('=', ':=', 'for', 'with', '+=', '|=')
  UNION ALL
  SELECT n.file_id, n.function_id, n.stmt_id, n.loop_id, n.name,
         CASE WHEN n.ctx = 'del' THEN 'rebind' ELSE 'shrink' END, 'del ' || n.name, NULL,
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

-- function_classes(function_id, class_id)
-- The class whose method a function is or is nested in (a def or lambda
-- inside a method, two levels deep at most): where `self` and `cls` mean
-- that class.
CREATE TEMP VIEW function_classes(function_id, class_id) AS
  SELECT f.id, coalesce(f.class_id, p.class_id, g.class_id)
    FROM functions f
    LEFT JOIN functions p ON p.id = f.parent_id
    LEFT JOIN functions g ON g.id = p.parent_id
   WHERE coalesce(f.class_id, p.class_id, g.class_id) IS NOT NULL;

-- shared_collections(id, file_id, class_id, class_name, name, kind, bounded, stmt_id,
--                    line, col, end_line, end_col)
-- Collections that live as long as the process: module-level names and
-- class attributes bound to a collection (collection_defs), the first
-- binding of each name in its scope.
CREATE TEMP VIEW shared_collections(id, file_id, class_id, class_name, name, kind, bounded, stmt_id,
                                    line, col, end_line, end_col) AS
  SELECT d.id, d.file_id, d.class_id, k.name, d.name, d.kind, d.bounded, d.stmt_id,
         d.line, d.col, d.end_line, d.end_col
    FROM collection_defs d
    LEFT JOIN classes k ON k.id = d.class_id
   WHERE d.function_id IS NULL AND instr(d.name, '.') = 0
     AND NOT EXISTS (SELECT 1 FROM collection_defs e
                      WHERE e.file_id = d.file_id AND e.function_id IS NULL AND e.class_id IS d.class_id
                        AND e.name = d.name AND e.id < d.id);

-- shared_collection_mutations(collection_id, file_id, function_id, stmt_id, loop_id, coll, effect,
--                             what, call_id, line, col, end_line, end_col)
-- collection_mutations of a shared collection, in its own file: a
-- module-level name used where no local hides it; a class attribute
-- through `self.`/`cls.` in the class's methods or through the class name.
CREATE TEMP VIEW shared_collection_mutations(collection_id, file_id, function_id, stmt_id, loop_id, coll,
                                             effect, what, call_id, line, col, end_line, end_col) AS
  SELECT d.id, m.file_id, m.function_id, m.stmt_id, m.loop_id, m.coll, m.effect, m.what, m.call_id,
         m.line, m.col, m.end_line, m.end_col
    FROM shared_collections d
    JOIN collection_mutations m ON m.file_id = d.file_id AND m.coll = d.name
   WHERE d.class_id IS NULL
     AND (m.function_id IS NULL
          OR NOT EXISTS (SELECT 1 FROM function_locals l WHERE l.function_id = m.function_id AND l.name = d.name))
  UNION ALL
  SELECT d.id, m.file_id, m.function_id, m.stmt_id, m.loop_id, m.coll, m.effect, m.what, m.call_id,
         m.line, m.col, m.end_line, m.end_col
    FROM shared_collections d
    JOIN collection_mutations m ON m.file_id = d.file_id AND m.coll = d.class_name || '.' || d.name
   WHERE d.class_id IS NOT NULL
  UNION ALL
  SELECT d.id, m.file_id, m.function_id, m.stmt_id, m.loop_id, m.coll, m.effect, m.what, m.call_id,
         m.line, m.col, m.end_line, m.end_col
    FROM shared_collections d
    JOIN collection_mutations m ON m.file_id = d.file_id AND m.coll IN ('self.' || d.name, 'cls.' || d.name)
    JOIN function_classes fc ON fc.function_id = m.function_id AND fc.class_id = d.class_id
   WHERE d.class_id IS NOT NULL;

-- iterated_once(assignment_id, name_id, loop_id)
-- `x = value` whose name is read exactly once afterwards in its scope
-- (nested functions included; the whole file for module-level names), and
-- that read is the iterable of a loop or comprehension (loop_id), directly
-- or through enumerate(), at the assignment's own loop depth: the value is
-- walked once, front to back, and never indexed, measured, mutated, passed
-- on or returned.
CREATE TEMP VIEW iterated_once(assignment_id, name_id, loop_id) AS
  SELECT a.id, n.id, l.id
    FROM assignments a
    JOIN names n ON n.function_id IS a.function_id AND n.name = a.target AND n.file_id = a.file_id
                AND n.ctx = 'load' AND n.loop_id IS a.loop_id
                AND (n.line > a.end_line OR (n.line = a.end_line AND n.col >= a.end_col))
    LEFT JOIN calls e ON n.role = 'arg' AND e.id = n.call_id
    JOIN loops l ON (n.role = 'iter' AND l.stmt_id = n.stmt_id AND l.iter = n.name)
                 OR (e.resolved = 'enumerate' AND e.use = 'iter' AND l.iter_call_id = e.id)
   WHERE a.target_kind = 'name' AND a.op = '='
     AND NOT EXISTS (
           SELECT 1 FROM names o
            WHERE o.name = a.target AND o.file_id = a.file_id AND o.ctx = 'load' AND o.id <> n.id
              AND (a.function_id IS NULL OR o.function_id = a.function_id
                   OR o.function_id IN (SELECT id FROM functions WHERE parent_id = a.function_id)));
