-- Order: capacity left first, then rank_value, then contender_id. Exhausted contenders
-- (consumed_capacity >= capacity) come after, but still come: fail open.
BEGIN;
SELECT plan(7);

SELECT tests.make_contender('a', 'fo', total_requests_made => 0, consumed_capacity => 10);
SELECT tests.make_contender('b', 'fo', total_requests_made => 1, consumed_capacity => 12);
SELECT tests.make_contender('c', 'fo', total_requests_made => 5, consumed_capacity => 3);
SELECT tests.make_contender('d', 'fo', total_requests_made => 5);
SELECT tests.make_contender('e', 'fo', total_requests_made => 2, consumed_capacity => 9.5);

SELECT results_eq($$SELECT contender_id FROM rank_contenders('fo', 10)$$,
                  ARRAY['e-fo', 'c-fo', 'd-fo', 'a-fo', 'b-fo'],
                  'capacity left first, then rank_value, ties by contender_id, exhausted ones last');
SELECT results_eq($$SELECT capacity_left FROM rank_contenders('fo', 10)$$,
                  ARRAY[true, true, true, false, false], 'capacity_left tells which is which');
SELECT results_eq($$SELECT contender_id FROM rank_contenders('fo', 2)$$, ARRAY['e-fo', 'c-fo'],
                  'top_x limits the rows');
SELECT results_eq($$SELECT contender_id FROM rank_contenders('fo', 4)$$, ARRAY['e-fo', 'c-fo', 'd-fo', 'a-fo'],
                  'top_x can reach into the exhausted ones');
SELECT is((SELECT count(*)::int FROM rank_contenders('fo')), 5, 'top_x defaults to 5');

UPDATE contenders SET consumed_capacity = capacity;
SELECT results_eq($$SELECT contender_id FROM rank_contenders('fo', 10)$$,
                  ARRAY['a-fo', 'b-fo', 'e-fo', 'c-fo', 'd-fo'],
                  'when every contender is exhausted they are all still returned, by rank_value');

-- history can put an exhausted contender's rank_value far below, it still comes after
SELECT tests.add_history('a-fo', 1, '2024-01-01 10:00:00+00');
UPDATE contenders SET consumed_capacity = 0 WHERE contender_id = 'd-fo';
SELECT results_eq($$SELECT contender_id FROM rank_contenders('fo', 2, '2024-01-01 10:30:00+00')$$,
                  ARRAY['d-fo', 'a-fo'], 'capacity left outranks any rank_value');

SELECT * FROM finish();
ROLLBACK;
