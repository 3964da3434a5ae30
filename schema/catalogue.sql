-- pyhunt's API catalogue as a table: what pyhunt knows about libraries, one
-- row per API, read from schema/catalogue.tsv (embedded in the binary) and
-- from the catalogue*.tsv files of every --queries folder. The data file
-- documents the format and every kind at its top; the rows of kind 'kind'
-- describe the kinds in the table itself:
--
--     SELECT name, family, text FROM catalogue WHERE kind = 'kind';
--
-- Created as a TEMP table on every connection, after the facts and before
-- the library views that join it. Rules and views hold the logic; lists of
-- names are rows here. The rule cache keys every result by the table's
-- content, so a new row is seen by the next audit.

CREATE TEMP TABLE catalogue(
  name TEXT NOT NULL,              -- the API: a qualified name as calls.resolved spells it (time.sleep,
                                   -- requests.Session.get), a receiver type as calls.receiver_type spells
                                   -- it, a module, or a method name; each kind says which
  kind TEXT NOT NULL,              -- what pyhunt knows of it: 'blocking', 'coroutine', 'client'... (rows of
                                   -- kind 'kind' list them)
  family TEXT,                     -- the group it belongs to within its kind (a client's 'session',
                                   -- 'engine'..., a collection method's 'grow' or 'shrink')
  pos INTEGER,                     -- 0-based position of the argument the kind is about (a timeout)
  label TEXT,                      -- the name messages use for it (sqlite3.Cursor for sqlite3.connect.cursor)
  unless TEXT,                     -- a named exception the rules test ('numeric-host': no lookup)
  text TEXT,                       -- prose: what a kind means, an async alternative for reports
  origin TEXT NOT NULL             -- the file and line of the row: 'schema/catalogue.tsv:12'
);
CREATE INDEX temp.catalogue_kind ON catalogue(kind, name);
CREATE INDEX temp.catalogue_family ON catalogue(kind, family, name);
CREATE INDEX temp.catalogue_name ON catalogue(name);
