-- layout: standalone
-- With decay_factor 1 no history ever fades, and with retention_epsilon 0 nothing may move: in
-- either case prune_history deletes nothing. Otherwise old history goes.
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('n1', 'a');
SELECT tests.insert_history($$SELECT 'n1-a', 0.5, timestamptz '2026-01-10 12:00:00+00' - interval '1 hour' * p
                               FROM generate_series(0, 24 * 365) p$$);

UPDATE ranking_config SET decay_factor = 1, retention_epsilon = 1;
SELECT is(prune_history(timestamptz '2026-01-10 12:30:00+00'), 0::bigint,
          'with decay_factor 1 nothing is pruned, even at the loosest epsilon');
SELECT is((SELECT count(*) FROM contenders_history), 24 * 365 + 1::bigint, 'a year of history is all still there');

UPDATE ranking_config SET decay_factor = 0.5, retention_epsilon = 0;
SELECT is(prune_history(timestamptz '2026-01-10 12:30:00+00'), 0::bigint, 'with epsilon 0 nothing is pruned');

UPDATE ranking_config SET retention_epsilon = 1e-6;
SELECT cmp_ok(prune_history(timestamptz '2026-01-10 12:30:00+00'), '>', 0::bigint,
              'the same history at factor 0.5 and epsilon 1e-6 is pruned');
SELECT is(tests.check_both_paths('2026-01-10 12:30:00+00'), '{}'::text[],
          'the DELETE recomputed the state from what remains: both paths agree');

SELECT * FROM finish();
ROLLBACK;
