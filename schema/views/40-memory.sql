-- pyhunt library views, layer 40: memory. Which names hold collections,
-- where those collections grow, shrink or are replaced, and values walked
-- once (used by the memory rules PH401-PH404 and the eager materialization
-- rules PH501-PH504). Reads the fact tables, the catalogue and layers
-- 10-30 (resolution, call graph, I/O).
--
-- A collection is named by the expression that reaches it, as written:
-- `cache`, `self.cache`, `Registry.cache`. Rules match those texts against
-- the binding that created the collection (collection_defs) to decide
-- which collection a mutation touches.

-- collection_constructors(qualname, kind)
-- Calls that create an empty or seeded mutable collection: the catalogue's
-- kind 'collection', whose family (dict, list, set, deque) is the kind here.
-- Weak containers are absent on purpose: they do not keep their entries
-- alive.
CREATE TEMP VIEW collection_constructors(qualname, kind) AS
  SELECT name, family FROM catalogue WHERE kind = 'collection';

-- collection_methods(name, effect)
-- Methods that change a collection's size (the catalogue's kind
-- 'collection-method'): 'grow' adds entries, 'shrink' removes some or all
-- of them.
CREATE TEMP VIEW collection_methods(name, effect) AS
  SELECT name, family FROM catalogue WHERE kind = 'collection-method';

-- collection_defs(id, file_id, function_id, class_id, stmt_id, loop_id, name, kind, bounded,
--                 call_id, line, col, end_line, end_col)
-- A name or attribute bound to a new collection: `x = {}`, `x: dict = {}`,
-- `self.x = []`, `x = set()`, `x = collections.deque(maxlen=10)`, a
-- comprehension. `name` is the target as written; `kind` is dict, list, set
-- or deque; `bounded` is 1 for a deque given a maxlen other than None;
-- `call_id` is the constructor call (NULL for literals); the location is
-- that of the whole statement. Bindings in the body of `if TYPE_CHECKING:`
-- are left out: they never run.
CREATE TEMP VIEW collection_defs(id, file_id, function_id, class_id, stmt_id, loop_id, name, kind, bounded,
                                 call_id, line, col, end_line, end_col) AS
  SELECT a.id, a.file_id, a.function_id, a.class_id, a.stmt_id, a.loop_id, a.target,
         CASE WHEN a.value_kind IN ('dictionary', 'dictionary_comprehension') THEN 'dict'
              WHEN a.value_kind IN ('list', 'list_comprehension') THEN 'list'
              WHEN a.value_kind IN ('set', 'set_comprehension') THEN 'set'
              ELSE k.kind END,
         CASE WHEN k.kind = 'deque' THEN EXISTS (
                SELECT 1 FROM call_args m
                 WHERE m.call_id = c.id AND m.text <> 'None' AND (m.keyword = 'maxlen' OR m.pos = 1))
              ELSE 0 END,
         c.id, s.line, s.col, s.end_line, s.end_col
    FROM assignments a
    JOIN statements s ON s.id = a.stmt_id
    LEFT JOIN calls c ON c.id = a.value_call_id
    LEFT JOIN collection_constructors k ON k.qualname = c.resolved
   WHERE a.op = '=' AND a.target_kind IN ('name', 'attribute')
     AND a.value_kind IN ('dictionary', 'dictionary_comprehension', 'list', 'list_comprehension',
                          'set', 'set_comprehension', 'call')
     AND (a.value_kind <> 'call' OR k.kind IS NOT NULL)
     -- not a declaration for type checkers (the body of `if TYPE_CHECKING:`,
     -- which never runs): s is in the if's own body (the block of the first
     -- statement after the if, not an elif/else), and the if's condition,
     -- whose names lie between the if and that block in the id sequence,
     -- is TYPE_CHECKING
     AND NOT (s.parent_id IS NOT NULL AND EXISTS (
           SELECT 1 FROM statements p
            WHERE p.id = s.parent_id AND p.kind = 'if_statement'
              AND s.block_id = (SELECT x.block_id FROM statements x WHERE x.id > p.id ORDER BY x.id LIMIT 1)
              AND EXISTS (SELECT 1 FROM names n
                           WHERE n.id > p.id AND n.id < s.block_id AND n.role = 'cond'
                             AND (n.name = 'TYPE_CHECKING' OR n.name GLOB '*.TYPE_CHECKING'))));

-- collection_mutations(file_id, function_id, stmt_id, loop_id, coll, effect, how, what,
--                      item, value, call_id, line, col, end_line, end_col)
-- Every place a collection-like expression changes: `coll` is the
-- collection as written, `effect` one of
--   grow    c.append(x) and the other growing methods, c[k] = v, c[k] += v,
--           c += [...], c |= {...}
--   shrink  c.pop() and the other shrinking methods, del c[k], del c[:],
--           c[:] = ... (a slice assignment replaces the contents)
--   rebind  c = ..., del c: the name now holds another object
-- `how` is 'call' (a method), 'item' (c[k] = v, c[k] op= v, c[:] = ...), 'augmented'
-- (c += ...), 'bind' (c = ...), 'del', or 'callback' (a shrinking method
-- passed uncalled, `t.add_done_callback(c.discard)`: a shrink that runs
-- later); `what` shows the operation for
-- messages ('c.append()', 'c[...] =', 'del c', 'c ='); `item` and `value`
-- are, for an assignment, the subscript and the right-hand side as written
-- (`k` and `v` in c[k] = v); `call_id` is the method call when there is one.
--
-- `c[k] = v` grows a dict but only replaces an item of a list: rules that
-- know the collection's kind tell them apart.
CREATE TEMP VIEW collection_mutations(file_id, function_id, stmt_id, loop_id, coll, effect, how, what,
                                      item, value, call_id, line, col, end_line, end_col) AS
  SELECT c.file_id, c.function_id, c.stmt_id, c.loop_id, c.receiver, m.effect, 'call',
         c.receiver || '.' || c.name || '()', NULL, NULL,
         c.id, c.line, c.col, c.end_line, c.end_col
    FROM calls c JOIN collection_methods m ON m.name = c.name
   WHERE c.receiver IS NOT NULL
  UNION ALL
  SELECT a.file_id, a.function_id, a.stmt_id, a.loop_id,
         CASE WHEN a.target_kind = 'subscript' THEN substr(a.target, 1, instr(a.target, '[') - 1)
              ELSE a.target END,
         CASE WHEN a.target_kind = 'subscript' THEN
                CASE WHEN a.op = '=' AND substr(a.target, instr(a.target, '[')) GLOB '*:*' THEN 'shrink'
                     ELSE 'grow' END
              WHEN a.op IN ('+=', '|=') THEN 'grow'
              ELSE 'rebind' END,
         CASE WHEN a.target_kind = 'subscript' THEN 'item' WHEN a.op IN ('+=', '|=') THEN 'augmented'
              ELSE 'bind' END,
         CASE WHEN a.target_kind = 'subscript' THEN substr(a.target, 1, instr(a.target, '[') - 1) || '[...] '
              ELSE a.target || ' ' END || a.op,
         CASE WHEN a.target_kind = 'subscript'
              THEN substr(a.target, instr(a.target, '[') + 1, length(a.target) - instr(a.target, '[') - 1) END,
         a.value, NULL, a.line, a.col, a.end_line, a.end_col
    FROM assignments a
   WHERE (a.target_kind = 'subscript' AND a.op NOT IN ('for', 'with', 'import') AND instr(a.target, '[') > 1)
      OR (a.target_kind IN ('name', 'attribute') AND a.op IN ('=', ':=', 'for', 'with', '+=', '|='))
  UNION ALL
  SELECT n.file_id, n.function_id, n.stmt_id, n.loop_id, n.name,
         CASE WHEN n.ctx = 'del' THEN 'rebind' ELSE 'shrink' END, 'del', 'del ' || n.name, NULL, NULL, NULL,
         n.line, n.col, n.end_line, n.end_col
    FROM statements s
    CROSS JOIN names n
      -- a simple statement's names come after it and before the next
      -- statement in its file's id sequence (see tables.sql, `id`)
      ON n.id > s.id AND n.id < coalesce((SELECT min(x.id) FROM statements x
                                          WHERE x.id > s.id AND x.id < (file_last_id(s.file_id) + 1)),
                                         (file_last_id(s.file_id) + 1))
     AND +n.stmt_id = s.id
   WHERE s.kind = 'delete_statement' AND (n.ctx = 'del' OR n.role = 'subscript')
  UNION ALL
  -- a shrinking method handed on uncalled, to run later:
  -- task.add_done_callback(c.discard), weakref.finalize(obj, c.pop, key).
  -- The method's name is what follows the argument's last dot.
  SELECT c.file_id, c.function_id, c.stmt_id, c.loop_id, substr(a.text, 1, length(rtrim(a.text, replace(a.text, '.', ''))) - 1),
         'shrink', 'callback', a.text, NULL, NULL, NULL, a.line, a.col, a.end_line, a.end_col
    FROM call_args a
    JOIN calls c ON c.id = a.call_id
   WHERE a.kind = 'attribute' AND a.star = 0
     AND substr(a.text, length(rtrim(a.text, replace(a.text, '.', ''))) + 1) IN (
           SELECT name FROM collection_methods WHERE effect = 'shrink');

-- shared_collections(id, file_id, class_id, class_name, name, kind, bounded, stmt_id,
--                    line, col, end_line, end_col)
-- Collections that live as long as the process: module-level names and
-- class attributes bound to a collection (collection_defs), the first
-- binding of each name in its scope.
CREATE TEMP VIEW shared_collections(id, file_id, class_id, class_name, name, kind, bounded, stmt_id,
                                    line, col, end_line, end_col) AS
  SELECT d.id, d.file_id, d.class_id, k.name, d.name, d.kind, d.bounded, d.stmt_id,
         d.line, d.col, d.end_line, d.end_col
    FROM (SELECT *, row_number() OVER (PARTITION BY file_id, class_id, name ORDER BY id) AS nth
            FROM collection_defs WHERE function_id IS NULL AND instr(name, '.') = 0) d
    LEFT JOIN classes k ON k.id = d.class_id
   WHERE d.nth = 1;

-- shared_collection_mutations(collection_id, file_id, function_id, stmt_id, loop_id, coll, effect,
--                             how, what, item, value, call_id, line, col, end_line, end_col)
-- collection_mutations of a shared collection, in its own file: a
-- module-level name used where no parameter or assignment of the function
-- makes it local; a class attribute through `self.`/`cls.` in the class's
-- methods or through the class name.
--
-- Shaped for speed without table statistics: mutations are first cut down
-- to the names shared collections have (an IN list, which SQLite indexes),
-- and each survivor finds its collection within its own file's rowid range.
CREATE TEMP VIEW shared_collection_mutations(collection_id, file_id, function_id, stmt_id, loop_id, coll,
                                             effect, how, what, item, value, call_id, line, col, end_line,
                                             end_col) AS
  WITH shared AS MATERIALIZED (SELECT id, name FROM shared_collections),
  resolved AS MATERIALIZED (
      SELECT m.*,
             (SELECT min(a.id) FROM assignments a
               WHERE a.id BETWEEN file_first_id(m.file_id) AND file_last_id(m.file_id)
                 AND a.target = m.attr AND a.id IN (SELECT id FROM shared)
                 AND CASE WHEN m.head IS NULL THEN a.class_id IS NULL
                          WHEN m.head IN ('self', 'cls') THEN a.class_id = (
                            SELECT class_id FROM function_classes WHERE function_id = m.function_id)
                          ELSE a.class_id IN (
                            SELECT k.id FROM classes k
                             WHERE k.id BETWEEN file_first_id(m.file_id) AND file_last_id(m.file_id)
                               AND k.name = m.head) END) AS collection_id
        FROM (
          -- coll split at its first dot: 'x' -> (NULL, 'x'), 'self.x' -> ('self', 'x')
          SELECT *, CASE WHEN instr(coll, '.') THEN substr(coll, 1, instr(coll, '.') - 1) END AS head,
                    CASE WHEN instr(coll, '.') THEN substr(coll, instr(coll, '.') + 1) ELSE coll END AS attr
            FROM collection_mutations) m
       WHERE m.attr IN (SELECT name FROM shared)
         AND (m.head IS NOT NULL OR m.function_id IS NULL
              OR m.function_id IN (SELECT function_id FROM global_declaring_functions)
              OR NOT (EXISTS (SELECT 1 FROM params p WHERE p.function_id = m.function_id AND p.name = m.attr)
                      OR EXISTS (SELECT 1 FROM assignments l
                                  WHERE l.function_id = m.function_id AND l.target = m.attr
                                    AND l.target_kind = 'name'))))
  SELECT collection_id, file_id, function_id, stmt_id, loop_id, coll, effect, how, what, item, value,
         call_id, line, col, end_line, end_col
    FROM resolved
   WHERE collection_id IS NOT NULL;

-- iterated_once(assignment_id, name_id, loop_id)
-- `x = value` whose name is read exactly once afterwards in its scope
-- (nested functions included; the whole file for module-level names), and
-- that read is the iterable of a loop or comprehension (loop_id), directly
-- or through enumerate(), at the assignment's own loop depth: the value is
-- walked once, front to back, and never indexed, measured, mutated, passed
-- on or returned. The read sees this binding (no other binding of the name
-- comes between them in the block of either, nor in another block
-- before the read: the other arm of an if), the value is not stored
-- elsewhere by a chained assignment, and the name is not grown by an
-- augmented assignment. A module-level name must not be part of the
-- module's interface: not a dunder (`__all__`), not imported by another
-- module.
CREATE TEMP VIEW iterated_once(assignment_id, name_id, loop_id) AS
  -- Every lookup a candidate makes is keyed by its scope: the function, or
  -- the file for module-level names (-file_id in `scope`), through an index
  -- (names_function with the file's id range) or a table materialized here
  -- and indexed automatically. Looking module-level names up by name alone,
  -- or scanning the file's loops, assignments or functions per candidate,
  -- was quadratic in the number of modules that share a name and in the
  -- size of a file (9 s on the standard library).
  WITH
    loop_iters AS MATERIALIZED (SELECT id, stmt_id, iter, iter_call_id FROM loops),
    binds AS MATERIALIZED (
      SELECT id, coalesce(function_id, -file_id) AS scope, target, op, line, col, stmt_id
        FROM assignments WHERE target_kind = 'name'),
    chained AS MATERIALIZED (SELECT DISTINCT stmt_id FROM assignments WHERE value_kind = 'assignment'),
    children AS MATERIALIZED (SELECT id, parent_id FROM functions WHERE parent_id IS NOT NULL),
    imported AS MATERIALIZED (SELECT name, target FROM imports WHERE name IS NOT NULL),
    module_targets AS MATERIALIZED (
      SELECT DISTINCT target FROM assignments WHERE function_id IS NULL AND target_kind = 'name' AND op = '='),
    read_in_functions AS MATERIALIZED (  -- (file, name) of the module-level names read in a function
      SELECT DISTINCT file_id, name FROM names
       WHERE function_id IS NOT NULL AND ctx = 'load' AND name IN (SELECT target FROM module_targets))
  SELECT a.id, n.id,
         CASE WHEN n.role = 'iter' THEN
                (SELECT l.id FROM loop_iters l WHERE l.stmt_id = n.stmt_id AND l.iter = n.name)
              ELSE
                (SELECT l.id FROM calls e, loop_iters l
                  WHERE e.id = n.call_id AND e.resolved = 'enumerate' AND e.use = 'iter'
                    AND l.iter_call_id = e.id) END
    FROM assignments a
    JOIN names n ON n.function_id IS a.function_id AND n.name = a.target
                AND n.id BETWEEN file_first_id(a.file_id) AND file_last_id(a.file_id)
                AND +n.ctx = 'load' AND +n.loop_id IS a.loop_id AND +n.role IN ('iter', 'arg')
                AND (n.line > a.end_line OR (n.line = a.end_line AND n.col >= a.end_col))
   WHERE a.target_kind = 'name' AND a.op = '='
     AND CASE WHEN n.role = 'iter' THEN
                EXISTS (SELECT 1 FROM loop_iters l WHERE l.stmt_id = n.stmt_id AND l.iter = n.name)
              ELSE
                EXISTS (SELECT 1 FROM calls e, loop_iters l
                         WHERE e.id = n.call_id AND e.resolved = 'enumerate' AND e.use = 'iter'
                           AND l.iter_call_id = e.id) END
     -- no other read in the scope itself
     AND NOT EXISTS (SELECT 1 FROM names o
                      WHERE o.function_id IS a.function_id AND o.name = a.target
                        AND o.id BETWEEN file_first_id(a.file_id) AND file_last_id(a.file_id)
                        AND o.ctx = 'load' AND o.id <> n.id)
     -- nor in a function nested in it (any function of the file, for a module-level name)
     AND CASE WHEN a.function_id IS NULL THEN
                NOT EXISTS (SELECT 1 FROM read_in_functions r WHERE r.file_id = a.file_id AND r.name = a.target)
              ELSE
                NOT EXISTS (SELECT 1 FROM children cf CROSS JOIN names o ON o.function_id = cf.id AND o.name = a.target
                             WHERE cf.parent_id = a.function_id AND o.ctx = 'load') END
     -- not a chained assignment (`x = cache[k] = value` stores it as well)
     AND NOT EXISTS (SELECT 1 FROM chained b WHERE b.stmt_id = a.stmt_id)
     -- the read sees this value: no other binding of the name between the
     -- two in the block of either (`xs = a; xs = b; for x in xs`), none in
-- another block before the read (`if k: xs = a` / `else: xs = [...]`), and no
     -- augmented assignment (`xs += more`, which grows the list) anywhere
     AND NOT EXISTS (SELECT 1 FROM binds b
                      WHERE b.scope = coalesce(a.function_id, -a.file_id) AND b.target = a.target AND b.id <> a.id
                        AND (b.op NOT IN ('=', ':=', 'for', 'with', 'import')
                             -- bound in another block before the read (the
                             -- other arm of an if): the loop walks either value
                             OR ((b.line < n.line OR (b.line = n.line AND b.col < n.col))
                                 AND (SELECT block_id FROM statements WHERE id = b.stmt_id)
                                     <> (SELECT block_id FROM statements WHERE id = a.stmt_id))
                             OR ((b.line > a.end_line OR (b.line = a.end_line AND b.col >= a.end_col))
                                 AND (b.line < n.line OR (b.line = n.line AND b.col < n.col))
                                 AND (SELECT block_id FROM statements WHERE id = b.stmt_id)
                                     IN (SELECT block_id FROM statements WHERE id IN (a.stmt_id, n.stmt_id)))))
     -- a module-level name is the module's interface: not `__all__` and
     -- friends, nor a name another module imports
     AND CASE WHEN a.function_id IS NOT NULL THEN 1
              WHEN a.target GLOB '__*__' THEN 0
              ELSE NOT EXISTS (SELECT 1 FROM imported i
                                WHERE i.target = (SELECT module FROM files WHERE id = a.file_id) || '.' || a.target
                                  AND i.name = a.target)
          END;
