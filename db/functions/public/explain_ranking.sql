-- "Why is my contender not getting requests?": every contender of the task, eligible or not, with
-- the reason for each exclusion, whether it has capacity left, its metrics and rank_value, and its
-- place in rank_contenders' order. Given proposed settings it also shows the place each contender
-- would take under them, beside today's, and changes nothing: a DBA previews a retune before the
-- UPDATE. A proposed history_weight or failure_weight alone reuses today's metrics; a proposed decay_factor or
-- decay_interval recomputes them from history (20_definition.sql), which costs a pass over it.
CREATE OR REPLACE FUNCTION public.explain_ranking(
    task text, as_of timestamptz DEFAULT now(),
    history_weight float8 DEFAULT NULL, decay_factor float8 DEFAULT NULL, decay_interval interval DEFAULT NULL,
    failure_weight float8 DEFAULT NULL)
RETURNS TABLE (place int, contender_id text, node_hotkey text, node_id int, total_requests_made int,
               capacity float8, capacity_left boolean, excluded_because text,
               own_metric float8, similar_metric float8, global_metric float8, rank_value float8,
               proposed_place int, proposed_global_metric float8, proposed_rank_value float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    v_recompute boolean := explain_ranking.decay_factor IS NOT NULL OR explain_ranking.decay_interval IS NOT NULL;
    v_untrusted text    := contender_rank.untrusted_reason();
    v_settled   boolean := NOT EXISTS (SELECT FROM contender_rank.stale_nodes n
                                       WHERE n.xact = pg_current_xact_id_if_assigned());
BEGIN
    PERFORM contender_rank.check_ranking_arguments(explain_ranking.task, 1, explain_ranking.as_of);
    PERFORM contender_rank.check_settings(explain_ranking.decay_interval, explain_ranking.decay_factor,
                                          explain_ranking.history_weight, explain_ranking.failure_weight);

    IF v_untrusted IS NOT NULL THEN
        RAISE NOTICE 'the derived state is untrusted (%): today''s places are load-balancing order, metrics 0',
                     v_untrusted
            USING HINT = 'The next write of history or of the contender list that can take the state lock repairs it; '
                         'contender-rank migrate does too.';
    END IF;

    RETURN QUERY
    WITH today AS (
        SELECT t.*, t.own_metric + t.similar_metric AS global_metric, t.capacity > 0 AND t.handshaken AS eligible
        -- settled state, or (inside a writing transaction that left nodes stale) the definition, or
        -- (untrusted state) load balancing
        FROM (SELECT * FROM contender_rank.task_contenders(explain_ranking.task, explain_ranking.as_of)
              WHERE v_untrusted IS NULL AND v_settled
              UNION ALL
              SELECT * FROM contender_rank.task_contenders_window(explain_ranking.task, explain_ranking.as_of)
              WHERE v_untrusted IS NULL AND NOT v_settled
              UNION ALL
              SELECT * FROM contender_rank.task_contenders_balanced(explain_ranking.task)
              WHERE v_untrusted IS NOT NULL) t
    ),
    proposed AS (
        SELECT w.contender_id, w.own_metric + w.similar_metric AS global_metric, w.history_weight, w.failure_weight
        FROM contender_rank.task_contenders_window(explain_ranking.task, explain_ranking.as_of,
                                                   explain_ranking.decay_interval, explain_ranking.decay_factor,
                                                   explain_ranking.history_weight, explain_ranking.failure_weight) w
        WHERE v_recompute
        UNION ALL
        SELECT t.contender_id, t.global_metric, coalesce(explain_ranking.history_weight, t.history_weight),
               coalesce(explain_ranking.failure_weight, t.failure_weight)
        FROM today t
        WHERE NOT v_recompute
          AND (explain_ranking.history_weight IS NOT NULL OR explain_ranking.failure_weight IS NOT NULL)
    ),
    valued AS (
        SELECT t.*,
               contender_rank.rank_value(
                   contender_rank.requests_load(t.total_requests_made, t.requests_429, t.requests_500,
                                                t.failure_weight),
                   t.history_weight, t.global_metric) AS today_value,
               p.global_metric AS proposed_global,
               contender_rank.rank_value(
                   contender_rank.requests_load(t.total_requests_made, t.requests_429, t.requests_500,
                                                p.failure_weight),
                   p.history_weight, p.global_metric) AS proposed_value
        FROM today t
        LEFT JOIN proposed p ON p.contender_id = t.contender_id
    )
    SELECT CASE WHEN v.eligible THEN (row_number() OVER (PARTITION BY v.eligible
                                                         ORDER BY v.capacity_left DESC, v.today_value,
                                                                  v.contender_id COLLATE "C"))::int END,
           v.contender_id, v.node_hotkey, v.node_id, v.total_requests_made, v.capacity, v.capacity_left,
           CASE
               WHEN NOT v.capacity > 0 THEN 'no capacity (capacity is not above 0)'
               WHEN NOT v.node_found THEN 'node missing (no row in nodes for its node_hotkey and netuid)'
               WHEN NOT v.handshaken THEN 'node not handshaken (symmetric_key_uuid is NULL)'
           END,
           v.own_metric, v.similar_metric, v.global_metric, v.today_value,
           CASE WHEN v.eligible AND v.proposed_value IS NOT NULL
                THEN (row_number() OVER (PARTITION BY v.eligible, v.proposed_value IS NOT NULL
                                         ORDER BY v.capacity_left DESC, v.proposed_value,
                                                  v.contender_id COLLATE "C"))::int END,
           v.proposed_global, v.proposed_value
    FROM valued v
    ORDER BY v.eligible DESC, v.capacity_left DESC, v.today_value, v.contender_id COLLATE "C";
END;
$$;

COMMENT ON FUNCTION public.explain_ranking(text, timestamptz, float8, float8, interval, float8) IS
    'Every contender of task, eligible or not: place in rank_contenders'' order (NULL when excluded), the reason '
    'for an exclusion, capacity left, own/similar/global metric and rank_value; with proposed settings also the '
    'place, global metric and rank_value they would give. Changes nothing.';
REVOKE ALL ON FUNCTION public.explain_ranking(text, timestamptz, float8, float8, interval, float8) FROM PUBLIC;
