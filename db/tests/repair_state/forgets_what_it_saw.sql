-- repair_state() rebuilds the whole state from the tables and forgets the faults it saw: a state
-- that missed writes (here: edited by hand, the kind of damage a fault stands for) is exact again.
-- The next write that takes the lock repairs by itself when it finds faults; one that finds none
-- does its usual work.
BEGIN;
SELECT plan(9);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT ok(tests.state_agrees('2024-01-02 00:00:00+00'), 'the state agrees with the definition');

UPDATE contender_rank.contender_state SET own_base = own_base + 7 WHERE own_interval IS NOT NULL;
SELECT ok(NOT tests.state_agrees('2024-01-02 00:00:00+00'), 'damaged: it no longer does');
SELECT contender_rank.record_fault('a test', 'XX000', 'first');
SELECT contender_rank.record_fault('a test', 'XX000', 'second');
SELECT is(contender_rank.repair_state(), 2, 'the repair accounts for the two faults');
SELECT is_empty($$SELECT * FROM contender_rank.state_faults$$, 'and forgets them');
SELECT ok(tests.state_agrees('2024-01-02 00:00:00+00'), 'the state is exact again');
SELECT is(contender_rank.repair_state(), 0, 'with no fault it rebuilds all the same and accounts for none');

-- the self-repair: a history write that finds a fault rebuilds instead of folding
UPDATE contender_rank.contender_state SET own_base = own_base + 7 WHERE own_interval IS NOT NULL;
SELECT contender_rank.record_fault('a test', 'XX000', 'third');
-- this transaction recorded it, so its own later writes leave the state alone (gave_up())...
SELECT ok(contender_rank.gave_up(), 'the transaction that recorded a fault gave up');
SELECT set_config('contender_rank.gave_up', '', true);
-- ...a later transaction's first write repairs
SELECT tests.add_history('a-x', 0.5, '2024-01-01 20:00:00+00');
SELECT is_empty($$SELECT * FROM contender_rank.state_faults$$, 'the next history write repaired');
SELECT ok(tests.state_agrees('2024-01-02 00:00:00+00'), 'from every row, its own included');

SELECT * FROM finish();
ROLLBACK;
