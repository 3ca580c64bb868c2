-- The worked example of README.md (section "The ranking formula"): default config (1 hour,
-- f = 0.5, w = 50), as of 2024-05-01 12:30 UTC. Every number below is computed by hand there.
-- Checked twice: as the writing transaction sees it (alice's node is stale, her similar metric is
-- computed as it is read) and once settled (what every later transaction reads from the state).
BEGIN;
SELECT plan(9);

SELECT tests.make_contender('alice', 'chat-llama-3-1-70b', total_requests_made => 20);
SELECT tests.make_contender('alice', 'chat-llama-3-1-8b', total_requests_made => 12);
SELECT tests.make_contender('bob', 'chat-llama-3-1-8b', total_requests_made => 10);
INSERT INTO task_similarity VALUES ('chat-llama-3-1-70b', 'chat-llama-3-1-8b', 0.8);
SELECT tests.insert_history($$VALUES
    ('alice-chat-llama-3-1-70b', 0.7,  '2024-05-01 11:00:00+00'),
    ('alice-chat-llama-3-1-70b', 0.9,  '2024-05-01 12:00:00+00'),
    ('alice-chat-llama-3-1-8b',  0.4,  '2024-05-01 11:00:00+00'),
    ('alice-chat-llama-3-1-8b',  NULL, '2024-05-01 11:30:00+00'),
    ('bob-chat-llama-3-1-8b',    0.6,  '2024-05-01 10:00:00+00'),
    ('bob-chat-llama-3-1-8b',    0.8,  '2024-05-01 12:00:00+00')$$);

CREATE TEMP VIEW example_8b AS
SELECT contender_id, round(own_metric::numeric, 9) AS own, round(similar_metric::numeric, 9) AS similar,
       round(global_metric::numeric, 9) AS global, round(rank_value::numeric, 9) AS rank_value
FROM rank_contenders('chat-llama-3-1-8b', 5, '2024-05-01 12:30:00+00');
CREATE TEMP VIEW example_70b AS
SELECT contender_id, round(own_metric::numeric, 9) AS own, round(similar_metric::numeric, 9) AS similar,
       round(global_metric::numeric, 9) AS global, round(rank_value::numeric, 9) AS rank_value
FROM rank_contenders('chat-llama-3-1-70b', 5, '2024-05-01 12:30:00+00');

SELECT ok(EXISTS (SELECT FROM contender_rank.stale_nodes WHERE node_hotkey = 'alice'),
          'in the writing transaction alice''s node is stale (not settled yet)');
SELECT results_eq($$SELECT * FROM example_8b$$,
                  $$VALUES ('alice-chat-llama-3-1-8b', 0.1, 1.0, 1.1, -43.0),
                           ('bob-chat-llama-3-1-8b', 0.95, 0.0, 0.95, -37.5)$$,
                  'unsettled, chat-llama-3-1-8b: alice borrows 0.8 * 1.25 from her 70b contender and goes first');
SELECT results_eq($$SELECT * FROM example_70b$$,
                  $$VALUES ('alice-chat-llama-3-1-70b', 1.25, 0.0, 1.25, -42.5)$$,
                  'unsettled, chat-llama-3-1-70b: nothing flows back from 8b (no 8b -> 70b pair)');

SET LOCAL jit = off;  -- see catalog/ranking_without_jit.sql
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT ok((SELECT similar_metric FROM contender_rank.contender_state WHERE contender_id = 'alice-chat-llama-3-1-8b')
          IS NOT NULL AND NOT EXISTS (SELECT FROM contender_rank.stale_nodes),
          'settled: alice 8b''s similar metric is stored and no node is stale');
SELECT results_eq($$SELECT * FROM example_8b$$,
                  $$VALUES ('alice-chat-llama-3-1-8b', 0.1, 1.0, 1.1, -43.0),
                           ('bob-chat-llama-3-1-8b', 0.95, 0.0, 0.95, -37.5)$$,
                  'settled, chat-llama-3-1-8b: the same numbers from the stored state');
SELECT results_eq($$SELECT * FROM example_70b$$,
                  $$VALUES ('alice-chat-llama-3-1-70b', 1.25, 0.0, 1.25, -42.5)$$,
                  'settled, chat-llama-3-1-70b: the same numbers');
SELECT ok(tests.rankings_agree('chat-llama-3-1-8b', '2024-05-01 12:30:00+00')
          AND tests.rankings_agree('chat-llama-3-1-70b', '2024-05-01 12:30:00+00'),
          'the definition from history gives the same rankings');

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
