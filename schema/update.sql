-- Derived relations after an update whose changed files (temp.changed_files,
-- filled by the extractor) all kept their interface (files.interface): the
-- same definitions, class bases and imports, and so the same alias_map and
-- class_ancestry, and the same call graph out of every other file (no call
-- elsewhere resolves through what changed). Only the changed files' calls
-- are resolved again: call_resolution (views/10-resolution.sql) runs over a TEMP view
-- `calls` that shadows the table with their rows. Whatever the path,
-- call_graph holds what schema/derive.sql would compute, in the same order
-- (its primary key).

DELETE FROM call_graph
 WHERE call_id IN (SELECT g.call_id FROM temp.changed_files c
                     JOIN call_graph g ON g.call_id BETWEEN file_first_id(c.id) AND file_last_id(c.id));
CREATE TEMP VIEW calls AS
  SELECT m.* FROM temp.changed_files c JOIN main.calls m ON m.id BETWEEN file_first_id(c.id) AND file_last_id(c.id);
INSERT INTO call_graph(call_id, caller, callee)
  SELECT r.call_id, c.function_id, r.function_id
    FROM call_resolution r JOIN calls c ON c.id = r.call_id;
DROP VIEW temp.calls;
