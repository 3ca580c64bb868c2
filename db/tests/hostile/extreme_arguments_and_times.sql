-- top_x far beyond the number of contenders, and history and as_of at the ends of the
-- timestamptz range (4713 BC to 294276 AD): no error, the same result as the window
-- definition, and infinite times refused with a message naming the argument. (What each layout's
-- own table accepts at the ends of time: standalone_extreme_times.sql, adopted_unchecked_values.sql.)
BEGIN;
SELECT plan(17);

SELECT tests.make_contender('x1', 'task-x');
SELECT tests.make_contender('x2', 'task-x', total_requests_made => 5);
SELECT tests.make_contender('x3', 'task-x', consumed_capacity => 10);   -- exhausted: ranked last
SELECT tests.make_contender('x4', 'task-x', capacity => 0);             -- not eligible
SELECT tests.make_node('x5', handshaken => false);
SELECT tests.make_contender('x5', 'task-x');                             -- not handshaken

-- top_x
SELECT is(ARRAY(SELECT r.contender_id FROM rank_contenders('task-x', 1000000000) r),
          ARRAY['x1-task-x', 'x2-task-x', 'x3-task-x'], 'top_x = 10^9 returns every eligible contender, best first');
SELECT is(ARRAY(SELECT r.contender_id FROM rank_contenders('task-x', 2147483647) r),
          ARRAY['x1-task-x', 'x2-task-x', 'x3-task-x'], 'top_x = the largest int returns the same');
SELECT is(ARRAY(SELECT r.contender_id FROM contender_rank.rank_contenders_window('task-x', 1000000000) r),
          ARRAY['x1-task-x', 'x2-task-x', 'x3-task-x'], 'the window definition agrees at top_x = 10^9');

-- the ends of time: one row in 4000 BC, one in 294000 AD (in order, then a late one between)
SELECT tests.add_history('x1-task-x', 0.25, '4000-01-01 00:10:00+00 BC');
SELECT tests.add_history('x1-task-x', 0.75, '294000-01-01 00:10:00+00');
SELECT tests.add_history('x2-task-x', 0.5, '294000-01-01 00:20:00+00');
SELECT tests.add_history('x2-task-x', 1.0, '2026-01-01 00:00:00+00');

SELECT is((SELECT r.own_metric FROM rank_contenders('task-x', 10, '294000-01-01 00:30+00') r
           WHERE r.contender_id = 'x1-task-x'), 0.75::float8,
          'as of 294000 AD the 294000 AD row counts in full and the 4000 BC one has decayed to 0');
SELECT is((SELECT r.own_metric FROM rank_contenders('task-x', 10, '4000-01-01 00:30+00 BC') r
           WHERE r.contender_id = 'x1-task-x'), 0.25::float8,
          'as of 4000 BC only the 4000 BC row counts (window fallback)');
SELECT is((SELECT r.own_metric FROM rank_contenders('task-x', 10, '4000-01-01 00:00+00 BC') r
           WHERE r.contender_id = 'x1-task-x'), 0::float8,
          'as of before the first row the metric is 0');
SELECT ok(tests.all_rankings_agree('294000-01-01 00:30+00') AND tests.all_rankings_agree('4000-01-01 00:30+00 BC')
          AND tests.all_rankings_agree('2026-06-01 00:00+00') AND tests.state_agrees('294000-01-01 00:30+00'),
          'rank_contenders equals the window definition at both ends of time and in between');

-- no decay across 298,000 years: every row counts in full
UPDATE ranking_config SET decay_factor = 1;
SELECT is((SELECT r.own_metric FROM rank_contenders('task-x', 10, '294000-01-01 00:30+00') r
           WHERE r.contender_id = 'x1-task-x'), 1::float8,
          'with decay_factor 1 the rows 298,000 years apart add up');
-- one-second intervals: interval indexes near 9.2e12
UPDATE ranking_config SET decay_interval = '1 second', decay_factor = 0.5;
SELECT is((SELECT r.own_metric FROM rank_contenders('task-x', 10, '294000-01-01 00:10:00+00') r
           WHERE r.contender_id = 'x1-task-x'), 0.75::float8,
          'with one-second intervals a row in the second of as_of counts in full');
SELECT is((SELECT r.own_metric FROM rank_contenders('task-x', 10, '294000-01-01 00:10:02+00') r
           WHERE r.contender_id = 'x1-task-x'), 0.1875::float8,
          'two one-second intervals later it counts a quarter');
SELECT ok(tests.all_rankings_agree('294000-01-01 00:10:02+00') AND tests.all_rankings_agree('4000-01-01 00:10:01+00 BC')
          AND tests.state_agrees('294000-01-01 00:30+00'),
          'with one-second intervals the state equals the window definition at both ends of time');
SELECT tests.insert_history($$SELECT contender_id, 0.5, timestamptz '294276-12-31 23:59:59+00' FROM contenders$$);
SELECT is(tests.check_both_paths('294276-12-31 23:59:59+00'), '{}'::text[],
          'a period closed at the last representable second: both paths stay exact');

-- infinite and NULL times are refused, naming the argument
SELECT throws_ok($$SELECT * FROM rank_contenders('task-x', 5, 'infinity')$$, '22023',
                 'as_of must be a finite timestamptz, got infinity', 'rank_contenders refuses as_of = infinity');
SELECT throws_ok($$SELECT * FROM rank_contenders('task-x', 5, '-infinity')$$, '22023',
                 'as_of must be a finite timestamptz, got -infinity', 'rank_contenders refuses as_of = -infinity');
SELECT throws_ok($$SELECT * FROM explain_ranking('task-x', 'infinity')$$, '22023',
                 'as_of must be a finite timestamptz, got infinity', 'explain_ranking refuses as_of = infinity');
SELECT throws_ok($$SELECT tests.add_history('x1-task-x', 0.5, '294277-01-01 00:00+00')$$, '22008', NULL,
                 'a time past the end of timestamptz is refused by the type');
SELECT is((SELECT count(*) FROM contenders_history), 4 + (SELECT count(*) FROM contenders),
          'history holds the four rows and the closed period, nothing from the refused rows and calls');

SELECT * FROM finish();
ROLLBACK;
