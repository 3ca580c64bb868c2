-- ranking_writer (the control node): the reader's privileges plus nodes, inserting and deleting
-- contenders, appending history and close_period(). The state-maintenance triggers still keep
-- contender_state exact although the writer cannot write it itself. History is append-only for
-- it; config, similarity and the state are refused (42501).
BEGIN;
SELECT plan(29);

-- one node with a task-b contender whose history counts half towards its task-a contender
SELECT tests.make_contender('wr1', 'task-a', total_requests_made => 4, consumed_capacity => 4);
SELECT tests.make_contender('wr1', 'task-b');
INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-b', 'task-a', 0.5);
UPDATE contenders SET requests_429 = 1 WHERE contender_id = 'wr1-task-a';

SET LOCAL ROLE ranking_writer;

SELECT lives_ok($$INSERT INTO nodes (hotkey, netuid, node_id, symmetric_key_uuid) VALUES ('wr2', 19, 2, 'key-wr2')$$,
                'writer can insert nodes');
SELECT lives_ok($$INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, capacity)
                  VALUES ('wr2-task-a', 'wr2', 2, 19, 'task-a', 10)$$,
                'writer can insert contenders');
SELECT lives_ok($$INSERT INTO contenders_history (contender_id, period_score, expired_at)
                  VALUES ('wr1-task-b', 0.9, '2026-04-01 10:30+00'), ('wr1-task-b', 0.7, '2026-04-01 11:30+00')$$,
                'writer can insert history');
RESET ROLE;
SELECT ok((SELECT r.own_metric > 0 FROM rank_contenders('task-b', 10, '2026-04-01 12:00+00') r
           WHERE r.contender_id = 'wr1-task-b')
          AND (SELECT r.similar_metric > 0 FROM rank_contenders('task-a', 10, '2026-04-01 12:00+00') r
               WHERE r.contender_id = 'wr1-task-a'),
          'the writer''s history insert folded into the own state of task-b and the similar state of task-a');
SELECT ok(tests.state_agrees('2026-04-01 12:00+00') AND tests.all_rankings_agree('2026-04-01 12:00+00'),
          'the state maintained under the writer equals the window definition');
SET LOCAL ROLE ranking_writer;

SELECT lives_ok($$UPDATE contenders SET total_requests_made = total_requests_made + 1 WHERE contender_id = 'wr1-task-a'$$,
                'writer inherits the reader''s counter bump');
SELECT lives_ok($$SELECT * FROM rank_contenders('task-a')$$, 'writer inherits rank_contenders');
SELECT is(close_period('2026-04-01 12:30+00'), 3, 'writer can call close_period; it closes every contender');
RESET ROLE;
SELECT row_eq($$SELECT total_requests_made, consumed_capacity, requests_429, requests_500, period_score IS NOT NULL
                FROM contenders WHERE contender_id = 'wr1-task-a'$$,
              ROW(0, 0::float8, 0, 0, true),
              'close_period under the writer scored the period and reset the counters');
SELECT is((SELECT count(*) FROM contenders_history WHERE expired_at = '2026-04-01 12:30+00'), 3::bigint,
          'close_period under the writer appended one history row per contender');
SELECT ok(tests.state_agrees('2026-04-01 12:30+00'), 'close_period under the writer kept the state exact');
SET LOCAL ROLE ranking_writer;

SELECT lives_ok($$DELETE FROM contenders WHERE contender_id = 'wr1-task-b'$$, 'writer can delete contenders');
RESET ROLE;
SELECT is((SELECT r.similar_metric FROM rank_contenders('task-a', 10, '2026-04-01 12:30+00') r
           WHERE r.contender_id = 'wr1-task-a'), 0::float8,
          'deleting the task-b contender under the writer cleared task-a''s similar metric');
SET LOCAL ROLE ranking_writer;

-- refused
SELECT throws_ok($$UPDATE contenders SET capacity = 1000$$, '42501', NULL, 'writer cannot change capacity');
SELECT throws_ok($$INSERT INTO contenders (contender_id, node_hotkey, netuid, task, capacity, own_value)
                   VALUES ('wr2-task-z', 'wr2', 19, 'task-z', 10, 1e6)$$,
                 '42501', NULL, 'writer cannot set a derived column of contenders on insert');
SELECT throws_ok($$UPDATE ranking_config SET decay_factor = 0.9$$, '42501', NULL, 'writer cannot update ranking_config');
SELECT throws_ok($$INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-a', 'task-b', 1)$$,
                 '42501', NULL, 'writer cannot insert task_similarity');
SELECT throws_ok($$UPDATE task_similarity SET similarity = 1$$, '42501', NULL, 'writer cannot update task_similarity');
SELECT throws_ok($$DELETE FROM task_similarity$$, '42501', NULL, 'writer cannot delete task_similarity');
SELECT throws_ok($$UPDATE contenders_history SET period_score = 1$$,
                 '42501', NULL, 'writer cannot update history (append-only)');
SELECT throws_ok($$DELETE FROM contenders_history$$, '42501', NULL, 'writer cannot delete history (append-only)');
SELECT throws_ok($$TRUNCATE contenders_history$$, '42501', NULL, 'writer cannot truncate history');
SELECT throws_ok($$UPDATE contender_state SET own_base = 1e6$$, '42501', NULL, 'writer cannot update contender_state');
SELECT throws_ok($$INSERT INTO contender_state (contender_id, own_interval, own_base) VALUES ('x', 0, 1)$$,
                 '42501', NULL, 'writer cannot insert into contender_state');
SELECT throws_ok($$DELETE FROM contender_state$$, '42501', NULL, 'writer cannot delete from contender_state');
SELECT throws_ok($$SELECT rebuild_contender_state()$$, '42501', NULL, 'writer cannot call rebuild_contender_state');
SELECT throws_ok($$SELECT recompute_own_state(NULL)$$, '42501', NULL, 'writer cannot call recompute_own_state');
SELECT throws_ok($$SELECT refresh_contender_rows(NULL)$$, '42501', NULL, 'writer cannot call refresh_contender_rows');

RESET ROLE;
SELECT is((SELECT count(*) FROM contenders_history), 5::bigint, 'history holds exactly what the writer appended');

SELECT * FROM finish();
ROLLBACK;
