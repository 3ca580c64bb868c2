-- ranking_config is never analyzed (one row), so the planner guesses ~1000 rows for it and the
-- ranking queries cross jit_above_cost: JIT compilation then costs far more than the query.
-- The functions on the ranking path turn JIT off for themselves.
BEGIN;
SELECT plan(1);

SELECT is(ARRAY(SELECT p.proname::text FROM pg_proc p
                WHERE p.pronamespace = 'public'::regnamespace
                  AND p.proname IN ('rank_contenders', 'own_metric_window', 'similar_metric_window')
                  AND p.proconfig @> ARRAY['jit=off'] ORDER BY 1),
          ARRAY['own_metric_window', 'rank_contenders', 'similar_metric_window'],
          'rank_contenders and the window definitions it falls back to run with jit = off');

SELECT * FROM finish();
ROLLBACK;
