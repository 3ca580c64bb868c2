-- layout: standalone
-- A history row needs a period_score in [0, 1] (or NULL) and a finite expired_at (the standalone
-- tables' CHECK and NOT NULL constraints; nineteen's own table has none: hostile/adopted_unchecked_values.sql).
-- Rejected rows leave the history and the derived state untouched.
BEGIN;
SELECT plan(9);

SELECT tests.make_contender('h', 'hist');
SELECT tests.add_history('h-hist', 0.5, '2024-01-01 10:00:00+00');
CREATE TEMP TABLE state_before ON COMMIT DROP AS SELECT * FROM contender_rank.contender_state;

SELECT throws_ok($$SELECT tests.add_history('h-hist', 1.5, '2024-01-01 11:00:00+00')$$, '23514',
                 'new row for relation "contenders_history" violates check constraint "period_score_between_0_and_1"',
                 'a period_score above 1 is rejected');
SELECT throws_ok($$SELECT tests.add_history('h-hist', -0.01, '2024-01-01 11:00:00+00')$$, '23514',
                 'new row for relation "contenders_history" violates check constraint "period_score_between_0_and_1"',
                 'a negative period_score is rejected');
SELECT throws_ok($$SELECT tests.add_history('h-hist', 'NaN', '2024-01-01 11:00:00+00')$$, '23514',
                 'new row for relation "contenders_history" violates check constraint "period_score_between_0_and_1"',
                 'a NaN period_score is rejected');
SELECT throws_ok($$SELECT tests.add_history('h-hist', 0.5, NULL)$$, '23502',
                 'null value in column "expired_at" of relation "contenders_history" violates not-null constraint',
                 'a NULL expired_at is rejected');
SELECT throws_ok($$SELECT tests.add_history('h-hist', 0.5, 'infinity')$$, '23514',
                 'new row for relation "contenders_history" violates check constraint "expired_at_must_be_finite"',
                 'an infinite expired_at is rejected');
SELECT throws_ok($$UPDATE contenders_history SET period_score = 2$$, '23514',
                 'new row for relation "contenders_history" violates check constraint "period_score_between_0_and_1"',
                 'an UPDATE to an invalid period_score is rejected');

SELECT results_eq($$SELECT contender_id, period_score, expired_at FROM contenders_history$$,
                  $$VALUES ('h-hist', 0.5::float8, '2024-01-01 10:00:00+00'::timestamptz)$$,
                  'after the rejected statements the history holds only the valid row');
SELECT set_eq($$SELECT * FROM contender_rank.contender_state$$, $$SELECT * FROM state_before$$,
              'and the derived state is unchanged');
SELECT lives_ok($$SELECT tests.insert_history($v$VALUES ('h-hist', 0, '2024-01-01 11:00:00+00'),
                                                         ('h-hist', 1, '2024-01-01 11:00:00+00'),
                                                         ('h-hist', NULL, '2024-01-01 11:00:00+00')$v$)$$,
                'the boundary scores 0 and 1 and a NULL score are accepted');

SELECT * FROM finish();
ROLLBACK;
