-- Recomputes the similar metric of the given current contenders (all when NULL): the
-- similarity-weighted own metrics of the other current contenders on the same node, all valued
-- at the newest interval among them, written onto the contenders rows. Caller holds
-- lock_contender_state().
CREATE OR REPLACE FUNCTION public.refresh_similar_state(contender_ids text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_factor float8;
BEGIN
    SELECT rc.decay_factor INTO v_factor FROM public.ranking_config rc;

    WITH contributions AS (
        SELECT target.contender_id,
               ts.similarity,
               other.own_value,
               other.own_interval,
               other.own_newest_at,
               max(other.own_interval) OVER (PARTITION BY target.contender_id) AS ref_interval
        FROM public.contenders target
        -- borrow from similar tasks on the same node
        JOIN public.contenders other
          ON other.node_hotkey = target.node_hotkey
         AND other.netuid = target.netuid
         AND other.contender_id <> target.contender_id
        JOIN public.task_similarity ts
          ON ts.from_task = other.task
         AND ts.to_task = target.task
        WHERE ts.similarity > 0
          AND other.own_interval IS NOT NULL
          AND (refresh_similar_state.contender_ids IS NULL
               OR target.contender_id = ANY (refresh_similar_state.contender_ids))
    ),
    -- MATERIALIZED: scaled() then gets a plain column and is inlined; given the decayed() expression
    -- it would run as a function call per pair (the planner does not inline a function whose
    -- argument is costly and used more than once)
    decayed_contributions AS MATERIALIZED (
        SELECT c.contender_id, c.similarity, c.ref_interval, c.own_newest_at,
               public.decayed(c.own_value, v_factor, c.ref_interval - c.own_interval) AS own_at_ref
        FROM contributions c
    ),
    similar_sums AS (
        SELECT c.contender_id,
               max(c.ref_interval) AS similar_interval,
               -- a fixed order: float8 addition is not associative, and contenders whose metrics are
               -- equal must stay exactly equal (so contender_id breaks the tie), whatever order the
               -- join happens to produce the rows in
               sum(public.scaled(c.similarity, c.own_at_ref) ORDER BY c.own_at_ref, c.similarity) AS similar_value,
               max(c.own_newest_at) AS similar_newest_at
        FROM decayed_contributions c
        GROUP BY c.contender_id
    )
    UPDATE public.contenders target
    SET similar_interval = similar_sums.similar_interval,
        similar_value = similar_sums.similar_value,
        similar_newest_at = similar_sums.similar_newest_at
    FROM public.contenders current_row
    LEFT JOIN similar_sums ON similar_sums.contender_id = current_row.contender_id
    WHERE target.contender_id = current_row.contender_id
      AND (refresh_similar_state.contender_ids IS NULL
           OR current_row.contender_id = ANY (refresh_similar_state.contender_ids))
      -- rewriting an unchanged row would only add a dead tuple
      AND (target.similar_interval, target.similar_value, target.similar_newest_at)
          IS DISTINCT FROM (similar_sums.similar_interval, similar_sums.similar_value, similar_sums.similar_newest_at);
END;
$$;

COMMENT ON FUNCTION public.refresh_similar_state(text[]) IS
    'Internal: recomputes the similar metric (contenders.similar_*) of these current contenders (all when NULL). '
    'Call with lock_contender_state() held.';
