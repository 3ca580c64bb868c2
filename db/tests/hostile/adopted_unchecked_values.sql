-- layout: adopted
-- nineteen's contenders_history has no CHECK constraint: contender_rank reads whatever nineteen (or
-- anyone with its grants) wrote. Such a row may not break nineteen's own INSERT, a ranking call, or
-- the order of the other contenders. A score above 1 is taken as it is (both paths agree on it).
-- The three values below each broke something once, and each section checks that it no longer does:
--   * a negative score: rank_value took ln() of a negative global metric, and every ranking of the
--     task failed;
--   * an infinite expired_at: interval_index could not convert it, and nineteen's INSERT failed; a
--     row in no finite interval is now ignored like one without expired_at;
--   * a NaN period_score: rank_value read the NaN metric as infinitely good (ln(NaN) > 709 is true in
--     PostgreSQL) and ranked it first, and ~1075 intervals later decayed(NaN, ...) underflowed in
--     power(), failing every ranking of the task and every later history INSERT of the contender.
BEGIN;
SELECT plan(10);

SELECT tests.make_contender('fine', 'task-u', total_requests_made => 5);
SELECT tests.make_contender('odd', 'task-u', total_requests_made => 9);
SELECT tests.make_contender('odd', 'task-v');
INSERT INTO task_similarity VALUES ('task-v', 'task-u', 0.5);
SELECT tests.add_history('fine-task-u', 0.5, '2024-01-01 10:00:00+00');

-- ---------------------------------------------------------------- a score above 1
SELECT lives_ok($$SELECT tests.insert_history($v$VALUES ('odd-task-u', 1.5, '2024-01-01 10:00:00+00'),
                                                        ('odd-task-v', 0.4, '2024-01-01 10:10:00+00')$v$)$$,
                'a score above 1 is nineteen''s to write: accepted');
SELECT is(tests.check_both_paths('2024-01-01 10:30:00+00'), '{}'::text[],
          'and taken as it is by the state and the definition alike');
SELECT ok(tests.close_to((tests.ranked('odd-task-u', '2024-01-01 10:30:00+00')).global_metric, 1.5 + 0.2, 1e-12),
          'by hand: own 1.5, borrowing 0.5 * 0.4');
DELETE FROM contenders_history WHERE contender_id LIKE 'odd-%';
CREATE TEMP TABLE ranking_before ON COMMIT DROP AS
SELECT array_agg(r::text) AS ranking FROM rank_contenders('task-u', 5, '2024-01-01 10:30:00+00') r;

-- ---------------------------------------------------------------- a negative score
SELECT tests.add_history('odd-task-v', -0.5, '2024-01-01 10:10:00+00');
SELECT lives_ok($$SELECT * FROM rank_contenders('task-v', 5, '2024-01-01 10:30:00+00')$$,
                'a negative score does not make ranking its task fail');
DELETE FROM contenders_history WHERE contender_id LIKE 'odd-%';

-- ---------------------------------------------------------------- infinite expired_at
SELECT lives_ok($$SELECT tests.add_history('odd-task-u', 0.9, 'infinity')$$,
                'an infinite expired_at does not make nineteen''s INSERT fail');
SELECT lives_ok($$SELECT tests.add_history('odd-task-u', 0.9, '-infinity')$$,
                'nor does -infinity');
SELECT is((SELECT array_agg(r::text) FROM rank_contenders('task-u', 5, '2024-01-01 10:30:00+00') r),
          (SELECT ranking FROM ranking_before), 'the ranking is unchanged either way');

-- ---------------------------------------------------------------- NaN score
SELECT tests.add_history('odd-task-u', 'NaN', '2024-01-01 10:00:00+00');
SELECT is((SELECT contender_id FROM rank_contenders('task-u', 1, '2024-01-01 10:30:00+00')), 'fine-task-u',
          'a NaN score does not rank its contender (9 requests, no real history) above one with history and 5');
SELECT lives_ok($$SELECT * FROM rank_contenders('task-u', 5, '2024-03-01 00:00:00+00')$$,
                'two months later the task still ranks (no underflow error)');
SELECT lives_ok($$SELECT tests.add_history('odd-task-u', 0.5, '2024-03-01 00:00:00+00')$$,
                'and nineteen can still append the contender''s next period');

SELECT * FROM finish();
ROLLBACK;
