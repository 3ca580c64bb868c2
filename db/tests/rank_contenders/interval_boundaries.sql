-- Where a row's interval boundary lies decides its decay: with f = 0.5 and 1-hour intervals a
-- score of 1 counts 1 in the current interval, 0.5 one interval back, 0.25 two back.
BEGIN;
SELECT plan(7);

SELECT tests.make_contender('before', 'boundary-task');
SELECT tests.make_contender('on', 'boundary-task');
SELECT tests.add_history('before-boundary-task', 1, '2024-01-01 09:59:59.999999+00');
SELECT tests.add_history('on-boundary-task', 1, '2024-01-01 10:00:00+00');

SELECT is((tests.ranked('before-boundary-task', '2024-01-01 10:00:00+00')).own_metric, 0.5::float8,
          'a row a microsecond before the boundary is one interval old at the boundary');
SELECT is((tests.ranked('on-boundary-task', '2024-01-01 10:00:00+00')).own_metric, 1::float8,
          'a row on the boundary is in the current interval (weight 1)');
SELECT is((tests.ranked('on-boundary-task', '2024-01-01 10:59:59.999999+00')).own_metric, 1::float8,
          'it keeps weight 1 until the next boundary');
SELECT is(ARRAY[(tests.ranked('before-boundary-task', '2024-01-01 11:00:00+00')).own_metric,
                (tests.ranked('on-boundary-task', '2024-01-01 11:00:00+00')).own_metric],
          ARRAY[0.25, 0.5]::float8[], 'each boundary halves both metrics');

-- before 1970: 23:30 on 1969-12-31 is interval -1, 00:30 on 1970-01-01 interval 0
SELECT tests.make_contender('old', 'boundary-task');
SELECT tests.add_history('old-boundary-task', 0.8, '1969-12-31 23:30:00+00');
SELECT is((tests.ranked('old-boundary-task', '1970-01-01 00:30:00+00')).own_metric, 0.4::float8,
          'intervals before 1970 are floored: a row in interval -1 is one interval old in interval 0');

-- a 1-month interval is 30 days: day 29.5 and day 30 are in different intervals
UPDATE ranking_config SET decay_interval = '1 month';
SELECT tests.make_contender('monthly', 'month-task');
SELECT tests.add_history('monthly-month-task', 1, '1970-01-30 12:00:00+00');
SELECT is((tests.ranked('monthly-month-task', '1970-01-31 00:00:00+00')).own_metric, 0.5::float8,
          'a month-long interval ends after 30 days');
SELECT is((tests.ranked('monthly-month-task', '1970-01-30 23:59:59.999999+00')).own_metric, 1::float8,
          'a microsecond before day 30 is still the first month interval');

SELECT * FROM finish();
ROLLBACK;
