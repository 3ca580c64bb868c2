-- ranking_reader (the query node), in either layout: ranks (rank_contenders), explains
-- (explain_ranking), checks (ranking_status), bumps counters (record_requests) and reads the
-- settings; every other write, the contender_rank schema and the other API functions are refused
-- with insufficient_privilege (42501). Set-up and checks run as the owner.
BEGIN;
SELECT plan(24);

SELECT tests.make_contender('rd1', 'task-a', total_requests_made => 2);
SELECT tests.make_contender('rd2', 'task-a', total_requests_made => 1);
SELECT tests.make_contender('rd1', 'task-b');
SELECT tests.add_history('rd1-task-a', 0.8, '2026-03-01 10:30+00');
SELECT tests.add_history('rd1-task-a', 0.6, '2026-03-01 12:30+00');
INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-b', 'task-a', 0.5);

SET LOCAL ROLE ranking_reader;

-- allowed
SELECT is((SELECT count(*) FROM rank_contenders('task-a', 10, '2026-03-01 13:00+00')), 2::bigint,
          'reader can call rank_contenders and sees every eligible contender of the task');
-- as_of before the newest folded row: rank_contenders falls back to the definition, which must
-- work with the reader's privileges too
SELECT lives_ok($$SELECT * FROM rank_contenders('task-a', 5, '2026-03-01 11:00+00')$$,
                'reader can rank as of a time before the newest history (the definition''s fallback)');
SELECT is((SELECT count(*) FROM explain_ranking('task-a', '2026-03-01 13:00+00', 0, 0.9, '2 hours')), 2::bigint,
          'reader can call explain_ranking, proposals included');
SELECT is((SELECT count(*) FROM ranking_status() WHERE layout IN ('standalone', 'adopted')), 1::bigint,
          'reader can call ranking_status');
SELECT is(record_requests('rd2-task-a', 1, 1, 1, 1), true, 'reader can call record_requests');
SELECT lives_ok($$SELECT * FROM ranking_config$$, 'reader can read ranking_config');
SELECT lives_ok($$SELECT * FROM task_similarity$$, 'reader can read task_similarity');

-- refused
SELECT throws_ok($$SELECT close_period('2026-03-01 14:00+00')$$, '42501', NULL, 'reader cannot call close_period');
SELECT throws_ok($$SELECT prune_history('2026-03-01 14:00+00')$$, '42501', NULL, 'reader cannot call prune_history');
SELECT throws_ok($$UPDATE ranking_config SET history_weight = 1000$$, '42501', NULL,
                 'reader cannot change ranking_config');
SELECT throws_ok($$INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-a', 'task-b', 1)$$,
                 '42501', NULL, 'reader cannot insert task_similarity');
SELECT throws_ok($$UPDATE task_similarity SET similarity = 1$$, '42501', NULL, 'reader cannot update task_similarity');
SELECT throws_ok($$DELETE FROM task_similarity$$, '42501', NULL, 'reader cannot delete task_similarity');
SELECT throws_ok($$SELECT * FROM contender_rank.contender_state$$, '42501', 'permission denied for schema contender_rank',
                 'reader cannot read the derived state');
SELECT throws_ok($$UPDATE contender_rank.contender_state SET own_base = 1e6$$, '42501', NULL,
                 'reader cannot update the derived state');
SELECT throws_ok($$INSERT INTO contender_rank.stale_nodes VALUES ('rd1', 19)$$, '42501', NULL,
                 'reader cannot write stale_nodes');
SELECT throws_ok($$SELECT * FROM contender_rank.rank_contenders_window('task-a')$$, '42501', NULL,
                 'reader cannot run the definition directly (the admin''s audit tool)');
SELECT throws_ok($$SELECT contender_rank.rebuild_state()$$, '42501', NULL, 'reader cannot rebuild the state');
SELECT throws_ok($$SELECT contender_rank.lock_state()$$, '42501', NULL,
                 'reader cannot take the state lock (and stall every writer)');
SELECT throws_ok($$SELECT contender_rank.recompute_own_state(NULL)$$, '42501', NULL,
                 'reader cannot call recompute_own_state');

RESET ROLE;

SELECT row_eq(
    $$SELECT total_requests_made, consumed_capacity, requests_429, requests_500, capacity, task, period_score
      FROM contenders WHERE contender_id = 'rd2-task-a'$$,
    ROW(2, 1::float8, 1, 1, 10::float8, 'task-a'::text, NULL::float8),
    'each counter moved by exactly the reader''s one call; nothing else changed');
SELECT is((SELECT count(*) FROM contenders_history), 2::bigint, 'the reader added no history');
SELECT results_eq($$SELECT from_task, to_task, similarity FROM task_similarity$$,
                  $$VALUES ('task-b', 'task-a', 0.5::float8)$$, 'nor changed a similarity');
SELECT is(tests.check_both_paths('2026-03-01 13:00+00'), '{}'::text[],
          'the derived state still equals the definition after the refused writes');

SELECT * FROM finish();
ROLLBACK;
