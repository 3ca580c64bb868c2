-- Statement triggers on UPDATE, DELETE and TRUNCATE of contenders_history: history is an
-- append-only log, so a change to it is rare (a correction, retention); the touched contenders
-- are recomputed exactly from what remains.
CREATE OR REPLACE FUNCTION public.recompute_history_change()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_touched text[];
BEGIN
    PERFORM public.lock_contender_state();
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM public.rebuild_contender_state();
        RETURN NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        v_touched := ARRAY(SELECT o.contender_id FROM old_rows o UNION SELECT n.contender_id FROM new_rows n);
    ELSE
        v_touched := ARRAY(SELECT DISTINCT o.contender_id FROM old_rows o);
    END IF;

    PERFORM public.recompute_own_state(v_touched);
    PERFORM public.refresh_rows_for_history(v_touched);
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION public.recompute_history_change() IS
    'Trigger: after UPDATE, DELETE or TRUNCATE of contenders_history, recomputes the touched contenders'' state.';

CREATE OR REPLACE TRIGGER contenders_history_recompute_update
    AFTER UPDATE ON public.contenders_history
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.recompute_history_change();
CREATE OR REPLACE TRIGGER contenders_history_recompute_delete
    AFTER DELETE ON public.contenders_history
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.recompute_history_change();
CREATE OR REPLACE TRIGGER contenders_history_recompute_truncate
    AFTER TRUNCATE ON public.contenders_history
    FOR EACH STATEMENT EXECUTE FUNCTION public.recompute_history_change();
