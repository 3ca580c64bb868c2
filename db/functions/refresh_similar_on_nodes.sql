-- Which contenders a node has decides every similar metric on that node: recompute them all
-- for the given nodes (pairs of node_hotkeys[i], netuids[i]).
CREATE OR REPLACE FUNCTION public.refresh_similar_on_nodes(node_hotkeys text[], netuids int[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM public.refresh_contender_rows(ARRAY(
        SELECT c.contender_id
        FROM public.contenders c
        JOIN (SELECT DISTINCT u.hotkey, u.netuid
              FROM unnest(refresh_similar_on_nodes.node_hotkeys, refresh_similar_on_nodes.netuids)
                   AS u(hotkey, netuid)) node
          ON node.hotkey = c.node_hotkey
         AND node.netuid = c.netuid));
END;
$$;

COMMENT ON FUNCTION public.refresh_similar_on_nodes(text[], int[]) IS
    'Internal: recomputes the similar metrics of every current contender on these nodes. '
    'Call with lock_contender_state() held.';
