-- k(t) = floor(epoch_seconds(t) / seconds(L)) in exact numeric arithmetic: div() truncates
-- without rounding, so a time a microsecond before a boundary never lands in the next interval.
-- extract(epoch from timestamptz) does not depend on the session's TimeZone. Declared STABLE
-- (extract on timestamptz is catalogued STABLE) so that the planner can inline it; the result
-- depends only on the arguments. Not STRICT (a STRICT function with a CASE is never inlined);
-- a NULL argument still gives NULL, through div().
CREATE OR REPLACE FUNCTION public.interval_index(at timestamptz, decay_interval interval)
RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (div(extract(epoch FROM at), extract(epoch FROM decay_interval))
        -- div() truncates towards zero; before 1970 floor is one lower
        - CASE WHEN mod(extract(epoch FROM at), extract(epoch FROM decay_interval)) < 0 THEN 1 ELSE 0 END
       )::bigint;

COMMENT ON FUNCTION public.interval_index(timestamptz, interval) IS
    'Index of the decay interval that contains at: floor(epoch seconds of at / seconds of decay_interval), '
    'aligned to the Unix epoch. A month counts as 30 days, a day as 24 hours.';
