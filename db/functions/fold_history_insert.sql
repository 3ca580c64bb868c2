-- Statement trigger on INSERT into contenders_history: folds the new rows into the running
-- decayed state. A contender whose new rows all fall in one interval at or after its newest
-- folded interval is folded in O(1) (the normal case: one row per period, in order); any other
-- (late rows, several intervals in one statement) is recomputed from its history.
CREATE OR REPLACE FUNCTION public.fold_history_insert()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_interval interval;
    v_factor   float8;
    v_late     text[];
BEGIN
    PERFORM public.lock_contender_state();
    SELECT rc.decay_interval, rc.decay_factor INTO v_interval, v_factor FROM public.ranking_config rc;

    -- contenders the running fold cannot absorb
    SELECT array_agg(batch.contender_id)
    INTO v_late
    FROM (
        SELECT n.contender_id,
               min(public.interval_index(n.expired_at, v_interval)) AS first_k,
               max(public.interval_index(n.expired_at, v_interval)) AS last_k
        FROM new_rows n
        GROUP BY n.contender_id
    ) batch
    LEFT JOIN public.contender_state s ON s.contender_id = batch.contender_id
    WHERE batch.first_k <> batch.last_k
       OR batch.first_k < s.own_interval;

    -- fold in order: move the state forward to the new interval, or add to the current one
    INSERT INTO public.contender_state AS s
        (contender_id, own_interval, own_base, own_interval_sum, own_interval_count, own_newest_at)
    SELECT n.contender_id, public.interval_index(min(n.expired_at), v_interval), 0,
           sum(coalesce(n.period_score, 0)), count(*), max(n.expired_at)
    FROM new_rows n
    WHERE v_late IS NULL OR n.contender_id NOT IN (SELECT unnest(v_late))
    GROUP BY n.contender_id
    ON CONFLICT (contender_id) DO UPDATE
    SET own_base = CASE
            WHEN s.own_interval IS NULL THEN 0
            WHEN s.own_interval = EXCLUDED.own_interval THEN s.own_base
            ELSE public.decayed(s.own_base + public.interval_mean(s.own_interval_sum, s.own_interval_count), v_factor,
                                EXCLUDED.own_interval - s.own_interval)
        END,
        own_interval_sum = CASE WHEN s.own_interval = EXCLUDED.own_interval
                                THEN s.own_interval_sum + EXCLUDED.own_interval_sum
                                ELSE EXCLUDED.own_interval_sum END,
        own_interval_count = CASE WHEN s.own_interval = EXCLUDED.own_interval
                                  THEN s.own_interval_count + EXCLUDED.own_interval_count
                                  ELSE EXCLUDED.own_interval_count END,
        own_interval = EXCLUDED.own_interval,
        own_newest_at = greatest(s.own_newest_at, EXCLUDED.own_newest_at);

    IF v_late IS NOT NULL THEN
        PERFORM public.recompute_own_state(v_late);
    END IF;

    PERFORM public.refresh_rows_for_history(ARRAY(SELECT DISTINCT n.contender_id FROM new_rows n));
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION public.fold_history_insert() IS
    'Trigger: folds rows inserted into contenders_history into contender_state, then refreshes the similar '
    'metrics that read them.';

CREATE OR REPLACE TRIGGER contenders_history_fold_insert
    AFTER INSERT ON public.contenders_history
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.fold_history_insert();
