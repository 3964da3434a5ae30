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
-- popitem, remove, discard, reassignment); registries filled at import time
-- by module-level statements or by decorators that return their argument;
-- instance attributes and locals; read-only tables; deques (PH403).

-- Result: one row per collection, at the statement creating it. Columns:
-- file_id, line, col, end_line, end_col; scope ('module-level' or
-- 'class-level'); kind (dict, list, set); name (Class.name for class
-- attributes); function (where it first grows); what (the growing
-- operation); related (that growth, as a related location).
WITH m AS MATERIALIZED (
  SELECT * FROM shared_collection_mutations
),
evicted(collection_id) AS (
  SELECT collection_id FROM m
   WHERE effect = 'shrink' OR (effect = 'rebind' AND function_id IS NOT NULL)
),
grows AS (
  SELECT m.*, f.name AS function
    FROM m JOIN functions f ON f.id = m.function_id
   WHERE m.effect = 'grow'
     -- a registering decorator returns the function or class it was given
     AND NOT EXISTS (SELECT 1 FROM returns r JOIN params p ON p.function_id = r.function_id AND p.name = r.value
                      WHERE r.function_id = m.function_id AND r.kind = 'return')
),
first_growth AS (
  SELECT collection_id, function, what, file_id, min(line) AS line, col, end_line, end_col
    FROM grows GROUP BY collection_id
)
SELECT d.file_id, d.line, d.col, d.end_line, d.end_col,
       CASE WHEN d.class_id IS NULL THEN 'module-level' ELSE 'class-level' END AS scope,
       d.kind, coalesce(d.class_name || '.', '') || d.name AS name, g.function, g.what,
       json_array(json_object('file_id', g.file_id, 'line', g.line, 'col', g.col, 'end_line', g.end_line,
                              'end_col', g.end_col, 'message', 'grows here: ' || g.what)) AS related
  FROM shared_collections d
  JOIN first_growth g ON g.collection_id = d.id
 WHERE d.kind IN ('dict', 'list', 'set')
   AND d.id NOT IN (SELECT collection_id FROM evicted);
