-- ranking_reader (the query node) ranks and bumps the four per-request counters; every other
-- write is refused with insufficient_privilege (42501). Set-up runs as the owner.
BEGIN;
SELECT plan(26);

SELECT tests.make_contender('rd1', 'task-a', total_requests_made => 2);
SELECT tests.make_contender('rd2', 'task-a', total_requests_made => 1);
SELECT tests.make_contender('rd1', 'task-b');
SELECT tests.add_history('rd1-task-a', 0.8, '2026-03-01 10:30+00');
SELECT tests.add_history('rd1-task-a', 0.6, '2026-03-01 12:30+00');
INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-b', 'task-a', 0.5);

SET LOCAL ROLE ranking_reader;

-- allowed
SELECT lives_ok($$SELECT * FROM rank_contenders('task-a')$$, 'reader can call rank_contenders');
SELECT is((SELECT count(*) FROM rank_contenders('task-a', 10, '2026-03-01 13:00+00')), 2::bigint,
          'reader sees every eligible contender of the task');
-- as_of before the newest folded row: rank_contenders falls back to the window definition,
-- which must work with the reader's privileges too
SELECT lives_ok($$SELECT * FROM rank_contenders('task-a', 5, '2026-03-01 11:00+00')$$,
                'reader can rank as of a time before the newest history (window fallback)');
SELECT lives_ok($$UPDATE contenders SET total_requests_made = total_requests_made + 1 WHERE contender_id = 'rd2-task-a'$$,
                'reader can bump total_requests_made');
SELECT lives_ok($$UPDATE contenders SET consumed_capacity = consumed_capacity + 1 WHERE contender_id = 'rd2-task-a'$$,
                'reader can bump consumed_capacity');
SELECT lives_ok($$UPDATE contenders SET requests_429 = requests_429 + 1 WHERE contender_id = 'rd2-task-a'$$,
                'reader can bump requests_429');
SELECT lives_ok($$UPDATE contenders SET requests_500 = requests_500 + 1 WHERE contender_id = 'rd2-task-a'$$,
                'reader can bump requests_500');

-- refused
SELECT throws_ok($$UPDATE contenders SET capacity = 1000 WHERE contender_id = 'rd2-task-a'$$,
                 '42501', NULL, 'reader cannot change capacity');
SELECT throws_ok($$UPDATE contenders SET task = 'task-b' WHERE contender_id = 'rd2-task-a'$$,
                 '42501', NULL, 'reader cannot change a contender''s task');
SELECT throws_ok($$UPDATE contenders SET period_score = 1 WHERE contender_id = 'rd2-task-a'$$,
                 '42501', NULL, 'reader cannot set period_score');
SELECT throws_ok($$INSERT INTO contenders (contender_id, node_hotkey, netuid, task, capacity)
                   VALUES ('rd9-task-a', 'rd1', 19, 'task-a', 10)$$,
                 '42501', NULL, 'reader cannot insert contenders');
SELECT throws_ok($$DELETE FROM contenders WHERE contender_id = 'rd2-task-a'$$,
                 '42501', NULL, 'reader cannot delete contenders');
SELECT throws_ok($$INSERT INTO nodes (hotkey, netuid, symmetric_key_uuid) VALUES ('rd9', 19, 'k')$$,
                 '42501', NULL, 'reader cannot insert nodes');
SELECT throws_ok($$INSERT INTO contenders_history (contender_id, period_score, expired_at)
                   VALUES ('rd2-task-a', 1, '2026-03-01 14:00+00')$$,
                 '42501', NULL, 'reader cannot insert history');
SELECT throws_ok($$SELECT close_period('2026-03-01 14:00+00')$$,
                 '42501', NULL, 'reader cannot call close_period');
SELECT throws_ok($$UPDATE ranking_config SET history_weight = 1000$$,
                 '42501', NULL, 'reader cannot change ranking_config');
SELECT throws_ok($$INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-a', 'task-b', 1)$$,
                 '42501', NULL, 'reader cannot insert task_similarity');
SELECT throws_ok($$UPDATE task_similarity SET similarity = 1$$,
                 '42501', NULL, 'reader cannot update task_similarity');
SELECT throws_ok($$UPDATE contender_state SET own_base = 1e6$$,
                 '42501', NULL, 'reader cannot update contender_state');
SELECT throws_ok($$INSERT INTO contender_state (contender_id, own_interval, own_base)
                   VALUES ('rd2-task-a', 0, 1e6)$$,
                 '42501', NULL, 'reader cannot insert into contender_state');
SELECT throws_ok($$DELETE FROM contender_state$$,
                 '42501', NULL, 'reader cannot delete from contender_state');
SELECT throws_ok($$SELECT rebuild_contender_state()$$,
                 '42501', NULL, 'reader cannot call rebuild_contender_state');
SELECT throws_ok($$SELECT lock_contender_state()$$,
                 '42501', NULL, 'reader cannot take the state-maintenance lock through lock_contender_state');

RESET ROLE;

SELECT row_eq(
    $$SELECT total_requests_made, consumed_capacity, requests_429, requests_500, capacity, task, period_score
      FROM contenders WHERE contender_id = 'rd2-task-a'$$,
    ROW(2, 1::float8, 1, 1, 10::float8, 'task-a'::text, NULL::float8),
    'each counter moved by exactly the reader''s one bump; nothing else changed');
SELECT is((SELECT count(*) FROM contenders_history), 2::bigint, 'the reader added no history');
SELECT ok(tests.all_rankings_agree('2026-03-01 13:00+00') AND tests.state_agrees('2026-03-01 13:00+00'),
          'contender_state still matches the window definition after the refused writes');

SELECT * FROM finish();
ROLLBACK;
