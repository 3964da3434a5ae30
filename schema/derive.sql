-- Derived relations: computed by SQL from the facts after every extraction
-- that changed something, and stored, so that rules join indexed tables
-- instead of re-deriving them. The library views (schema/views/) are loaded
-- when this runs, and most of the logic lives there: import_bindings,
-- class_bases, and call_resolution for the call graph (docs/callgraph.md).
-- Each relation needs the ones before it: class_bases reads alias_map
-- (through name_aliases), call_resolution reads both. An update whose
-- changed files kept their interface (files.interface) runs
-- schema/update.sql instead; the rule results follow in schema/stale.sql.

-- alias_map (name_aliases): import_bindings followed along re-export chains
-- to a project function, class or module, the shortest chain winning.
-- Written as four joins rather than a recursion so that every step is an
-- indexed lookup; import cycles end with the fourth binding.
DELETE FROM alias_map;
INSERT INTO alias_map(name, target)
  WITH
    b(name, target) AS MATERIALIZED (SELECT DISTINCT name, target FROM import_bindings),
    cand(name, target, depth) AS (
      SELECT name, target, 1 FROM b
      UNION ALL
      SELECT b1.name, b2.target, 2 FROM b b1 JOIN b b2 ON b2.name = b1.target
      UNION ALL
      SELECT b1.name, b3.target, 3
        FROM b b1 JOIN b b2 ON b2.name = b1.target JOIN b b3 ON b3.name = b2.target
      UNION ALL
      SELECT b1.name, b4.target, 4
        FROM b b1 JOIN b b2 ON b2.name = b1.target JOIN b b3 ON b3.name = b2.target
                  JOIN b b4 ON b4.name = b3.target),
    proj(name, target, depth, best) AS (
      SELECT name, target, depth, min(depth) OVER (PARTITION BY name)
        FROM cand
       WHERE target IN (SELECT qualname FROM functions) OR target IN (SELECT qualname FROM classes)
          OR target IN (SELECT module FROM files))
  SELECT DISTINCT name, target FROM proj WHERE depth = best;

-- class_ancestry: the closure of class_bases. The bases go through a
-- scratch table first so that the recursive step is an indexed lookup.
DROP TABLE IF EXISTS temp.derive_bases;
CREATE TEMP TABLE derive_bases AS SELECT class_id, base_id FROM class_bases;
CREATE INDEX temp.derive_bases_class ON derive_bases(class_id);
DELETE FROM class_ancestry;
INSERT INTO class_ancestry(class_id, ancestor_id, depth)
  WITH RECURSIVE a(class_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM classes
    UNION
    SELECT a.class_id, b.base_id, a.depth + 1
      FROM a JOIN derive_bases b ON b.class_id = a.ancestor_id
     WHERE a.depth < 20)
  SELECT class_id, ancestor_id, min(depth) FROM a GROUP BY class_id, ancestor_id;
DROP TABLE temp.derive_bases;

-- call_graph: every call and the project function it runs, with the
-- calling function (NULL at module level).
DELETE FROM call_graph;
INSERT INTO call_graph(call_id, caller, callee)
  SELECT r.call_id, c.function_id, r.function_id
    FROM call_resolution r JOIN calls c ON c.id = r.call_id;
