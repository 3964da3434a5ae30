-- @id PH402
-- @name unbounded-dict-cache
-- @severity P2
-- @precision medium
-- @tags memory cache
-- @message {scope} {kind} {name} grows in {function}() ({what}) and nothing in the module ever removes from it
-- @fix bound it (functools.lru_cache, cachetools.LRUCache/TTLCache), or evict entries when they are done with
-- @description A dict, list or set that lives at module or class level lives
-- as long as the process. When functions keep adding to it (memoising by
-- request data, logging every request, remembering every id seen) and no
-- code ever removes an entry, memory grows with traffic until the process is
-- restarted or killed.
-- @bad
-- _cache = {}
--
-- def country_of(ip):
--     if ip not in _cache:
--         _cache[ip] = resolve(ip)
--     return _cache[ip]
-- @good
-- @functools.lru_cache(maxsize=100_000)
-- def country_of(ip):
--     return resolve(ip)
-- @accepted collections evicted from anywhere in the module (pop, del, clear,
-- popitem, remove, discard, reassignment, or such a method handed on as a
-- callback: `task.add_done_callback(_tasks.discard)`), or handed on where
-- that may happen (aliased, returned, passed to a function other than a
-- builtin reader such as len() or sorted()); registries filled at import
-- time: by module-level statements, by class creation (__init_subclass__,
-- __set_name__, metaclass methods: one entry per class, and classes are
-- code), by functions only called at module
-- level or from functions their decorator runs at once, by decorators
-- (functions used with @, also through a re-export, the functions they
-- wrap, and functions that return what they were given), by registration
-- functions (register*, add_*/addName, install*), by helpers only those
-- call; entries under a fixed key (`c["x"] = v`,
-- `s.add("x")`: set again, not added); growth in a function that checks
-- len() of the collection (kept under a limit); item assignment to a list
-- (it replaces, it does not grow); instance attributes and locals;
-- declarations under `if TYPE_CHECKING:` (never run); read-only tables;
-- deques (PH403).

-- Result: one row per collection, at the statement creating it. Columns:
-- file_id, line, col, end_line, end_col; scope ('module-level' or
-- 'class-level'); kind (dict, list, set); name (Class.name for class
-- attributes); function (where it first grows); what (the growing
-- operation); related (that growth, as a related location).
WITH m AS MATERIALIZED (
  SELECT s.*, d.kind, d.name AS attr
    FROM shared_collection_mutations s
    JOIN collection_defs d ON d.id = s.collection_id
    JOIN files fl ON fl.id = s.file_id
   WHERE d.kind IN ('dict', 'list', 'set') 
),
-- what decorators name, also through re-exports (`from pkg import
-- validator` names pkg.core.validator)
decorator_names(qualname) AS MATERIALIZED (
  SELECT resolved FROM decorators WHERE resolved IS NOT NULL
  UNION
  SELECT am.target FROM decorators d JOIN alias_map am ON am.name = d.resolved
),
evicted(collection_id) AS (
  SELECT collection_id FROM m
   WHERE effect = 'shrink' OR (effect = 'rebind' AND function_id IS NOT NULL)
),
-- the functions that grow a collection, and the functions that call them
growers(id) AS MATERIALIZED (
  SELECT DISTINCT function_id FROM m WHERE effect = 'grow'
),
candidates(id) AS MATERIALIZED (
  SELECT id FROM growers
  UNION
  SELECT c.function_id
    FROM growers g JOIN functions f ON f.id = g.id
    JOIN calls c ON c.resolved = f.qualname
   WHERE c.function_id IS NOT NULL
),
-- metaclasses: classes deriving, at any depth, from a library metaclass
metaclasses(metaclass_id) AS MATERIALIZED (
  SELECT a.class_id FROM class_ancestry a JOIN bases b ON b.class_id = a.ancestor_id
   WHERE b.resolved IN (SELECT name FROM catalogue WHERE kind = 'metaclass') AND b.text NOT GLOB '*=*'
),
-- functions among them that fill a registry rather than a cache
registering(function_id) AS MATERIALIZED (
  SELECT f.id
    FROM candidates g
    JOIN functions f ON f.id = g.id
    LEFT JOIN functions pf ON pf.id = f.parent_id
   WHERE lower(f.name) GLOB '*register*' OR f.name GLOB 'add[A-Z_]*' OR f.name GLOB '_add[A-Z_]*'
      OR f.name GLOB 'Add[A-Z]*' OR lower(f.name) GLOB 'install*'
      -- run as classes are created: __init_subclass__, __set_name__, and
      -- the methods of a metaclass (a class deriving from `type`, ABCMeta...)
      OR (f.is_method AND f.name IN (SELECT name FROM catalogue WHERE kind = 'class-hook'))
      OR (f.is_method AND f.class_id IN (SELECT metaclass_id FROM metaclasses))
      -- a decorator, or the function a decorator wraps or registers
      OR f.qualname IN (SELECT qualname FROM decorator_names)
      OR pf.qualname IN (SELECT qualname FROM decorator_names)
      OR EXISTS (SELECT 1 FROM returns r JOIN params p ON p.function_id = r.function_id AND p.name = r.value
                  WHERE r.function_id = f.id AND r.kind = 'return')
      -- called, and only at import time: from module level, or from
      -- functions that themselves run only at import time: called only
      -- from module level, or run by their decorator (a project decorator
      -- that calls the function it is given: `@call_aside`)
      OR (EXISTS (SELECT 1 FROM calls c WHERE c.resolved = f.qualname)
          AND NOT EXISTS (
                SELECT 1 FROM calls c JOIN functions cf ON cf.id = c.function_id
                 WHERE c.resolved = f.qualname
                   AND ((NOT EXISTS (SELECT 1 FROM calls u WHERE u.resolved = cf.qualname)
                         AND NOT EXISTS (
                               SELECT 1 FROM decorators dd
                                 JOIN functions df ON df.qualname = dd.resolved
                                 JOIN params dp ON dp.function_id = df.id AND dp.idx = 0
                                 JOIN calls dc ON dc.function_id = df.id AND dc.callee = dp.name
                                WHERE dd.function_id = cf.id))
                        OR EXISTS (SELECT 1 FROM calls u
                                    WHERE u.resolved = cf.qualname AND u.function_id IS NOT NULL))))
),
-- those, and helpers called only by them (the decorator's own helper
-- that does the registering: `def dec(f): _check_unique(f); return f`)
registrars(function_id) AS (
  SELECT function_id FROM registering
  UNION
  SELECT g.id
    FROM growers g JOIN functions f ON f.id = g.id
   WHERE EXISTS (SELECT 1 FROM calls c WHERE c.resolved = f.qualname)
     AND NOT EXISTS (SELECT 1 FROM calls c
                      WHERE c.resolved = f.qualname
                        AND (c.function_id IS NULL
                             OR c.function_id NOT IN (SELECT function_id FROM registering)))
),
grows AS (
  SELECT m.*, f.name AS function
    FROM m JOIN functions f ON f.id = m.function_id
   WHERE m.effect = 'grow' AND NOT (m.kind = 'list' AND m.how = 'item')
     AND m.function_id NOT IN (SELECT function_id FROM registrars)
     -- a fixed key: c["name"] = v, c.setdefault("name", v), s.add(0) set
     -- the same entry on every call, they do not grow
     AND NOT (m.kind IN ('dict', 'set')
              AND CASE WHEN m.how = 'item'
                         THEN ((m.item GLOB '[''"]*[''"]' AND m.item NOT GLOB '*[+%]*')
                               OR (m.item GLOB '[0-9]*' AND m.item NOT GLOB '*[^0-9_]*')
                               OR m.item IN ('True', 'False', 'None'))
                       WHEN m.what GLOB '*.setdefault()' OR m.what GLOB '*.add()'
                         THEN EXISTS (SELECT 1 FROM call_args a
                                       WHERE a.call_id = m.call_id AND a.pos = 0
                                         AND a.kind IN ('string', 'integer', 'true', 'false', 'none')
                                         AND a.text NOT GLOB '[fF]*')
                       ELSE 0 END)
     -- growth kept under a size limit the function checks: len(c)
     AND NOT EXISTS (SELECT 1 FROM names n
                      WHERE n.function_id = m.function_id AND n.name = m.coll AND n.role = 'len')
),
first_growth AS (
  SELECT collection_id, function, what, file_id, min(line) AS line, col, end_line, end_col
    FROM grows GROUP BY collection_id
),
-- the collection read as a value that goes elsewhere: bound to another
-- name, returned, yielded, or passed to a function that may change it
escaped(collection_id) AS (
  SELECT g.collection_id
    FROM first_growth g
    JOIN collection_defs d ON d.id = g.collection_id
    LEFT JOIN classes k ON k.id = d.class_id
    CROSS JOIN names n ON n.id BETWEEN file_first_id(g.file_id) AND file_last_id(g.file_id)
                      AND +n.name IN (d.name, 'self.' || d.name, 'cls.' || d.name, k.name || '.' || d.name)
    LEFT JOIN calls c ON c.id = n.call_id
   WHERE +n.ctx = 'load'
     AND (n.role IN ('assign', 'return', 'yield')
          OR (n.role = 'arg' AND coalesce(c.resolved, '') NOT IN (
                SELECT name FROM catalogue WHERE kind = 'collection-reader')))
)
SELECT d.file_id, d.line, d.col, d.end_line, d.end_col,
       CASE WHEN d.class_id IS NULL THEN 'module-level' ELSE 'class-level' END AS scope,
       d.kind, coalesce(k.name || '.', '') || d.name AS name, g.function, g.what,
       json_array(json_object('file_id', g.file_id, 'line', g.line, 'col', g.col, 'end_line', g.end_line,
                              'end_col', g.end_col, 'message', 'grows here: ' || g.what)) AS related
  FROM first_growth g
  JOIN collection_defs d ON d.id = g.collection_id
  LEFT JOIN classes k ON k.id = d.class_id
 WHERE g.collection_id NOT IN (SELECT collection_id FROM evicted)
   AND g.collection_id NOT IN (SELECT collection_id FROM escaped);
