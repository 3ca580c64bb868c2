-- layout: adopted
-- A nineteen history row without expired_at is in no decay interval: prune_history never
-- counts it old, so it keeps it (ranking_status() counts such rows for the operator).
BEGIN;
SELECT plan(3);

SELECT tests.make_contender('n1', 'a');
SELECT tests.insert_history($$SELECT 'n1-a', 0.5, timestamptz '2026-01-10 12:00:00+00' - interval '1 hour' * p
                               FROM generate_series(0, 24 * 30) p$$);
SELECT tests.add_history('n1-a', 0.9, NULL);
SELECT tests.add_history('n1-gone', NULL, NULL);

SELECT cmp_ok(prune_history('2026-01-10 12:30:00+00'), '>', 0::bigint, 'old rows are pruned');
SELECT is((SELECT count(*) FROM contenders_history WHERE expired_at IS NULL), 2::bigint,
          'the rows without expired_at are kept');
SELECT is(tests.check_both_paths('2026-01-10 12:30:00+00'), '{}'::text[], 'both paths agree after the prune');

SELECT * FROM finish();
ROLLBACK;
