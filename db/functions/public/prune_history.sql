-- Retention in the standalone layout: deletes the history rows too old to matter, and returns how
-- many. On an adopted nineteen database the history is nineteen's: refused, nothing deleted.
-- Why the bound holds: an interval's score is a mean of period scores in [0, 1], so the rows of an
-- interval A or more intervals old add at most f^A to an own metric, and all such intervals together
-- at most f^A / (1 - f). A similar metric borrows own metrics with similarities that sum to at most
-- S per contender, so dropping every whole interval at least A old moves the own, similar and global
-- metric by less than (1 + S) * f^A / (1 - f); A is the smallest age that keeps this below
-- retention_epsilon, plus one interval against float rounding. Later rankings only decay the dropped
-- terms further. With f = 1 no term ever fades: nothing is dropped. The DELETE fires the history
-- trigger (30_state.sql), so the derived state is recomputed from what remains.
CREATE OR REPLACE FUNCTION public.prune_history(as_of timestamptz DEFAULT now())
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_interval       interval;
    v_factor         float8;
    v_epsilon        float8;
    v_similar_sum    float8;
    v_horizon        bigint;
    v_newest_dropped bigint;
    v_cutoff         timestamptz;
    v_removed        bigint;
BEGIN
    IF prune_history.as_of IS NULL OR NOT isfinite(prune_history.as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite timestamptz, got %', coalesce(prune_history.as_of::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'as_of', HINT = 'Leave as_of out to prune as of now().';
    END IF;

    -- nineteen reads its own history (its control node scores every node from all of its period
    -- scores) and keeps it as long as it wants: contender_rank never deletes a row of it
    IF contender_rank.layout() <> 'standalone' THEN
        RAISE EXCEPTION 'prune_history is for the standalone layout; this database is an adopted nineteen database, '
                        'and nineteen owns the retention of contenders_history'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'nineteen deletes its own old history; contender_rank''s state follows every row it deletes.';
    END IF;

    SELECT rc.decay_interval, rc.decay_factor, rc.retention_epsilon
    INTO v_interval, v_factor, v_epsilon
    FROM public.ranking_config rc;
    IF v_factor >= 1 OR v_epsilon = 0 THEN
        RETURN 0;
    END IF;

    -- S: the largest total similarity one contender borrows with, by the similarity table (one
    -- contender per task on a node) and by the contenders there are now
    SELECT greatest(
        (SELECT coalesce(max(per_task.total), 0)
         FROM (SELECT sum(ts.similarity) AS total FROM public.task_similarity ts GROUP BY ts.to_task) per_task),
        (SELECT coalesce(max(per_contender.total), 0)
         FROM (SELECT sum(ts.similarity) AS total
               FROM public.contenders target
               JOIN public.contenders source
                 ON source.node_hotkey = target.node_hotkey
                AND source.netuid = target.netuid
                AND source.contender_id <> target.contender_id
               JOIN public.task_similarity ts ON ts.from_task = source.task AND ts.to_task = target.task
               GROUP BY target.contender_id) per_contender))
    INTO v_similar_sum;

    -- smallest A with (1 + S) f^A / (1 - f) < epsilon, in logarithms so that nothing underflows
    v_horizon := greatest(
        floor((ln(v_epsilon) + ln(1 - v_factor) - ln(1 + v_similar_sum)) / ln(v_factor))::bigint + 1, 1) + 1;
    v_newest_dropped := contender_rank.interval_index(prune_history.as_of, v_interval) - v_horizon;

    -- whole intervals only: dropping part of one would change its mean, up or down. The time bound
    -- lets an index on expired_at skip recent rows; interval_index decides exactly.
    v_cutoff := to_timestamp(((v_newest_dropped + 1) * extract(epoch FROM v_interval))::float8) + interval '1 second';
    DELETE FROM public.contenders_history h
    WHERE isfinite(h.expired_at)
      AND contender_rank.as_utc(h.expired_at) < v_cutoff
      AND contender_rank.interval_index(contender_rank.as_utc(h.expired_at), v_interval) <= v_newest_dropped;
    GET DIAGNOSTICS v_removed = ROW_COUNT;
    RETURN v_removed;
END;
$$;

COMMENT ON FUNCTION public.prune_history(timestamptz) IS
    'Standalone layout (refused on an adopted nineteen database, whose history nineteen keeps): deletes '
    'contenders_history rows in decay intervals so old that, all together, they move no own, similar or '
    'global metric by retention_epsilon or more in any ranking at or after as_of (bound (1 + S) f^A / (1 - f)). '
    'Deletes nothing when decay_factor = 1 or retention_epsilon = 0; keeps rows without a finite expired_at. '
    'Returns the number of rows deleted.';
REVOKE ALL ON FUNCTION public.prune_history(timestamptz) FROM PUBLIC;
