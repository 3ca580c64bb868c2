-- The current contenders whose similar metric depends on these (source) contenders: the other
-- contenders on the same node whose task the source's task is similar to.
CREATE OR REPLACE FUNCTION public.similar_targets(source_ids text[])
RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public
BEGIN ATOMIC
    SELECT coalesce(array_agg(DISTINCT p.target_id), '{}')
    FROM public.similar_sources p
    WHERE p.source_id IN (SELECT unnest(similar_targets.source_ids));
END;

COMMENT ON FUNCTION public.similar_targets(text[]) IS
    'Internal: ids of the current contenders whose similar metric reads the own metric of any of source_ids.';
