-- Each function declares its true volatility: the arithmetic is IMMUTABLE (interval_index STABLE,
-- as extract on timestamptz is catalogued), whatever only reads is STABLE (the ranking, explain and
-- status can serve a hot standby and run in a read-only transaction), whatever writes is VOLATILE.
BEGIN;
SELECT plan(5);

CREATE TEMP VIEW volatilities AS
SELECT p.pronamespace::regnamespace::text || '.' || p.proname AS name, p.provolatile::text AS volatility
FROM pg_proc p
WHERE p.pronamespace IN ('contender_rank'::regnamespace, 'public'::regnamespace)
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');

SELECT set_eq($$SELECT name FROM volatilities WHERE volatility = 'i'$$,
              ARRAY['contender_rank.as_utc', 'contender_rank.usable_score', 'contender_rank.as_netuid', 'contender_rank.interval_mean', 'contender_rank.decayed',
                    'contender_rank.scaled', 'contender_rank.rank_value', 'contender_rank.requests_load', 'contender_rank.period_score',
                    'contender_rank.check_ranking_arguments', 'contender_rank.check_settings',
                    'contender_rank.agrees', 'contender_rank.negligible_deletion'],
              'IMMUTABLE: the arithmetic and the argument checks (they depend on their arguments alone)');
SELECT set_eq($$SELECT name FROM volatilities WHERE volatility = 's'$$,
              ARRAY['contender_rank.interval_index', 'contender_rank.own_metrics_window',
                    'contender_rank.similar_metrics_window', 'contender_rank.task_contenders_window',
                    'contender_rank.rank_contenders_window', 'contender_rank.stale_similar', 'contender_rank.task_contenders',
                    'contender_rank.rank_task', 'contender_rank.deletions_to_recompute', 'contender_rank.host_tables', 'contender_rank.untrusted_reason',
                    'contender_rank.interval_stamps',
                    'contender_rank.task_contenders_balanced', 'contender_rank.rank_balanced',
                    'contender_rank.layout', 'public.rank_contenders', 'public.explain_ranking', 'public.ranking_status',
                    'contender_rank.verification_scope', 'contender_rank.state_differences',
                    'contender_rank.host_shape', 'contender_rank.shape_drift'],
              'STABLE: what only reads, the API''s ranking, explain and status among them');
SELECT set_eq($$SELECT name FROM volatilities WHERE volatility = 'v'$$,
              ARRAY['contender_rank.lock_state', 'contender_rank.recompute_own_state', 'contender_rank.mark_stale',
                    'contender_rank.stale_nodes_settle', 'contender_rank.rebuild_state', 'contender_rank.start_rebuild',
                    'contender_rank.finish_rebuild', 'contender_rank.repair_state', 'contender_rank.begin_maintenance',
                    'contender_rank.record_fault', 'contender_rank.gave_up', 'contender_rank.mark_nodes_stale',
                    'contender_rank.contender_columns_present',
                    'contender_rank.contenders_history_after_insert', 'contender_rank.contenders_history_after_change',
                    'contender_rank.contenders_history_after_truncate', 'contender_rank.contenders_after_insert',
                    'contender_rank.contenders_after_delete', 'contender_rank.contenders_after_move',
                    'contender_rank.task_similarity_after_change',
                    'contender_rank.ranking_config_after_update', 'contender_rank.ranking_config_guard',
                    'public.record_requests', 'public.close_period', 'public.prune_history',
                    'contender_rank.verify_repair'],
              'VOLATILE: what writes or locks');

-- what STABLE promises, shown: the three read-only API functions run in a read-only transaction,
-- as of a time before the newest history too (the definition's fallback), and the writers do not
SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SET TRANSACTION READ ONLY;
SELECT lives_ok($$SELECT * FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00');
                  SELECT * FROM rank_contenders('x', 5, '2024-01-01 12:00:00+00');
                  SELECT * FROM explain_ranking('x', '2024-01-02 00:00:00+00', 0, 0.9, '2 hours');
                  SELECT * FROM ranking_status()$$,
                'rank_contenders, explain_ranking and ranking_status run in a read-only transaction');
SELECT throws_ok($$SELECT record_requests('a-x')$$, '25006', NULL, 'record_requests writes: refused there');

SELECT * FROM finish();
ROLLBACK;
