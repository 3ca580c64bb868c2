-- history_weight = 0: history is ignored, the order is fewest requests first, ties by id.
BEGIN;
SELECT plan(3);

SELECT tests.make_contender('a', 'lb', total_requests_made => 9);
SELECT tests.make_contender('b', 'lb', total_requests_made => 4);
SELECT tests.make_contender('c', 'lb', total_requests_made => 4);
SELECT tests.add_history('a-lb', 1, '2024-01-01 10:00:00+00');
SELECT tests.add_history('c-lb', 1, '2024-01-01 10:00:00+00');

SELECT results_eq($$SELECT contender_id FROM rank_contenders('lb', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['c-lb', 'a-lb', 'b-lb'], 'with the default weight the history reorders (4 - 50, 9 - 50, 4)');
UPDATE ranking_config SET history_weight = 0;
SELECT results_eq($$SELECT contender_id FROM rank_contenders('lb', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['b-lb', 'c-lb', 'a-lb'], 'with w = 0: fewest requests first, then contender_id');
SELECT results_eq($$SELECT rank_value FROM rank_contenders('lb', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY[4, 4, 9]::float8[], 'with w = 0 rank_value is total_requests_made');

SELECT * FROM finish();
ROLLBACK;
