-- The worked example of README.md (section "The ranking formula"): default config (1 hour,
-- f = 0.5, w = 50), as of 2024-05-01 12:30 UTC. Every number below is computed by hand there.
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('alice', 'chat-llama-3-1-70b', total_requests_made => 20);
SELECT tests.make_contender('alice', 'chat-llama-3-1-8b', total_requests_made => 12);
SELECT tests.make_contender('bob', 'chat-llama-3-1-8b', total_requests_made => 10);
INSERT INTO task_similarity VALUES ('chat-llama-3-1-70b', 'chat-llama-3-1-8b', 0.8);
INSERT INTO contenders_history (contender_id, period_score, expired_at) VALUES
    ('alice-chat-llama-3-1-70b', 0.7,  '2024-05-01 11:00:00+00'),
    ('alice-chat-llama-3-1-70b', 0.9,  '2024-05-01 12:00:00+00'),
    ('alice-chat-llama-3-1-8b',  0.4,  '2024-05-01 11:00:00+00'),
    ('alice-chat-llama-3-1-8b',  NULL, '2024-05-01 11:30:00+00'),
    ('bob-chat-llama-3-1-8b',    0.6,  '2024-05-01 10:00:00+00'),
    ('bob-chat-llama-3-1-8b',    0.8,  '2024-05-01 12:00:00+00');

SELECT results_eq(
    $$SELECT contender_id, round(own_metric::numeric, 9), round(similar_metric::numeric, 9),
             round(global_metric::numeric, 9), round(rank_value::numeric, 9)
      FROM rank_contenders('chat-llama-3-1-8b', 5, '2024-05-01 12:30:00+00')$$,
    $$VALUES ('alice-chat-llama-3-1-8b', 0.1, 1.0, 1.1, -43.0),
             ('bob-chat-llama-3-1-8b', 0.95, 0.0, 0.95, -37.5)$$,
    'chat-llama-3-1-8b: alice borrows 0.8 * 1.25 from her 70b contender and goes first');
SELECT results_eq(
    $$SELECT contender_id, round(own_metric::numeric, 9), round(similar_metric::numeric, 9),
             round(global_metric::numeric, 9), round(rank_value::numeric, 9)
      FROM rank_contenders('chat-llama-3-1-70b', 5, '2024-05-01 12:30:00+00')$$,
    $$VALUES ('alice-chat-llama-3-1-70b', 1.25, 0.0, 1.25, -42.5)$$,
    'chat-llama-3-1-70b: nothing flows back from 8b (no 8b -> 70b pair)');
SELECT ok(tests.rankings_agree('chat-llama-3-1-8b', '2024-05-01 12:30:00+00')
          AND tests.rankings_agree('chat-llama-3-1-70b', '2024-05-01 12:30:00+00'),
          'the window definition gives the same rankings');

DELETE FROM task_similarity;
SELECT results_eq($$SELECT contender_id, rank_value FROM rank_contenders('chat-llama-3-1-8b', 5, '2024-05-01 12:30:00+00')$$,
                  $$VALUES ('bob-chat-llama-3-1-8b', -37.5::float8), ('alice-chat-llama-3-1-8b', 7::float8)$$,
                  'without the similarity alice ranks 12 - 50 * 0.1 = 7, after bob');
UPDATE ranking_config SET history_weight = 0;
SELECT results_eq($$SELECT contender_id, rank_value FROM rank_contenders('chat-llama-3-1-8b', 5, '2024-05-01 12:30:00+00')$$,
                  $$VALUES ('bob-chat-llama-3-1-8b', 10::float8), ('alice-chat-llama-3-1-8b', 12::float8)$$,
                  'with history_weight 0 it is plain load balancing');

SELECT * FROM finish();
ROLLBACK;
