-- @id PH301
-- @name open-without-with
-- @severity P1
-- @precision high
-- @tags resources files leak
-- @message {what} in {function} {how}
-- @fix open it in a `with` statement (or ExitStack.enter_context), so it is closed on every path
-- @description A file object that is not closed keeps its descriptor until
-- the garbage collector finds it: on PyPy or in a reference cycle that can be
-- much later, a long-running process runs out of descriptors ("Too many open
-- files"), written data may not be flushed, and Windows keeps the file
-- locked. The rule reports open(), io.open(), os.fdopen(), Path.open(),
-- gzip/bz2/lzma/tarfile.open() and zipfile.ZipFile() used inline
-- (`open(p).read()`), iterated directly, passed to a reader that does not
-- close it (`json.load(open(p))`), or bound to a name that is never closed,
-- returned, yielded, stored or passed on, in a function or at module level.
-- A close() that is not in a
-- `finally` is reported at P3: an exception before it leaks the file.
-- @bad
-- def read_version(path):
--     return open(path).read().strip()
-- @good
-- def read_version(path):
--     with open(path) as fh:
--         return fh.read().strip()
-- @accepted `with` items and ExitStack.enter_context(); a close() in a
-- `finally`, or in a catch-all `except:` that re-raises when the normal path
-- closes it too; ownership handed on (returned, yielded, stored on an object, also
-- by a chained `self.fh = fh = open(p)`, or in a collection, passed to
-- another call, closed by a callback), for a module global also by any
-- function of the module or a module that imports it; `open(p,
-- "w").close()` (creates the file and closes it at once); `open(fd,
-- closefd=False)`, which does not own the descriptor; a call expected to
-- raise (the last statement of a `with assertRaises(...)` or `pytest.raises`
-- block); os.open() and webbrowser.open(), which are not file objects.
--
-- Result: one row per call, at the call. Columns: the location; `what`
-- (`open()`, or `fh = open()` when bound), `function`, `how` (what happens to
-- it), `severity` (P3 when closed outside a finally).
WITH
  opens(id) AS MATERIALIZED (
    SELECT c.id
      FROM calls c
     WHERE c.resolved IN (SELECT name FROM catalogue WHERE kind = 'resource' AND family = 'file')
       -- open(fd, closefd=False): the descriptor stays its owner's
       AND NOT EXISTS (SELECT 1 FROM call_args a WHERE a.call_id = c.id AND a.keyword = 'closefd'
                          AND a.text IN ('False', '0'))
       -- expected to raise: the last statement of a `with self.assertRaises(...)` block
       AND NOT EXISTS (SELECT 1 FROM withs w JOIN calls wc ON wc.id = w.call_id
                         JOIN statements s ON s.id = c.stmt_id
                        WHERE w.stmt_id = c.with_id AND s.parent_id = c.with_id
                          AND (wc.resolved IN (SELECT name FROM catalogue WHERE kind = 'raises-context' AND family IS NULL)
                               OR EXISTS (SELECT 1 FROM catalogue k
                                           WHERE k.kind = 'raises-context' AND k.family = 'method'
                                             AND wc.name GLOB k.name))
                          AND NOT EXISTS (SELECT 1 FROM statements n WHERE n.block_id = s.block_id
                                             AND n.idx > s.idx))),
  -- used without a name: inline, iterated, discarded, or given to a reader that keeps it open
  inline(id, how) AS (
    SELECT c.id,
           CASE c.use WHEN 'attr' THEN 'is used inline and never closed'
                      WHEN 'iter' THEN 'is iterated directly and never closed'
                      ELSE 'is opened and dropped without being closed' END
      FROM opens o JOIN calls c ON c.id = o.id
     WHERE c.use IN ('attr', 'iter', 'discard')
       -- open(p, "w").close(): created and closed at once
       AND NOT (c.use = 'attr' AND EXISTS (SELECT 1 FROM calls x WHERE x.id = c.id - 1 AND x.line = c.line
                                              AND x.col = c.col AND x.name = 'close'))
    UNION ALL
    SELECT c.id, 'is passed to ' || p.callee || '(), which does not close it'
      FROM opens o JOIN calls c ON c.id = o.id
      JOIN calls p ON p.id = c.parent_call_id
      JOIN non_owning_consumers n ON n.qualname = p.resolved
     WHERE c.use = 'arg'),
  nested(function_id, name) AS MATERIALIZED (SELECT function_id, name FROM closed_by_nested),
  -- nested functions by their parent (functions has no index on parent_id:
  -- scanning it per bound name took 19 s on the standard library)
  children(id, parent_id) AS MATERIALIZED (SELECT id, parent_id FROM functions WHERE parent_id IS NOT NULL),
  -- bound to a local name: what becomes of that name
  named(id, name, function_id, stmt_id) AS (
    SELECT c.id, r.name, r.function_id, c.stmt_id
      FROM opens o JOIN calls c ON c.id = o.id
      JOIN resource_names r ON r.call_id = c.id
       -- stored on an object by the statement itself: self.fh = fh = open(p)
       AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.function_id = c.function_id AND a.stmt_id = c.stmt_id
                          AND a.target_kind IN ('attribute', 'subscript'))
       -- not handed on
       AND NOT EXISTS (
             SELECT 1 FROM name_uses u
              WHERE u.function_id = r.function_id AND u.name IN (r.name, r.name || '.close')
                AND (u.how IN ('return', 'yield', 'store', 'with', 'callback')
                     OR (u.how = 'arg' AND NOT EXISTS (SELECT 1 FROM calls p JOIN non_owning_consumers n
                                                         ON n.qualname = p.resolved WHERE p.id = u.call_id))))
       AND NOT EXISTS (SELECT 1 FROM nested WHERE nested.function_id = r.function_id AND nested.name = r.name)
       -- handed on by a nested function (a closure passes it to a call or returns it)
       AND NOT EXISTS (SELECT 1 FROM children g
                         JOIN names n ON n.function_id = g.id AND n.name = r.name
                                     AND n.role IN ('arg', 'return', 'yield')
                        WHERE g.parent_id = r.function_id)
       AND NOT (r.function_id IN (SELECT function_id FROM global_declarers)
                AND EXISTS (SELECT 1 FROM assignments a WHERE a.target = r.name AND a.scope = 'module'
                               AND a.file_id = c.file_id))),
  -- bound to a name at module level: a global lives until the process
  -- ends, and any function of the module may close it, return it, store it
  -- or pass it on (as may a module that imports it)
  module_named(id, name) AS (
    SELECT c.id, c.target
      FROM opens o JOIN calls c ON c.id = o.id
     WHERE c.function_id IS NULL AND c.use = 'assign' AND c.target NOT GLOB '*[^A-Za-z0-9_]*'
       AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.file_id = c.file_id AND a.function_id IS NULL
                          AND a.stmt_id = c.stmt_id AND a.target_kind IN ('attribute', 'subscript'))
       AND NOT EXISTS (SELECT 1 FROM files f JOIN imports i ON i.target = f.module || '.' || c.target
                        WHERE f.id = c.file_id)),
  -- what reaches each module-level value: a module-level read or close()
  -- after it and before the name is bound again; in a function that does
  -- not bind the name itself (it reads the global), the last value bound
  mod_seen(id, name_id, call_id) AS (
    SELECT m.id, n.id, n.call_id
      FROM module_named m JOIN calls c ON c.id = m.id
      JOIN names n ON n.file_id = c.file_id AND n.name IN (m.name, m.name || '.close') AND n.ctx = 'load'
     WHERE CASE WHEN n.function_id IS NULL THEN
                  (n.line > c.line OR (n.line = c.line AND n.col > c.col))
                  AND NOT EXISTS (SELECT 1 FROM assignments a
                                   WHERE a.file_id = c.file_id AND a.function_id IS NULL AND a.target = m.name
                                     AND a.stmt_id <> c.stmt_id AND a.line > c.line
                                     AND (a.line < n.line OR (a.line = n.line AND a.col < n.col)))
                ELSE NOT EXISTS (SELECT 1 FROM assignments a
                                  WHERE a.function_id = n.function_id AND a.target = m.name)
                     AND NOT EXISTS (SELECT 1 FROM params p WHERE p.function_id = n.function_id AND p.name = m.name)
                     AND NOT EXISTS (SELECT 1 FROM assignments a
                                      WHERE a.file_id = c.file_id AND a.function_id IS NULL AND a.target = m.name
                                        AND a.stmt_id <> c.stmt_id AND a.line > c.line) END),
  mod_kept(id) AS (
    SELECT s.id FROM mod_seen s JOIN names n ON n.id = s.name_id
     WHERE n.role IN ('return', 'yield', 'arg', 'with', 'assign', 'other')
       AND NOT (n.role = 'arg' AND EXISTS (SELECT 1 FROM calls p JOIN non_owning_consumers k
                                             ON k.qualname = p.resolved WHERE p.id = s.call_id))
    UNION
    SELECT s.id FROM mod_seen s JOIN names n ON n.id = s.name_id JOIN calls k ON k.id = s.call_id
     WHERE n.role = 'receiver' AND k.name = 'close' AND k.function_id IS NOT NULL),
  -- its module-level close() calls
  mod_closes(id, call_id) AS (
    SELECT s.id, k.id FROM mod_seen s JOIN names n ON n.id = s.name_id JOIN calls k ON k.id = s.call_id
     WHERE n.role = 'receiver' AND n.function_id IS NULL AND k.name = 'close' AND k.receiver = n.name),
  -- the close() calls on that name: `guarded` when in a finally, or in a catch-all
  -- `except:` / `except BaseException:` that re-raises (the error path of a finally)
  closes(id, call_id, guarded, in_handler) AS (
    SELECT b.id, k.id,
           EXISTS (SELECT 1 FROM finally_calls f WHERE f.call_id = k.id) OR h.id IS NOT NULL,
           k.in_except
      FROM named b
      JOIN calls k ON k.function_id = b.function_id AND k.receiver = b.name AND k.name = 'close'
      LEFT JOIN handlers h ON h.function_id IS k.function_id AND h.try_id = k.try_id AND k.in_except
                          AND k.line BETWEEN h.line AND h.end_line AND h.reraises
                          AND (h.is_bare OR h.resolved_types GLOB '*,BaseException,*')),
  bound(id, name, closes, protected) AS (
    SELECT b.id, b.name,
           (SELECT count(*) FROM closes k WHERE k.id = b.id),
           EXISTS (SELECT 1 FROM closes k WHERE k.id = b.id AND k.guarded
                         AND (NOT k.in_handler
                              OR EXISTS (SELECT 1 FROM closes o WHERE o.id = b.id AND NOT o.in_handler)))
      FROM named b),
  found(id, what, how, severity) AS (
    SELECT i.id, c.callee || '()', i.how, NULL FROM inline i JOIN calls c ON c.id = i.id
    UNION ALL
    SELECT b.id, b.name || ' = ' || c.callee || '()',
           CASE WHEN b.closes = 0 THEN 'is never closed (nor returned, stored or passed on)'
                ELSE 'is closed, but not in a finally: an exception before ' || b.name
                     || '.close() leaks it' END,
           CASE WHEN b.closes > 0 THEN 'P3' END
      FROM bound b JOIN calls c ON c.id = b.id
     WHERE NOT b.protected
    UNION ALL
    SELECT m.id, m.name || ' = ' || c.callee || '()',
           CASE WHEN NOT EXISTS (SELECT 1 FROM mod_closes k WHERE k.id = m.id)
                THEN 'is never closed (nor returned, stored or passed on)'
                ELSE 'is closed, but not in a finally: an exception before ' || m.name
                     || '.close() leaks it' END,
           CASE WHEN EXISTS (SELECT 1 FROM mod_closes k WHERE k.id = m.id) THEN 'P3' END
      FROM module_named m JOIN calls c ON c.id = m.id
     WHERE m.id NOT IN (SELECT id FROM mod_kept)
       AND NOT EXISTS (SELECT 1 FROM mod_closes k WHERE k.id = m.id
                          AND k.call_id IN (SELECT call_id FROM finally_calls)))
SELECT c.file_id, c.line, c.col, c.end_line, c.end_col, fd.what, fd.how, fd.severity,
       coalesce(fn.name, '<module>') AS function
  FROM found fd
  JOIN calls c ON c.id = fd.id
  LEFT JOIN functions fn ON fn.id = c.function_id;
