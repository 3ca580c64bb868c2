-- Shared argument checks of rank_contenders and rank_contenders_window.
CREATE OR REPLACE FUNCTION public.check_ranking_arguments(task text, top_x int, as_of timestamptz)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF check_ranking_arguments.task IS NULL THEN
        RAISE EXCEPTION 'task must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass the task (model) name to rank, e.g. ''chat-llama-3-1-8b''.';
    END IF;
    IF check_ranking_arguments.top_x IS NULL OR check_ranking_arguments.top_x < 1 THEN
        RAISE EXCEPTION 'top_x must be an integer >= 1, got %', coalesce(check_ranking_arguments.top_x::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'top_x is how many contenders to return, at least 1.';
    END IF;
    IF check_ranking_arguments.as_of IS NULL OR NOT isfinite(check_ranking_arguments.as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite timestamptz, got %', coalesce(check_ranking_arguments.as_of::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Leave as_of out to rank as of now().';
    END IF;
END;
$$;

COMMENT ON FUNCTION public.check_ranking_arguments(text, int, timestamptz) IS
    'Raises a clear error for a NULL task, a NULL or < 1 top_x, or a NULL or infinite as_of.';
