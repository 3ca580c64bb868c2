-- record_requests, the query node's write: adds to the four per-request counters of one contender
-- in one call and says whether the contender exists. It changes nothing else: no other column, no
-- other contender, no history, and no derived state (nothing fires on the counters).
BEGIN;
SELECT plan(9);

SELECT tests.make_contender('rq', 'task-a', total_requests_made => 2, consumed_capacity => 1.5);
SELECT tests.make_contender('rq2', 'task-a', total_requests_made => 7);
SELECT tests.add_history('rq-task-a', 0.5, '2024-01-01 10:00:00+00');
UPDATE contenders SET period_score = 0.25 WHERE contender_id = 'rq-task-a';
SET LOCAL jit = off;  -- the settle would JIT-compile for seconds: catalog/ranking_without_jit.sql
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
CREATE TEMP TABLE state_before ON COMMIT DROP AS SELECT * FROM contender_rank.contender_state;
CREATE TEMP TABLE other_before ON COMMIT DROP AS SELECT * FROM contenders WHERE contender_id <> 'rq-task-a';
CREATE TEMP TABLE row_before ON COMMIT DROP AS SELECT * FROM contenders WHERE contender_id = 'rq-task-a';

SELECT is(record_requests('rq-task-a'), true, 'one request with the defaults: true, the contender exists');
SELECT row_eq($$SELECT total_requests_made, consumed_capacity, requests_429, requests_500 FROM contenders
                WHERE contender_id = 'rq-task-a'$$,
              ROW(3, 1.5::float8, 0, 0), 'the defaults add one request and nothing else');
SELECT is(record_requests('rq-task-a', 4, 2.25, 1, 2), true, 'four counters in one call');
SELECT row_eq($$SELECT total_requests_made, consumed_capacity, requests_429, requests_500 FROM contenders
                WHERE contender_id = 'rq-task-a'$$,
              ROW(7, 3.75::float8, 1, 2), 'each counter grew by what was given');
SELECT is(record_requests('rq-task-a', 0, 0, 0, 0), true, 'adding zero is allowed');
SELECT results_eq(
    $$SELECT contender_id, node_hotkey, node_id, netuid, task, capacity, period_score FROM contenders
      WHERE contender_id = 'rq-task-a'$$,
    $$SELECT contender_id, node_hotkey, node_id, netuid, task, capacity, period_score FROM row_before$$,
    'no other column of the contender moved');
SELECT set_eq($$SELECT * FROM contenders WHERE contender_id <> 'rq-task-a'$$, $$SELECT * FROM other_before$$,
              'no other contender moved');
SELECT set_eq($$SELECT * FROM contender_rank.contender_state$$, $$SELECT * FROM state_before$$,
              'the derived state is untouched');
SELECT is((SELECT ARRAY[total_requests_made::float8, rank_value] FROM rank_contenders('task-a', 5, '2024-01-01 10:30:00+00')
           WHERE contender_id = 'rq-task-a'),
          ARRAY[7, 7 + 2 * (1 + 2) - 50 * 0.5]::float8[],
          'the next ranking reads the new counts (each failure counts failure_weight 2 extra requests)');

SELECT * FROM finish();
ROLLBACK;
