-- The running state and the window definition agree after every kind of INSERT: in-order
-- periods (the O(1) fold), late rows, same-interval duplicates, NULL scores, several intervals
-- in one statement, a contender seen for the first time.
BEGIN;
SELECT plan(12);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT ok(tests.state_agrees('2024-01-01 23:30:00+00'), 'in-order periods: the state equals the window definition');
SELECT ok(tests.all_rankings_agree('2024-01-01 23:30:00+00'), 'in-order periods: both rankings agree');
SELECT ok(tests.all_rankings_agree('2024-01-03 07:00:00+00'), 'and still agree many empty intervals later');

CREATE TEMP TABLE before_late ON COMMIT DROP AS
SELECT own_metric FROM rank_contenders('x', 5, '2024-01-01 23:30:00+00') WHERE contender_id = 'a-x';
SELECT tests.add_history('a-x', 1, '2024-01-01 05:30:00+00');
SELECT isnt((SELECT own_metric FROM rank_contenders('x', 5, '2024-01-01 23:30:00+00') WHERE contender_id = 'a-x'),
            (SELECT own_metric FROM before_late), 'a late row changes the metric');
SELECT ok(tests.state_agrees('2024-01-01 23:30:00+00'), 'late row: the state equals the window definition');
SELECT ok(tests.all_rankings_agree('2024-01-01 23:30:00+00'), 'late row: both rankings agree');

SELECT tests.add_history('a-y', 0.9, '2024-01-01 23:10:00+00');
SELECT tests.add_history('a-y', NULL, '2024-01-01 23:20:00+00');
SELECT is((SELECT own_interval_count FROM contender_state WHERE contender_id = 'a-y'), 3::bigint,
          'rows in the newest interval are added to its running mean');
SELECT ok(tests.state_agrees('2024-01-01 23:30:00+00') AND tests.all_rankings_agree('2024-01-01 23:30:00+00'),
          'same-interval duplicates with a NULL score: state, window and rankings agree');

INSERT INTO contenders_history (contender_id, period_score, expired_at)
VALUES ('b-x', 0.3, '2024-01-02 02:00:00+00'), ('b-x', 0.8, '2024-01-02 01:00:00+00'),
       ('b-y', NULL, '2024-01-02 01:00:00+00'), ('b-y', 0.4, '2024-01-02 01:40:00+00'),
       ('a-z', 0.2, '2024-01-01 03:00:00+00'), ('a-z', 0.6, '2024-01-02 02:00:00+00');
SELECT ok(tests.state_agrees('2024-01-02 02:30:00+00'), 'one statement over several intervals: state agrees');
SELECT ok(tests.all_rankings_agree('2024-01-02 02:30:00+00'), 'one statement over several intervals: rankings agree');

SELECT tests.make_contender('c', 'x');
INSERT INTO contenders_history (contender_id, period_score, expired_at)
VALUES ('c-x', 0.5, '2024-01-02 02:00:00+00'), ('c-x', 0.7, '2024-01-02 02:10:00+00'),
       ('gone-x', 1, '2024-01-02 02:00:00+00');
SELECT ok(tests.state_agrees('2024-01-02 02:30:00+00'), 'first rows of a contender (and of one no longer current): state agrees');
SELECT ok(tests.all_rankings_agree('2024-01-02 02:30:00+00'), 'first rows of a contender: rankings agree');

SELECT * FROM finish();
ROLLBACK;
