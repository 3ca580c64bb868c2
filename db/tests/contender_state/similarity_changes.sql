-- INSERT, UPDATE, DELETE and TRUNCATE of task_similarity mark every node with a contender stale:
-- the writing transaction reads the new similar metrics at once, and they are stored when it settles.
-- By hand (as of 10:30): own(p-s) = 1.0, own(p-t) = 0.2.
BEGIN;
SELECT plan(11);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT tests.make_contender('p', 's');
SELECT tests.make_contender('p', 't');
SELECT tests.add_history('p-s', 1, '2024-01-01 10:00:00+00');
SELECT tests.add_history('p-t', 0.2, '2024-01-01 10:10:00+00');

SELECT is((tests.ranked('p-t', '2024-01-01 10:30:00+00')).similar_metric, 0::float8, 'no pair: nothing borrowed');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'the set-up settles');
INSERT INTO task_similarity VALUES ('s', 't', 0.4);
SELECT set_eq($$SELECT node_hotkey FROM contender_rank.stale_nodes WHERE (node_hotkey, netuid) <> ('', -1)$$, ARRAY['a', 'b', 'p'],
              'any change to task_similarity makes every node with a contender stale');
SELECT is((tests.ranked('p-t', '2024-01-01 10:30:00+00')).similar_metric, 0.4::float8, 'INSERT of s -> t 0.4');
UPDATE task_similarity SET similarity = 0.9 WHERE from_task = 's';
SELECT is((tests.ranked('p-t', '2024-01-01 10:30:00+00')).similar_metric, 0.9::float8, 'UPDATE to 0.9');
INSERT INTO task_similarity VALUES ('t', 's', 0.5);
SELECT is(ARRAY[(tests.ranked('p-s', '2024-01-01 10:30:00+00')).similar_metric,
                (tests.ranked('p-t', '2024-01-01 10:30:00+00')).similar_metric],
          ARRAY[0.1, 0.9]::float8[], 'the reverse pair has its own factor: 0.5 * 0.2');
UPDATE task_similarity SET similarity = 0.25 WHERE from_task = 'x';
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'after the updates: both paths agree');
DELETE FROM task_similarity WHERE from_task = 's';
SELECT is((tests.ranked('p-t', '2024-01-01 10:30:00+00')).similar_metric, 0::float8, 'DELETE of the pair: 0 again');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'after the DELETE: both paths agree');
TRUNCATE task_similarity;
SELECT is((SELECT sum(similar_metric) FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00')), 0::float8,
          'TRUNCATE: no similar metric is left');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'after the TRUNCATE: both paths agree');

SELECT * FROM finish();
ROLLBACK;
