-- After the own state of these contenders changed: rewrite their rows and the rows whose
-- similar metric reads them. When they are a large share of all contenders (a period close
-- touches every one), rewriting every row is cheaper than finding the affected ones first.
CREATE OR REPLACE FUNCTION public.refresh_rows_for_history(contender_ids text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF cardinality(refresh_rows_for_history.contender_ids) * 4 >= (SELECT count(*) FROM public.contenders) THEN
        PERFORM public.refresh_contender_rows(NULL);
    ELSE
        PERFORM public.refresh_contender_rows(ARRAY(
            SELECT unnest(refresh_rows_for_history.contender_ids)
            UNION
            SELECT unnest(public.similar_targets(refresh_rows_for_history.contender_ids))));
    END IF;
END;
$$;

COMMENT ON FUNCTION public.refresh_rows_for_history(text[]) IS
    'Internal: after these contenders'' own state changed, rewrites the derived columns of their rows and of the '
    'rows whose similar metric reads them. Call with lock_contender_state() held.';
