-- layout: standalone
-- In the standalone layout contender_rank created nodes, contenders and contenders_history, and
-- grants on them (privileges_standalone.sql):
--   ranking_reader  reads them; UPDATE of the four per-request counters only
--   ranking_writer  writes nodes; inserts and deletes contenders, sets period_score; appends history
--   ranking_admin   corrects and deletes history (never TRUNCATE)
-- The state triggers keep the derived state exact whoever writes.
BEGIN;
SELECT plan(28);

SELECT tests.make_contender('t1', 'task-a', total_requests_made => 2);
SELECT tests.make_contender('t1', 'task-b');
SELECT tests.add_history('t1-task-a', 0.8, '2026-03-01 10:30+00');
INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-b', 'task-a', 0.5);

SELECT is(ARRAY(SELECT t.tbl || ':' || p.priv
                FROM unnest(ARRAY['nodes', 'contenders', 'contenders_history']) t(tbl),
                     unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p(priv)
                WHERE has_table_privilege('public', 'public.' || t.tbl, p.priv)),
          '{}'::text[], 'PUBLIC has no privilege on the three tables');

-- ---------------------------------------------------------------- reader
SET LOCAL ROLE ranking_reader;
SELECT lives_ok($$SELECT * FROM nodes, contenders, contenders_history$$, 'reader can read the three tables');
SELECT lives_ok($$UPDATE contenders SET total_requests_made = total_requests_made + 1, consumed_capacity = consumed_capacity + 1,
                                        requests_429 = requests_429 + 1, requests_500 = requests_500 + 1
                  WHERE contender_id = 't1-task-a'$$,
                'reader can bump the four counters directly');
SELECT throws_ok($$UPDATE contenders SET capacity = 1000$$, '42501', NULL, 'reader cannot change capacity');
SELECT throws_ok($$UPDATE contenders SET task = 'task-b'$$, '42501', NULL, 'reader cannot change a contender''s task');
SELECT throws_ok($$UPDATE contenders SET period_score = 1$$, '42501', NULL, 'reader cannot set period_score');
SELECT throws_ok($$INSERT INTO contenders (contender_id, node_hotkey, netuid, task, capacity)
                   VALUES ('t9-task-a', 't1', 19, 'task-a', 10)$$, '42501', NULL, 'reader cannot insert contenders');
SELECT throws_ok($$DELETE FROM contenders$$, '42501', NULL, 'reader cannot delete contenders');
SELECT throws_ok($$INSERT INTO nodes (hotkey, netuid, symmetric_key_uuid) VALUES ('t9', 19, 'k')$$, '42501', NULL,
                 'reader cannot insert nodes');
SELECT throws_ok($$INSERT INTO contenders_history (contender_id, period_score, expired_at)
                   VALUES ('t1-task-a', 1, '2026-03-01 14:00+00')$$, '42501', NULL, 'reader cannot insert history');

-- ---------------------------------------------------------------- writer
SET LOCAL ROLE ranking_writer;
SELECT lives_ok($$INSERT INTO nodes (hotkey, netuid, node_id, symmetric_key_uuid) VALUES ('t2', 19, 2, 'key-t2')$$,
                'writer can insert nodes');
SELECT lives_ok($$UPDATE nodes SET symmetric_key_uuid = 'key-t2-again' WHERE hotkey = 't2'$$,
                'writer can update nodes (a handshake)');
SELECT lives_ok($$INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, capacity)
                  VALUES ('t2-task-a', 't2', 2, 19, 'task-a', 10)$$, 'writer can insert contenders');
SELECT lives_ok($$INSERT INTO contenders_history (contender_id, period_score, expired_at)
                  VALUES ('t1-task-b', 0.9, '2026-03-01 10:30+00'), ('t1-task-b', 0.7, '2026-03-01 11:30+00')$$,
                'writer can append history');
SELECT lives_ok($$UPDATE contenders SET period_score = 0.5 WHERE contender_id = 't2-task-a'$$,
                'writer can set period_score');
SELECT lives_ok($$DELETE FROM contenders WHERE contender_id = 't2-task-a'$$, 'writer can delete contenders');
RESET ROLE;
SELECT is(tests.check_both_paths('2026-03-01 12:00+00'), '{}'::text[],
          'the state the writer''s writes maintained equals the definition');
SET LOCAL ROLE ranking_writer;
SELECT throws_ok($$UPDATE contenders SET capacity = 1000$$, '42501', NULL, 'writer cannot change capacity');
SELECT throws_ok($$UPDATE contenders_history SET period_score = 1$$, '42501', NULL,
                 'writer cannot update history (append-only)');
SELECT throws_ok($$DELETE FROM contenders_history$$, '42501', NULL, 'writer cannot delete history (append-only)');
SELECT throws_ok($$TRUNCATE contenders_history$$, '42501', NULL, 'writer cannot truncate history');
SELECT throws_ok($$TRUNCATE contenders$$, '42501', NULL, 'writer cannot truncate contenders');

-- ---------------------------------------------------------------- admin
SET LOCAL ROLE ranking_admin;
SELECT lives_ok($$UPDATE contenders_history SET period_score = 0.5 WHERE contender_id = 't1-task-b'$$,
                'admin can correct history');
SELECT lives_ok($$DELETE FROM contenders_history WHERE expired_at < '2026-03-01 11:00+00'$$,
                'admin can delete history');
SELECT throws_ok($$TRUNCATE contenders_history$$, '42501', NULL, 'admin cannot truncate history');
RESET ROLE;
SELECT is(tests.check_both_paths('2026-03-01 12:00+00'), '{}'::text[],
          'the admin''s correction and deletion kept the state exact');
SELECT row_eq($$SELECT total_requests_made, consumed_capacity, requests_429, requests_500, capacity, task
                FROM contenders WHERE contender_id = 't1-task-a'$$,
              ROW(3, 1::float8, 1, 1, 10::float8, 'task-a'::text),
              'the counters moved by the reader''s one bump; nothing the roles were refused changed');
SELECT is((SELECT count(*) FROM contenders_history), 1::bigint, 'history holds what was appended and not deleted');

SELECT * FROM finish();
ROLLBACK;
