-- interval_stamps() gives, for each history time, the instant it means and its decay interval: a
-- timestamp without time zone is read as UTC (nineteen's convention) whatever the session's TimeZone,
-- a timestamptz as it is; times that are not finite, and NULLs, are left out; the result keeps the
-- argument's type so that the folds join back on the column as it is.
BEGIN;
SELECT plan(6);
SET LOCAL TimeZone = 'Asia/Tokyo';

SELECT results_eq($$SELECT at, k FROM contender_rank.interval_stamps(ARRAY[timestamp '2024-01-01 10:59:59.999999',
                                                                          timestamp '2024-01-01 11:00:00'],
                                                                    interval '1 hour') ORDER BY 1$$,
                  $$VALUES (timestamptz '2024-01-01 10:59:59.999999+00', 473362::bigint),
                           (timestamptz '2024-01-01 11:00:00+00', 473363::bigint)$$,
                  'naive times are UTC; a microsecond before the hour is in the earlier interval');
SELECT results_eq($$SELECT at, k FROM contender_rank.interval_stamps(ARRAY[timestamptz '2024-01-01 11:00:00+00'],
                                                                    interval '1 hour')$$,
                  $$VALUES (timestamptz '2024-01-01 11:00:00+00', 473363::bigint)$$, 'a timestamptz as it is');
SELECT is(pg_typeof((SELECT expired_at FROM contender_rank.interval_stamps(ARRAY[timestamp '2024-01-01'],
                                                                          interval '1 hour')))::text,
          'timestamp without time zone', 'the time comes back in the type it was given');
SELECT is((SELECT count(*)::int FROM contender_rank.interval_stamps(ARRAY[timestamp 'infinity', NULL,
                                                                        timestamp '-infinity'], interval '1 hour')),
          0, 'infinite times and NULLs are in no interval');
SELECT is((SELECT count(*)::int FROM contender_rank.interval_stamps('{}'::timestamp[], interval '1 hour')), 0,
          'no time: no row');
SELECT throws_ok($$SELECT * FROM contender_rank.interval_stamps(ARRAY['x'::text], interval '1 hour')$$,
                 '42883', NULL, 'a type that is not a time is refused');

SELECT * FROM finish();
ROLLBACK;
