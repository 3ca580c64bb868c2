-- layout: standalone
-- close_period appends every contender stamped as_of, resets its counters and returns how many
-- it closed, all or nothing. (In the adopted layout nineteen closes periods itself: refused_in_adopted_layout.sql.)
BEGIN;
SELECT plan(10);

SELECT tests.make_contender('a', 'cp', total_requests_made => 4, consumed_capacity => 4);
SELECT tests.make_contender('b', 'cp', total_requests_made => 2, consumed_capacity => 1);
SELECT tests.make_contender('b', 'cp-other', netuid => 20);
UPDATE contenders SET requests_429 = 1, requests_500 = 1 WHERE contender_id = 'b-cp';
CREATE TEMP TABLE contenders_before ON COMMIT DROP AS SELECT * FROM contenders;


-- a failure while appending undoes the whole close
CREATE FUNCTION tests.refuse_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history is read-only in this test';
END;
$$;
CREATE TRIGGER refuse_history BEFORE INSERT ON contenders_history
    FOR EACH ROW EXECUTE FUNCTION tests.refuse_history();
SELECT throws_ok($$SELECT close_period('2024-01-01 10:00:00+00')$$, 'P0001', 'history is read-only in this test',
                 'a failing append fails close_period');
SELECT set_eq($$SELECT * FROM contenders$$, $$SELECT * FROM contenders_before$$,
              'and leaves every contender''s counters and score as they were');
DROP TRIGGER refuse_history ON contenders_history;

SELECT is(close_period('2024-01-01 10:00:00+00'), 3, 'close_period returns the number of contenders closed');
SELECT results_eq(
    $$SELECT contender_id, node_hotkey, netuid, task, expired_at FROM contenders_history ORDER BY contender_id$$,
    $$VALUES ('a-cp', 'a', 19, 'cp', '2024-01-01 10:00:00+00'::timestamptz),
             ('b-cp', 'b', 19, 'cp', '2024-01-01 10:00:00+00'),
             ('b-cp-other', 'b', 20, 'cp-other', '2024-01-01 10:00:00+00')$$,
    'one history row per contender, stamped as_of, with its node and task');
SELECT is_empty($$SELECT * FROM contenders
                  WHERE total_requests_made <> 0 OR consumed_capacity <> 0 OR requests_429 <> 0 OR requests_500 <> 0$$,
                'every per-period counter is reset');
-- a: 4 good of 4 -> 1; b: good 0, -> 0 (cap 10, used 1: 0 * ...)
SELECT results_eq($$SELECT contender_id, own_metric FROM rank_contenders('cp', 5, '2024-01-01 10:00:00+00')$$,
                  $$VALUES ('a-cp', 1::float8), ('b-cp', 0::float8)$$,
                  'the closed period counts at once in the ranking');
SELECT is((SELECT count(*)::int FROM contenders), 3, 'the contenders stay for the next period');
SELECT is(tests.check_both_paths('2024-01-01 10:00:00+00'), '{}'::text[], 'the state follows the close on both paths');

SELECT is(close_period('2024-01-01 11:00:00+00'), 3, 'the next close (a new decay interval) appends again');
DELETE FROM contenders;
SELECT is(close_period('2024-01-01 12:00:00+00'), 0, 'with no contenders nothing is closed');

SELECT * FROM finish();
ROLLBACK;
