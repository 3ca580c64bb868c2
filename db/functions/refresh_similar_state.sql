-- Recomputes the similar part of contender_state for the given current contenders (all when
-- NULL): the similarity-weighted own metrics of the other current contenders on the same node,
-- all valued at the newest interval among them. Caller holds lock_contender_state().
CREATE OR REPLACE FUNCTION public.refresh_similar_state(contender_ids text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_factor float8;
BEGIN
    SELECT rc.decay_factor INTO v_factor FROM public.ranking_config rc;

    UPDATE public.contender_state s
    SET similar_interval = NULL, similar_metric = NULL, similar_newest_at = NULL
    WHERE s.similar_interval IS NOT NULL
      AND (refresh_similar_state.contender_ids IS NULL
           OR s.contender_id = ANY (refresh_similar_state.contender_ids));

    INSERT INTO public.contender_state AS s (contender_id, similar_interval, similar_metric, similar_newest_at)
    WITH contributions AS (
        SELECT target.contender_id,
               ts.similarity,
               st.own_base + public.interval_mean(st.own_interval_sum, st.own_interval_count) AS own_at_interval,
               st.own_interval,
               st.own_newest_at,
               max(st.own_interval) OVER (PARTITION BY target.contender_id) AS ref_interval
        FROM public.contenders target
        -- borrow from similar tasks on the same node
        JOIN public.contenders other
          ON other.node_hotkey = target.node_hotkey
         AND other.netuid = target.netuid
         AND other.contender_id <> target.contender_id
        JOIN public.task_similarity ts
          ON ts.from_task = other.task
         AND ts.to_task = target.task
        JOIN public.contender_state st
          ON st.contender_id = other.contender_id
         AND st.own_interval IS NOT NULL
        WHERE ts.similarity > 0
          AND (refresh_similar_state.contender_ids IS NULL
               OR target.contender_id = ANY (refresh_similar_state.contender_ids))
    ),
    -- MATERIALIZED: scaled() then gets a plain column and is inlined; given the decayed() expression
    -- it would run as a function call per pair (the planner does not inline a function whose
    -- argument is costly and used more than once), the bulk of a period's close
    decayed_contributions AS MATERIALIZED (
        SELECT c.contender_id, c.similarity, c.ref_interval, c.own_newest_at,
               public.decayed(c.own_at_interval, v_factor, c.ref_interval - c.own_interval) AS own_at_ref
        FROM contributions c
    )
    SELECT c.contender_id,
           max(c.ref_interval),
           -- a fixed order: float8 addition is not associative, and contenders whose metrics are
           -- equal must stay exactly equal (so contender_id breaks the tie), whatever order the
           -- join happens to produce the rows in
           sum(public.scaled(c.similarity, c.own_at_ref) ORDER BY c.own_at_ref, c.similarity),
           max(c.own_newest_at)
    FROM decayed_contributions c
    GROUP BY c.contender_id
    ON CONFLICT (contender_id) DO UPDATE
    SET similar_interval = EXCLUDED.similar_interval,
        similar_metric = EXCLUDED.similar_metric,
        similar_newest_at = EXCLUDED.similar_newest_at;

    DELETE FROM public.contender_state s
    WHERE s.own_interval IS NULL AND s.similar_interval IS NULL;
END;
$$;

COMMENT ON FUNCTION public.refresh_similar_state(text[]) IS
    'Internal: recomputes the similar part of contender_state for these current contenders (all when NULL). '
    'Call with lock_contender_state() held.';
