-- The definition of a contender's own metric, computed from history alone: generate every
-- interval up to k(as_of), zero-fill the ones without rows, decay each interval mean by its age,
-- sum. Intervals older than the point where factor^age underflows float8 are 0 whatever their
-- score, so the series starts there (or at the first row) instead of at the dawn of history: a
-- year of one-second intervals would otherwise be 31.5 million generated rows. This is the
-- reference the incremental contender_state is tested against, and the fallback when a
-- ranking asks about a time before rows the state has already folded in.
CREATE OR REPLACE FUNCTION public.own_metric_window(contender_id text, as_of timestamptz)
RETURNS float8
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public
-- ranking_config has no planner statistics (one row, never auto-analyzed), so its estimate
-- is ~1000 rows and the cross joins cross jit_above_cost: JIT compilation then costs ~50 ms
-- per call on a query that runs in well under 1 ms.
SET jit = off
BEGIN ATOMIC
    WITH config AS (
        SELECT rc.decay_interval, rc.decay_factor,
               public.interval_index(own_metric_window.as_of, rc.decay_interval) AS as_of_interval
        FROM public.ranking_config rc
    ),
    -- rows stamped after as_of are not counted
    scored_rows AS (
        SELECT public.interval_index(h.expired_at, config.decay_interval) AS interval_k,
               coalesce(h.period_score, 0) AS score
        FROM public.contenders_history h, config
        WHERE h.contender_id = own_metric_window.contender_id
          AND h.expired_at <= own_metric_window.as_of
    ),
    -- a NULL score counts as 0 in its interval's mean
    interval_scores AS (
        SELECT s.interval_k, avg(s.score) AS score
        FROM scored_rows s
        GROUP BY s.interval_k
    ),
    -- zero-fill absent intervals, back to where a score of 1 would still be above float8's range
    all_intervals AS (
        SELECT generate_series(
                   greatest(min(s.interval_k),
                            CASE WHEN max(config.decay_factor) < 1
                                 THEN max(config.as_of_interval)
                                      - ceil(745 / -ln(max(config.decay_factor)))::bigint
                            END),
                   max(config.as_of_interval)) AS interval_k
        FROM scored_rows s, config
    )
    SELECT coalesce(sum(public.decayed(coalesce(i.score, 0), config.decay_factor,
                                       config.as_of_interval - a.interval_k)), 0)::float8
    FROM all_intervals a
    CROSS JOIN config
    LEFT JOIN interval_scores i ON i.interval_k = a.interval_k;
END;

COMMENT ON FUNCTION public.own_metric_window(text, timestamptz) IS
    'Reference definition of a contender''s own metric at as_of from contenders_history: '
    'sum over intervals k <= k(as_of) of mean score(k) * decay_factor^(k(as_of) - k), absent intervals 0.';
