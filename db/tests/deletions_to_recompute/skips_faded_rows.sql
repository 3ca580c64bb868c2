-- A DELETE of history recomputes only the contenders whose metric it may move by more than
-- 1e-12 (1 - f) of its value (35_retention.sql). A contender left alone keeps its state row as it
-- was (same ctid: not even rewritten) and no node goes stale; every other is recomputed. Either way
-- the state agrees with the definition from history. Defaults: 1-hour intervals, f = 0.5.
-- a-x scores 0.5 every hour for 60 hours (own metric about 1); by hand (negligible_deletion's
-- test, here with M = 0.5), its rows 42 or more intervals back are negligible (age >= 41.86), 41
-- or fewer are not.
BEGIN;
SELECT plan(16);
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;

SELECT tests.make_contender('a', 'x', total_requests_made => 4);
SELECT tests.make_contender('b', 'x', total_requests_made => 5);
SELECT tests.insert_history($$SELECT 'a-x', 0.5::float8, '2024-01-01 00:30:00+00'::timestamptz + make_interval(hours => h)
                              FROM generate_series(0, 59) h$$);
SELECT tests.insert_history($$SELECT 'b-x', 0.25::float8, '2024-01-01 00:30:00+00'::timestamptz + make_interval(hours => h)
                              FROM generate_series(0, 59) h$$);
CREATE TEMP TABLE before AS SELECT contender_id, ctid AS place FROM contender_rank.contender_state;
CREATE FUNCTION pg_temp.rewritten(contender_id text) RETURNS boolean LANGUAGE sql AS $$
    SELECT (SELECT s.ctid FROM contender_rank.contender_state s WHERE s.contender_id = $1)
           IS DISTINCT FROM (SELECT b.place FROM before b WHERE b.contender_id = $1)
$$;
CREATE FUNCTION pg_temp.remember() RETURNS void LANGUAGE sql AS $$
    DELETE FROM before; INSERT INTO before SELECT contender_id, ctid FROM contender_rank.contender_state
$$;

-- the oldest hour, 59 intervals back: negligible for both
DELETE FROM contenders_history WHERE contender_rank.as_utc(expired_at) < '2024-01-01 01:00:00+00';
SELECT is(pg_temp.rewritten('a-x') OR pg_temp.rewritten('b-x'), false,
          'the oldest hour (59 intervals back) goes: neither state row is touched');
SELECT is((SELECT count(*) FROM contender_rank.stale_nodes), 0::bigint, 'and no node is stale');
SELECT is(tests.check_both_paths('2024-01-03 12:00:00+00'), '{}'::text[], 'the state agrees with the definition');
SELECT ok(tests.close_to((tests.ranked('a-x', '2024-01-03 12:00:00+00')).own_metric,
                         (tests.ranked_window('a-x', '2024-01-03 12:00:00+00')).own_metric, 1e-12),
          'within 1e-12 of it');

-- a row 42 intervals back: still negligible; 41 back: a-x is recomputed, b-x (not touched) is not
SELECT pg_temp.remember();
DELETE FROM contenders_history WHERE contender_id = 'a-x' AND contender_rank.as_utc(expired_at) = '2024-01-01 17:30:00+00';
SELECT is(pg_temp.rewritten('a-x'), false, 'a row 42 intervals back goes: not recomputed');
DELETE FROM contenders_history WHERE contender_id = 'a-x' AND contender_rank.as_utc(expired_at) = '2024-01-01 18:30:00+00';
SELECT is(pg_temp.rewritten('a-x'), true, 'a row 41 intervals back goes: recomputed');
SELECT is(pg_temp.rewritten('b-x'), false, 'a contender that lost nothing is not');
SELECT is(tests.check_both_paths('2024-01-03 12:00:00+00'), '{}'::text[], 'the state agrees with the definition');

-- a partly deleted interval: the rows left count. 36 intervals back, beside its 0.5, a-x gets a 0
-- and a 1; deleting the 0 moves that interval's mean from 0.5 to 0.75, 0.25 * 0.5^36 ~ 4e-12 of a
-- metric about 1: too much, though judged by the deleted row alone (a 0) it would pass
SELECT tests.add_history('a-x', 0, '2024-01-01 23:40:00+00');
SELECT tests.add_history('a-x', 1, '2024-01-01 23:50:00+00');
SELECT pg_temp.remember();
DELETE FROM contenders_history WHERE contender_id = 'a-x' AND contender_rank.as_utc(expired_at) = '2024-01-01 23:40:00+00';
SELECT is(pg_temp.rewritten('a-x'), true,
          'deleting a 0 from an interval 36 back whose other rows score up to 1: recomputed (the rows left count)');
-- every stored own metric against the definition, at the bound 35_retention.sql promises for all
-- skips together (the two skips above left about 2e-13)
SELECT is(ARRAY(SELECT d.contender_id FROM tests.state_disagreements('2024-01-03 12:00:00+00', 1e-12) d), '{}'::text[],
          'every stored own metric is within 1e-12 of the definition''s');

-- rows without an expired_at are in no interval: losing them changes nothing (nineteen's table
-- allows them; the standalone one does not, and there nothing is deleted)
SELECT tests.add_history('b-x', 0.9, NULL) WHERE tests.adopted();
SELECT pg_temp.remember();
DELETE FROM contenders_history WHERE contender_id = 'b-x' AND expired_at IS NULL;
SELECT is(pg_temp.rewritten('b-x'), false, 'a row without expired_at goes: not recomputed');

-- a newer row of a contender whose state is valued before it (the row is newer than the rest):
-- the newest interval itself is never skipped
SELECT pg_temp.remember();
DELETE FROM contenders_history WHERE contender_id = 'b-x' AND contender_rank.as_utc(expired_at) = '2024-01-03 11:30:00+00';
SELECT is(pg_temp.rewritten('b-x'), true, 'its newest row goes: recomputed');
SELECT is(tests.check_both_paths('2024-01-03 12:00:00+00'), '{}'::text[], 'the state agrees with the definition');

-- f = 1: nothing ever fades, every deletion recomputes
UPDATE ranking_config SET decay_factor = 1;
SELECT pg_temp.remember();
DELETE FROM contenders_history WHERE contender_id = 'a-x' AND contender_rank.as_utc(expired_at) < '2024-01-01 03:00:00+00';
SELECT is(pg_temp.rewritten('a-x'), true, 'f = 1: the oldest rows going recomputes the contender');
SELECT is(tests.check_both_paths('2024-01-03 12:00:00+00'), '{}'::text[], 'the state agrees with the definition');

-- a contender whose every row goes loses its own metric
UPDATE ranking_config SET decay_factor = 0.5;
DELETE FROM contenders_history WHERE contender_id = 'b-x';
SELECT is((SELECT own_interval FROM contender_rank.contender_state WHERE contender_id = 'b-x'), NULL::bigint,
          'all of a contender''s rows go: no own metric is left');

SELECT * FROM finish();
ROLLBACK;
