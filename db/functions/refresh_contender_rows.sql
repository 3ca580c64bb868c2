-- Rewrites the derived columns of the given current contenders (all when NULL) in one UPDATE:
-- own_* from the contender's running state in contender_state, similar_* from the own states of
-- the other current contenders on the same node, weighted by task similarity and valued at the
-- newest interval among them. Rows whose values did not change are not rewritten. Caller holds
-- lock_contender_state().
CREATE OR REPLACE FUNCTION public.refresh_contender_rows(contender_ids text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_factor float8;
BEGIN
    SELECT rc.decay_factor INTO v_factor FROM public.ranking_config rc;

    WITH targets AS (
        SELECT c.contender_id, c.node_hotkey, c.netuid, c.task
        FROM public.contenders c
        WHERE refresh_contender_rows.contender_ids IS NULL
           OR c.contender_id IN (SELECT unnest(refresh_contender_rows.contender_ids))
    ),
    own AS (
        SELECT s.contender_id, s.own_interval, s.own_newest_at,
               s.own_base + public.interval_mean(s.own_interval_sum, s.own_interval_count) AS own_value
        FROM public.contender_state s
    ),
    -- borrow from similar tasks on the same node
    contributions AS (
        SELECT target.contender_id, p.similarity, own.own_value, own.own_interval, own.own_newest_at,
               max(own.own_interval) OVER (PARTITION BY target.contender_id) AS ref_interval
        FROM targets target
        JOIN public.similar_sources p ON p.target_id = target.contender_id
        JOIN own ON own.contender_id = p.source_id
        WHERE p.similarity > 0
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
    ),
    derived AS (
        SELECT target.contender_id, own.own_interval, own.own_value, own.own_newest_at,
               similar_sums.similar_interval, similar_sums.similar_value, similar_sums.similar_newest_at
        FROM targets target
        LEFT JOIN own ON own.contender_id = target.contender_id
        LEFT JOIN similar_sums ON similar_sums.contender_id = target.contender_id
    )
    UPDATE public.contenders c
    SET own_interval = derived.own_interval,
        own_value = derived.own_value,
        own_newest_at = derived.own_newest_at,
        similar_interval = derived.similar_interval,
        similar_value = derived.similar_value,
        similar_newest_at = derived.similar_newest_at
    FROM derived
    WHERE c.contender_id = derived.contender_id
      -- rewriting an unchanged row would only add a dead tuple
      AND (c.own_interval, c.own_value, c.own_newest_at, c.similar_interval, c.similar_value, c.similar_newest_at)
          IS DISTINCT FROM (derived.own_interval, derived.own_value, derived.own_newest_at,
                            derived.similar_interval, derived.similar_value, derived.similar_newest_at);
END;
$$;

COMMENT ON FUNCTION public.refresh_contender_rows(text[]) IS
    'Internal: rewrites the derived own_* and similar_* columns of these current contenders (all when NULL) from '
    'contender_state, contenders and task_similarity. Call with lock_contender_state() held.';
