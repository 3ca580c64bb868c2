-- With proposed settings explain_ranking also shows where each eligible contender would stand under
-- them: the places are those of the definition (contender_rank.rank_contenders_window) under those
-- settings. A history_weight alone reuses today's metrics; a decay_factor or decay_interval
-- recomputes them from history. Today's columns do not move.
-- The README's worked example, as of 12:30 (today: alice 8b -43 first, bob -37.5), by hand:
--   w 0:                alice 12, bob 10                                   -> bob, alice
--   f 1:                alice 70b 0.9 + 0.7 = 1.6; alice 8b own 0.2, similar 0.8 * 1.6 = 1.28, global
--                       1.48 -> 12 - 74 = -62; bob 0.8 + 0.6 = 1.4 -> 10 - 70 = -60      -> alice, bob
--   L 2 hours:          intervals [10:00, 12:00) and [12:00, 14:00): alice 70b 0.9 + 0.35 = 1.25;
--                       alice 8b 0.1 + 1.0 = 1.1 -> -43; bob 0.8 + 0.3 = 1.1 -> 10 - 55 = -45  -> bob, alice
--   L 2 hours, f 1, w 10: alice 1.48 -> 12 - 14.8 = -2.8; bob 1.4 -> 10 - 14 = -4             -> bob, alice
BEGIN;
SELECT plan(11);

SELECT tests.make_contender('alice', 'chat-llama-3-1-70b', total_requests_made => 20);
SELECT tests.make_contender('alice', 'chat-llama-3-1-8b', total_requests_made => 12);
SELECT tests.make_contender('bob', 'chat-llama-3-1-8b', total_requests_made => 10);
SELECT tests.make_contender('carol', 'chat-llama-3-1-8b', capacity => 0);
INSERT INTO task_similarity VALUES ('chat-llama-3-1-70b', 'chat-llama-3-1-8b', 0.8);
SELECT tests.insert_history($$VALUES
    ('alice-chat-llama-3-1-70b', 0.7,  '2024-05-01 11:00:00+00'),
    ('alice-chat-llama-3-1-70b', 0.9,  '2024-05-01 12:00:00+00'),
    ('alice-chat-llama-3-1-8b',  0.4,  '2024-05-01 11:00:00+00'),
    ('alice-chat-llama-3-1-8b',  NULL, '2024-05-01 11:30:00+00'),
    ('bob-chat-llama-3-1-8b',    0.6,  '2024-05-01 10:00:00+00'),
    ('bob-chat-llama-3-1-8b',    0.8,  '2024-05-01 12:00:00+00')$$);

SELECT is_empty($$SELECT * FROM explain_ranking('chat-llama-3-1-8b', '2024-05-01 12:30:00+00')
                  WHERE (proposed_place, proposed_global_metric, proposed_rank_value) IS NOT NULL$$,
                'nothing proposed: the proposed columns are NULL');
SELECT results_eq(
    $$SELECT contender_id, place, round(rank_value::numeric, 9), proposed_place, round(proposed_global_metric::numeric, 9),
             round(proposed_rank_value::numeric, 9)
      FROM explain_ranking('chat-llama-3-1-8b', '2024-05-01 12:30:00+00', history_weight => 0) WHERE place IS NOT NULL$$,
    $$VALUES ('alice-chat-llama-3-1-8b', 1, -43.0, 2, 1.1, 12.0), ('bob-chat-llama-3-1-8b', 2, -37.5, 1, 0.95, 10.0)$$,
    'history_weight 0 proposed: bob would go first; today''s places and metrics stay');
SELECT results_eq(
    $$SELECT contender_id, proposed_place, round(proposed_global_metric::numeric, 9), round(proposed_rank_value::numeric, 9)
      FROM explain_ranking('chat-llama-3-1-8b', '2024-05-01 12:30:00+00', decay_factor => 1) WHERE place IS NOT NULL$$,
    $$VALUES ('alice-chat-llama-3-1-8b', 1, 1.48, -62.0), ('bob-chat-llama-3-1-8b', 2, 1.4, -60.0)$$,
    'decay_factor 1 proposed: the metrics recomputed from history, by hand');
SELECT results_eq(
    $$SELECT contender_id, proposed_place, round(proposed_global_metric::numeric, 9), round(proposed_rank_value::numeric, 9)
      FROM explain_ranking('chat-llama-3-1-8b', '2024-05-01 12:30:00+00', decay_interval => '2 hours')
      WHERE place IS NOT NULL$$,
    $$VALUES ('alice-chat-llama-3-1-8b', 2, 1.1, -43.0), ('bob-chat-llama-3-1-8b', 1, 1.1, -45.0)$$,
    'decay_interval 2 hours proposed: the rows regrouped into two-hour intervals, by hand');
SELECT results_eq(
    $$SELECT contender_id, proposed_place, round(proposed_rank_value::numeric, 9)
      FROM explain_ranking('chat-llama-3-1-8b', '2024-05-01 12:30:00+00', 10, 1, '2 hours') WHERE place IS NOT NULL$$,
    $$VALUES ('alice-chat-llama-3-1-8b', 2, -2.8), ('bob-chat-llama-3-1-8b', 1, -4.0)$$,
    'all three proposed at once, by hand');
SELECT is((SELECT ARRAY[place, proposed_place]::int[] FROM explain_ranking('chat-llama-3-1-8b', '2024-05-01 12:30:00+00', 0)
           WHERE contender_id = 'carol-chat-llama-3-1-8b'),
          ARRAY[NULL, NULL]::int[], 'an excluded contender has no place, proposed or not');

-- on a bigger fixture: the proposed places are the definition's ranking under those settings
SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT tests.make_contender('c', 'x', total_requests_made => 30, consumed_capacity => 10);
CREATE TEMP TABLE proposals (label text, w float8, f float8, l interval) ON COMMIT DROP;
INSERT INTO proposals VALUES ('w 0.01', 0.01, NULL, NULL), ('f 0.9', NULL, 0.9, NULL), ('L 3 hours', NULL, NULL, '3 hours'),
                             ('w 200, f 0.99, L 1 day', 200, 0.99, '1 day');
CREATE TEMP VIEW proposed_vs_definition AS
WITH explained AS (
    SELECT p.label, t.task, e.proposed_place AS place, e.contender_id, e.proposed_global_metric AS global_metric,
           e.proposed_rank_value AS rank_value
    FROM proposals p, (VALUES ('x'), ('y'), ('z')) t(task),
         LATERAL explain_ranking(t.task, '2024-01-02 00:00:00+00', p.w, p.f, p.l) e
    WHERE e.proposed_place IS NOT NULL
),
defined AS (
    SELECT p.label, t.task, d.o::int AS place, d.contender_id, d.global_metric, d.rank_value
    FROM proposals p, (VALUES ('x'), ('y'), ('z')) t(task),
         LATERAL contender_rank.rank_contenders_window(t.task, 1000, '2024-01-02 00:00:00+00', p.l, p.f, p.w)
             WITH ORDINALITY AS d(contender_id, node_hotkey, node_id, task, total_requests_made, own_metric,
                                  similar_metric, global_metric, rank_value, capacity_left, o)
)
SELECT coalesce(e.label, d.label) AS label, coalesce(e.task, d.task) AS task, coalesce(e.place, d.place) AS place,
       e.contender_id AS explained, d.contender_id AS defined
FROM explained e
FULL JOIN defined d ON d.label = e.label AND d.task = e.task AND d.place = e.place
WHERE e.contender_id IS DISTINCT FROM d.contender_id
   OR NOT tests.close_to(e.global_metric, d.global_metric)
   OR NOT tests.close_to(e.rank_value, d.rank_value);

SELECT cmp_ok((SELECT count(DISTINCT label) FROM (SELECT p.label, e.contender_id FROM proposals p,
                   LATERAL explain_ranking('x', '2024-01-02 00:00:00+00', p.w, p.f, p.l) e WHERE e.proposed_place = 1) firsts),
              '=', 4::bigint, 'every proposal gives places (the comparison below is not vacuous)');
SELECT is((SELECT array_agg(contender_id ORDER BY place) || array_agg(contender_id ORDER BY proposed_place)
           FROM explain_ranking('y', '2024-01-02 00:00:00+00', 0.01) WHERE place IS NOT NULL),
          ARRAY['a-y', 'b-y', 'b-y', 'a-y'],
          'a proposal can reorder a task: a-y is first today (more history), with w 0.01 b-y''s 2 requests beat its 3');
SELECT is_empty($$SELECT * FROM proposed_vs_definition$$,
                'unsettled: for every proposal and task the proposed places, global metrics and rank values are the definition''s');
SET LOCAL jit = off;  -- the settle would JIT-compile for seconds: catalog/ranking_without_jit.sql
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT is_empty($$SELECT * FROM proposed_vs_definition$$, 'settled: the same');
SELECT results_eq($$SELECT contender_id, place, rank_value FROM explain_ranking('x', '2024-01-02 00:00:00+00', 0.01, 0.9, '3 hours')
                    WHERE place IS NOT NULL ORDER BY place$$,
                  $$SELECT contender_id, place, rank_value FROM explain_ranking('x', '2024-01-02 00:00:00+00')
                    WHERE place IS NOT NULL ORDER BY place$$,
                  'today''s places and rank values do not depend on what is proposed');

SELECT * FROM finish();
ROLLBACK;
