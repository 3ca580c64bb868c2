-- UPDATE, DELETE and TRUNCATE of history recompute the contenders they touch (and mark stale the
-- nodes where they are current). Times are compared and written as instants in either layout:
-- contender_rank.as_utc reads the column, tests.as_stored writes it.
-- By hand (f = 0.5, as of 09:30): k-c starts with 1.0 at 08:00 and 0.5 at 09:00 -> 1.0.
BEGIN;
SELECT plan(15);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT tests.make_contender('k', 'c', total_requests_made => 3);
SELECT tests.make_contender('k2', 'c', total_requests_made => 1);
SELECT tests.add_history('k-c', 1, '2024-01-01 08:00:00+00');
SELECT tests.add_history('k-c', 0.5, '2024-01-01 09:00:00+00');

UPDATE contenders_history SET period_score = 0.2
WHERE contender_id = 'k-c' AND contender_rank.as_utc(expired_at) = '2024-01-01 08:00:00+00';
SELECT ok(tests.close_to((tests.ranked('k-c', '2024-01-01 09:30:00+00')).own_metric, 0.6, 1e-12),
          'UPDATE of a score: 0.5 + 0.2 / 2');
UPDATE contenders_history SET expired_at = tests.as_stored('2024-01-01 07:00:00+00', expired_at)
WHERE contender_id = 'k-c' AND period_score = 0.2;
SELECT ok(tests.close_to((tests.ranked('k-c', '2024-01-01 09:30:00+00')).own_metric, 0.55, 1e-12),
          'UPDATE of expired_at moves the row to its new interval: 0.5 + 0.2 / 4');
UPDATE contenders_history SET contender_id = 'k2-c' WHERE contender_id = 'k-c' AND period_score = 0.5;
SELECT ok(tests.close_to((tests.ranked('k-c', '2024-01-01 09:30:00+00')).own_metric, 0.05, 1e-12),
          'UPDATE of contender_id takes the row away from the old contender');
SELECT is((tests.ranked('k2-c', '2024-01-01 09:30:00+00')).own_metric, 0.5::float8, 'and gives it to the new one');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'single-row UPDATEs: both paths agree');

DELETE FROM contenders_history WHERE contender_id = 'k-c';
SELECT is((tests.ranked('k-c', '2024-01-01 09:30:00+00')).own_metric, 0::float8, 'DELETE of all its rows: 0');
SELECT is((SELECT ARRAY[count(*), count(own_interval)] FROM contender_rank.contender_state WHERE contender_id = 'k-c'),
          ARRAY[1, 0]::bigint[], 'no own metric is left for it; being current, it keeps its row');

UPDATE contenders_history SET period_score = period_score / 2 WHERE contender_id = 'b-y';
SELECT ok(EXISTS (SELECT FROM contender_rank.stale_nodes WHERE node_hotkey = 'b'),
          'an UPDATE of history marks stale the node where its contender is current');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'UPDATE of many rows: both paths agree');
DELETE FROM contenders_history
WHERE contender_id IN ('a-x', 'a-z')
  AND contender_rank.as_utc(expired_at) BETWEEN '2024-01-01 05:00:00+00' AND '2024-01-01 10:00:00+00';
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'DELETE of a range: both paths agree');
-- the newest rows gone: the state is valued at an older interval again
DELETE FROM contenders_history WHERE contender_id = 'a-y' AND contender_rank.as_utc(expired_at) >= '2024-01-01 20:00:00+00';
SELECT is((SELECT own_interval FROM contender_rank.contender_state WHERE contender_id = 'a-y'),
          contender_rank.interval_index('2024-01-01 19:00:00+00', '1 hour'),
          'DELETE of the newest rows: the state is valued at the newest interval left');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'DELETE of the newest rows: both paths agree');

TRUNCATE contenders_history;
SELECT is((SELECT count(own_interval) FROM contender_rank.contender_state), 0::bigint,
          'TRUNCATE of history: no own metric is left');
SELECT results_eq($$SELECT contender_id, rank_value FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00')$$,
                  $$VALUES ('a-x', 5::float8), ('b-x', 6::float8)$$,
                  'and the ranking is plain load balancing again');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'TRUNCATE: both paths agree');

SELECT * FROM finish();
ROLLBACK;
