-- ranking_admin may audit a ranking with the definition from history (db/privileges.sql): its entry
-- point, contender_rank.rank_contenders_window, runs as its owner, because on an adopted nineteen
-- database the tables it reads are nineteen's, on which contender_rank grants nothing. The parts it
-- is built from are not granted: the entry point is all an audit needs, in either layout.
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('au', 'task-a');
SELECT tests.make_contender('au', 'task-b');
INSERT INTO task_similarity VALUES ('task-b', 'task-a', 0.5);
SELECT tests.add_history('au-task-a', 0.4, '2026-05-01 09:30+00');
SELECT tests.add_history('au-task-b', 1.0, '2026-05-01 09:30+00');
SELECT contender_rank.layout() = 'adopted' AS adopted \gset

SET LOCAL ROLE ranking_admin;
SELECT lives_ok($$SELECT * FROM contender_rank.rank_contenders_window('task-a', 5, '2026-05-01 12:00+00')$$,
                'admin can run rank_contenders_window');
SELECT w.global_metric AS audited
FROM contender_rank.rank_contenders_window('task-a', 5, '2026-05-01 12:00+00') w \gset
SELECT throws_ok($$SELECT * FROM contender_rank.own_metrics_window(ARRAY['au-task-a'], '2026-05-01 12:00+00', '1 hour', 0.5)$$,
                 '42501', NULL, 'but not the parts it is built from: own_metrics_window');
SELECT throws_ok($$SELECT * FROM contender_rank.task_contenders_window('task-a', '2026-05-01 12:00+00')$$,
                 '42501', NULL, 'nor task_contenders_window');
RESET ROLE;
SELECT ok(tests.close_to(:audited, 0.4 * 0.125 + 0.5 * 1.0 * 0.125),
          'and got the ranking: its own 0.4 and, borrowed at 0.5, 1.0, each three intervals old (f = 0.5)');
SELECT ok(tests.rankings_agree('task-a', '2026-05-01 12:00+00'), 'and, run by the owner, the definition agrees');

SELECT * FROM finish();
ROLLBACK;
