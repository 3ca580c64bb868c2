-- Trigger on task_similarity: admins edit it rarely and any pair can touch many nodes, so
-- every similar metric is recomputed (in the same transaction as the edit).
CREATE OR REPLACE FUNCTION public.refresh_similar_similarity_change()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM public.lock_contender_state();
    PERFORM public.refresh_contender_rows(NULL);
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION public.refresh_similar_similarity_change() IS
    'Trigger: after any change to task_similarity, recomputes every similar metric.';

CREATE OR REPLACE TRIGGER task_similarity_refresh_similar
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.task_similarity
    FOR EACH STATEMENT EXECUTE FUNCTION public.refresh_similar_similarity_change();
