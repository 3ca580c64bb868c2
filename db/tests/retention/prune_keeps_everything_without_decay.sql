BEGIN;
SELECT plan(4);

SELECT tests.make_contender('n1', 'a');
INSERT INTO contenders_history (contender_id, period_score, expired_at)
SELECT 'n1-a', 0.5, timestamptz '2026-01-10 12:00:00+00' - interval '1 hour' * p
FROM generate_series(0, 24 * 365) p;

UPDATE ranking_config SET decay_factor = 1, retention_epsilon = 1;
SELECT is(prune_history(timestamptz '2026-01-10 12:30:00+00'), 0::bigint,
          'with decay_factor 1 nothing is pruned, even at the loosest epsilon');
SELECT is((SELECT count(*) FROM contenders_history), 24 * 365 + 1::bigint, 'a year of history is all still there');

UPDATE ranking_config SET decay_factor = 0.5, retention_epsilon = 0;
SELECT is(prune_history(timestamptz '2026-01-10 12:30:00+00'), 0::bigint, 'with epsilon 0 nothing is pruned');

UPDATE ranking_config SET retention_epsilon = 1e-6;
SELECT cmp_ok(prune_history(timestamptz '2026-01-10 12:30:00+00'), '>', 0::bigint,
              'the same history at factor 0.5 and epsilon 1e-6 is pruned');

SELECT * FROM finish();
ROLLBACK;
