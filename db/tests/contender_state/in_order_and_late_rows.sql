-- The running state equals the definition after every kind of INSERT into history: in-order
-- periods (the O(1) fold), late rows, same-interval duplicates, NULL scores, several intervals in one
-- statement, a contender seen for the first time and one no longer current. Each step is checked on
-- both paths: as the writing transaction reads it (stale nodes computed as read) and settled.
BEGIN;
SELECT plan(14);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT is(tests.check_both_paths('2024-01-01 23:30:00+00'), '{}'::text[],
          'in-order periods: state and rankings equal the definition, unsettled and settled');
SELECT ok(tests.all_rankings_agree('2024-01-03 07:00:00+00'), 'and still agree many empty intervals later');
-- a-x: 24 rows one per hour, its newest interval holds the 23:00 row alone
SELECT is((SELECT ARRAY[own_interval, own_interval_rows] FROM contender_rank.contender_state WHERE contender_id = 'a-x'),
          ARRAY[contender_rank.interval_index('2024-01-01 23:00:00+00', '1 hour'), 1]::bigint[],
          'the state is valued at the newest interval, with its row count');

CREATE TEMP TABLE before_late ON COMMIT DROP AS
SELECT own_metric FROM rank_contenders('x', 5, '2024-01-01 23:30:00+00') WHERE contender_id = 'a-x';
SELECT tests.add_history('a-x', 1, '2024-01-01 05:30:00+00');
SELECT isnt((SELECT own_metric FROM rank_contenders('x', 5, '2024-01-01 23:30:00+00') WHERE contender_id = 'a-x'),
            (SELECT own_metric FROM before_late), 'a late row changes the metric');
SELECT ok(EXISTS (SELECT FROM contender_rank.stale_nodes WHERE node_hotkey = 'a'),
          'and marks the node it is current on stale, for what the others borrow from it');
SELECT is(tests.check_both_paths('2024-01-01 23:30:00+00'), '{}'::text[], 'late row: both paths equal the definition');

SELECT tests.add_history('a-y', 0.9, '2024-01-01 23:10:00+00');
SELECT tests.add_history('a-y', NULL, '2024-01-01 23:20:00+00');
SELECT is((SELECT own_interval_rows FROM contender_rank.contender_state WHERE contender_id = 'a-y'), 3::bigint,
          'rows in the newest interval are added to its running mean');
SELECT is(tests.check_both_paths('2024-01-01 23:30:00+00'), '{}'::text[],
          'same-interval duplicates with a NULL score: both paths equal the definition');

SELECT tests.insert_history($$VALUES
    ('b-x', 0.3, '2024-01-02 02:00:00+00'), ('b-x', 0.8, '2024-01-02 01:00:00+00'),
    ('b-y', NULL, '2024-01-02 01:00:00+00'), ('b-y', 0.4, '2024-01-02 01:40:00+00'),
    ('a-z', 0.2, '2024-01-01 03:00:00+00'), ('a-z', 0.6, '2024-01-02 02:00:00+00')$$);
SELECT ok(tests.state_agrees('2024-01-02 02:30:00+00'), 'one statement over several intervals: state agrees');
SELECT is(tests.check_both_paths('2024-01-02 02:30:00+00'), '{}'::text[],
          'one statement over several intervals: both paths equal the definition');

SELECT tests.make_contender('c', 'x');
SELECT tests.insert_history($$VALUES ('c-x', 0.5, '2024-01-02 02:00:00+00'), ('c-x', 0.7, '2024-01-02 02:10:00+00'),
                                     ('gone-x', 1, '2024-01-02 02:00:00+00')$$);
SELECT is((SELECT own_interval_rows FROM contender_rank.contender_state WHERE contender_id = 'gone-x'), 1::bigint,
          'history of a contender that is not current gets a state row of its own');
SELECT is(tests.check_both_paths('2024-01-02 02:30:00+00'), '{}'::text[],
          'first rows of a contender, and of one not current: both paths equal the definition');

-- in order again after all that, one row per statement: the O(1) fold from a recomputed state
SELECT tests.add_history('c-x', 0.9, '2024-01-02 03:05:00+00');
SELECT tests.add_history('c-x', 0.1, '2024-01-02 03:15:00+00');
SELECT ok(tests.close_to((tests.ranked('c-x', '2024-01-02 03:30:00+00')).own_metric, 0.5 + 0.6 / 2, 1e-12),
          'by hand: (0.9 + 0.1) / 2 now, (0.5 + 0.7) / 2 an interval ago');
SELECT is(tests.check_both_paths('2024-01-02 03:30:00+00'), '{}'::text[],
          'in-order rows after a recompute: both paths equal the definition');

SELECT * FROM finish();
ROLLBACK;
