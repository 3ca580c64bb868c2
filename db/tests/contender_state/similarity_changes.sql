-- INSERT, UPDATE, DELETE and TRUNCATE of task_similarity refresh the similar metrics in the
-- same transaction. By hand (as of 10:30): own(p-s) = 1.0, own(p-t) = 0.2.
BEGIN;
SELECT plan(9);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT tests.make_contender('p', 's');
SELECT tests.make_contender('p', 't');
SELECT tests.add_history('p-s', 1, '2024-01-01 10:00:00+00');
SELECT tests.add_history('p-t', 0.2, '2024-01-01 10:10:00+00');

SELECT is((tests.ranked('p-t', '2024-01-01 10:30:00+00')).similar_metric, 0::float8, 'no pair: nothing borrowed');
INSERT INTO task_similarity VALUES ('s', 't', 0.4);
SELECT is((tests.ranked('p-t', '2024-01-01 10:30:00+00')).similar_metric, 0.4::float8, 'INSERT of s -> t 0.4');
UPDATE task_similarity SET similarity = 0.9 WHERE from_task = 's';
SELECT is((tests.ranked('p-t', '2024-01-01 10:30:00+00')).similar_metric, 0.9::float8, 'UPDATE to 0.9');
INSERT INTO task_similarity VALUES ('t', 's', 0.5);
SELECT is(ARRAY[(tests.ranked('p-s', '2024-01-01 10:30:00+00')).similar_metric,
                (tests.ranked('p-t', '2024-01-01 10:30:00+00')).similar_metric],
          ARRAY[0.1, 0.9]::float8[], 'the reverse pair has its own factor: 0.5 * 0.2');
UPDATE task_similarity SET similarity = 0.25 WHERE from_task = 'x';
SELECT ok(tests.state_agrees('2024-01-02 00:00:00+00') AND tests.all_rankings_agree('2024-01-02 00:00:00+00'),
          'after the updates: state and rankings agree');
DELETE FROM task_similarity WHERE from_task = 's';
SELECT is((tests.ranked('p-t', '2024-01-01 10:30:00+00')).similar_metric, 0::float8, 'DELETE of the pair: 0 again');
SELECT ok(tests.state_agrees('2024-01-02 00:00:00+00') AND tests.all_rankings_agree('2024-01-02 00:00:00+00'),
          'after the DELETE: state and rankings agree');
TRUNCATE task_similarity;
SELECT is((SELECT sum(similar_metric) FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00')), 0::float8,
          'TRUNCATE: no similar metric is left');
SELECT ok(tests.state_agrees('2024-01-02 00:00:00+00') AND tests.all_rankings_agree('2024-01-02 00:00:00+00'),
          'after the TRUNCATE: state and rankings agree');

SELECT * FROM finish();
ROLLBACK;
