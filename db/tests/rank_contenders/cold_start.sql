-- The seed's cold start: chat-llama-3-1-800b is new (no history) on a node whose
-- chat-llama-3-2-3b contender has history, and 3B -> 800B similarity is 0.5: the new contender's
-- metric is exactly half the 3B one. 3B own as of 10:30 (f = 0.5): 0.9 + 0.6 / 2 = 1.2.
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('seed', 'chat-llama-3-2-3b');
SELECT tests.add_history('seed-chat-llama-3-2-3b', 0.6, '2024-01-01 09:00:00+00');
SELECT tests.add_history('seed-chat-llama-3-2-3b', 0.9, '2024-01-01 10:00:00+00');
INSERT INTO task_similarity VALUES ('chat-llama-3-2-3b', 'chat-llama-3-1-800b', 0.5);
-- another node has the new task but no 3B contender: nothing to borrow
SELECT tests.make_contender('fresh', 'chat-llama-3-1-800b', total_requests_made => 1);
SELECT tests.make_contender('seed', 'chat-llama-3-1-800b', total_requests_made => 1);

SELECT is((tests.ranked('seed-chat-llama-3-1-800b', '2024-01-01 10:30:00+00')).own_metric, 0::float8,
          'the new task has no history of its own');
SELECT is((tests.ranked('seed-chat-llama-3-1-800b', '2024-01-01 10:30:00+00')).global_metric,
          0.5 * (tests.ranked('seed-chat-llama-3-2-3b', '2024-01-01 10:30:00+00')).own_metric,
          'its metric is exactly half the 3B metric on the same node');
SELECT ok(tests.close_to((tests.ranked('seed-chat-llama-3-1-800b', '2024-01-01 10:30:00+00')).global_metric, 0.6, 1e-12),
          'half of the hand-computed 1.2');
SELECT is((tests.ranked('fresh-chat-llama-3-1-800b', '2024-01-01 10:30:00+00')).global_metric, 0::float8,
          'a node without the similar task gets nothing');
SELECT results_eq($$SELECT contender_id FROM rank_contenders('chat-llama-3-1-800b', 5, '2024-01-01 10:30:00+00')$$,
                  ARRAY['seed-chat-llama-3-1-800b', 'fresh-chat-llama-3-1-800b'],
                  'so the node with the similar history is tried first');

SELECT * FROM finish();
ROLLBACK;
