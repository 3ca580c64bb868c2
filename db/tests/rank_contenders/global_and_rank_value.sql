-- As of 10:30, f = 0.5: p-g own 0.1, p-h own 0.2, similarity h -> g 0.5, so p-g similar 0.1
-- and global 0.2. rank_value = requests - w * global: w = 50: p-g 10 - 10 = 0, q-g 6 - 0 = 6;
-- w = 2: p-g 10 - 0.4 = 9.6, q-g 6.
BEGIN;
SELECT plan(6);

SELECT tests.make_contender('p', 'g', total_requests_made => 10);
SELECT tests.make_contender('p', 'h');
SELECT tests.make_contender('q', 'g', total_requests_made => 6);
INSERT INTO task_similarity VALUES ('h', 'g', 0.5);
SELECT tests.add_history('p-g', 0.1, '2024-01-01 10:00:00+00');
SELECT tests.add_history('p-h', 0.2, '2024-01-01 10:05:00+00');

SELECT ok(tests.close_to((tests.ranked('p-g', '2024-01-01 10:30:00+00')).global_metric, 0.2, 1e-12),
          'global_metric = own_metric + similar_metric');
SELECT ok(abs((tests.ranked('p-g', '2024-01-01 10:30:00+00')).rank_value) < 1e-12,
          'rank_value = total_requests_made - 50 * global_metric');
SELECT results_eq($$SELECT contender_id FROM rank_contenders('g', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['p-g', 'q-g'], 'with w = 50 the history outweighs 4 extra requests');

UPDATE ranking_config SET history_weight = 2;
SELECT ok(tests.close_to((tests.ranked('p-g', '2024-01-01 10:30:00+00')).rank_value, 9.6, 1e-12),
          'a history_weight change applies to the very next call');
SELECT results_eq($$SELECT contender_id FROM rank_contenders('g', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['q-g', 'p-g'], 'with w = 2 the request counts decide');
SELECT results_eq($$SELECT contender_id FROM contender_rank.rank_contenders_window('g', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['q-g', 'p-g'], 'the window definition reads the new weight too');

SELECT * FROM finish();
ROLLBACK;
