-- Every migrate applies db/functions/ (internals, then the API) and the privileges again. Applying
-- them again changes no function, comment, privilege or trigger, and every function in schema
-- contender_rank and every API function in public is defined by one of the files (migrate drops
-- what no file defines). psql reads the files: pg_prove runs from the repository root
-- (scripts/pgtap.sh), where these paths resolve.
\set internal_files `cat db/functions/contender_rank/*.sql`
\set api_files `cat db/functions/public/*.sql`
\set privilege_file `cat db/privileges.sql`
\set standalone_privilege_file `cat db/privileges_standalone.sql`
BEGIN;
SELECT plan(5);
SELECT contender_rank.layout() = 'standalone' AS standalone \gset

CREATE TEMP VIEW project_definitions AS
SELECT 'function ' || p.oid::regprocedure::text AS object,
       md5(pg_get_functiondef(p.oid) || coalesce(p.proacl::text, '') || coalesce(obj_description(p.oid, 'pg_proc'), ''))
           AS digest
FROM pg_proc p
WHERE p.pronamespace IN ('contender_rank'::regnamespace, 'public'::regnamespace)
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass::text, md5(pg_get_triggerdef(t.oid))
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal AND c.relnamespace IN ('contender_rank'::regnamespace, 'public'::regnamespace)
UNION ALL
SELECT 'table ' || c.oid::regclass::text, md5(coalesce(c.relacl::text, '') || coalesce(obj_description(c.oid, 'pg_class'), ''))
FROM pg_class c
WHERE c.relnamespace IN ('contender_rank'::regnamespace, 'public'::regnamespace) AND c.relkind IN ('r', 'v')
UNION ALL
SELECT 'schema ' || n.nspname, md5(coalesce(n.nspacl::text, ''))
FROM pg_namespace n WHERE n.nspname IN ('contender_rank', 'public');
CREATE TEMP TABLE definitions_before ON COMMIT DROP AS SELECT object, digest FROM project_definitions;

-- the names the files define, read from the files themselves
CREATE TEMP TABLE declared ON COMMIT DROP AS
SELECT m[1] AS schema, m[2] AS name
FROM regexp_matches(:'internal_files' || :'api_files',
                    'CREATE OR REPLACE FUNCTION (contender_rank|public)\.(\w+)\(', 'g') m;

:internal_files
:api_files
:privilege_file
\if :standalone
:standalone_privilege_file
\endif

SELECT cmp_ok((SELECT count(*) FROM definitions_before), '>=', 60::bigint, 'the definitions are found');
SELECT set_eq($$SELECT object, digest FROM project_definitions$$, $$SELECT object, digest FROM definitions_before$$,
              'applying the files again changes no function, comment, privilege or trigger');
SELECT set_eq($$SELECT p.pronamespace::regnamespace::text, p.proname::text FROM pg_proc p
                WHERE p.pronamespace IN ('contender_rank'::regnamespace, 'public'::regnamespace)
                  AND NOT EXISTS (SELECT FROM pg_depend d
                                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')$$,
              $$SELECT DISTINCT schema, name FROM declared$$,
              'every function of contender_rank and of the API is defined by a file, and no file''s is missing');
SELECT is((SELECT count(*)::int FROM declared WHERE schema = 'public'), 6,
          'one API function a file: six under db/functions/public/');
SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'and the functions still work');

SELECT * FROM finish();
ROLLBACK;
