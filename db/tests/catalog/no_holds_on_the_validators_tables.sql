-- nineteen's DDL always succeeds: nothing of contender_rank holds a dependency on nineteen's
-- tables, their columns or their row types that would make ALTER TABLE ... ALTER COLUMN ... TYPE,
-- DROP COLUMN, RENAME or DROP TABLE fail. The only dependents are contender_rank's triggers, each on
-- its whole table (no column: no UPDATE OF list, no WHEN clause) and owned by it ('a'uto: they go
-- with the table). (The pgTAP helpers in schema tests are not contender_rank's and are left out.)
BEGIN;
SELECT plan(5);

CREATE TEMP VIEW validator_objects AS
SELECT 'pg_class'::regclass AS classid, c.oid AS objid
FROM pg_class c WHERE c.oid IN ('public.nodes'::regclass, 'public.contenders'::regclass,
                                'public.contenders_history'::regclass)
UNION ALL
SELECT 'pg_type'::regclass, c.reltype
FROM pg_class c WHERE c.oid IN ('public.nodes'::regclass, 'public.contenders'::regclass,
                                'public.contenders_history'::regclass);

-- every dependency on them, but those of the tables' own parts (columns' defaults, keys, sequences,
-- toast, row type), described
CREATE TEMP VIEW holds AS
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS dependent,
       pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) AS referenced,
       d.deptype, d.classid, d.objid, d.refobjsubid
FROM pg_depend d
JOIN validator_objects v ON v.classid = d.refclassid AND v.objid = d.refobjid
WHERE NOT (d.classid = 'pg_class'::regclass AND d.objid IN (SELECT objid FROM validator_objects))
  AND NOT (d.classid = 'pg_type'::regclass AND d.objid IN (SELECT objid FROM validator_objects))
  AND NOT (d.classid = 'pg_constraint'::regclass
           AND (SELECT c.conrelid FROM pg_constraint c WHERE c.oid = d.objid)
               IN (SELECT objid FROM validator_objects))
  AND NOT (d.classid = 'pg_attrdef'::regclass)
  AND NOT (d.classid = 'pg_class'::regclass
           AND (SELECT c.relkind FROM pg_class c WHERE c.oid = d.objid) IN ('S', 't', 'i'))
  -- the tables' array types and the like
  AND d.deptype <> 'i'
  -- the pgTAP helpers (tests.snapshot(), the view tests.history, this file's temporary views) are
  -- this suite's, not contender_rank's
  AND NOT (d.classid = 'pg_proc'::regclass
           AND (SELECT p.pronamespace FROM pg_proc p WHERE p.oid = d.objid) = 'tests'::regnamespace)
  AND NOT (d.classid = 'pg_rewrite'::regclass
           AND (SELECT c.relnamespace FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE r.oid = d.objid)
               IN ('tests'::regnamespace, pg_my_temp_schema()));

SELECT is(ARRAY(SELECT h.dependent FROM holds h WHERE h.classid <> 'pg_trigger'::regclass ORDER BY 1),
          '{}'::text[], 'no function, view, rule or type of contender_rank depends on the validator''s tables');
SELECT is(ARRAY(SELECT h.dependent || ' -> ' || h.referenced FROM holds h
                WHERE h.classid = 'pg_trigger'::regclass AND h.refobjsubid <> 0 ORDER BY 1),
          '{}'::text[], 'no trigger depends on a column of them');
SELECT is(ARRAY(SELECT DISTINCT h.deptype::text FROM holds h WHERE h.classid = 'pg_trigger'::regclass),
          ARRAY['a'], 'each trigger belongs to its table (goes with it)');
SELECT set_eq($$SELECT t.tgname::text FROM holds h JOIN pg_trigger t ON t.oid = h.objid
                WHERE h.classid = 'pg_trigger'::regclass$$,
              ARRAY['contenders_history_after_insert', 'contenders_history_after_update',
                    'contenders_history_after_delete', 'contenders_history_after_truncate',
                    'contenders_after_insert', 'contenders_after_delete', 'contenders_after_move'],
              'the dependents are exactly contender_rank''s seven triggers');
-- what a SQL-standard body would record: none of contender_rank's functions has one that names a
-- validator's table
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace IN ('contender_rank'::regnamespace, 'public'::regnamespace)
                  AND p.prosqlbody IS NOT NULL
                  AND pg_get_functiondef(p.oid) ~ 'public\.(nodes|contenders|contenders_history)\M'
                ORDER BY 1),
          '{}'::text[], 'no SQL-standard body names nodes, contenders or contenders_history');

SELECT * FROM finish();
ROLLBACK;
