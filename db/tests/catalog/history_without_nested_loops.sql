-- The statements that fold a whole history join it with its distinct stamps. When the planner's
-- statistics claim an empty contenders_history (autovacuum analyzed it while a validator's rows
-- were not yet committed, or right after a retention run emptied it), it estimates one row on each
-- side and picks a nested loop: quadratic in the rows, minutes for a few years of one-second
-- stamps. The functions that run such a join pin hash joins for themselves; this checks that they
-- do, and that the fold is still exact under such statistics.
BEGIN;
SELECT plan(4);

SELECT is(ARRAY(SELECT p.oid::regproc::text FROM pg_proc p
                WHERE p.oid IN ('contender_rank.recompute_own_state'::regproc,
                                'contender_rank.stale_nodes_settle'::regproc)
                  AND NOT coalesce(p.proconfig @> ARRAY['enable_nestloop=off'], false)),
          '{}'::text[], 'recompute_own_state and stale_nodes_settle run with enable_nestloop = off');

-- its contenders are picked by = ANY over the list it is given: planned with the list as a constant,
-- a hashed filter over a large history instead of a linear search of the list for every row
SELECT ok(coalesce((SELECT p.proconfig @> ARRAY['plan_cache_mode=force_custom_plan'] FROM pg_proc p
                    WHERE p.oid = 'contender_rank.recompute_own_state'::regproc), false),
          'recompute_own_state plans every call with its own list of contenders');

-- statistics that say "no rows" over pages that hold some. ANALYZE would write them, but it writes
-- pg_class in place, past the ROLLBACK, and every file that runs after this one would plan with
-- them; a plain UPDATE of pg_class (the tests run as a superuser) is rolled back with the rest. It
-- invalidates the table's relcache entry, so the statements below plan with these figures.
SELECT tests.make_contender('st1', 'task-st');
SELECT tests.insert_history($$SELECT 'st1-task-st', 0.5, timestamptz '2025-01-01 00:00+00' + i * interval '1 hour'
                               FROM generate_series(0, 2999) i$$);
DELETE FROM contenders_history;
UPDATE pg_class SET reltuples = 0,
                    relpages = pg_relation_size('public.contenders_history') / current_setting('block_size')::int
 WHERE oid = 'public.contenders_history'::regclass;
SELECT ok((SELECT reltuples = 0 AND relpages > 0 FROM pg_class WHERE oid = 'public.contenders_history'::regclass),
          'the statistics claim an empty history over pages that hold rows');

-- a history inserted whole, then rebuilt from scratch under those statistics
SELECT tests.insert_history($$SELECT 'st1-task-st', ((7 * i) % 11) / 10.0, timestamptz '2025-01-01 00:00+00' + i * interval '1 hour'
                               FROM generate_series(0, 2999) i$$);
SELECT contender_rank.rebuild_state();
SELECT is(tests.check_both_paths('2025-05-06 00:00+00'), '{}'::text[],
          'the rebuilt state equals the definition from history');

SELECT * FROM finish();
ROLLBACK;
