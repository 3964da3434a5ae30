-- The rule results that an update of the facts made stale (core/rules.c
-- keeps them in rule_runs and rule_rows). A project-wide rule may read any
-- file, so its results all go. A rule of `-- @scope file` reads each file
-- on its own: only its results in the changed files (temp.changed_files,
-- re-extracted or removed) go, and rule_stale lists those files for the
-- next run of the rule, which computes them and keeps the rest. A rule of
-- `-- @scope interface` reads other files through their interfaces alone
-- (files.interface): it is treated so when every changed file kept its
-- interface (schema/update.sql ran), and as project-wide otherwise
-- (schema/db.c first runs statement cache_drop_interface).

DELETE FROM rule_rows WHERE key IN (SELECT key FROM rule_runs WHERE scope NOT IN ('file', 'interface'));
DELETE FROM rule_stale WHERE key IN (SELECT key FROM rule_runs WHERE scope NOT IN ('file', 'interface'));
DELETE FROM rule_runs WHERE scope NOT IN ('file', 'interface');
DELETE FROM rule_rows WHERE file_id IN (SELECT id FROM temp.changed_files);
INSERT OR IGNORE INTO rule_stale(key, file_id)
  SELECT k.key, c.id FROM rule_runs k CROSS JOIN temp.changed_files c;
