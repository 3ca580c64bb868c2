-- Applying db/functions/*.sql and then db/privileges.sql again (what every migrate does) changes
-- no function, trigger or privilege. Paths are relative to the repository root, where
-- scripts/test_suite.sh runs pg_prove.
\set function_files `cat db/functions/*.sql`
\set privilege_file `cat db/privileges.sql 2>/dev/null`
BEGIN;
SELECT plan(3);

CREATE TEMP VIEW project_definitions AS
SELECT 'function ' || p.oid::regprocedure::text AS object,
       md5(pg_get_functiondef(p.oid) || coalesce(p.proacl::text, '') || coalesce(obj_description(p.oid, 'pg_proc'), ''))
           AS digest,
       p.xmin = pg_current_xact_id()::xid AS written_now
FROM pg_proc p
WHERE p.pronamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass::text, md5(pg_get_triggerdef(t.oid)), NULL
FROM pg_trigger t
WHERE NOT t.tgisinternal AND t.tgrelid::regclass::text NOT LIKE 'pg\_%';
CREATE TEMP TABLE definitions_before ON COMMIT DROP AS SELECT object, digest FROM project_definitions;

:function_files
-- before privileges.sql, whose GRANT/REVOKE ... ALL FUNCTIONS rewrites every row of pg_proc
SELECT is(ARRAY(SELECT object FROM project_definitions WHERE written_now IS false ORDER BY 1), '{}'::text[],
          'every function in public was written again by the files (each function has its file)');
:privilege_file

SELECT set_eq($$SELECT object, digest FROM project_definitions$$, $$SELECT object, digest FROM definitions_before$$,
              'applying the files again changes no function definition, privilege, comment or trigger');
SELECT ok(tests.all_rankings_agree(now()), 'and the functions still work');

SELECT * FROM finish();
ROLLBACK;
