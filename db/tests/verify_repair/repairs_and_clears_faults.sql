-- verify_repair() rebuilds the state from history under the state lock, settles every node at once,
-- and removes the faults that were recorded when it took the lock: afterwards state_differences
-- finds nothing and the ranking equals the definition. ranking_admin may run it.
BEGIN;
SELECT plan(8);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
ALTER TABLE contenders_history DISABLE TRIGGER USER;
SELECT tests.add_history('a-y', 1.0, '2024-01-02 00:30+00');
SELECT tests.add_history('new-x', 0.5, '2024-01-02 00:30+00');
ALTER TABLE contenders_history ENABLE TRIGGER USER;
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SET CONSTRAINTS contender_rank.stale_nodes_settle DEFERRED;
UPDATE contender_rank.contender_state SET task = 'elsewhere' WHERE contender_id = 'b-x';
INSERT INTO contender_rank.contender_state (contender_id, task, own_interval, own_base, own_interval_sum, own_interval_rows,
                                           own_newest_at)
VALUES ('ghost', 'x', 473000, 0, 1, 1, '2024-01-01 00:00+00');
INSERT INTO contender_rank.state_faults (source, sqlstate, message)
VALUES ('contenders_history_after_insert', '55P03', 'could not take the state lock'),
       ('stale_nodes_settle', 'XX000', 'an injected error');

SELECT cmp_ok((SELECT count(*) FROM contender_rank.state_differences()), '>=', 5::bigint, 'broken to begin with');
SELECT ok(NOT tests.rankings_agree('y', '2024-01-02 01:00+00'), 'and the ranking of y is wrong');

CREATE TEMP TABLE ids ON COMMIT DROP AS
SELECT count(*) AS ids FROM (SELECT contender_id FROM contenders UNION SELECT contender_id FROM contenders_history) i;
GRANT SELECT ON ids TO ranking_admin;
SET LOCAL ROLE ranking_admin;
SELECT results_eq($$SELECT * FROM contender_rank.verify_repair()$$,
                  $$SELECT 2::bigint, ids FROM ids$$,
                  'the admin repairs: both faults cleared, one state row per contender with history or current');
SELECT is_empty($$SELECT * FROM contender_rank.state_differences()$$, 'state_differences finds nothing after it');
RESET ROLE;
SELECT is_empty($$SELECT * FROM contender_rank.stale_nodes$$, 'every node settled at once, not at COMMIT');
SELECT is_empty($$SELECT * FROM contender_rank.state_faults$$, 'no fault left');
SELECT is(tests.check_both_paths('2024-01-02 01:00+00'), '{}'::text[], 'the suite''s check agrees');
SELECT ok(tests.all_rankings_agree('2024-01-02 01:00+00'), 'and every ranking equals the definition');

SELECT * FROM finish();
ROLLBACK;
