-- rank_balanced() (what rank_contenders answers while the state is untrusted) is nineteen's own
-- rule on rank_contenders' eligibility and fail-open order: the same rows as rank_contenders with
-- history_weight 0, every metric 0, at most top_x. It reads no history: the rows are the same
-- whatever history holds.
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('a', 'lb', total_requests_made => 9);
SELECT tests.make_contender('b', 'lb', total_requests_made => 4);
SELECT tests.make_contender('c', 'lb', total_requests_made => 4);
SELECT tests.make_contender('d', 'lb', total_requests_made => 1, consumed_capacity => 10);
SELECT tests.make_contender('e', 'lb', capacity => 0);
SELECT tests.make_node('f', handshaken => false);
SELECT tests.make_contender('f', 'lb', with_node => false);
SELECT tests.add_history('a-lb', 1, '2024-01-01 10:00:00+00');
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;

SELECT results_eq($$SELECT contender_id, capacity_left FROM contender_rank.rank_balanced('lb', 10)$$,
                  $$VALUES ('b-lb', true), ('c-lb', true), ('a-lb', true), ('d-lb', false)$$,
                  'eligible only; capacity left first, then fewest requests, then contender_id');
UPDATE ranking_config SET history_weight = 0;
SELECT results_eq($$SELECT contender_id, rank_value, capacity_left FROM contender_rank.rank_balanced('lb', 10)$$,
                  $$SELECT contender_id, rank_value, capacity_left FROM rank_contenders('lb', 10)$$,
                  'the rows of rank_contenders with history_weight 0');
SELECT is((SELECT max(abs(own_metric) + abs(similar_metric) + abs(global_metric))
           FROM contender_rank.rank_balanced('lb', 10)), 0::float8, 'every metric 0');
SELECT is((SELECT count(*)::int FROM contender_rank.rank_balanced('lb', 2)), 2, 'at most top_x');
SELECT is_empty($$SELECT * FROM contender_rank.rank_balanced('no-such-task', 5)$$, 'an unknown task: no row');

SELECT * FROM finish();
ROLLBACK;
