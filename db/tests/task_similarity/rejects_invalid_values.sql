-- Similarity is a factor in [0, 1] between two different tasks; anything else is rejected with
-- a message naming the rule, and leaves the table (and the metrics built on it) as they were.
BEGIN;
SELECT plan(9);

SELECT tests.make_contender('s', 'from-task');
SELECT tests.make_contender('s', 'to-task');
SELECT tests.add_history('s-from-task', 1, '2024-01-01 10:00:00+00');
INSERT INTO task_similarity VALUES ('from-task', 'to-task', 0.5);

SELECT throws_ok($$INSERT INTO task_similarity VALUES ('from-task', 'x', 1.5)$$, '23514',
                 'new row for relation "task_similarity" violates check constraint "similarity_between_0_and_1"',
                 'a similarity above 1 is rejected');
SELECT throws_ok($$INSERT INTO task_similarity VALUES ('from-task', 'x', -0.1)$$, '23514',
                 'new row for relation "task_similarity" violates check constraint "similarity_between_0_and_1"',
                 'a negative similarity is rejected');
SELECT throws_ok($$INSERT INTO task_similarity VALUES ('from-task', 'x', 'NaN')$$, '23514',
                 'new row for relation "task_similarity" violates check constraint "similarity_between_0_and_1"',
                 'a NaN similarity is rejected');
SELECT throws_ok($$INSERT INTO task_similarity VALUES ('from-task', 'x', NULL)$$, '23502',
                 'null value in column "similarity" of relation "task_similarity" violates not-null constraint',
                 'a NULL similarity is rejected');
SELECT throws_ok($$INSERT INTO task_similarity VALUES ('to-task', 'to-task', 0.5)$$, '23514',
                 'new row for relation "task_similarity" violates check constraint "similarity_needs_two_different_tasks"',
                 'a task similar to itself is rejected');
SELECT throws_ok($$UPDATE task_similarity SET similarity = 'NaN'$$, '23514',
                 'new row for relation "task_similarity" violates check constraint "similarity_between_0_and_1"',
                 'an UPDATE to an invalid similarity is rejected');
SELECT throws_ok($$UPDATE task_similarity SET to_task = from_task$$, '23514',
                 'new row for relation "task_similarity" violates check constraint "similarity_needs_two_different_tasks"',
                 'an UPDATE into a self-similarity is rejected');

SELECT results_eq($$SELECT from_task, to_task, similarity FROM task_similarity$$,
                  $$VALUES ('from-task', 'to-task', 0.5::float8)$$,
                  'after the rejected statements the table holds only the valid row');
SELECT is((tests.ranked('s-to-task', '2024-01-01 10:30:00+00')).similar_metric, 0.5::float8,
          'and the similar metric still uses 0.5');

SELECT * FROM finish();
ROLLBACK;
