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
-- what the pins mean, without timing anything (a time limit passes or fails with the machine's
-- load; the cost itself is the benchmark's, bench --nineteen): with the session compiling every
-- statement, the settle of two nodes with five contenders still leaves the state exact, and the
-- session's own JIT settings are what they were once the function returns
SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SET LOCAL jit = on;
SET LOCAL jit_above_cost = 0;
SET LOCAL jit_inline_above_cost = 0;
SET LOCAL jit_optimize_above_cost = 0;
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[],
          'under a session that JIT-compiles everything, the settled state equals the definition');

SELECT * FROM finish();
ROLLBACK;
