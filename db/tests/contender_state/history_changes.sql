-- UPDATE, DELETE and TRUNCATE of history recompute the contenders they touch.
-- By hand (f = 0.5, as of 09:30): k-c starts with 1.0 at 08:00 and 0.5 at 09:00 -> 1.0.
BEGIN;
SELECT plan(13);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT tests.make_contender('k', 'c', total_requests_made => 3);
SELECT tests.make_contender('k2', 'c', total_requests_made => 1);
SELECT tests.add_history('k-c', 1, '2024-01-01 08:00:00+00');
SELECT tests.add_history('k-c', 0.5, '2024-01-01 09:00:00+00');

UPDATE contenders_history SET period_score = 0.2 WHERE contender_id = 'k-c' AND expired_at = '2024-01-01 08:00:00+00';
SELECT ok(tests.close_to((tests.ranked('k-c', '2024-01-01 09:30:00+00')).own_metric, 0.6, 1e-12),
          'UPDATE of a score: 0.5 + 0.2 / 2');
UPDATE contenders_history SET expired_at = '2024-01-01 07:00:00+00' WHERE contender_id = 'k-c' AND period_score = 0.2;
SELECT ok(tests.close_to((tests.ranked('k-c', '2024-01-01 09:30:00+00')).own_metric, 0.55, 1e-12),
          'UPDATE of expired_at moves the row to its new interval: 0.5 + 0.2 / 4');
UPDATE contenders_history SET contender_id = 'k2-c' WHERE contender_id = 'k-c' AND period_score = 0.5;
SELECT ok(tests.close_to((tests.ranked('k-c', '2024-01-01 09:30:00+00')).own_metric, 0.05, 1e-12),
          'UPDATE of contender_id takes the row away from the old contender');
SELECT is((tests.ranked('k2-c', '2024-01-01 09:30:00+00')).own_metric, 0.5::float8, 'and gives it to the new one');
DELETE FROM contenders_history WHERE contender_id = 'k-c';
SELECT is((tests.ranked('k-c', '2024-01-01 09:30:00+00')).own_metric, 0::float8, 'DELETE of all its rows: 0');
SELECT is((SELECT own_interval FROM contender_state WHERE contender_id = 'k-c'), NULL,
          'and no own state is left for it');

UPDATE contenders_history SET period_score = period_score / 2 WHERE contender_id = 'b-y';
SELECT ok(tests.state_agrees('2024-01-02 00:00:00+00'), 'UPDATE of many rows: state agrees');
SELECT ok(tests.all_rankings_agree('2024-01-02 00:00:00+00'), 'UPDATE of many rows: rankings agree');
DELETE FROM contenders_history
WHERE contender_id IN ('a-x', 'a-z') AND expired_at BETWEEN '2024-01-01 05:00:00+00' AND '2024-01-01 10:00:00+00';
SELECT ok(tests.state_agrees('2024-01-02 00:00:00+00'), 'DELETE of a range: state agrees');
SELECT ok(tests.all_rankings_agree('2024-01-02 00:00:00+00'), 'DELETE of a range: rankings agree');

TRUNCATE contenders_history;
SELECT is((SELECT count(*)::int FROM contender_state), 0, 'TRUNCATE of history empties the derived state');
SELECT results_eq($$SELECT contender_id, rank_value FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00')$$,
                  $$VALUES ('a-x', 5::float8), ('b-x', 6::float8)$$,
                  'and the ranking is plain load balancing again');
SELECT ok(tests.all_rankings_agree('2024-01-02 00:00:00+00'), 'TRUNCATE: rankings agree');

SELECT * FROM finish();
ROLLBACK;
