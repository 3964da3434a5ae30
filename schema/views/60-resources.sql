-- pyhunt library views, layer 60: resources. The fate of a resource bound
-- to a local name: where the name is used, closed, handed on or kept.
-- Reads the fact tables, the catalogue and layers 10-50. They know nothing
-- of messages or severities.

-- ---------------------------------------------------------------------------
-- Resources bound to local names
--
-- These views are single SELECTs (no UNION) on purpose: SQLite can then
-- flatten them into a rule's join and reach the facts of the few candidate
-- calls through indexes, instead of deriving the view for every call.

-- resource_names(call_id, function_id, name)
-- The local name a call's value is bound to inside a function: `fh =
-- open(p)`, `conn = await pool.acquire()`, and through an awaited wrapper,
-- `conn = await asyncio.wait_for(pool.acquire(), 2)`. Not `with ... as`
-- targets (see withs.as_name), attributes or unpacking.
CREATE TEMP VIEW resource_names(call_id, function_id, name) AS
  SELECT c.id, c.function_id,
         CASE WHEN c.use = 'assign' THEN c.target
              ELSE (SELECT w.target FROM calls w
                     WHERE w.id = c.parent_call_id AND w.use = 'assign' AND w.name IN ('wait_for', 'shield')) END
    FROM calls c
   WHERE c.function_id IS NOT NULL
     AND CASE WHEN c.use = 'assign' THEN c.target
              WHEN c.use = 'arg' AND c.arg_idx = 0 THEN
                (SELECT w.target FROM calls w
                  WHERE w.id = c.parent_call_id AND w.use = 'assign' AND w.name IN ('wait_for', 'shield')) END
         NOT GLOB '*[^A-Za-z0-9_]*'
     AND CASE WHEN c.use = 'assign' THEN c.target
              WHEN c.use = 'arg' AND c.arg_idx = 0 THEN
                (SELECT w.target FROM calls w
                  WHERE w.id = c.parent_call_id AND w.use = 'assign' AND w.name IN ('wait_for', 'shield')) END
         <> '';

-- name_uses(function_id, name, how, call_id, stmt_id)
-- Every read of a name in a function, with what it does to the object the
-- name holds. `how` is one of:
--   return, yield  handed to the caller (alone or in a tuple: `return fh, n`);
--   store          assigned to an attribute, a subscript or another name,
--                  alone or in a display (`self.fh = fh`, `files = [fh]`);
--   arg            passed to a call (call_id), alone or in a display given as
--                  an argument (`Server([sock])`, `run(files=(fh,))`);
--   with           used as a context manager (`with fh:`), which closes it;
--   callback       a method that ends it handed over, returned or stored:
--                  `atexit.register(fh.close)`, `self.addCleanup(proc.wait)`,
--                  `return sock.close, port` (the row's name is then `fh.close`,
--                  `proc.wait`...: a 'closer' of the catalogue, other than
--                  those that remove a path);
--   use            anything else (a method call on it, a test, an f-string).
-- Rules join it on (function_id, name), which is indexed.
CREATE TEMP VIEW name_uses(function_id, name, how, call_id, stmt_id) AS
  SELECT n.function_id, n.name,
         CASE WHEN n.name GLOB '*.*' THEN
                CASE WHEN substr(n.name, length(rtrim(n.name, replace(n.name, '.', ''))) + 1)
                            NOT IN (SELECT name FROM catalogue
                                     WHERE kind = 'closer' AND family IN ('any', 'pool', 'process'))
                       THEN 'use'
                     WHEN n.role IN ('arg', 'return', 'yield', 'assign') THEN 'callback'
                     WHEN n.role = 'other' AND n.call_id IS NULL
                          AND ((SELECT s.kind FROM statements s WHERE s.id = n.stmt_id) = 'return_statement'
                               OR EXISTS (SELECT 1 FROM returns r
                                           WHERE r.function_id = n.function_id AND r.stmt_id = n.stmt_id)
                               OR EXISTS (SELECT 1 FROM assignments a
                                           WHERE a.function_id = n.function_id AND a.stmt_id = n.stmt_id
                                             AND a.op = '=')) THEN 'callback'
                     ELSE 'use' END
              WHEN n.role IN ('return', 'yield', 'arg', 'with') THEN n.role
              WHEN n.role = 'assign' THEN 'store'
              -- an element of a display passed as an argument: Server(self, [sock])
              WHEN n.role = 'other' AND n.call_id IS NOT NULL THEN
                CASE WHEN EXISTS (SELECT 1 FROM call_args a
                                   WHERE a.call_id = n.call_id
                                     AND a.kind IN ('list', 'tuple', 'set', 'dictionary')
                                     AND instr(a.names, ' ' || n.name || ' ') > 0) THEN 'arg'
                     ELSE 'use' END
              WHEN n.role = 'other' AND n.call_id IS NULL THEN
                CASE WHEN (SELECT s.kind FROM statements s WHERE s.id = n.stmt_id) = 'return_statement' THEN 'return'
                     WHEN EXISTS (SELECT 1 FROM returns r
                                   WHERE r.function_id = n.function_id AND r.stmt_id = n.stmt_id
                                     AND r.kind <> 'return') THEN 'yield'
                     WHEN EXISTS (SELECT 1 FROM assignments a
                                   WHERE a.function_id = n.function_id AND a.stmt_id = n.stmt_id AND a.op = '='
                                     AND a.value_kind IN ('tuple', 'list', 'dictionary', 'set', 'expression_list'))
                       THEN 'store'
                     ELSE 'use' END
              ELSE 'use' END,
         n.call_id, n.stmt_id
    FROM names n
   WHERE n.ctx = 'load';

-- closed_by_nested(function_id, name, call_id)
-- A def or lambda nested in the function closes, releases, stops or removes
-- what the name holds, with a 'closer' of the catalogue other than an
-- exchange (`def cleanup(): fh.close()`, `def kill(): proc.terminate()`): a
-- cleanup callback.
CREATE TEMP VIEW closed_by_nested(function_id, name, call_id) AS
  SELECT f.parent_id, c.receiver, c.id
    FROM functions f JOIN calls c ON c.function_id = f.id
   WHERE f.parent_id IS NOT NULL
     AND c.name IN (SELECT name FROM catalogue WHERE kind = 'closer' AND family <> 'exchange');

-- global_declarers(function_id)
-- Functions with a `global` statement: a name they bind that the module
-- also binds at module level lives on after the call. (The statement's names
-- are not extracted; rules pair this with a module-level assignment.)
CREATE TEMP VIEW global_declarers(function_id) AS
  SELECT function_id FROM statements WHERE kind = 'global_statement';

-- finally_calls(call_id)
-- Calls that run on every way out of a try: in its finally clause, or in a
-- try statement nested in an enclosing try's finally (`finally: try:
-- fh.close() except OSError: pass`). That enclosing try's `else:` block is
-- not told apart from its finally.
CREATE TEMP VIEW finally_calls(call_id) AS
  SELECT c.id FROM calls c
   WHERE c.in_finally
      OR (c.try_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM statements t JOIN statements s ON s.id = t.parent_id
                       WHERE t.id = c.try_id AND s.kind = 'try_statement' AND t.block_id > s.id + 1
                         AND NOT EXISTS (SELECT 1 FROM handlers h
                                          WHERE h.function_id IS s.function_id AND h.try_id = s.id
                                            AND t.line BETWEEN h.line AND h.end_line)));

-- non_owning_consumers(qualname)
-- Calls that use a file or connection passed to them without taking it
-- over (the catalogue's kind 'borrower'): passing an object to them is not
-- handing it on.
CREATE TEMP VIEW non_owning_consumers(qualname) AS
  SELECT name FROM catalogue WHERE kind = 'borrower';
