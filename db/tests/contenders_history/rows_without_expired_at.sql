-- layout: adopted
-- nineteen's contenders_history.expired_at is nullable. A row without it is in no decay interval:
-- the state, the definition and every ranking ignore it, on both paths; giving it a time later
-- brings it in, and taking its time away takes it out. (ranking_status() counts such rows:
-- ranking_status/rows_without_expired_at.sql.)
-- By hand (f = 0.5, as of 10:30): n-t has 0.4 at 10:00 -> 0.4.
BEGIN;
SELECT plan(8);

SELECT tests.make_contender('n', 't', total_requests_made => 5);
SELECT tests.make_contender('n', 'u');
INSERT INTO task_similarity VALUES ('t', 'u', 0.5);
SELECT tests.add_history('n-t', 0.4, '2024-01-01 10:00:00+00');
SELECT is(tests.check_both_paths('2024-01-01 10:30:00+00'), '{}'::text[], 'before: both paths agree');
CREATE TEMP TABLE before ON COMMIT DROP AS
SELECT (SELECT array_agg(r::text ORDER BY r.contender_id) FROM contenders c,
               LATERAL rank_contenders(c.task, 5, '2024-01-01 10:30:00+00') r) AS rankings,
       (SELECT array_agg(s::text ORDER BY s.contender_id) FROM contender_rank.contender_state s) AS state;

SELECT tests.add_history('n-t', 1, NULL);
SELECT tests.insert_history($$VALUES ('n-t', NULL, NULL), ('n-u', 0.9, NULL), ('nobody-t', 1, NULL)$$);
SELECT is((SELECT count(*) FROM contenders_history WHERE expired_at IS NULL), 4::bigint, 'four rows without expired_at');
SELECT is((SELECT array_agg(s::text ORDER BY s.contender_id) FROM contender_rank.contender_state s),
          (SELECT state FROM before), 'the derived state ignores them (no row for an id known only by them)');
SELECT is((SELECT array_agg(r::text ORDER BY r.contender_id) FROM contenders c,
                  LATERAL rank_contenders(c.task, 5, '2024-01-01 10:30:00+00') r),
          (SELECT rankings FROM before), 'every ranking is unchanged');
SELECT is(tests.check_both_paths('2024-01-01 10:30:00+00'), '{}'::text[],
          'the definition ignores them too: both paths agree');

UPDATE contenders_history SET expired_at = tests.as_stored('2024-01-01 10:20:00+00', expired_at)
WHERE contender_id = 'n-t' AND period_score = 1 AND expired_at IS NULL;
SELECT ok(tests.close_to((tests.ranked('n-t', '2024-01-01 10:30:00+00')).own_metric, 0.7, 1e-12),
          'given a time, a row counts: (0.4 + 1) / 2');
UPDATE contenders_history SET expired_at = NULL WHERE contender_id = 'n-t' AND period_score = 0.4;
SELECT is((tests.ranked('n-t', '2024-01-01 10:30:00+00')).own_metric, 1::float8,
          'its time taken away, a row no longer counts');
SELECT is(tests.check_both_paths('2024-01-01 10:30:00+00'), '{}'::text[], 'after both updates: both paths agree');

SELECT * FROM finish();
ROLLBACK;
