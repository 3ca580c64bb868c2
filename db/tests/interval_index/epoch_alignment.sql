-- k(t) = floor(epoch seconds / interval seconds), counted from 1970-01-01 00:00 UTC.
-- 2024-01-01 00:00 UTC is 1704067200 s = 473352 hours = 19723 days after the epoch;
-- 1900-01-01 00:00 UTC is 2208988800 s = 25567 days before it.
BEGIN;
SELECT plan(12);

SELECT is(contender_rank.interval_index('1970-01-01 00:00:00+00', '1 hour'), 0::bigint, 'the epoch starts interval 0');
SELECT is(contender_rank.interval_index('2024-01-01 00:00:00+00', '1 hour'), 473352::bigint,
          'a boundary belongs to the interval it starts');
SELECT is(contender_rank.interval_index('2023-12-31 23:59:59.999999+00', '1 hour'), 473351::bigint,
          'a microsecond before a boundary is still in the previous interval');
SELECT is(contender_rank.interval_index('2024-01-01 00:59:59.999999+00', '1 hour'), 473352::bigint,
          'the last microsecond of an interval is inside it');
SELECT is(contender_rank.interval_index('1969-12-31 23:59:59.999999+00', '1 hour'), -1::bigint,
          'a microsecond before the epoch is interval -1 (floor, not truncation)');
SELECT is(contender_rank.interval_index('1969-12-31 23:00:00+00', '1 hour'), -1::bigint,
          'a boundary before 1970 starts its interval');
SELECT is(contender_rank.interval_index('1969-12-31 22:59:59.999999+00', '1 hour'), -2::bigint,
          'a microsecond before a boundary before 1970 is in the interval before');
SELECT is(contender_rank.interval_index('1900-01-01 00:00:00+00', '1 day'), -25567::bigint, 'day intervals before 1970');
SELECT is(contender_rank.interval_index('1899-12-31 23:59:59.999999+00', '1 day'), -25568::bigint,
          'a microsecond before a day boundary long before 1970');
-- a month counts 30 days (2592000 s): 1970-01-31 is day 30, 1970-03-01 day 59, 1970-03-02 day 60
SELECT is(contender_rank.interval_index('1970-01-31 00:00:00+00', '1 month'), 1::bigint, 'a month interval ends after 30 days');
SELECT is(contender_rank.interval_index('1970-01-30 23:59:59.999999+00', '1 month'), 0::bigint,
          'a microsecond before day 30 is in the first month interval');
SELECT is(ARRAY[contender_rank.interval_index('1970-03-01 00:00:00+00', '1 month'), contender_rank.interval_index('1970-03-02 00:00:00+00', '1 month')],
          ARRAY[1, 2]::bigint[], 'month intervals are 30-day blocks, not calendar months');

SELECT * FROM finish();
ROLLBACK;
