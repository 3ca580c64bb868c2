-- Statement trigger before contenders are inserted, deleted or moved: take the state lock before
-- the statement locks any contender row. The state triggers rewrite contenders rows while they
-- hold that lock, so every path must take the lock first and the rows second; a statement that
-- locked rows first and then waited for the lock (in its AFTER trigger) could deadlock with a
-- history writer that holds the lock and waits for one of those rows. Counter updates (the
-- per-request path) name none of the watched columns and never wait for it.
CREATE OR REPLACE FUNCTION public.lock_before_contenders_change()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM public.lock_contender_state();
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION public.lock_before_contenders_change() IS
    'Trigger: takes lock_contender_state() before a statement that adds, removes or moves contenders locks rows.';

CREATE OR REPLACE TRIGGER contenders_lock_state_first
    BEFORE INSERT OR DELETE OR UPDATE OF contender_id, node_hotkey, netuid, task ON public.contenders
    FOR EACH STATEMENT EXECUTE FUNCTION public.lock_before_contenders_change();
