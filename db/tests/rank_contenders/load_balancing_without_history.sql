BEGIN;
SELECT plan(2);

SELECT tests.make_contender('n1', 'chat-llama-3-1-8b', total_requests_made => 7);
SELECT tests.make_contender('n2', 'chat-llama-3-1-8b', total_requests_made => 3);
SELECT tests.make_contender('n3', 'chat-llama-3-1-8b', total_requests_made => 5);

SELECT results_eq(
    $$SELECT contender_id FROM rank_contenders('chat-llama-3-1-8b')$$,
    ARRAY['n2-chat-llama-3-1-8b', 'n3-chat-llama-3-1-8b', 'n1-chat-llama-3-1-8b'],
    'with no history the order is fewest requests made first'
);
SELECT results_eq(
    $$SELECT rank_value FROM rank_contenders('chat-llama-3-1-8b')$$,
    ARRAY[3, 5, 7]::float8[],
    'with no history rank_value is total_requests_made'
);

SELECT * FROM finish();
ROLLBACK;
