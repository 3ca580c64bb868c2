-- Bad arguments fail loudly, naming the argument and what it accepts; a task name is a value.
BEGIN;
SELECT plan(10);

SELECT throws_ok($$SELECT * FROM rank_contenders(NULL)$$, '22004', 'task must not be NULL',
                 'a NULL task is rejected');
SELECT throws_ok($$SELECT * FROM rank_contenders('t', NULL)$$, '22023', 'top_x must be an integer >= 1, got NULL',
                 'a NULL top_x is rejected');
SELECT throws_ok($$SELECT * FROM rank_contenders('t', 0)$$, '22023', 'top_x must be an integer >= 1, got 0',
                 'top_x 0 is rejected');
SELECT throws_ok($$SELECT * FROM rank_contenders('t', -1)$$, '22023', 'top_x must be an integer >= 1, got -1',
                 'a negative top_x is rejected');
SELECT throws_ok($$SELECT * FROM rank_contenders('t', 5, NULL)$$, '22023', 'as_of must be a finite timestamptz, got NULL',
                 'a NULL as_of is rejected');
SELECT throws_ok($$SELECT * FROM rank_contenders('t', 5, 'infinity')$$, '22023',
                 'as_of must be a finite timestamptz, got infinity', 'an infinite as_of is rejected');
SELECT throws_ok($$SELECT * FROM rank_contenders_window('t', 0)$$, '22023', 'top_x must be an integer >= 1, got 0',
                 'the window definition checks its arguments the same way');

SELECT tests.make_contender('q', $task$it's'); DELETE FROM contenders; --$task$);
SELECT tests.make_contender('q', 'plain');
SELECT results_eq($$SELECT contender_id FROM rank_contenders($task$it's'); DELETE FROM contenders; --$task$)$$,
                  ARRAY[$id$q-it's'); DELETE FROM contenders; --$id$],
                  'a task name with quotes and semicolons is matched as a value');
SELECT is((SELECT count(*)::int FROM contenders), 2, 'and nothing in it ran as SQL');
SELECT is_empty($$SELECT * FROM rank_contenders($task$plain' OR 'x' = 'x$task$)$$,
                'a task name cannot widen the match');

SELECT * FROM finish();
ROLLBACK;
