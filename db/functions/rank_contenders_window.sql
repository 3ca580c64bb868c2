-- The same ranking computed entirely from the definitions (own_metric_window,
-- similar_metric_window): slow, kept as the reference that rank_contenders is tested against.
CREATE OR REPLACE FUNCTION public.rank_contenders_window(task text, top_x int DEFAULT 5, as_of timestamptz DEFAULT now())
RETURNS SETOF public.ranked_contender
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM public.check_ranking_arguments(rank_contenders_window.task, rank_contenders_window.top_x,
                                           rank_contenders_window.as_of);

    RETURN QUERY
    WITH metrics AS (
        SELECT c.contender_id, c.node_hotkey, c.node_id, c.task, c.total_requests_made,
               c.consumed_capacity < c.capacity AS capacity_left,
               public.own_metric_window(c.contender_id, rank_contenders_window.as_of) AS own_metric,
               public.similar_metric_window(c.contender_id, rank_contenders_window.as_of) AS similar_metric,
               (SELECT rc.history_weight FROM public.ranking_config rc) AS history_weight
        FROM public.contenders c
        JOIN public.nodes n
          ON n.hotkey = c.node_hotkey
         AND n.netuid = c.netuid
        WHERE c.task = rank_contenders_window.task
          AND c.capacity > 0
          AND n.symmetric_key_uuid IS NOT NULL
    )
    SELECT m.contender_id, m.node_hotkey, m.node_id, m.task, m.total_requests_made,
           m.own_metric, m.similar_metric, m.own_metric + m.similar_metric,
           public.rank_value(m.total_requests_made, m.history_weight, m.own_metric + m.similar_metric),
           m.capacity_left
    FROM metrics m
    ORDER BY m.capacity_left DESC,
             public.rank_value(m.total_requests_made, m.history_weight, m.own_metric + m.similar_metric),
             m.contender_id COLLATE "C"
    LIMIT rank_contenders_window.top_x;
END;
$$;

COMMENT ON FUNCTION public.rank_contenders_window(text, int, timestamptz) IS
    'Reference ranking from history alone (no contender_state): same rules and columns as rank_contenders, '
    'cost grows with history. For tests and audits, not for the request path.';
