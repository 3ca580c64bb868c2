-- Triggers on contenders: adding, removing or moving a contender changes which "other
-- contenders on the same node" the similar metrics of that node read. Counter updates (the
-- per-request path) name none of the watched columns and fire nothing.
CREATE OR REPLACE FUNCTION public.refresh_similar_contenders_change()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM public.lock_contender_state();
    IF TG_LEVEL = 'ROW' THEN
        -- UPDATE OF contender_id, node_hotkey, netuid or task: the old node and the new one
        PERFORM public.refresh_similar_on_nodes(ARRAY[OLD.node_hotkey, NEW.node_hotkey],
                                                ARRAY[OLD.netuid, NEW.netuid]);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM public.refresh_similar_on_nodes(ARRAY(SELECT n.node_hotkey FROM new_rows n),
                                                ARRAY(SELECT n.netuid FROM new_rows n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM public.refresh_similar_on_nodes(ARRAY(SELECT o.node_hotkey FROM old_rows o),
                                                ARRAY(SELECT o.netuid FROM old_rows o));
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION public.refresh_similar_contenders_change() IS
    'Trigger: after contenders are inserted, deleted or moved, recomputes the similar metrics on their nodes.';

CREATE OR REPLACE TRIGGER contenders_refresh_similar_insert
    AFTER INSERT ON public.contenders
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.refresh_similar_contenders_change();
CREATE OR REPLACE TRIGGER contenders_refresh_similar_delete
    AFTER DELETE ON public.contenders
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.refresh_similar_contenders_change();
CREATE OR REPLACE TRIGGER contenders_refresh_similar_move
    AFTER UPDATE OF contender_id, node_hotkey, netuid, task ON public.contenders
    FOR EACH ROW
    WHEN (OLD.contender_id IS DISTINCT FROM NEW.contender_id OR OLD.node_hotkey IS DISTINCT FROM NEW.node_hotkey
          OR OLD.netuid IS DISTINCT FROM NEW.netuid OR OLD.task IS DISTINCT FROM NEW.task)
    EXECUTE FUNCTION public.refresh_similar_contenders_change();
