-- Derived relations: computed by SQL from the facts after every extraction
-- that changed something, and stored, so that rules join indexed tables
-- instead of re-deriving them. The library views (views.sql) are loaded
-- when this runs, and the logic lives there: class_bases, and
-- call_resolution for the call graph (docs/callgraph.md). class_ancestry is
-- needed by call_resolution (through class_ancestors), so it comes first.

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
