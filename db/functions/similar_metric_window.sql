-- The definition of the similar metric: over the other current contenders on the same node,
-- similarity(their task -> this task) * their own metric, from history alone.
CREATE OR REPLACE FUNCTION public.similar_metric_window(contender_id text, as_of timestamptz)
RETURNS float8
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public
-- ranking_config has no planner statistics (one row, never auto-analyzed), so its estimate
-- is ~1000 rows and the cross joins cross jit_above_cost: JIT compilation then costs ~50 ms
-- per call on a query that runs in well under 1 ms.
SET jit = off
BEGIN ATOMIC
    SELECT coalesce(sum(public.scaled(p.similarity,
                                      public.own_metric_window(p.source_id, similar_metric_window.as_of))),
                    0)::float8
    FROM public.similar_sources p
    WHERE p.target_id = similar_metric_window.contender_id;
END;

COMMENT ON FUNCTION public.similar_metric_window(text, timestamptz) IS
    'Reference definition of a current contender''s similar metric at as_of: sum over the other current '
    'contenders of the same node of similarity(their task -> its task) * own_metric_window(them, as_of).';
