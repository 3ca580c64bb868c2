-- What PUBLIC (every role, including ones created later) may do, and the review of the only
-- SECURITY DEFINER functions: the five triggers that keep contender_state. A role that may not
-- write the state must not be able to reach them any other way than the writes they maintain.
BEGIN;
SELECT plan(17);

CREATE TEMP TABLE own_functions ON COMMIT DROP AS
SELECT p.oid::regprocedure AS fn, p.proname, p.prosecdef, p.prorettype, p.proconfig, p.prolang, p.prosqlbody
FROM pg_proc p
WHERE p.pronamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT FROM pg_depend d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');

SELECT cmp_ok((SELECT count(*) FROM own_functions), '>=', 20::bigint, 'the schema''s functions are found');
SELECT is(ARRAY(SELECT f.fn::text FROM own_functions f WHERE has_function_privilege('public', f.fn, 'EXECUTE')),
          '{}'::text[], 'PUBLIC may execute none of the schema''s functions');
SELECT ok(NOT has_function_privilege('public', 'public.close_period(timestamptz)', 'EXECUTE')
          AND NOT has_function_privilege('public', 'public.rebuild_contender_state()', 'EXECUTE')
          AND NOT has_function_privilege('public', 'public.recompute_own_state(text[])', 'EXECUTE')
          AND NOT has_function_privilege('public', 'public.refresh_contender_rows(text[])', 'EXECUTE')
          AND NOT has_function_privilege('public', 'public.refresh_similar_on_nodes(text[], int[])', 'EXECUTE'),
          'PUBLIC may not execute the functions that write');
SELECT is(ARRAY(SELECT t.tbl || ':' || p.priv
                FROM unnest(ARRAY['nodes', 'contenders', 'contenders_history', 'task_similarity', 'ranking_config',
                                  'contender_state']) t(tbl),
                     unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p(priv)
                WHERE has_table_privilege('public', 'public.' || t.tbl, p.priv)),
          '{}'::text[], 'PUBLIC has no privilege on the ranking tables');
SELECT ok(NOT has_schema_privilege('public', 'public', 'CREATE')
          AND NOT has_schema_privilege('ranking_reader', 'public', 'CREATE')
          AND NOT has_schema_privilege('ranking_writer', 'public', 'CREATE')
          AND NOT has_schema_privilege('ranking_admin', 'public', 'CREATE'),
          'neither PUBLIC nor the ranking roles may create objects in schema public');
SELECT ok(has_function_privilege('ranking_reader', 'public.rank_contenders(text, int, timestamptz)', 'EXECUTE')
          AND NOT has_function_privilege('ranking_reader', 'public.close_period(timestamptz)', 'EXECUTE')
          AND has_function_privilege('ranking_writer', 'public.close_period(timestamptz)', 'EXECUTE'),
          'rank_contenders is the reader''s, close_period the writer''s');
SELECT ok(NOT EXISTS (SELECT FROM pg_roles r
                      WHERE r.rolname IN ('ranking_reader', 'ranking_writer', 'ranking_admin')
                        AND (r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls)),
          'the ranking roles are plain NOLOGIN groups');

-- the review
SELECT is(ARRAY(SELECT f.proname::text FROM own_functions f WHERE f.prosecdef ORDER BY 1),
          ARRAY['fold_history_insert', 'rebuild_on_config_change', 'recompute_history_change',
                'refresh_similar_contenders_change', 'refresh_similar_similarity_change'],
          'exactly the five state-maintenance triggers are SECURITY DEFINER (a new one needs review)');
SELECT is(ARRAY(SELECT f.proname::text FROM own_functions f
                WHERE f.prosecdef
                  AND (f.prorettype <> 'trigger'::regtype
                       OR NOT f.proconfig @> ARRAY['search_path=pg_catalog, public, pg_temp'])),
          '{}'::text[], 'every SECURITY DEFINER function is a trigger with search_path pinned, pg_temp last');
SELECT is(ARRAY(SELECT f.proname::text FROM own_functions f
                WHERE NOT coalesce(EXISTS (SELECT FROM unnest(f.proconfig) c WHERE c LIKE 'search_path=%'), false)
                  AND f.prosqlbody IS NULL),
          '{}'::text[], 'every function pins search_path, except SQL-standard bodies (bound at creation)');
SELECT is(ARRAY(SELECT f.proname::text FROM own_functions f
                WHERE f.prosecdef AND (SELECT p.prosrc FROM pg_proc p WHERE p.oid = f.fn) ~* '\mexecute\M'),
          '{}'::text[], 'no SECURITY DEFINER function runs dynamic SQL');

-- escape routes: bind a definer trigger to a table of one's own, or shadow a table it writes
SET LOCAL ROLE ranking_writer;
SELECT lives_ok($$CREATE TEMP TABLE fake_history (contender_id text, period_score float8, expired_at timestamptz)$$,
                'a writer can create a temporary table');
SELECT throws_ok($$CREATE TRIGGER fake_fold AFTER INSERT ON fake_history REFERENCING NEW TABLE AS new_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION public.fold_history_insert()$$,
                 '42501', NULL, 'a writer cannot bind fold_history_insert to its own table to forge history');
SELECT throws_ok($$CREATE TRIGGER fake_refresh AFTER INSERT ON fake_history
                   FOR EACH STATEMENT EXECUTE FUNCTION public.refresh_similar_similarity_change()$$,
                 '42501', NULL, 'a writer cannot bind refresh_similar_similarity_change to its own table');
SELECT throws_ok($$SELECT public.fold_history_insert()$$, '42501', NULL, 'a writer cannot call a definer trigger directly');
-- a temporary contender_state would come first on an unpinned search_path
SELECT lives_ok($$CREATE TEMP TABLE contender_state (LIKE public.contender_state)$$,
                'a writer can create a temporary table named contender_state');
RESET ROLE;
SELECT tests.make_contender('sd1', 'task-a');
SET LOCAL ROLE ranking_writer;
INSERT INTO public.contenders_history (contender_id, period_score, expired_at)
VALUES ('sd1-task-a', 0.75, '2026-06-01 10:30+00');
RESET ROLE;
SELECT ok((SELECT count(*) FROM pg_temp.contender_state) = 0
          AND (SELECT r.own_metric FROM rank_contenders('task-a', 1, '2026-06-01 10:45+00') r) = 0.75,
          'the definer trigger wrote public.contender_state, not the caller''s temporary one');

SELECT * FROM finish();
ROLLBACK;
