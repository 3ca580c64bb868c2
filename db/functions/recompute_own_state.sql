-- Recomputes the own-history part of contender_state from contenders_history for the given
-- contenders (all when NULL). The exact path for what the running fold cannot absorb: late
-- rows, UPDATE and DELETE of history, a config change. Caller holds lock_contender_state().
CREATE OR REPLACE FUNCTION public.recompute_own_state(contender_ids text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_interval interval;
    v_factor   float8;
BEGIN
    SELECT rc.decay_interval, rc.decay_factor INTO v_interval, v_factor FROM public.ranking_config rc;

    -- forget what these contenders had, then fold their whole history again
    UPDATE public.contender_state s
    SET own_interval = NULL, own_base = NULL, own_interval_sum = NULL, own_interval_count = NULL,
        own_newest_at = NULL
    WHERE recompute_own_state.contender_ids IS NULL
       OR s.contender_id IN (SELECT unnest(recompute_own_state.contender_ids));

    INSERT INTO public.contender_state AS s
        (contender_id, own_interval, own_base, own_interval_sum, own_interval_count, own_newest_at)
    WITH per_interval AS (
        SELECT h.contender_id,
               public.interval_index(h.expired_at, v_interval) AS interval_k,
               sum(coalesce(h.period_score, 0)) AS score_sum,
               count(*) AS row_count,
               max(h.expired_at) AS newest_at
        FROM public.contenders_history h
        WHERE recompute_own_state.contender_ids IS NULL
           OR h.contender_id IN (SELECT unnest(recompute_own_state.contender_ids))
        GROUP BY 1, 2
    ),
    newest AS (
        SELECT p.*, max(p.interval_k) OVER (PARTITION BY p.contender_id) AS last_k
        FROM per_interval p
    )
    SELECT n.contender_id,
           max(n.last_k),
           coalesce(sum(public.decayed(public.interval_mean(n.score_sum, n.row_count), v_factor, n.last_k - n.interval_k))
                        FILTER (WHERE n.interval_k < n.last_k), 0),
           sum(n.score_sum) FILTER (WHERE n.interval_k = n.last_k),
           sum(n.row_count) FILTER (WHERE n.interval_k = n.last_k),
           max(n.newest_at)
    FROM newest n
    GROUP BY n.contender_id
    ON CONFLICT (contender_id) DO UPDATE
    SET own_interval = EXCLUDED.own_interval,
        own_base = EXCLUDED.own_base,
        own_interval_sum = EXCLUDED.own_interval_sum,
        own_interval_count = EXCLUDED.own_interval_count,
        own_newest_at = EXCLUDED.own_newest_at;

    DELETE FROM public.contender_state s
    WHERE s.own_interval IS NULL;
END;
$$;

COMMENT ON FUNCTION public.recompute_own_state(text[]) IS
    'Internal: recomputes the own state of these contenders (all when NULL) in contender_state from '
    'contenders_history; refresh_contender_rows() then copies it onto their rows. Call with lock_contender_state() held.';
