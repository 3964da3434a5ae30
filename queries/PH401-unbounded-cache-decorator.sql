-- @id PH401
-- @name unbounded-cache-decorator
-- @default opt-in
-- @severity P2
-- @precision high
-- @tags memory cache functools
-- @message {decorator} on {kind} {function}: {reason}
-- @fix give lru_cache a maxsize; on methods, cache in a per-instance dict or a module-level function keyed by what matters
-- @description functools.cache and lru_cache(maxsize=None) keep one entry per
-- distinct argument tuple forever: fed with request data they grow until the
-- process is killed. On an instance method any lru_cache also holds a strong
-- reference to every `self` it has seen, so instances are never freed. A
-- function whose parameters are all bool or enum-like has a small, bounded
-- domain: reported at P3.
-- Opt-in: a cache decorator is usually put on purpose on a function whose
-- arguments come from a small, fixed set (import paths, configuration
-- values, the methods of a long-lived singleton), which the facts cannot
-- tell from request data; name the rule to audit caches anyway.
-- @bad
-- @functools.lru_cache(maxsize=None)
-- def geocode(address):
--     return _lookup(address)
--
-- class PriceService:
--     @functools.lru_cache
--     def price(self, sku):
--         return self.client.get_price(sku)
-- @good
-- @functools.lru_cache(maxsize=4096)
-- def geocode(address):
--     return _lookup(address)
-- @accepted bounded lru_cache on module functions, static and class methods;
-- functools.cached_property (per instance); project decorators that happen to
-- be called cache.

-- Result: one row per decorator, at its '@'. Columns: file_id, line, col,
-- end_line, end_col; decorator (as written, with '@'); function; kind
-- ('function' or 'method'); reason; severity (P3 when every parameter has a
-- bounded domain, else P2).
WITH cached AS (
  SELECT d.id, d.file_id, d.function_id, d.text, d.resolved, d.line, d.col, d.end_line, d.end_col,
         f.name AS function, f.class_id,
         -- an instance method: defined in a class, not a static or class
         -- method (__new__ is implicitly static, __init_subclass__ and
         -- __class_getitem__ implicitly class methods)
         f.is_method AND f.name NOT IN ('__new__', '__init_subclass__', '__class_getitem__') AND NOT EXISTS (
           SELECT 1 FROM decorators o
            WHERE o.function_id = d.function_id
              AND o.resolved IN (SELECT name FROM catalogue WHERE kind = 'method-decorator'))
           AS on_instance,
         f.is_method AND (f.name IN ('__new__', '__init_subclass__', '__class_getitem__') OR EXISTS (
           SELECT 1 FROM decorators o WHERE o.function_id = d.function_id
              AND o.resolved IN (SELECT name FROM catalogue WHERE kind = 'method-decorator' AND family = 'class')))
           AS on_class,
         d.resolved IN (SELECT name FROM catalogue WHERE kind = 'cache-decorator' AND family = 'unbounded')
           OR EXISTS (SELECT 1 FROM call_args a
                       WHERE a.call_id = d.call_id AND a.text = 'None'
                         AND (a.keyword = 'maxsize' OR a.pos = 0)) AS unbounded
    FROM decorators d
    JOIN functions f ON f.id = d.function_id
   WHERE d.resolved IN (SELECT name FROM catalogue WHERE kind = 'cache-decorator')
),
-- project enums named by the annotations of those functions' parameters:
-- classes deriving from enum.Enum & co. at any depth (bases matched by
-- qualified name)
enum_like(qualname) AS (
  WITH RECURSIVE up(qualname, base) AS (
    SELECT DISTINCT p.annotation_resolved, b.resolved
      FROM cached c
      JOIN params p ON p.function_id = c.function_id
      JOIN classes k ON k.qualname = p.annotation_resolved
      JOIN bases b ON b.class_id = k.id
    UNION
    SELECT up.qualname, b.resolved
      FROM up
      JOIN classes k ON k.qualname = up.base
      JOIN bases b ON b.class_id = k.id)
  SELECT qualname FROM up
   WHERE base IN (SELECT name FROM catalogue WHERE kind = 'enum-base')
),
-- parameters whose domain is not known to be small: anything but bool,
-- Literal[...], a project enum, or an unannotated flag defaulting to a bool
-- (every test is coalesced: a NULL from an unresolved annotation must count
-- as "not small", never make the whole NOT unknown)
open_params AS (
  SELECT p.function_id, p.idx
    FROM cached c JOIN params p ON p.function_id = c.function_id
   WHERE NOT (c.on_class AND p.idx = 0)
     AND (p.kind <> 'plain'
          OR NOT (coalesce(p.annotation IN ('bool', 'Optional[bool]', 'typing.Optional[bool]', 'bool | None'), 0)
                  -- Literal[...]: the extractor resolves no subscripted
                  -- annotation, so its head is looked up in the imports
                  OR coalesce(substr(p.annotation, 1, instr(p.annotation, '[') - 1)
                                IN (SELECT name FROM catalogue WHERE kind = 'literal-type')
                              OR EXISTS (SELECT 1 FROM imports i
                                          WHERE i.id BETWEEN file_first_id(p.file_id) AND file_last_id(p.file_id)
                                            AND i.bound = substr(p.annotation, 1, instr(p.annotation, '[') - 1)
                                            AND i.target IN (SELECT name FROM catalogue WHERE kind = 'literal-type')), 0)
                  OR (p.annotation IS NULL AND coalesce(p.default_value IN ('True', 'False'), 0))
                  OR coalesce(p.annotation_resolved IN (SELECT qualname FROM enum_like), 0)))
)
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col,
       '@' || c.text AS decorator, c.function,
       CASE WHEN c.class_id IS NOT NULL THEN 'method' ELSE 'function' END AS kind,
       CASE WHEN c.on_instance AND c.unbounded
              THEN 'an unbounded cache that also keeps every instance alive'
            WHEN c.on_instance THEN 'the cache keeps every instance (self) alive'
            ELSE 'one entry per distinct argument, never evicted' END AS reason,
       CASE WHEN c.on_instance THEN 'P2'
            WHEN EXISTS (SELECT 1 FROM open_params o WHERE o.function_id = c.function_id) THEN 'P2'
            ELSE 'P3' END AS severity
  FROM cached c
 WHERE c.on_instance OR c.unbounded;
