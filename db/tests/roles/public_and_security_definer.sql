-- What PUBLIC (every role, including ones created later) may do, and the review of the SECURITY
-- DEFINER functions: the API (callers need EXECUTE on it and nothing else) and the state triggers
-- (the validator's role writes its own tables and the derived state follows). A role that may not
-- write the state must reach it no other way than through the writes those triggers maintain.
BEGIN;
SELECT plan(19);

CREATE TEMP TABLE own_functions ON COMMIT DROP AS
SELECT p.oid::regprocedure AS fn, p.pronamespace::regnamespace::text AS schema, p.proname::text AS proname, p.prosecdef,
       p.prorettype, p.proconfig, p.prosqlbody, p.prosrc
FROM pg_proc p
WHERE p.pronamespace IN ('contender_rank'::regnamespace, 'public'::regnamespace)
  AND NOT EXISTS (SELECT FROM pg_depend d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');

SELECT cmp_ok((SELECT count(*) FROM own_functions), '>=', 35::bigint, 'the project''s functions are found');
SELECT is(ARRAY(SELECT f.fn::text FROM own_functions f WHERE has_function_privilege('public', f.fn, 'EXECUTE')),
          '{}'::text[], 'PUBLIC may execute none of them');
SELECT is(ARRAY(SELECT t.tbl || ':' || p.priv
                FROM unnest(ARRAY['public.task_similarity', 'public.ranking_config', 'contender_rank.contender_state',
                                  'contender_rank.stale_nodes', 'contender_rank.installation']) t(tbl),
                     unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p(priv)
                WHERE has_table_privilege('public', t.tbl, p.priv)),
          '{}'::text[], 'PUBLIC has no privilege on contender_rank''s tables');
SELECT ok(NOT has_schema_privilege('public', 'contender_rank', 'USAGE')
          AND NOT has_schema_privilege('ranking_reader', 'contender_rank', 'USAGE')
          AND NOT has_schema_privilege('ranking_writer', 'contender_rank', 'USAGE')
          AND has_schema_privilege('ranking_admin', 'contender_rank', 'USAGE')
          AND NOT has_schema_privilege('ranking_admin', 'contender_rank', 'CREATE'),
          'schema contender_rank: usable by the admin alone, and nobody may create in it');
SELECT ok(NOT has_schema_privilege('public', 'public', 'CREATE')
          AND NOT has_schema_privilege('ranking_reader', 'public', 'CREATE')
          AND NOT has_schema_privilege('ranking_writer', 'public', 'CREATE')
          AND NOT has_schema_privilege('ranking_admin', 'public', 'CREATE'),
          'neither PUBLIC nor the ranking roles may create objects in schema public');
SELECT ok(has_function_privilege('ranking_reader', 'public.rank_contenders(text, int, timestamptz)', 'EXECUTE')
          AND NOT has_function_privilege('ranking_reader', 'public.close_period(timestamptz)', 'EXECUTE')
          AND has_function_privilege('ranking_writer', 'public.close_period(timestamptz)', 'EXECUTE')
          AND NOT has_function_privilege('ranking_writer', 'public.prune_history(timestamptz)', 'EXECUTE')
          AND has_function_privilege('ranking_admin', 'public.prune_history(timestamptz)', 'EXECUTE'),
          'rank_contenders is the reader''s, close_period the writer''s, prune_history the admin''s');
SELECT ok(NOT EXISTS (SELECT FROM pg_roles r
                      WHERE r.rolname IN ('ranking_reader', 'ranking_writer', 'ranking_admin')
                        AND (r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls)),
          'the ranking roles are plain NOLOGIN groups');

-- the review
SELECT is(ARRAY(SELECT f.schema || '.' || f.proname FROM own_functions f WHERE f.prosecdef ORDER BY 1),
          ARRAY['contender_rank.contenders_after_delete', 'contender_rank.contenders_after_insert',
                'contender_rank.contenders_after_move',
                'contender_rank.contenders_history_after_change', 'contender_rank.contenders_history_after_insert',
                'contender_rank.contenders_history_after_truncate', 'contender_rank.rank_contenders_window',
                'contender_rank.ranking_config_after_update',
                'contender_rank.stale_nodes_settle', 'contender_rank.state_differences',
                'contender_rank.task_similarity_after_change', 'contender_rank.verification_scope',
                'contender_rank.verify_repair',
                'public.close_period', 'public.explain_ranking', 'public.prune_history', 'public.rank_contenders',
                'public.ranking_status', 'public.record_requests'],
          'exactly the API, the state triggers, the audit entry point and verify are SECURITY DEFINER (a new one needs review)');
SELECT is(ARRAY(SELECT f.proname FROM own_functions f
                WHERE f.prosecdef AND NOT coalesce(f.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)),
          '{}'::text[], 'every SECURITY DEFINER function pins search_path to pg_catalog, pg_temp (pg_temp last)');
SELECT is(ARRAY(SELECT f.proname FROM own_functions f
                WHERE f.prosecdef AND f.schema = 'contender_rank' AND f.prorettype <> 'trigger'::regtype ORDER BY 1),
          ARRAY['rank_contenders_window', 'state_differences', 'verification_scope', 'verify_repair'],
          'in contender_rank only trigger functions, the audit entry point and verify''s check (read-only) and '
          'repair (the rebuild the triggers run) run as their owner');
SELECT is(ARRAY(SELECT f.proname FROM own_functions f
                WHERE f.prosecdef AND coalesce(f.prosqlbody::text, f.prosrc) ~* '\mexecute\M'),
          '{}'::text[], 'no SECURITY DEFINER function runs dynamic SQL');

-- escape routes: bind a definer trigger to a table of one's own, call it, or shadow a table it writes
SET LOCAL ROLE ranking_reader;
SELECT lives_ok($$CREATE TEMP TABLE fake_history (contender_id text, period_score float8, expired_at timestamptz)$$,
                'a reader can create a temporary table');
SELECT throws_ok($$CREATE TRIGGER fake_fold AFTER INSERT ON fake_history REFERENCING NEW TABLE AS new_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.contenders_history_after_insert()$$,
                 '42501', NULL, 'it cannot bind the history trigger to its own table to forge an own metric');
SELECT throws_ok($$CREATE TRIGGER fake_stale AFTER INSERT ON fake_history
                   FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.task_similarity_after_change()$$,
                 '42501', NULL, 'nor the similarity trigger');
SELECT throws_ok($$SELECT contender_rank.contenders_history_after_insert()$$, '42501', NULL,
                 'nor call a definer trigger directly');
-- temporary tables named like the ones the definer functions read and write: an unpinned
-- search_path would find them first
SELECT lives_ok($$CREATE TEMP TABLE contenders (contender_id text, node_hotkey text, node_id int, netuid int, task text,
                                                capacity float8, consumed_capacity float8, total_requests_made int,
                                                requests_429 int, requests_500 int);
                  INSERT INTO pg_temp.contenders VALUES ('forged-task-a', 'sd1', 1, 19, 'task-a', 10, 0, -1000000, 0, 0);
                  CREATE TEMP TABLE contender_state (contender_id text)$$,
                'a reader can create temporary contenders and contender_state tables');
RESET ROLE;
SELECT tests.make_contender('sd1', 'task-a');
SELECT tests.add_history('sd1-task-a', 0.75, '2026-06-01 10:30+00');
SET LOCAL ROLE ranking_reader;
SELECT is(ARRAY(SELECT r.contender_id FROM rank_contenders('task-a', 5, '2026-06-01 10:45+00') r), ARRAY['sd1-task-a'],
          'rank_contenders reads the real contenders, not the caller''s temporary table');
SELECT is(record_requests('forged-task-a', 5), false, 'record_requests updates the real table only');
RESET ROLE;
SELECT ok((SELECT count(*) FROM pg_temp.contender_state) = 0
          AND (SELECT r.own_metric FROM rank_contenders('task-a', 1, '2026-06-01 10:45+00') r) = 0.75,
          'the definer trigger wrote contender_rank.contender_state, not the caller''s temporary table');

SELECT * FROM finish();
ROLLBACK;
