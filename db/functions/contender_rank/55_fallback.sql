-- The read path while the derived state cannot be trusted (contender_rank.untrusted_reason() is not
-- NULL: 30_state.sql, TRUST AND REPAIR): nineteen's own rule, fewest requests first, on the same
-- eligibility and the same fail-open order, with every metric 0. It reads contenders and nodes, never
-- history nor the state. String bodies without settings: the planner inlines them, and they name the
-- validator's tables without binding to their columns.

-- Every contender of task as task_contenders() gives it, with its metrics 0 and failure_weight 0
-- (the failure signal is contender_rank's too: load balancing ignores failures).
CREATE OR REPLACE FUNCTION contender_rank.task_contenders_balanced(task text)
RETURNS TABLE (contender_id text, node_hotkey text, node_id int, total_requests_made int, capacity float8,
               capacity_left boolean, node_found boolean, handshaken boolean,
               own_metric float8, similar_metric float8, history_weight float8,
               requests_429 int, requests_500 int, failure_weight float8)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT c.contender_id::text, c.node_hotkey::text, c.node_id::int, c.total_requests_made::int,
           c.capacity::float8, c.consumed_capacity < c.capacity, n.hotkey IS NOT NULL,
           n.symmetric_key_uuid IS NOT NULL, 0::float8, 0::float8, rc.history_weight,
           c.requests_429::int, c.requests_500::int, 0::float8
    FROM public.ranking_config rc
    CROSS JOIN public.contenders c
    LEFT JOIN public.nodes n ON n.hotkey = c.node_hotkey AND n.netuid = c.netuid
    WHERE c.task = task_contenders_balanced.task;
$$;

COMMENT ON FUNCTION contender_rank.task_contenders_balanced(text) IS
    'Every contender of task with what decides its place in load-balancing order (metrics 0): for rankings '
    'while the derived state is untrusted. Reads contenders and nodes only.';

-- rank_contenders' rows in load-balancing order: eligible contenders, capacity left first, then fewest
-- requests made (rank_value = total_requests_made), then contender_id; at most top_x.
CREATE OR REPLACE FUNCTION contender_rank.rank_balanced(task text, top_x int)
RETURNS SETOF public.ranked_contender
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT m.contender_id, m.node_hotkey, m.node_id, rank_balanced.task, m.total_requests_made,
           0::float8, 0::float8, 0::float8, m.total_requests_made::float8, m.capacity_left
    FROM contender_rank.task_contenders_balanced(rank_balanced.task) m
    WHERE m.capacity > 0
      AND m.handshaken
    ORDER BY m.capacity_left DESC, m.total_requests_made, m.contender_id COLLATE "C"
    LIMIT rank_balanced.top_x;
END;

COMMENT ON FUNCTION contender_rank.rank_balanced(text, int) IS
    'The eligible contenders of task in load-balancing order (fewest requests first), metrics 0, at most top_x: '
    'rank_contenders'' answer while the derived state is untrusted.';

-- default deny: nobody but the owner runs what is in this file
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA contender_rank FROM PUBLIC;
