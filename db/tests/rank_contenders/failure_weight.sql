-- failure_weight: a request of this period that failed (requests_429 + requests_500 on the
-- contender, read at call time like total_requests_made) counts failure_weight extra requests, so
-- rank_value = total_requests_made + failure_weight * (requests_429 + requests_500)
--              - history_weight * global_metric.
-- A contender that fails now drops at once and comes back as the others catch up; with both
-- weights 0 the order is nineteen's load balancing, failures or not; the definition agrees.
BEGIN;
SELECT plan(8);

SELECT tests.make_contender('a', 'fw', total_requests_made => 3);
SELECT tests.make_contender('b', 'fw', total_requests_made => 4);
SELECT tests.make_contender('c', 'fw', total_requests_made => 6);
SELECT tests.add_history('a-fw', 1, '2024-01-01 09:00:00+00');
SELECT tests.add_history('b-fw', 1, '2024-01-01 09:00:00+00');
SELECT tests.add_history('c-fw', 1, '2024-01-01 09:00:00+00');
UPDATE ranking_config SET history_weight = 1, failure_weight = 2;

-- every global metric is 0.5 (one score of 1, one interval old): a 3 - 0.5, b 4 - 0.5, c 6 - 0.5
SELECT results_eq($$SELECT contender_id FROM rank_contenders('fw', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['a-fw', 'b-fw', 'c-fw'], 'no failure: the history ranking');
-- a's last two requests failed: 3 + 2 * (1 + 1) - 0.5 = 6.5, behind b (3.5) and c (5.5)
UPDATE contenders SET requests_429 = 1, requests_500 = 1 WHERE contender_id = 'a-fw';
SELECT results_eq($$SELECT contender_id, rank_value FROM rank_contenders('fw', 5, '2024-01-01 10:30:00+00')$$,
                  $$VALUES ('b-fw', 3.5::float8), ('c-fw', 5.5::float8), ('a-fw', 6.5::float8)$$,
                  'failures this period push a contender back at once, by failure_weight each');
SELECT ok(tests.rankings_agree('fw', '2024-01-01 10:30:00+00'), 'the definition ranks the same');
SELECT is((SELECT total_requests_made FROM rank_contenders('fw', 5, '2024-01-01 10:30:00+00') WHERE contender_id = 'a-fw'),
          3, 'total_requests_made is still the requests made');
-- the others catch up: once b and c have made more requests, a comes back first
UPDATE contenders SET total_requests_made = total_requests_made + 4 WHERE contender_id IN ('b-fw', 'c-fw');
SELECT results_eq($$SELECT contender_id FROM rank_contenders('fw', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['a-fw', 'b-fw', 'c-fw'], 'it comes back as the others catch up');

UPDATE ranking_config SET failure_weight = 0;
UPDATE contenders SET requests_500 = 50 WHERE contender_id = 'c-fw';
SELECT results_eq($$SELECT contender_id FROM rank_contenders('fw', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['a-fw', 'b-fw', 'c-fw'], 'failure_weight 0 ignores failures');
UPDATE ranking_config SET history_weight = 0;
SELECT results_eq($$SELECT contender_id, rank_value FROM rank_contenders('fw', 5, '2024-01-01 10:30:00+00')$$,
                  $$VALUES ('a-fw', 3::float8), ('b-fw', 8::float8), ('c-fw', 10::float8)$$,
                  'both weights 0: fewest requests first, rank_value the request count (load balancing)');
SELECT ok(tests.rankings_agree('fw', '2024-01-01 10:30:00+00'), 'the definition agrees at weight 0 too');

SELECT * FROM finish();
ROLLBACK;
