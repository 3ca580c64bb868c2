-- Recomputes all derived state from contenders_history, contenders and task_similarity.
-- Runs by itself when decay_interval or decay_factor change; DBAs may call it after a bulk load
-- made with triggers disabled.
CREATE OR REPLACE FUNCTION public.rebuild_contender_state()
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM public.lock_contender_state();
    PERFORM public.recompute_own_state(NULL);
    PERFORM public.refresh_contender_rows(NULL);
END;
$$;

COMMENT ON FUNCTION public.rebuild_contender_state() IS
    'Recomputes contender_state from scratch (own metrics from contenders_history, then similar metrics). '
    'Cost grows with history; runs by itself when decay_interval or decay_factor change.';
