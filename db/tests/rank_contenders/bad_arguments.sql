-- Bad arguments fail loudly before anything is read: the message names the argument and what it
-- accepts, the error's column field names the argument, and nothing changes. A task name is a
-- value, never SQL.
BEGIN;
SELECT plan(14);

SELECT tests.make_contender('q', 'plain', total_requests_made => 2);
SELECT tests.add_history('q-plain', 0.5, '2024-01-01 10:00:00+00');
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;

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
SELECT throws_ok($$SELECT * FROM rank_contenders('t', 5, '-infinity')$$, '22023',
                 'as_of must be a finite timestamptz, got -infinity', 'a -infinite as_of is rejected');
SELECT is(ARRAY(SELECT e.column_name
                FROM unnest(ARRAY[$$SELECT * FROM rank_contenders(NULL)$$, $$SELECT * FROM rank_contenders('t', 0)$$,
                                  $$SELECT * FROM rank_contenders('t', 5, NULL)$$]) s(statement),
                     tests.error_of(s.statement) e),
          ARRAY['task', 'top_x', 'as_of'], 'the error''s column field names the argument');
SELECT throws_ok($$SELECT * FROM contender_rank.rank_contenders_window('t', 0)$$, '22023',
                 'top_x must be an integer >= 1, got 0', 'the definition checks its arguments the same way');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'the refused calls changed nothing');

SELECT tests.make_contender('q', $task$it's'); DELETE FROM contenders; --$task$);
SELECT results_eq($$SELECT contender_id FROM rank_contenders($task$it's'); DELETE FROM contenders; --$task$)$$,
                  ARRAY[$id$q-it's'); DELETE FROM contenders; --$id$],
                  'a task name with quotes and semicolons is matched as a value');
SELECT is((SELECT count(*)::int FROM contenders), 2, 'and nothing in it ran as SQL');
SELECT is_empty($$SELECT * FROM rank_contenders($task$plain' OR 'x' = 'x$task$)$$,
                'a task name cannot widen the match');
SELECT is_empty($$SELECT * FROM rank_contenders('PLAIN')$$, 'task names match exactly, case included');

SELECT * FROM finish();
ROLLBACK;
