-- contender_rank.rebuild_state() recomputes all derived state from the tables (what a TRUNCATE of
-- history, a decay change and `contender-rank migrate --rebuild` run): a state damaged by hand, or
-- out of step because triggers were disabled, is exact again afterwards.
BEGIN;
SELECT plan(5);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'before: both paths agree');

-- damage: a wrong own metric, a wrong stored similar metric, a contender the state does not know
UPDATE contender_rank.contender_state SET own_base = own_base + 100 WHERE contender_id = 'a-x';
UPDATE contender_rank.contender_state SET similar_metric = 1e6 WHERE contender_id = 'b-x';
ALTER TABLE contenders DISABLE TRIGGER contenders_after_insert;
SELECT tests.make_contender('b', 'z', total_requests_made => 1);
ALTER TABLE contenders ENABLE TRIGGER contenders_after_insert;
SELECT ok(NOT tests.state_agrees('2024-01-02 00:00:00+00') AND NOT tests.all_rankings_agree('2024-01-02 00:00:00+00'),
          'the damage shows: state and rankings differ from the definition (the checks can fail)');
SELECT is((SELECT contenders - contenders_in_state FROM ranking_status()), 1::bigint,
          'ranking_status() shows the contender the state does not know');

SELECT contender_rank.rebuild_state();
SELECT is((SELECT contenders - contenders_in_state FROM ranking_status()), 0::bigint, 'rebuilt: every contender is known');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'rebuilt: both paths agree again');

SELECT * FROM finish();
ROLLBACK;
