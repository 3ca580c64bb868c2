-- For every eligible contender explain_ranking shows what rank_contenders returns: the same
-- place, order, metrics and rank_value, bit for bit, on both paths (in the writing transaction and
-- settled) and as of a time before the newest history (the definition's fallback).
BEGIN;
SELECT plan(7);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT tests.make_contender('c', 'x', total_requests_made => 2, consumed_capacity => 10);   -- exhausted
SELECT tests.make_contender('d', 'x', capacity => 0);                                         -- excluded
SELECT tests.make_contender('a', 'w', total_requests_made => 1);
INSERT INTO task_similarity VALUES ('y', 'w', 0.5);

CREATE TEMP VIEW mismatches AS
WITH tasks AS (SELECT DISTINCT c.task FROM contenders c),
explained AS (
    SELECT t.task, e.place, e.contender_id, e.node_hotkey, e.node_id, e.total_requests_made, e.own_metric,
           e.similar_metric, e.global_metric, e.rank_value, e.capacity_left
    FROM tasks t, LATERAL explain_ranking(t.task, '2024-01-02 00:00:00+00') e
    WHERE e.place IS NOT NULL
),
ranked AS (
    SELECT r.*, r.o::int AS place
    FROM tasks t,
         LATERAL rank_contenders(t.task, 1000, '2024-01-02 00:00:00+00')
             WITH ORDINALITY AS r(contender_id, node_hotkey, node_id, task, total_requests_made, own_metric,
                                  similar_metric, global_metric, rank_value, capacity_left, o)
)
SELECT coalesce(e.task, r.task) AS task, coalesce(e.place, r.place) AS place, e.contender_id AS explained_id,
       r.contender_id AS ranked_id
FROM explained e
FULL JOIN ranked r ON r.task = e.task AND r.place = e.place
WHERE (e.contender_id, e.node_hotkey, e.node_id, e.total_requests_made, e.own_metric, e.similar_metric,
       e.global_metric, e.rank_value, e.capacity_left)
      IS DISTINCT FROM
      (r.contender_id, r.node_hotkey, r.node_id, r.total_requests_made, r.own_metric, r.similar_metric,
       r.global_metric, r.rank_value, r.capacity_left);

SELECT cmp_ok((SELECT count(*) FROM explain_ranking('x', '2024-01-02 00:00:00+00') WHERE place IS NOT NULL), '=',
              (SELECT count(*) FROM rank_contenders('x', 1000, '2024-01-02 00:00:00+00')),
              'as many places as rank_contenders returns contenders');
SELECT is_empty($$SELECT * FROM mismatches$$,
                'unsettled: for every task, place by place, the same contender with the same metrics');
SELECT is_empty($$SELECT * FROM explain_ranking('x', '2024-01-02 00:00:00+00') e
                  JOIN rank_contenders('x', 1000, '2024-01-02 00:00:00+00') r USING (contender_id)
                  WHERE e.place IS NULL$$,
                'no contender rank_contenders returns is shown as excluded');
SET LOCAL jit = off;  -- the settle would JIT-compile for seconds: catalog/ranking_without_jit.sql
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT is_empty($$SELECT * FROM mismatches$$, 'settled: the same');

SELECT results_eq(
    $$SELECT contender_id, own_metric, similar_metric, rank_value
      FROM explain_ranking('x', '2024-01-01 12:00:00+00') WHERE place IS NOT NULL ORDER BY place$$,
    $$SELECT contender_id, own_metric, similar_metric, rank_value FROM rank_contenders('x', 1000, '2024-01-01 12:00:00+00')$$,
    'as of a time before the newest history, the same as rank_contenders (both fall back to the definition)');
UPDATE ranking_config SET history_weight = 0;
SELECT results_eq(
    $$SELECT contender_id, rank_value FROM explain_ranking('x', '2024-01-02 00:00:00+00') WHERE place IS NOT NULL ORDER BY place$$,
    $$SELECT contender_id, rank_value FROM rank_contenders('x', 1000, '2024-01-02 00:00:00+00')$$,
    'with history_weight 0 too');
SELECT results_eq(
    $$SELECT contender_id FROM explain_ranking('x', '2024-01-02 00:00:00+00') WHERE place IS NOT NULL ORDER BY place$$,
    ARRAY['a-x', 'b-x', 'c-x'], 'which is plain load balancing, the exhausted one last');

SELECT * FROM finish();
ROLLBACK;
