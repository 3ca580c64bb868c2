-- Writes that change what a node's contenders borrow only mark the node stale; the deferred
-- constraint trigger stale_nodes_settle stores their similar metrics at COMMIT. Until then the
-- writing transaction computes a stale node's similar metrics as it reads them. A test never
-- commits, so it forces the settle with SET CONSTRAINTS ... IMMEDIATE (pending events fire at once,
-- and each later statement settles at its end) and can defer it again.
-- By hand (f = 0.5): c-z has 0.8 at 10:00 and c-y 0.4 at 10:10; z -> x 1, y -> x 0.3, so as of
-- 10:30 c-x borrows 0.8 + 0.3 * 0.4 = 0.92. Then c-z adds 0.4 at 11:05: as of 11:30 own(c-z) =
-- 0.4 + 0.4 = 0.8, own(c-y) = 0.2, so c-x borrows 0.8 + 0.06 = 0.86.
BEGIN;
SELECT plan(20);
SET LOCAL jit = off;  -- the settle would JIT-compile for seconds: catalog/ranking_without_jit.sql

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT is_empty($$SELECT * FROM contender_rank.stale_nodes$$, 'settled: no node is stale');
SET CONSTRAINTS contender_rank.stale_nodes_settle DEFERRED;

-- ---------------------------------------------------------------- one writing transaction
SELECT tests.make_contender('c', 'x', total_requests_made => 1);
SELECT is(ARRAY(SELECT node_hotkey FROM contender_rank.stale_nodes WHERE (node_hotkey, netuid) <> ('', -1)), ARRAY['c'],
          'a new contender marks its node stale, and only its node');
SELECT tests.make_contender('c', 'z');
SELECT tests.make_contender('c', 'y');
SELECT tests.add_history('c-z', 0.8, '2024-01-02 10:00:00+00');
SELECT tests.add_history('c-y', 0.4, '2024-01-02 10:10:00+00');
SELECT ok(tests.close_to((tests.ranked('c-x', '2024-01-02 10:30:00+00')).similar_metric, 0.92, 1e-12),
          'unsettled: right after the writes the ranking already holds what c-x borrows (0.8 + 0.3 * 0.4)');
SELECT is_empty($$SELECT * FROM contender_rank.contender_state WHERE contender_id = 'c-x'$$,
                'although nothing is stored for it yet: it was computed as read');
SELECT ok(tests.all_rankings_agree('2024-01-02 10:30:00+00'), 'unsettled: every ranking equals the definition');
SELECT ok(tests.state_agrees('2024-01-02 10:30:00+00'), 'unsettled: the stored own state and settled nodes agree');
CREATE TEMP TABLE unsettled ON COMMIT DROP AS SELECT tests.all_rankings('2024-01-02 10:30:00+00') AS rankings;

-- ---------------------------------------------------------------- what COMMIT does
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT is_empty($$SELECT * FROM contender_rank.stale_nodes$$, 'settled: stale_nodes is empty');
SELECT ok(tests.close_to((SELECT contender_rank.decayed(similar_metric, 0.5,
                                                        contender_rank.interval_index('2024-01-02 10:30:00+00', '1 hour')
                                                        - similar_interval)
                          FROM contender_rank.contender_state WHERE contender_id = 'c-x'), 0.92, 1e-12),
          'settled: c-x''s similar metric is stored: 0.92');
SELECT is((SELECT similar_newest_at FROM contender_rank.contender_state WHERE contender_id = 'c-x'),
          '2024-01-02 10:10:00+00'::timestamptz, 'with the newest history behind it');
SELECT ok(tests.state_agrees('2024-01-02 10:30:00+00'), 'settled: every stored similar metric equals the definition');
SELECT ok(tests.all_rankings_agree('2024-01-02 10:30:00+00'), 'settled: every ranking equals the definition');
SELECT is(tests.all_rankings('2024-01-02 10:30:00+00'), (SELECT rankings FROM unsettled),
          'settling changed no ranking: both paths give exactly the same rows');

-- ---------------------------------------------------------------- immediate: each statement settles
SELECT tests.add_history('c-z', 0.4, '2024-01-02 11:05:00+00');
SELECT is_empty($$SELECT * FROM contender_rank.stale_nodes$$,
                'while the settle is immediate, a write settles at the end of its statement');
SELECT ok(tests.close_to((SELECT contender_rank.decayed(similar_metric, 0.5,
                                                        contender_rank.interval_index('2024-01-02 11:30:00+00', '1 hour')
                                                        - similar_interval)
                          FROM contender_rank.contender_state WHERE contender_id = 'c-x'), 0.86, 1e-12),
          'and the stored similar metric follows: 0.8 + 0.3 * 0.2');

-- ---------------------------------------------------------------- deferred again
SET CONSTRAINTS contender_rank.stale_nodes_settle DEFERRED;
CREATE TEMP TABLE stored_before ON COMMIT DROP AS
SELECT similar_interval, similar_metric FROM contender_rank.contender_state WHERE contender_id = 'c-x';
DELETE FROM contenders WHERE contender_id = 'c-z';
SELECT is(ARRAY(SELECT node_hotkey FROM contender_rank.stale_nodes WHERE (node_hotkey, netuid) <> ('', -1)), ARRAY['c'],
          'deferred again: a DELETE of a contender leaves its node stale');
SELECT ok(tests.close_to((tests.ranked('c-x', '2024-01-02 11:30:00+00')).similar_metric, 0.06, 1e-12),
          'unsettled: c-x no longer borrows from the deleted c-z (0.3 * 0.2 left)');
SELECT row_eq($$SELECT similar_interval, similar_metric FROM contender_rank.contender_state WHERE contender_id = 'c-x'$$,
              (SELECT ROW(b.similar_interval, b.similar_metric)::record FROM stored_before b),
              'while the stored value still holds what it borrowed before');
SELECT is(tests.check_both_paths('2024-01-02 11:30:00+00'), '{}'::text[], 'after the DELETE: both paths agree');

-- a node whose contenders borrow nothing settles to "nothing": NULLs, read as 0
DELETE FROM task_similarity;
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT is((SELECT count(*) FROM contender_rank.contender_state WHERE similar_interval IS NOT NULL OR similar_metric IS NOT NULL),
          0::bigint, 'with no similarity left every stored similar metric is NULL');
SELECT is((SELECT sum(similar_metric) FROM rank_contenders('x', 10, '2024-01-02 11:30:00+00')), 0::float8,
          'and read as 0');

SELECT * FROM finish();
ROLLBACK;
