-- layout: standalone
-- The standalone history table takes any finite time, to the ends of the timestamptz range, and
-- refuses infinite ones by a named CHECK constraint; close_period works at the last second there is
-- (release 0.1 did).
-- (close_period's retry check once bounded as_of's decay interval by v_start + v_interval + 1 second,
-- past the end of timestamptz in the range's last interval: close_period('294276-12-31 23:59:59+00')
-- raised 22008 "timestamp out of range". The last check below is that call.)
BEGIN;
SELECT plan(6);

SELECT tests.make_contender('x1', 'task-x', total_requests_made => 2);
SELECT lives_ok($$SELECT tests.add_history('x1-task-x', 0.5, '4713-01-01 00:00:00+00 BC')$$,
                'the first representable instant is a valid expired_at');
SELECT throws_like($$SELECT tests.add_history('x1-task-x', 0.5, 'infinity')$$, '%expired_at_must_be_finite%',
                   'an infinite expired_at is refused by its named CHECK constraint');
SELECT throws_like($$SELECT tests.add_history('x1-task-x', 0.5, '-infinity')$$, '%expired_at_must_be_finite%',
                   'so is -infinity');
SELECT is(tests.check_both_paths('294276-12-31 23:59:59+00'), '{}'::text[], 'both paths are exact at the end of time');
SELECT lives_ok($$SELECT close_period('294276-12-31 23:59:59+00')$$, 'close_period at the last representable second');
SELECT is((SELECT count(*) FROM contenders_history), 2::bigint, 'history holds the valid row and the close, nothing refused');

SELECT * FROM finish();
ROLLBACK;
