-- layout: adopted
-- nineteen stores every time as `timestamp without time zone` holding UTC. Written the way nineteen
-- writes it (a naive UTC value), a history row means that UTC instant whatever the TimeZone of the
-- session that wrote it or of the one that ranks: the same rankings under UTC, Asia/Tokyo (+09) and
-- America/Los_Angeles (-08), from the state and from the definition.
-- Day intervals, by hand, as of 2024-01-02 01:00 UTC (day 19724):
--   tz1-tz-task   1.0 at 2024-01-01 23:00 (day 19723)                -> 0.5
--   tz2-tz-other  0.6 at 2024-01-01 12:00 (day 19723), 0.2 at 2024-01-02 00:30 (day 19724)
--                 -> 0.2 + 0.3 = 0.5, lent to tz2-tz-task with similarity 0.5 -> 0.25
-- Read as local times the 23:00 row would be on 2024-01-02 in Tokyo (weight 1) and the 00:30 row on
-- 2024-01-01 in Los Angeles.
BEGIN;
SELECT plan(11);

UPDATE ranking_config SET decay_interval = '1 day';
SELECT tests.make_contender('tz1', 'tz-task', total_requests_made => 3);
SELECT tests.make_contender('tz2', 'tz-task', total_requests_made => 1);
SELECT tests.make_contender('tz2', 'tz-other');
INSERT INTO task_similarity VALUES ('tz-other', 'tz-task', 0.5);

-- nineteen's own INSERT, from a session in Tokyo: naive UTC values
SET LOCAL TimeZone = 'Asia/Tokyo';
INSERT INTO contenders_history (contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, raw_capacity,
                                capacity, capacity_to_score, consumed_capacity, total_requests_made, requests_429,
                                requests_500, period_score, created_at, updated_at, expired_at)
SELECT c.contender_id, c.node_hotkey, c.node_id, c.netuid, c.task, c.validator_hotkey, c.raw_capacity, c.capacity,
       c.capacity_to_score, c.consumed_capacity, c.total_requests_made, c.requests_429, c.requests_500, h.score,
       h.at - interval '1 hour', h.at, h.at
FROM (VALUES ('tz1-tz-task', 1.0, timestamp '2024-01-01 23:00:00'),
             ('tz2-tz-other', 0.6, timestamp '2024-01-01 12:00:00')) h(contender_id, score, at)
JOIN contenders c USING (contender_id);
-- and one from a session in Los Angeles, with now()-style arithmetic: AT TIME ZONE 'UTC'
SET LOCAL TimeZone = 'America/Los_Angeles';
INSERT INTO contenders_history (contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, raw_capacity,
                                capacity, capacity_to_score, consumed_capacity, total_requests_made, requests_429,
                                requests_500, period_score, created_at, updated_at, expired_at)
SELECT c.contender_id, c.node_hotkey, c.node_id, c.netuid, c.task, c.validator_hotkey, c.raw_capacity, c.capacity,
       c.capacity_to_score, c.consumed_capacity, c.total_requests_made, c.requests_429, c.requests_500, 0.2,
       timestamptz '2024-01-02 00:30:00+00' AT TIME ZONE 'UTC', timestamptz '2024-01-02 00:30:00+00' AT TIME ZONE 'UTC',
       timestamptz '2024-01-02 00:30:00+00' AT TIME ZONE 'UTC'
FROM contenders c WHERE c.contender_id = 'tz2-tz-other';
SELECT is((SELECT expired_at FROM contenders_history WHERE period_score = 0.2), '2024-01-02 00:30:00'::timestamp,
          'stored naive, in UTC');

SET LOCAL TimeZone = 'UTC';
CREATE TEMP TABLE ranking_in_utc ON COMMIT DROP AS
SELECT * FROM rank_contenders('tz-task', 5, '2024-01-02 01:00:00+00');
SELECT is((SELECT own_metric FROM ranking_in_utc WHERE contender_id = 'tz1-tz-task'), 0.5::float8,
          'under UTC a row from the previous UTC day counts half');
SELECT is((SELECT similar_metric FROM ranking_in_utc WHERE contender_id = 'tz2-tz-task'), 0.25::float8,
          'under UTC the similar metric uses UTC days too');
SELECT is((SELECT own_newest_at FROM contender_rank.contender_state WHERE contender_id = 'tz2-tz-other'),
          '2024-01-02 00:30:00+00'::timestamptz, 'the state holds the instant the naive time means');

SET LOCAL TimeZone = 'Asia/Tokyo';
SELECT results_eq($$SELECT * FROM rank_contenders('tz-task', 5, '2024-01-02 01:00:00+00')$$,
                  $$SELECT * FROM ranking_in_utc$$, 'under Asia/Tokyo the ranking is the same as under UTC');
SELECT results_eq($$SELECT * FROM contender_rank.rank_contenders_window('tz-task', 5, '2024-01-02 01:00:00+00')$$,
                  $$SELECT * FROM ranking_in_utc$$, 'under Asia/Tokyo the definition gives the same ranking too');
SET LOCAL TimeZone = 'America/Los_Angeles';
SELECT results_eq($$SELECT * FROM rank_contenders('tz-task', 5, '2024-01-02 01:00:00+00')$$,
                  $$SELECT * FROM ranking_in_utc$$, 'under America/Los_Angeles the ranking is the same as under UTC');
SELECT results_eq($$SELECT * FROM contender_rank.rank_contenders_window('tz-task', 5, '2024-01-02 01:00:00+00')$$,
                  $$SELECT * FROM ranking_in_utc$$, 'under America/Los_Angeles the definition too');
-- as of a time before the newest row: the state falls back to the definition, still in UTC
SELECT is((tests.ranked('tz2-tz-task', '2024-01-02 00:15:00+00')).similar_metric, 0.15::float8,
          'as of before the 00:30 row (the fallback) only the 12:00 row counts, half: 0.5 * 0.3');
SELECT is(tests.check_both_paths('2024-01-02 01:00:00+00'), '{}'::text[],
          'under America/Los_Angeles both paths agree with the definition');

-- a naive value a microsecond before midnight UTC belongs to the earlier UTC day, whatever the zone
SET LOCAL TimeZone = 'Asia/Tokyo';
SELECT tests.make_contender('tz3', 'tz-edge');
SELECT tests.add_history('tz3-tz-edge', 1, '2024-01-01 23:59:59.999999+00');
SET LOCAL TimeZone = 'America/Los_Angeles';
SELECT is((tests.ranked('tz3-tz-edge', '2024-01-02 00:00:00+00')).own_metric, 0.5::float8,
          'a row a microsecond before a UTC day boundary is a day old at the boundary');

SELECT * FROM finish();
ROLLBACK;
