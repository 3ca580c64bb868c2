-- The query node's call: the eligible contenders of one task, best first.
-- Reads the decayed state that triggers keep on each contenders row instead of history, so a
-- call costs the same with a day or a year of history, and about what the load-balancing query
-- it replaces costs: the same rows, plus arithmetic. Read-only: a hot standby
-- can serve it.
CREATE OR REPLACE FUNCTION public.rank_contenders(task text, top_x int DEFAULT 5, as_of timestamptz DEFAULT now())
RETURNS SETOF public.ranked_contender
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public
-- ranking_config has no planner statistics (one row, never auto-analyzed), so it is estimated at
-- ~1000 rows; joined with a few thousand contenders the plan crosses jit_above_cost and every
-- call would spend ~2 s JIT-compiling a query that runs in a few milliseconds.
SET jit = off
AS $$
BEGIN
    PERFORM public.check_ranking_arguments(rank_contenders.task, rank_contenders.top_x, rank_contenders.as_of);

    RETURN QUERY
    -- MATERIALIZED: computed once per call; pulled up, its interval_index would run for every row
    WITH config AS MATERIALIZED (
        SELECT rc.decay_factor, rc.history_weight,
               public.interval_index(rank_contenders.as_of, rc.decay_interval) AS as_of_interval
        FROM public.ranking_config rc
    )
    SELECT m.contender_id, m.node_hotkey, m.node_id, m.task, m.total_requests_made,
           m.own_metric, m.similar_metric, m.own_metric + m.similar_metric,
           public.rank_value(m.total_requests_made, m.history_weight, m.own_metric + m.similar_metric),
           m.capacity_left
    -- OFFSET 0 keeps this a subquery of its own: the metrics reach rank_value as plain columns,
    -- which lets the planner inline rank_value (it refuses to when an argument is a costly
    -- expression used more than once), without copying the rows through a materialised CTE
    FROM (
        SELECT c.contender_id, c.node_hotkey, c.node_id, c.task, c.total_requests_made,
               c.consumed_capacity < c.capacity AS capacity_left,
               CASE
                   WHEN c.own_interval IS NULL THEN 0::float8
                   -- the state has folded rows stamped after as_of: use the definition
                   WHEN c.own_newest_at > rank_contenders.as_of
                       THEN public.own_metric_window(c.contender_id, rank_contenders.as_of)
                   ELSE public.decayed(c.own_value, config.decay_factor, config.as_of_interval - c.own_interval)
               END AS own_metric,
               CASE
                   WHEN c.similar_interval IS NULL THEN 0::float8
                   WHEN c.similar_newest_at > rank_contenders.as_of
                       THEN public.similar_metric_window(c.contender_id, rank_contenders.as_of)
                   ELSE public.decayed(c.similar_value, config.decay_factor,
                                       config.as_of_interval - c.similar_interval)
               END AS similar_metric,
               config.history_weight
        FROM config
        CROSS JOIN public.contenders c
        JOIN public.nodes n
          ON n.hotkey = c.node_hotkey
         AND n.netuid = c.netuid
        WHERE c.task = rank_contenders.task
          AND c.capacity > 0
          AND n.symmetric_key_uuid IS NOT NULL
        OFFSET 0
    ) m
    -- fail open: exhausted contenders still come back, after every one with capacity left
    ORDER BY m.capacity_left DESC,
             public.rank_value(m.total_requests_made, m.history_weight, m.own_metric + m.similar_metric),
             m.contender_id COLLATE "C"
    LIMIT rank_contenders.top_x;
END;
$$;

COMMENT ON FUNCTION public.rank_contenders(text, int, timestamptz) IS
    'Eligible contenders of task (capacity > 0, node handshaken), best first, at most top_x: capacity left first, '
    'then rank_value = total_requests_made - history_weight * (own_metric + similar_metric) ascending, then '
    'contender_id. Reads the derived columns of contenders, not history; STABLE, so a hot standby can serve it.';
