-- ranking_writer (the control node), in either layout: the reader's functions plus close_period
-- (which the adopted layout then refuses for what it is: feature_not_supported, not a privilege
-- matter). The settings, the state and prune_history stay out of reach (42501).
BEGIN;
SELECT plan(14);

SELECT tests.make_contender('wr1', 'task-a', total_requests_made => 4, consumed_capacity => 4);
SELECT tests.make_contender('wr1', 'task-b');
SELECT tests.add_history('wr1-task-b', 0.9, '2026-04-01 10:30+00');
INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-b', 'task-a', 0.5);

SET LOCAL ROLE ranking_writer;

SELECT lives_ok($$SELECT * FROM rank_contenders('task-a')$$, 'writer inherits rank_contenders');
SELECT lives_ok($$SELECT * FROM explain_ranking('task-a')$$, 'writer inherits explain_ranking');
SELECT lives_ok($$SELECT * FROM ranking_status()$$, 'writer inherits ranking_status');
SELECT is(record_requests('wr1-task-a'), true, 'writer inherits record_requests');
SELECT ok(has_function_privilege('ranking_writer', 'public.close_period(timestamptz)', 'EXECUTE'),
          'writer may execute close_period');
RESET ROLE;
SELECT contender_rank.layout() = 'standalone' AS standalone \gset
SET LOCAL ROLE ranking_writer;
\if :standalone
SELECT is(close_period('2026-04-01 12:30+00'), 2, 'standalone: close_period under the writer closes every contender');
\else
SELECT throws_ok($$SELECT close_period('2026-04-01 12:30+00')$$, '0A000', NULL,
                 'adopted: close_period under the writer is refused as not for this layout, not for lack of privilege');
\endif
RESET ROLE;
SELECT is(tests.check_both_paths('2026-04-01 13:00+00'), '{}'::text[], 'whatever it did, the state follows');
SET LOCAL ROLE ranking_writer;

-- refused
SELECT throws_ok($$UPDATE ranking_config SET decay_factor = 0.9$$, '42501', NULL, 'writer cannot update ranking_config');
SELECT throws_ok($$INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-a', 'task-b', 1)$$,
                 '42501', NULL, 'writer cannot insert task_similarity');
SELECT throws_ok($$UPDATE task_similarity SET similarity = 1$$, '42501', NULL, 'writer cannot update task_similarity');
SELECT throws_ok($$DELETE FROM task_similarity$$, '42501', NULL, 'writer cannot delete task_similarity');
SELECT throws_ok($$SELECT prune_history(now())$$, '42501', NULL, 'writer cannot call prune_history');
SELECT throws_ok($$DELETE FROM contender_rank.contender_state$$, '42501', NULL, 'writer cannot write the derived state');
SELECT throws_ok($$SELECT contender_rank.rebuild_state()$$, '42501', NULL, 'writer cannot rebuild the state');

RESET ROLE;
SELECT * FROM finish();
ROLLBACK;
