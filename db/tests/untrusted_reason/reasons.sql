-- untrusted_reason() is NULL while the state can be trusted, and otherwise says why: a recorded
-- maintenance fault (how many, the last one's source, SQLSTATE and message), a validator's table
-- replaced since migrate (by OID, host_tables()), a trigger missing or disabled. While it says
-- anything, rank_contenders and explain_ranking answer in load-balancing order with metrics 0.
BEGIN;
SELECT plan(14);

SELECT tests.make_contender('a', 'lb', total_requests_made => 9);
SELECT tests.make_contender('b', 'lb', total_requests_made => 4);
SELECT tests.make_contender('c', 'lb', total_requests_made => 4);
SELECT tests.make_contender('d', 'lb', capacity => 0);
SELECT tests.add_history('a-lb', 1, '2024-01-01 10:00:00+00');
SELECT tests.add_history('c-lb', 1, '2024-01-01 10:00:00+00');
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;

SELECT is(contender_rank.untrusted_reason(), NULL, 'a fresh installation is trusted');
SELECT is(contender_rank.host_tables(), (SELECT host_tables FROM contender_rank.installation),
          'migrate recorded the three tables as they are');
SELECT results_eq($$SELECT contender_id FROM rank_contenders('lb', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['c-lb', 'a-lb', 'b-lb'], 'trusted: history reorders (4 - 50, 9 - 50, 4)');

-- a fault
SELECT contender_rank.record_fault('contenders_history_after_insert', '55P03', 'canceling statement due to lock timeout');
SELECT is(contender_rank.untrusted_reason(),
          'the maintenance gave up 1 time(s) since the last repair, last in contenders_history_after_insert '
          '(SQLSTATE 55P03: canceling statement due to lock timeout)', 'a fault: how many, where, why');
SELECT results_eq($$SELECT contender_id FROM rank_contenders('lb', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['b-lb', 'c-lb', 'a-lb'], 'untrusted: fewest requests first, then contender_id');
SELECT results_eq($$SELECT own_metric + similar_metric + global_metric, rank_value
                    FROM rank_contenders('lb', 5, '2024-01-01 10:30:00+00')$$,
                  $$VALUES (0::float8, 4::float8), (0, 4), (0, 9)$$, 'untrusted: metrics 0, rank_value the requests');
SELECT results_eq($$SELECT place, contender_id, global_metric FROM explain_ranking('lb', '2024-01-01 10:30:00+00')$$,
                  $$VALUES (1, 'b-lb', 0::float8), (2, 'c-lb', 0), (3, 'a-lb', 0), (NULL, 'd-lb', 0)$$,
                  'explain_ranking shows the same load-balancing places');
SELECT results_eq($$SELECT proposed_place, contender_id FROM explain_ranking('lb', '2024-01-01 10:30:00+00',
                                                                             decay_factor => 0.5)
                    WHERE proposed_place IS NOT NULL ORDER BY proposed_place$$,
                  $$VALUES (1, 'c-lb'), (2, 'a-lb'), (3, 'b-lb')$$,
                  'a preview still computes the proposal from history');
SELECT contender_rank.repair_state();
SELECT is(contender_rank.untrusted_reason(), NULL, 'repaired: trusted again');

-- a table replaced since migrate
UPDATE contender_rank.installation SET host_tables = ARRAY[host_tables[1], 0::oid, host_tables[3]];
SELECT is(contender_rank.untrusted_reason(),
          'public.contenders was dropped or replaced since contender-rank migrate last ran',
          'a table whose OID is not the one migrate adopted');
UPDATE contender_rank.installation SET host_tables = contender_rank.host_tables();

-- a trigger disabled, then missing
ALTER TABLE contenders DISABLE TRIGGER contenders_after_move;
SELECT is(contender_rank.untrusted_reason(), 'trigger(s) contenders_after_move on public.contenders missing or disabled',
          'a disabled trigger');
SELECT results_eq($$SELECT contender_id FROM rank_contenders('lb', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['b-lb', 'c-lb', 'a-lb'], 'and load balancing while it is');
ALTER TABLE contenders ENABLE TRIGGER contenders_after_move;
DROP TRIGGER contenders_history_after_truncate ON contenders_history;
SELECT is(contender_rank.untrusted_reason(),
          'trigger(s) contenders_history_after_truncate on public.contenders_history missing or disabled',
          'a missing trigger');
SELECT throws_ok($$SELECT contender_rank.untrusted_reason(1)$$, '42883', NULL, 'it takes no argument');

SELECT * FROM finish();
ROLLBACK;
