-- The per-row triggers on contenders never fail nineteen's statement, even when a column they read
-- is gone: contender_columns_present() says whether contenders has contender_id, node_hotkey, netuid
-- and task (once per transaction), and without them the triggers do nothing. Renaming task away,
-- nineteen's INSERT and UPDATE (counters, and the renamed column itself) still succeed; the settle
-- at COMMIT, which reads contenders.task, records a fault instead of failing.
BEGIN;
SELECT plan(7);

SELECT tests.make_contender('a', 'x');
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT ok(contender_rank.contender_columns_present('public.contenders'), 'the four columns are there');
SELECT ok(NOT contender_rank.contender_columns_present('public.nodes'), 'a table without them: false');
SELECT set_config('contender_rank.columns_present', '', true);  -- forget this transaction's answer

ALTER TABLE contenders RENAME COLUMN task TO model;
SELECT ok(NOT contender_rank.contender_columns_present('public.contenders'), 'renamed: not all there');
SELECT lives_ok($$UPDATE contenders SET total_requests_made = total_requests_made + 1 WHERE contender_id = 'a-x'$$,
                'a counter bump succeeds');
SELECT lives_ok($$UPDATE contenders SET model = 'y' WHERE contender_id = 'a-x'$$, 'a change of the renamed column too');
SELECT lives_ok($$DELETE FROM contenders WHERE contender_id = 'a-x'$$, 'the DELETE too (its trigger reads the node)');
SELECT isnt_empty($$SELECT * FROM contender_rank.state_faults$$, 'the settle recorded that it could not follow');

SELECT * FROM finish();
ROLLBACK;
