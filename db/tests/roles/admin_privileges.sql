-- ranking_admin (DBAs): the writer's privileges plus ranking_config, task_similarity and the
-- retention/correction of history; each change rebuilds the derived state through the
-- triggers. contender_state, TRUNCATE and the config row's existence stay out of reach.
BEGIN;
SELECT plan(18);

SELECT tests.make_contender('ad1', 'task-a');
SELECT tests.make_contender('ad1', 'task-b');
SELECT tests.add_history('ad1-task-a', 0.4, '2026-05-01 08:30+00');
SELECT tests.add_history('ad1-task-a', 0.9, '2026-05-01 09:30+00');
SELECT tests.add_history('ad1-task-b', 1.0, '2026-05-01 09:30+00');

CREATE TEMP TABLE own_before ON COMMIT DROP AS
SELECT r.own_metric FROM rank_contenders('task-a', 1, '2026-05-01 12:00+00') r;
GRANT SELECT ON own_before TO ranking_admin;

SET LOCAL ROLE ranking_admin;

SELECT lives_ok($$UPDATE ranking_config SET decay_factor = 0.9, decay_interval = '30 minutes'$$,
                'admin can update ranking_config');
RESET ROLE;
SELECT ok((SELECT r.own_metric FROM rank_contenders('task-a', 1, '2026-05-01 12:00+00') r)
              <> (SELECT b.own_metric FROM own_before b),
          'the config change moved the own metric');
SELECT ok(tests.state_agrees('2026-05-01 12:00+00') AND tests.all_rankings_agree('2026-05-01 12:00+00'),
          'the config change under the admin rebuilt the state to the new definition');
SET LOCAL ROLE ranking_admin;

SELECT lives_ok($$INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-b', 'task-a', 0.5)$$,
                'admin can insert task_similarity');
RESET ROLE;
SELECT ok((SELECT r.similar_metric > 0 FROM rank_contenders('task-a', 1, '2026-05-01 12:00+00') r)
          AND tests.state_agrees('2026-05-01 12:00+00'),
          'the new similarity row under the admin refreshed the similar metric');
SET LOCAL ROLE ranking_admin;
SELECT lives_ok($$UPDATE task_similarity SET similarity = 0.25$$, 'admin can update task_similarity');
SELECT lives_ok($$DELETE FROM task_similarity$$, 'admin can delete task_similarity');
RESET ROLE;
SELECT is((SELECT r.similar_metric FROM rank_contenders('task-a', 1, '2026-05-01 12:00+00') r), 0::float8,
          'deleting the similarity row under the admin removed the similar metric');
SET LOCAL ROLE ranking_admin;

SELECT lives_ok($$DELETE FROM contenders_history WHERE expired_at < '2026-05-01 09:00+00'$$,
                'admin can delete old history (retention)');
SELECT lives_ok($$UPDATE contenders_history SET period_score = 0.5 WHERE contender_id = 'ad1-task-b'$$,
                'admin can correct a history row');
RESET ROLE;
SELECT ok(tests.state_agrees('2026-05-01 12:00+00') AND tests.all_rankings_agree('2026-05-01 12:00+00'),
          'history retention and correction under the admin kept the state exact');
SET LOCAL ROLE ranking_admin;

SELECT lives_ok($$SELECT close_period('2026-05-01 12:30+00')$$, 'admin inherits close_period');

-- refused
SELECT throws_ok($$TRUNCATE contenders_history$$, '42501', NULL, 'admin cannot truncate history');
SELECT throws_ok($$UPDATE contender_state SET own_base = 1e6$$, '42501', NULL, 'admin cannot update contender_state');
SELECT throws_ok($$DELETE FROM contender_state$$, '42501', NULL, 'admin cannot delete from contender_state');
SELECT throws_ok($$DELETE FROM ranking_config$$, '42501', NULL, 'admin cannot delete the config row');
SELECT throws_ok($$INSERT INTO ranking_config DEFAULT VALUES$$, '42501', NULL, 'admin cannot insert a config row');
SELECT throws_ok($$SELECT rebuild_contender_state()$$, '42501', NULL, 'admin cannot call rebuild_contender_state');

RESET ROLE;
SELECT * FROM finish();
ROLLBACK;
