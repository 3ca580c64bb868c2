-- The query node's call: the eligible contenders of one task, best first.
-- Reads the task's contender rows and, per contender, one row of contender_rank.contender_state
-- (30_state.sql): about what the load-balancing query it replaces reads, whatever
-- the length of history. Read-only, so a hot standby can serve it. Runs as its owner, so a caller
-- needs EXECUTE on it and nothing else.
CREATE OR REPLACE FUNCTION public.rank_contenders(task text, top_x int DEFAULT 5, as_of timestamptz DEFAULT now())
RETURNS SETOF public.ranked_contender
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
-- what the planner expects back, top_x's default: a query joining the result to contenders (the
-- drop-in selection) then probes the primary key instead of hashing every contender
ROWS 5
SET search_path = pg_catalog, pg_temp
-- ranking_config has no planner statistics (one row, never analyzed), so it is estimated at ~1000
-- rows; joined with a few thousand contenders the plan crosses jit_above_cost and every call
-- would spend seconds JIT-compiling a query that runs in a millisecond
SET jit = off
-- one plan per session, made at the first call: left to choose, the plan cache would plan the query
-- below again at every call (its generic cost, with top_x unknown, exceeds the custom plans'), and
-- planning it costs about as much as running it. The plan is made again when ANALYZE changes the
-- statistics of a table it reads
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    PERFORM contender_rank.check_ranking_arguments(rank_contenders.task, rank_contenders.top_x, rank_contenders.as_of);

    -- a state that cannot be trusted (30_state.sql, TRUST AND REPAIR) is not read: load balancing,
    -- from contenders and nodes alone
    IF contender_rank.untrusted_reason() IS NOT NULL THEN
        RETURN QUERY SELECT * FROM contender_rank.rank_balanced(rank_contenders.task, rank_contenders.top_x);
    -- a transaction's stale nodes are its own, until its COMMIT settles them (30_state.sql): there,
    -- answer from the definition, which needs no settled state (a read-only transaction has no id)
    ELSIF EXISTS (SELECT FROM contender_rank.stale_nodes n WHERE n.xact = pg_current_xact_id_if_assigned()) THEN
        RETURN QUERY SELECT * FROM contender_rank.rank_contenders_window(rank_contenders.task, rank_contenders.top_x,
                                                                         rank_contenders.as_of);
    ELSE
        RETURN QUERY SELECT * FROM contender_rank.rank_task(rank_contenders.task, rank_contenders.top_x,
                                                            rank_contenders.as_of);
    END IF;
END;
$$;

COMMENT ON FUNCTION public.rank_contenders(text, int, timestamptz) IS
    'Eligible contenders of task (capacity > 0, node handshaken), best first, at most top_x: capacity left first, '
    'then rank_value = total_requests_made + failure_weight * (requests_429 + requests_500) '
    '- history_weight * (own_metric + similar_metric) ascending, then contender_id. Reads the derived state, not '
    'history; STABLE, so a hot standby can serve it. While the state is untrusted '
    '(contender_rank.untrusted_reason()), load-balancing order with metrics 0.';
REVOKE ALL ON FUNCTION public.rank_contenders(text, int, timestamptz) FROM PUBLIC;
