-- ranking_config is never analyzed (one row), so the planner guesses ~1000 rows for it and queries
-- joined with it cross jit_above_cost: JIT compilation then costs far more than the query (seconds
-- against milliseconds). Every function whose plan would cross it turns JIT off for itself,
-- stale_nodes_settle too: the deferred trigger that runs at every COMMIT that wrote contenders,
-- history or similarities pins enable_nestloop = off, which prices its cross join with
-- ranking_config at 1e10, far past jit_above_cost; with JIT on, each settle would spend seconds
-- compiling, even for one node with five contenders.
BEGIN;
SELECT plan(3);

SELECT is(ARRAY(SELECT p.oid::regproc::text FROM pg_proc p
                WHERE p.oid IN ('public.rank_contenders'::regproc, 'public.explain_ranking'::regproc,
                                'contender_rank.own_metrics_window'::regproc, 'contender_rank.similar_metrics_window'::regproc,
                                'contender_rank.task_contenders_window'::regproc,
                                'contender_rank.rank_contenders_window'::regproc)
                  AND NOT coalesce(p.proconfig @> ARRAY['jit=off'], false)),
          '{}'::text[], 'rank_contenders, explain_ranking and the definition they fall back to run with jit = off');

SELECT ok(coalesce((SELECT p.proconfig @> ARRAY['jit=off'] FROM pg_proc p
                    WHERE p.oid = 'contender_rank.stale_nodes_settle'::regproc), false),
          'stale_nodes_settle runs with jit = off');
-- the cost, measured: settling two nodes with five contenders, with the server's JIT settings
SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
CREATE TEMP TABLE settle_time (took interval) ON COMMIT DROP;
DO $$
DECLARE
    v_start timestamptz := clock_timestamp();
BEGIN
    SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
    INSERT INTO settle_time VALUES (clock_timestamp() - v_start);
END
$$;
SELECT cmp_ok((SELECT took FROM settle_time), '<', interval '1 second',
              'settling two nodes with five contenders takes well under a second');

SELECT * FROM finish();
ROLLBACK;
