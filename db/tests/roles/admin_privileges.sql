-- ranking_admin (DBAs), in either layout: the writer's functions plus ranking_config,
-- task_similarity, prune_history, reading the derived state and running the definition to audit
-- it. Each change keeps the derived state exact through the triggers. Writing the state, the state
-- lock and the config row's existence stay out of reach (42501).
BEGIN;
SELECT plan(21);

SELECT tests.make_contender('ad1', 'task-a');
SELECT tests.make_contender('ad1', 'task-b');
SELECT tests.add_history('ad1-task-a', 0.4, '2026-05-01 08:30+00');
SELECT tests.add_history('ad1-task-a', 0.9, '2026-05-01 09:30+00');
SELECT tests.add_history('ad1-task-b', 1.0, '2026-05-01 09:30+00');
SELECT tests.add_history('ad1-task-b', 0.5, '2020-01-01 00:00+00');

CREATE TEMP TABLE own_before ON COMMIT DROP AS
SELECT r.own_metric FROM rank_contenders('task-a', 1, '2026-05-01 12:00+00') r;
GRANT SELECT ON own_before TO ranking_admin;

SET LOCAL ROLE ranking_admin;
SELECT lives_ok($$UPDATE ranking_config SET decay_factor = 0.9, decay_interval = '30 minutes'$$,
                'admin can update ranking_config');
SELECT ok((SELECT r.own_metric FROM rank_contenders('task-a', 1, '2026-05-01 12:00+00') r)
              <> (SELECT b.own_metric FROM own_before b),
          'the config change moved the own metric');
RESET ROLE;
SELECT is(tests.check_both_paths('2026-05-01 12:00+00'), '{}'::text[],
          'the config change under the admin rebuilt the state to the new definition');
SET LOCAL ROLE ranking_admin;

SELECT lives_ok($$INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-b', 'task-a', 0.5)$$,
                'admin can insert task_similarity');
SELECT ok((SELECT r.similar_metric > 0 FROM rank_contenders('task-a', 1, '2026-05-01 12:00+00') r),
          'the new similarity row under the admin counts at once');
SELECT lives_ok($$UPDATE task_similarity SET similarity = 0.25$$, 'admin can update task_similarity');
SELECT lives_ok($$DELETE FROM task_similarity$$, 'admin can delete task_similarity');
SELECT is((SELECT r.similar_metric FROM rank_contenders('task-a', 1, '2026-05-01 12:00+00') r), 0::float8,
          'deleting the similarity row under the admin removed the similar metric');

-- on an adopted database prune_history refuses (nineteen owns its history): prune/refused_in_adopted_layout.sql
SELECT CASE (SELECT layout FROM contender_rank.installation)
    WHEN 'standalone' THEN is(prune_history('2026-05-01 12:00+00'), 1::bigint,
                              'admin can call prune_history (the 2020 row goes)')
    ELSE throws_ok($$SELECT prune_history('2026-05-01 12:00+00')$$, '0A000', NULL,
                   'admin can call prune_history, which refuses on an adopted database')
END;
SELECT is((SELECT count(*) FROM contender_rank.contender_state), 2::bigint, 'admin can read the derived state');
SELECT is((SELECT layout FROM contender_rank.installation), (SELECT layout FROM ranking_status()),
          'and what was installed');
SELECT ok(has_function_privilege('ranking_admin',
                                 'contender_rank.rank_contenders_window(text, int, timestamptz, interval, float8, float8, float8)',
                                 'EXECUTE'),
          'admin may execute the definition from history (whether it can read the tables: admin_audits_the_definition.sql)');
SELECT lives_ok($$SELECT close_period() WHERE false$$, 'admin inherits close_period (callable)');
RESET ROLE;
SELECT is(tests.check_both_paths('2026-05-01 12:00+00'), '{}'::text[], 'every admin change kept the state exact');
SET LOCAL ROLE ranking_admin;

-- refused
SELECT throws_ok($$UPDATE contender_rank.contender_state SET own_base = 1e6$$, '42501', NULL,
                 'admin cannot update the derived state');
SELECT throws_ok($$DELETE FROM contender_rank.contender_state$$, '42501', NULL, 'admin cannot delete the derived state');
SELECT throws_ok($$SELECT contender_rank.rebuild_state()$$, '42501', NULL, 'admin cannot call rebuild_state');
SELECT throws_ok($$SELECT contender_rank.lock_state()$$, '42501', NULL, 'admin cannot take the state lock');
SELECT throws_ok($$DELETE FROM ranking_config$$, '42501', NULL, 'admin cannot delete the config row');
SELECT throws_ok($$INSERT INTO ranking_config DEFAULT VALUES$$, '42501', NULL, 'admin cannot insert a config row');
SELECT throws_ok($$TRUNCATE task_similarity$$, '42501', NULL, 'admin cannot truncate task_similarity');

RESET ROLE;
SELECT * FROM finish();
ROLLBACK;
