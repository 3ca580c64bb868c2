-- A decay_factor or decay_interval UPDATE rebuilds the state in the same transaction; a
-- history_weight UPDATE needs no rebuild and applies to the next call.
-- By hand: k-c has 1.0 at 08:30 and 0.5 at 09:30, as of 09:45, 10 requests.
--   1 hour, f 0.5: 0.5 + 1.0 * 0.5 = 1.0;  f 0.8: 0.5 + 0.8 = 1.3;
--   2 hours, f 0.8: 08:30 and 09:30 are both in [08:00, 10:00): mean 0.75
BEGIN;
SELECT plan(12);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT tests.make_contender('k', 'c', total_requests_made => 10);
SELECT tests.add_history('k-c', 1, '2024-01-01 08:30:00+00');
SELECT tests.add_history('k-c', 0.5, '2024-01-01 09:30:00+00');
SELECT is((tests.ranked('k-c', '2024-01-01 09:45:00+00')).own_metric, 1::float8, 'with the defaults: 1.0');

SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'the set-up: both paths agree (settled)');

UPDATE ranking_config SET decay_factor = 0.8;
SELECT ok(tests.close_to((tests.ranked('k-c', '2024-01-01 09:45:00+00')).own_metric, 1.3, 1e-12),
          'a new decay_factor applies to the next call in the same transaction');
SELECT set_eq($$SELECT node_hotkey FROM contender_rank.stale_nodes WHERE (node_hotkey, netuid) <> ('', -1)$$, ARRAY['a', 'b', 'k'],
              'the rebuild leaves every node stale until it settles');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[],
          'new decay_factor: the state was rebuilt; both paths agree');

UPDATE ranking_config SET decay_interval = '2 hours';
SELECT is((tests.ranked('k-c', '2024-01-01 09:45:00+00')).own_metric, 0.75::float8,
          'a new decay_interval regroups the rows into the new intervals');
-- 2024-01-01 00:00 UTC is interval 236676 of 2 hours; 09:30 falls in the fifth one after it
SELECT is((SELECT ARRAY[own_interval, own_interval_rows] FROM contender_rank.contender_state WHERE contender_id = 'k-c'),
          ARRAY[236680, 2]::bigint[], 'the stored state is keyed by the new intervals');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[],
          'new decay_interval: the state was rebuilt; both paths agree');

UPDATE ranking_config SET history_weight = 4, retention_epsilon = 1e-3;
SELECT is_empty($$SELECT * FROM contender_rank.stale_nodes$$,
                'a history_weight or retention_epsilon UPDATE rebuilds nothing: no node is stale');
SELECT is((tests.ranked('k-c', '2024-01-01 09:45:00+00')).rank_value, 7::float8,
          'a new history_weight applies to the next call: 10 - 4 * 0.75');
SELECT ok(tests.all_rankings_agree('2024-01-02 00:00:00+00'), 'new history_weight: rankings agree');

-- with the settle made immediate (a session may SET CONSTRAINTS ALL IMMEDIATE), it runs as soon as
-- the rebuild marks the nodes stale: they are marked last, once the own metrics they borrow are in
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
UPDATE ranking_config SET decay_factor = 0.6;
SET CONSTRAINTS contender_rank.stale_nodes_settle DEFERRED;
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[],
          'a rebuild settled at once (SET CONSTRAINTS ... IMMEDIATE) borrows the rebuilt own metrics');

SELECT * FROM finish();
ROLLBACK;
