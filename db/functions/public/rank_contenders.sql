-- The query node's call: the eligible contenders of one task, best first.
-- Reads the task's contender rows and, per contender, one row of contender_rank.contender_state
-- (30_state.sql): about what the load-balancing query it replaces reads, whatever
-- the length of history. Read-only, so a hot standby can serve it. Runs as its owner, so a caller
-- needs EXECUTE on it and nothing else.
CREATE OR REPLACE FUNCTION public.rank_contenders(task text, top_x int DEFAULT 5, as_of timestamptz DEFAULT now())
RETURNS SETOF public.ranked_contender
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- ranking_config has no planner statistics (one row, never analyzed), so it is estimated at ~1000
-- rows; joined with a few thousand contenders the plan crosses jit_above_cost and every call
-- would spend seconds JIT-compiling a query that runs in a millisecond
SET jit = off
AS $$
BEGIN
    PERFORM contender_rank.check_ranking_arguments(rank_contenders.task, rank_contenders.top_x, rank_contenders.as_of);

    RETURN QUERY
    SELECT m.contender_id, m.node_hotkey, m.node_id, rank_contenders.task, m.total_requests_made,
           m.own_metric, m.similar_metric, m.own_metric + m.similar_metric,
           contender_rank.rank_value(m.total_requests_made, m.history_weight, m.own_metric + m.similar_metric),
           m.capacity_left
    -- OFFSET 0 keeps the metrics a subquery of their own: they reach rank_value as plain columns,
    -- which lets the planner inline it (it refuses when an argument is a costly expression used
    -- more than once)
    FROM (SELECT t.* FROM contender_rank.task_contenders(rank_contenders.task, rank_contenders.as_of) t OFFSET 0) m
    WHERE m.capacity > 0
      AND m.handshaken
    -- fail open: exhausted contenders still come back, after every one with capacity left
    ORDER BY m.capacity_left DESC,
             contender_rank.rank_value(m.total_requests_made, m.history_weight, m.own_metric + m.similar_metric),
             m.contender_id COLLATE "C"
    LIMIT rank_contenders.top_x;
END;
$$;

COMMENT ON FUNCTION public.rank_contenders(text, int, timestamptz) IS
    'Eligible contenders of task (capacity > 0, node handshaken), best first, at most top_x: capacity left first, '
    'then rank_value = total_requests_made - history_weight * (own_metric + similar_metric) ascending, then '
    'contender_id. Reads the derived state, not history; STABLE, so a hot standby can serve it.';
REVOKE ALL ON FUNCTION public.rank_contenders(text, int, timestamptz) FROM PUBLIC;
