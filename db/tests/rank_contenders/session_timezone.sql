-- Day intervals are UTC days counted from the epoch, whatever the session's TimeZone. The rows
-- at 23:00 UTC and the ranking at 01:00 UTC the next day are one day apart in UTC, but on the
-- same local date in Chatham (+13:45) and in St John's (-03:30): a ranking that used local
-- dates would count the row with weight 1 there instead of 0.5.
BEGIN;
SELECT plan(6);

UPDATE ranking_config SET decay_interval = '1 day';
SELECT tests.make_contender('tz1', 'tz-task', total_requests_made => 3);
SELECT tests.make_contender('tz2', 'tz-task', total_requests_made => 1);
SELECT tests.make_contender('tz2', 'tz-other');
INSERT INTO task_similarity VALUES ('tz-other', 'tz-task', 0.5);
SELECT tests.add_history('tz1-tz-task', 1, '2024-01-01 23:00:00+00');
SELECT tests.add_history('tz2-tz-other', 0.6, '2024-01-01 12:00:00+00');
SELECT tests.add_history('tz2-tz-other', 0.2, '2024-01-02 00:30:00+00');

SET LOCAL TimeZone = 'UTC';
CREATE TEMP TABLE ranking_in_utc ON COMMIT DROP AS
SELECT * FROM rank_contenders('tz-task', 5, '2024-01-02 01:00:00+00');
SELECT is((SELECT own_metric FROM ranking_in_utc WHERE contender_id = 'tz1-tz-task'), 0.5::float8,
          'under UTC a row from the previous UTC day counts half');
-- tz2-tz-other: day 19723 mean 0.6 halved + day 19724 mean 0.2 = 0.5; similar = 0.5 * 0.5
SELECT is((SELECT similar_metric FROM ranking_in_utc WHERE contender_id = 'tz2-tz-task'), 0.25::float8,
          'under UTC the similar metric uses UTC days too');

SET LOCAL TimeZone = 'Pacific/Chatham';
SELECT is(contender_rank.interval_index('2024-01-02 00:00:00+00', '1 day'), 19724::bigint,
          'under Pacific/Chatham a day interval still starts at midnight UTC');
SELECT results_eq($$SELECT * FROM rank_contenders('tz-task', 5, '2024-01-02 01:00:00+00')$$,
                  $$SELECT * FROM ranking_in_utc$$,
                  'under Pacific/Chatham the ranking is the same as under UTC');
SELECT results_eq($$SELECT * FROM contender_rank.rank_contenders_window('tz-task', 5, '2024-01-02 01:00:00+00')$$,
                  $$SELECT * FROM ranking_in_utc$$,
                  'under Pacific/Chatham the window definition gives the same ranking too');

SET LOCAL TimeZone = 'America/St_Johns';
SELECT results_eq($$SELECT * FROM rank_contenders('tz-task', 5, '2024-01-02 01:00:00+00')$$,
                  $$SELECT * FROM ranking_in_utc$$,
                  'under America/St_Johns the ranking is the same as under UTC');

SELECT * FROM finish();
ROLLBACK;
