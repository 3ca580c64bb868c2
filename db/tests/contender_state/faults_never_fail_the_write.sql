-- An error inside the maintenance never fails the validator's statement: a CHECK on the state that
-- the fold violates (an injected fault) leaves the history INSERT standing, records the fault
-- (source, SQLSTATE 23514, message), and the rest of the transaction leaves the state alone (one
-- fault, no second attempt). rank_contenders then answers by load balancing; once the cause is gone
-- the next write repairs and the state is exact.
BEGIN;
SELECT plan(8);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
ALTER TABLE contender_rank.contender_state ADD CONSTRAINT injected CHECK (own_interval_rows < 0) NOT VALID;

SELECT lives_ok($$SELECT tests.add_history('a-x', 0.123, '2024-01-01 20:00:00+00')$$,
                'the history INSERT succeeds although the fold fails');
SELECT is((SELECT count(*)::int FROM contenders_history WHERE contender_id = 'a-x' AND period_score = 0.123), 1,
          'the row is there');
SELECT results_eq($$SELECT source, sqlstate FROM contender_rank.state_faults$$,
                  $$VALUES ('contenders_history_after_insert', '23514')$$, 'one fault: where and why');
SELECT lives_ok($$DELETE FROM contenders_history WHERE contender_id = 'b-x'$$, 'a DELETE in the same transaction too');
SELECT is((SELECT count(*)::int FROM contender_rank.state_faults), 1, 'which gives up without trying again');
SELECT results_eq($$SELECT contender_id FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00')$$,
                  $$SELECT contender_id FROM contender_rank.rank_balanced('x', 5)$$, 'rankings by load balancing');

ALTER TABLE contender_rank.contender_state DROP CONSTRAINT injected;
SELECT set_config('contender_rank.gave_up', '', true);  -- as if a later transaction
SELECT tests.add_history('a-x', 0.25, '2024-01-01 21:00:00+00');
SELECT is_empty($$SELECT * FROM contender_rank.state_faults$$, 'the next write repaired');
SELECT ok(tests.state_agrees('2024-01-02 00:00:00+00'), 'and the state is exact');

SELECT * FROM finish();
ROLLBACK;
