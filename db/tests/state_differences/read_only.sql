-- The check only reads: it runs in a read-only transaction (so on a hot standby too), where it
-- finds what it finds anywhere else. That it waits for no writer and no writer waits for it, with
-- two sessions: python/tests/test_verify.py.
BEGIN;
SELECT plan(2);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
UPDATE contender_rank.contender_state SET own_base = own_base + 1 WHERE contender_id = 'b-y';
SET TRANSACTION READ ONLY;
SELECT lives_ok($$SELECT * FROM contender_rank.verification_scope(); SELECT * FROM contender_rank.state_differences()$$,
                'verification_scope and state_differences run in a read-only transaction');
SELECT is(ARRAY(SELECT contender_id || ' ' || what FROM contender_rank.state_differences()),
          ARRAY['b-y own_metric'], 'and find there what differs');

SELECT * FROM finish();
ROLLBACK;
