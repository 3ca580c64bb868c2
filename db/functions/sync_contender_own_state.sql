-- Copies the own state of these contenders (all when NULL) from contender_state onto their
-- contenders rows, where rank_contenders and the similar metrics read it. Caller holds
-- lock_contender_state().
CREATE OR REPLACE FUNCTION public.sync_contender_own_state(contender_ids text[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
BEGIN
    UPDATE public.contenders c
    SET own_interval = s.own_interval,
        own_value = s.own_base + public.interval_mean(s.own_interval_sum, s.own_interval_count),
        own_newest_at = s.own_newest_at
    FROM public.contenders target
    LEFT JOIN public.contender_state s ON s.contender_id = target.contender_id
    WHERE c.contender_id = target.contender_id
      AND (sync_contender_own_state.contender_ids IS NULL
           OR target.contender_id = ANY (sync_contender_own_state.contender_ids))
      -- rewriting an unchanged row would only add a dead tuple
      AND (c.own_interval, c.own_newest_at, c.own_value)
          IS DISTINCT FROM (s.own_interval, s.own_newest_at,
                            s.own_base + public.interval_mean(s.own_interval_sum, s.own_interval_count));
END;
$$;

COMMENT ON FUNCTION public.sync_contender_own_state(text[]) IS
    'Internal: copies contender_state''s own metric onto the contenders rows of these ids (all when NULL). '
    'Call with lock_contender_state() held.';
