-- rank_value = requests made - w * global_metric. Guarded so that an extreme (but valid)
-- history_weight gives -Infinity or no change instead of a float8 overflow/underflow error.
-- Not STRICT, so that the planner can inline it (see decayed.sql); NULL in, NULL out all the same.
CREATE OR REPLACE FUNCTION public.rank_value(requests_made float8, history_weight float8, global_metric float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN requests_made IS NULL OR history_weight IS NULL OR global_metric IS NULL THEN NULL::float8
    ELSE requests_made - CASE
        WHEN history_weight = 0 OR global_metric = 0 THEN 0::float8
        WHEN ln(history_weight) + ln(global_metric) > 709 THEN 'Infinity'::float8
        WHEN ln(history_weight) + ln(global_metric) < -700 THEN 0::float8
        ELSE history_weight * global_metric
    END
END;

COMMENT ON FUNCTION public.rank_value(float8, float8, float8) IS
    'requests_made - history_weight * global_metric: lower ranks first. Never raises on float8 range.';
