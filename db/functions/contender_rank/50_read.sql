-- =================================================================================================
-- The read path: how rank_contenders and explain_ranking read the settled derived state back. It
-- shapes no stored value (30_state.sql does), so editing it never makes migrate rebuild the state;
-- it changes for speed, and the definition (20_definition.sql) is what it must always agree with.
-- =================================================================================================


-- Every contender of the task with what decides its place: the validator's contender and node rows,
-- read live (requests, capacity, handshake), and its contender_state row, each metric valued at
-- as_of. When the state already holds history stamped after as_of, that metric comes from the
-- definition instead (20_definition.sql). Settled, trusted state only: its callers check
-- untrusted_reason() and their own stale_nodes first.
-- A plain SQL function without settings, so the planner inlines it into rank_task and explain_ranking;
-- a string body, since it reads the validator's tables (a SQL-standard body would bind it to their
-- columns, and nineteen's ALTER TABLE would fail on it).
CREATE OR REPLACE FUNCTION contender_rank.task_contenders(task text, as_of timestamptz)
RETURNS TABLE (contender_id text, node_hotkey text, node_id int, total_requests_made int, capacity float8,
               capacity_left boolean, node_found boolean, handshaken boolean,
               own_metric float8, similar_metric float8, history_weight float8,
               requests_429 int, requests_500 int, failure_weight float8)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    -- a subquery of its own (OFFSET 0): the metrics leave it as plain columns, so that rank_value()
    -- over them is inlined (the planner will not inline it over an expression it uses more than
    -- once); its config CTE stays inside, so that the query around it can be flattened
    SELECT x.contender_id, x.node_hotkey, x.node_id, x.total_requests_made, x.capacity, x.capacity_left,
           x.node_found, x.handshaken, x.own_metric, x.similar_metric, x.history_weight,
           x.requests_429, x.requests_500, x.failure_weight
    FROM (
        WITH config AS MATERIALIZED (
            SELECT rc.decay_interval, rc.decay_factor, rc.history_weight, rc.failure_weight,
                   contender_rank.interval_index(task_contenders.as_of, rc.decay_interval) AS as_of_k
            FROM public.ranking_config rc
        )
        SELECT c.contender_id, c.node_hotkey, c.node_id, c.total_requests_made, c.capacity,
               c.consumed_capacity < c.capacity AS capacity_left,
               n.hotkey IS NOT NULL AS node_found,
               n.symmetric_key_uuid IS NOT NULL AS handshaken,
               CASE
                   WHEN s.own_interval IS NULL THEN 0::float8
                   WHEN s.own_newest_at > task_contenders.as_of THEN
                       coalesce((SELECT w.own_metric
                                 FROM contender_rank.own_metrics_window(ARRAY[c.contender_id], task_contenders.as_of,
                                                                        config.decay_interval, config.decay_factor) w), 0)
                   ELSE contender_rank.decayed(s.own_value, config.decay_factor, config.as_of_k - s.own_interval)
               END AS own_metric,
               CASE
                   WHEN s.similar_interval IS NULL THEN 0::float8
                   WHEN s.similar_newest_at > task_contenders.as_of THEN
                       coalesce((SELECT w.similar_metric
                                 FROM contender_rank.similar_metrics_window(ARRAY[c.contender_id], task_contenders.as_of,
                                                                            config.decay_interval, config.decay_factor) w), 0)
                   ELSE contender_rank.decayed(s.similar_metric, config.decay_factor, config.as_of_k - s.similar_interval)
               END AS similar_metric,
               config.history_weight,
               c.requests_429, c.requests_500, config.failure_weight
        FROM config
        CROSS JOIN public.contenders c
        LEFT JOIN public.nodes n ON n.hotkey = c.node_hotkey AND n.netuid = c.netuid
        -- settled, every current contender's state row carries its task (the settle writes it), so the
        -- task's rows come from the index on it instead of a scan of every contender's state
        LEFT JOIN contender_rank.contender_state s
               ON s.contender_id = c.contender_id
              AND s.task = task_contenders.task
        WHERE c.task = task_contenders.task
        OFFSET 0
    ) x;
$$;

COMMENT ON FUNCTION contender_rank.task_contenders(text, timestamptz) IS
    'Every contender of task with what decides its place, from the settled derived state: capacity, node found '
    'and handshaken, own and similar metric valued at as_of, history_weight, this period''s failures and '
    'failure_weight.';

-- rank_contenders' order over task_contenders: eligible contenders (capacity > 0, node handshaken),
-- capacity left first, then rank_value, then contender_id; at most top_x. Inlined into
-- rank_contenders when no node is stale.
CREATE OR REPLACE FUNCTION contender_rank.rank_task(task text, top_x int, as_of timestamptz)
RETURNS SETOF public.ranked_contender
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT m.contender_id, m.node_hotkey, m.node_id, rank_task.task, m.total_requests_made,
           m.own_metric, m.similar_metric, m.own_metric + m.similar_metric,
           contender_rank.rank_value(m.requests_load, m.history_weight, m.own_metric + m.similar_metric),
           m.capacity_left
    -- the load in a subquery of its own (OFFSET 0), so that it reaches rank_value() as a plain
    -- column: the planner inlines rank_value() only over arguments it may evaluate twice, and
    -- requests_load() inlined is too costly an expression for that (a rank_value() left as a call
    -- is a SQL function run per contender, which doubled the query node's cost)
    FROM (
        SELECT t.*, contender_rank.requests_load(t.total_requests_made, t.requests_429, t.requests_500,
                                                 t.failure_weight) AS requests_load
        FROM contender_rank.task_contenders(rank_task.task, rank_task.as_of) t
        WHERE t.capacity > 0
          AND t.handshaken
        OFFSET 0
    ) m
    -- fail open: exhausted contenders still come back, after every one with capacity left
    ORDER BY m.capacity_left DESC,
             contender_rank.rank_value(m.requests_load, m.history_weight, m.own_metric + m.similar_metric),
             m.contender_id COLLATE "C"
    LIMIT rank_task.top_x;
END;

COMMENT ON FUNCTION contender_rank.rank_task(text, int, timestamptz) IS
    'The eligible contenders of task in rank_contenders'' order, at most top_x, from the settled derived state.';

-- default deny: nobody but the owner runs what is in this file
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA contender_rank FROM PUBLIC;
