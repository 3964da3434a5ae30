-- pyhunt library views, layer 10: resolution. What a name means where it
-- is written: scopes, imports and re-exports, classes and their members,
-- the receiver a method call binds (`self`, `cls`, a chained call) and the
-- project function a call resolves to (call_resolution, stored by
-- schema/derive.sql as call_graph). Reads the fact tables and the catalogue
-- only, never another layer.
--
-- The library is the predicates rules share, Datalog-style (facts in
-- tables.sql, rules in schema/views/ and queries/). Every view is a TEMP
-- view created on every connection, so the library can change without
-- rebuilding a database. The files of schema/views/ are loaded in name
-- order, and each layer reads only the layers below it
-- (tests/build/layers.test).

-- scopes(id, file_id, kind, name, qualname, parent_id, line, col, end_line, end_col)
-- Every module, class, function and lambda. A module's id is file_first_id(file_id).
CREATE TEMP VIEW scopes(id, file_id, kind, name, qualname, parent_id, line, col, end_line, end_col) AS
  SELECT file_first_id(id), id, 'module', module, module, NULL, 1, 1, lines, 1 FROM files
  UNION ALL
  SELECT id, file_id, CASE WHEN is_lambda THEN 'lambda' ELSE 'function' END, name, qualname,
         coalesce(parent_id, class_id, file_first_id(file_id)), line, col, end_line, end_col
    FROM functions
  UNION ALL
  SELECT id, file_id, 'class', name, qualname, coalesce(parent_id, function_id, file_first_id(file_id)),
         line, col, end_line, end_col
    FROM classes;

-- ---------------------------------------------------------------------------
-- Names, imports and classes

-- import_bindings(name, target)
-- What a module-level import binds, as a qualified name. `from .io import
-- slurp` in pkg/__init__.py binds pkg.slurp to pkg.io.slurp; `import
-- shop.payments as pay` in app.py binds app.pay to shop.payments; `from .api
-- import *` binds pkg.X to pkg.api.X for every public top-level def and class
-- of pkg.api. Bindings of a name to itself are left out.
CREATE TEMP VIEW import_bindings(name, target) AS
  SELECT f.module || '.' || i.bound, i.target
    FROM imports i JOIN files f ON f.id = i.file_id
   WHERE i.function_id IS NULL AND i.bound <> '*' AND f.module <> ''
     AND i.target <> f.module || '.' || i.bound
  UNION
  SELECT f.module || '.' || d.name, d.qualname
    FROM imports i
    CROSS JOIN files f ON f.id = i.file_id
    CROSS JOIN files t ON t.module = i.target
    CROSS JOIN functions d ON d.id BETWEEN file_first_id(t.id) AND file_last_id(t.id)
   WHERE i.function_id IS NULL AND i.bound = '*' AND f.module <> ''
     AND d.parent_id IS NULL AND +d.class_id IS NULL AND NOT d.is_lambda AND d.name NOT GLOB '_*'
  UNION
  SELECT f.module || '.' || d.name, d.qualname
    FROM imports i
    CROSS JOIN files f ON f.id = i.file_id
    CROSS JOIN files t ON t.module = i.target
    CROSS JOIN classes d ON d.id BETWEEN file_first_id(t.id) AND file_last_id(t.id)
   WHERE i.function_id IS NULL AND i.bound = '*' AND f.module <> ''
     AND d.parent_id IS NULL AND d.function_id IS NULL AND d.name NOT GLOB '_*';

-- name_aliases(name, target)
-- import_bindings followed along re-export chains (up to 4 bindings) to a
-- project function, class or module: pkg.Store -> pkg.sub.Store ->
-- pkg.sub.impl.Store gives (pkg.Store, pkg.sub.impl.Store). The shortest
-- chain wins. Derived after each extraction (schema/derive.sql) into the
-- alias_map table, indexed by name and by target.
CREATE TEMP VIEW name_aliases(name, target) AS
  SELECT name, target FROM alias_map;

-- reexports(name, target)
-- Names a package's __init__.py imports at module level: `from pkg import f`
-- then means `pkg.mod.f` when pkg/__init__.py says `from .mod import f`.
-- (name_aliases generalizes this to every module and to chains.)
CREATE TEMP VIEW reexports(name, target) AS
  SELECT f.module || '.' || i.bound, i.target
    FROM imports i JOIN files f ON f.id = i.file_id
   WHERE f.is_package AND i.function_id IS NULL AND i.bound <> '*' AND f.module <> '';

-- overdefined(qualname)
-- Qualified names defined more than 16 times, as functions or as classes:
-- generated or hostile code (real code redefines a name a few times, per
-- platform or as @overload stubs). Calls and bases that name them resolve to
-- none of the definitions, which keeps the call graph and the class
-- ancestry linear in the facts: linking every call of a name to every
-- definition of it is quadratic (4,000 definitions of one name calling it
-- gave 16 M edges).
CREATE TEMP VIEW overdefined(qualname) AS
  SELECT qualname FROM functions GROUP BY qualname HAVING count(*) > 16
  UNION ALL
  SELECT qualname FROM classes GROUP BY qualname HAVING count(*) > 16;

-- class_bases(class_id, base_id)
-- A project class and each of its direct project base classes, matched by
-- qualified name through imports and name_aliases (a base re-exported by a
-- package). Keyword arguments (metaclass=...) are not bases, nor classes of
-- an overdefined name.
CREATE TEMP VIEW class_bases(class_id, base_id) AS
  SELECT b.class_id, c.id FROM bases b JOIN classes c ON c.qualname = b.resolved
   WHERE b.text NOT GLOB '*=*' AND c.qualname NOT IN (SELECT qualname FROM overdefined)
  UNION
  SELECT b.class_id, c.id
    FROM bases b JOIN name_aliases n ON n.name = b.resolved JOIN classes c ON c.qualname = n.target
   WHERE b.text NOT GLOB '*=*' AND c.qualname NOT IN (SELECT qualname FROM overdefined);

-- class_ancestors(class_id, ancestor_id, depth)
-- A project class and its project base classes at any depth (depth 0:
-- itself), the transitive closure of class_bases (cycles stop at depth 20).
-- Derived after each extraction (schema/derive.sql) into class_ancestry.
CREATE TEMP VIEW class_ancestors(class_id, ancestor_id, depth) AS
  SELECT class_id, ancestor_id, depth FROM class_ancestry;

-- class_inherited(class_id, name, function_id, depth)
-- The method a project class inherits under a name: the one defined by its
-- nearest project base class (depth >= 1), whether or not the class defines
-- the name itself. What `super().name()` runs.
CREATE TEMP VIEW class_inherited(class_id, name, function_id, depth) AS
  SELECT class_id, name, function_id, depth FROM (
    SELECT a.class_id, f.name, f.id AS function_id, a.depth,
           min(a.depth) OVER (PARTITION BY a.class_id, f.name) AS nearest
      FROM class_ancestors a JOIN functions f ON f.class_id = a.ancestor_id
     WHERE a.depth > 0 AND f.is_method AND NOT f.is_lambda)
   WHERE depth = nearest;

-- class_members(class_id, name, function_id, depth)
-- The method a name means on a project class: its own (depth 0), else the
-- one it inherits (class_inherited). What `obj.name()` runs for an instance.
CREATE TEMP VIEW class_members(class_id, name, function_id, depth) AS
  SELECT class_id, name, id, 0 FROM functions WHERE class_id IS NOT NULL AND is_method AND NOT is_lambda
  UNION ALL
  SELECT i.class_id, i.name, i.function_id, i.depth
    FROM class_inherited i
   WHERE NOT EXISTS (SELECT 1 FROM functions f
                      WHERE f.class_id = i.class_id AND f.name = i.name AND f.is_method);

-- module_aliases(name, module)
-- The aliases of name_aliases that mean a project module and that some
-- call's resolved name goes through: `import shop.payments as pay` in
-- app.py, then `from app import pay; pay.charge()` elsewhere. (An alias
-- used in its own file is resolved by the extractor already.) Aliases no
-- call uses are left out, so that `import os` in every module does not
-- name every function of os again.
CREATE TEMP VIEW module_aliases(name, module) AS
  SELECT al.name, al.target FROM name_aliases al
   WHERE al.target IN (SELECT module FROM files)
     -- '/' follows '.' in ASCII: the range holds the names that start with "name."
     AND EXISTS (SELECT 1 FROM calls c WHERE c.resolved > al.name || '.' AND c.resolved < al.name || '/');

-- class_names(name, class_id)
-- Every qualified name that means a project class: its own qualname, the
-- aliases of name_aliases (pkg.Store for a re-exported pkg.sub.Store), and
-- the class under a module alias (pay.Gateway).
CREATE TEMP VIEW class_names(name, class_id) AS
  SELECT qualname, id FROM classes
  UNION
  SELECT al.name, k.id FROM name_aliases al CROSS JOIN classes k ON k.qualname = al.target
  UNION
  SELECT u.name || substr(k.qualname, length(u.module) + 1), k.id
    FROM module_aliases u CROSS JOIN files t ON t.module = u.module
    CROSS JOIN classes k ON k.id BETWEEN file_first_id(t.id) AND file_last_id(t.id);

-- call_resolution(call_id, function_id)
-- The project function a call runs, computed from the facts. Calls that
-- resolve to nothing in the project are absent: never guessed. A call may
-- have several targets when a name is defined more than once (conditional
-- definitions), unless that name is overdefined (more than 16 times). Four ways:
--   - the resolved name is a function's qualname (module functions, nested
--     defs, `self.m()` / `cls.m()` / `Class.m()` on the defining class), a
--     method when the call has a receiver of known type;
--   - it is an alias of one (a re-export) or one under a module alias
--     (module_aliases: pay.charge);
--   - it names a class (class_names): the constructor, `__init__` of the
--     class or of its nearest project base;
--   - it is a class name and a member, `Child.save` or `obj.save` on a typed
--     receiver: the method of the class or of its nearest project base that
--     defines it; `super().m()`: the nearest base's, skipping the class.
-- Driven from the calls: a class's inherited methods are looked up only
-- when some call names them (class_members enumerates them all).
-- schema/derive.sql stores it as call_graph after each extraction; rules
-- read it through call_targets.
CREATE TEMP VIEW call_resolution(call_id, function_id) AS
  WITH
    over(qualname) AS MATERIALIZED (SELECT qualname FROM overdefined),
    cn(name, class_id) AS MATERIALIZED (
      SELECT name, class_id FROM class_names
       WHERE class_id NOT IN (SELECT id FROM classes WHERE qualname IN (SELECT qualname FROM over))),
    -- (call, class, member name, lowest depth searched)
    member_calls(call_id, class_id, member, from_depth) AS (
      SELECT c.id, cn.class_id, '__init__', 0 FROM cn CROSS JOIN calls c ON c.resolved = cn.name
      UNION ALL
      SELECT c.id, cn.class_id, c.name, 0
        FROM cn CROSS JOIN calls c ON c.resolved > cn.name || '.' AND c.resolved < cn.name || '/'
       WHERE c.resolved = cn.name || '.' || c.name
      UNION ALL
      SELECT id, class_id, name, 1 FROM calls
       WHERE resolved GLOB 'super.*' AND receiver GLOB 'super(*)' AND class_id IS NOT NULL)
  SELECT c.id, f.id FROM functions f CROSS JOIN calls c ON c.resolved = f.qualname
   WHERE NOT f.is_lambda AND f.qualname NOT IN (SELECT qualname FROM over)
     -- a call on an instance runs a method: `x = make(); x.run()` is named
     -- make.run, which is not the def `run` nested in make
     AND (c.receiver_type IS NULL OR f.is_method)
  UNION
  SELECT c.id, f.id
    FROM name_aliases al CROSS JOIN functions f ON f.qualname = al.target
    CROSS JOIN calls c ON c.resolved = al.name
   WHERE NOT f.is_lambda AND f.qualname NOT IN (SELECT qualname FROM over)
  UNION
  SELECT c.id, f.id
    FROM module_aliases u
    CROSS JOIN calls c ON c.resolved > u.name || '.' AND c.resolved < u.name || '/'
    CROSS JOIN functions f ON f.qualname = u.module || substr(c.resolved, length(u.name) + 1)
   WHERE NOT f.is_lambda AND f.qualname NOT IN (SELECT qualname FROM over)
  UNION
  SELECT m.call_id, f.id
    FROM member_calls m
    CROSS JOIN class_ancestry a ON a.class_id = m.class_id AND a.depth >= m.from_depth
    CROSS JOIN functions f ON f.class_id = a.ancestor_id AND f.name = m.member
   WHERE f.is_method AND NOT f.is_lambda AND f.qualname NOT IN (SELECT qualname FROM over)
     AND a.depth = (SELECT min(a2.depth)
                      FROM class_ancestry a2 CROSS JOIN functions f2 ON f2.class_id = a2.ancestor_id
                     WHERE a2.class_id = m.class_id AND a2.depth >= m.from_depth
                       AND f2.name = m.member AND f2.is_method AND NOT f2.is_lambda);

-- ---------------------------------------------------------------------------
-- Receivers and function bodies

-- function_classes(function_id, class_id)
-- The class whose method a function is or is nested in (a def or lambda
-- inside a method, two levels deep at most): where `self` and `cls` mean
-- that class.
CREATE TEMP VIEW function_classes(function_id, class_id) AS
  SELECT f.id, coalesce(f.class_id, p.class_id, g.class_id)
    FROM functions f
    LEFT JOIN functions p ON p.id = f.parent_id
    LEFT JOIN functions g ON g.id = p.parent_id
   WHERE coalesce(f.class_id, p.class_id, g.class_id) IS NOT NULL;

-- global_declaring_functions(function_id)
-- Functions with a `global` statement: there, assigning a module-level
-- name rebinds the global instead of creating a local (taken to hold for
-- every name they assign: the statement's names are not facts).
CREATE TEMP VIEW global_declaring_functions(function_id) AS
  SELECT DISTINCT function_id FROM statements
   WHERE kind = 'global_statement' AND function_id IS NOT NULL;

-- call_chain_links(call_id, link_id)
-- A call and the calls chained on its value (`session.query(X).filter(...)
-- .first()`: the filter and first calls are links of the query call). They
-- start where the call starts and were numbered just before it.
CREATE TEMP VIEW call_chain_links(call_id, link_id) AS
  SELECT c.id, c.id FROM calls c
  UNION ALL
  SELECT c.id, o.id
    FROM calls c JOIN calls o ON o.id BETWEEN c.id - 24 AND c.id - 1
   WHERE c.use = 'attr' AND o.line = c.line AND o.col = c.col AND o.stmt_id IS c.stmt_id;
