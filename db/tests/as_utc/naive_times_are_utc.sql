-- as_utc: a history time as an instant. A timestamptz (the standalone layout) is taken as it is; a
-- timestamp without time zone (nineteen's columns) holds UTC and means that instant whatever the
-- session's TimeZone, where a plain cast would read it in the session's zone.
BEGIN;
SELECT plan(9);

SET LOCAL TimeZone = 'UTC';
SELECT is(contender_rank.as_utc('2024-01-01 09:00:00'::timestamp), '2024-01-01 09:00:00+00'::timestamptz,
          'under UTC a naive time is that UTC instant');
SET LOCAL TimeZone = 'Asia/Tokyo';
SELECT is(contender_rank.as_utc('2024-01-01 09:00:00'::timestamp), '2024-01-01 09:00:00+00'::timestamptz,
          'under Asia/Tokyo (+09) still that UTC instant');
SELECT isnt('2024-01-01 09:00:00'::timestamp::timestamptz, '2024-01-01 09:00:00+00'::timestamptz,
            'where a plain cast would be nine hours off');
SET LOCAL TimeZone = 'America/Los_Angeles';
SELECT is(contender_rank.as_utc('2024-07-01 09:00:00'::timestamp), '2024-07-01 09:00:00+00'::timestamptz,
          'under America/Los_Angeles in summer time still that UTC instant');
SELECT is(contender_rank.as_utc('2024-01-01 09:00:00+05'::timestamptz), '2024-01-01 04:00:00+00'::timestamptz,
          'a timestamptz is taken as it is');
SELECT is(contender_rank.as_utc('4000-01-01 00:10:00 BC'::timestamp), '4000-01-01 00:10:00+00 BC'::timestamptz,
          'a naive time long before 1970');
SELECT is(contender_rank.as_utc('294000-01-01 00:10:00'::timestamp), '294000-01-01 00:10:00+00'::timestamptz,
          'a naive time near the end of the range');
SELECT is(contender_rank.interval_index(contender_rank.as_utc('2024-01-01 00:30:00'::timestamp), '1 day'), 19723::bigint,
          'a naive UTC time lands in its UTC day interval under America/Los_Angeles (where it is still 2023-12-31)');
SELECT is(ARRAY[contender_rank.as_utc(NULL::timestamp), contender_rank.as_utc(NULL::timestamptz)],
          ARRAY[NULL, NULL]::timestamptz[], 'NULL stays NULL (a nineteen row without expired_at)');

SELECT * FROM finish();
ROLLBACK;
