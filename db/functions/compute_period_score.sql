-- Nineteen's period score: the share of good requests, discounted for 429s and 500s in
-- proportion to the capacity the contender left unused. Counters that contradict each other
-- (more errors than requests, possible when they are bumped by separate statements) are read
-- as "every request failed" instead of producing a score outside [0, 1]; with consistent
-- counters the clamps never bind and this is nineteen's formula exactly.
CREATE OR REPLACE FUNCTION public.compute_period_score(
    total_requests_made int, requests_429 int, requests_500 int, capacity float8, consumed_capacity float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN coalesce(total_requests_made, 0) = 0 OR coalesce(capacity, 0) = 0 THEN NULL
    ELSE greatest(
        greatest((total_requests_made - requests_429 - requests_500)::float8 / total_requests_made, 0)
        * (1 - least(requests_429::float8 / total_requests_made, 1)
               * greatest(greatest(capacity, 1) - consumed_capacity, 0) / greatest(capacity, 1))
        * (1 - least(requests_500::float8 / total_requests_made, 1)
               * greatest(greatest(capacity, 1) - consumed_capacity, 0) / greatest(capacity, 1)),
        0)
END;

COMMENT ON FUNCTION public.compute_period_score(int, int, int, float8, float8) IS
    'Score of one period in [0, 1] from the contender''s counters (nineteen''s formula); NULL when it made no '
    'requests or had no capacity; 0 when the error counters exceed the requests made.';
