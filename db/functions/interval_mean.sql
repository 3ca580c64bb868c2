-- The mean of an interval's scores, total / row_count, where a mean too small for float8 is 0
-- instead of an underflow error: PostgreSQL raises when a division of a non-zero value gives 0,
-- which a sum of denormal scores (5e-324 over two rows) does. The quotient rounds to 0 exactly
-- when |total| < row_count * the smallest denormal; otherwise it is the plain division.
-- SQL-standard body and not STRICT, like decayed(), so that the planner inlines it.
CREATE OR REPLACE FUNCTION public.interval_mean(total float8, row_count float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN total IS NULL OR row_count IS NULL THEN NULL::float8
    WHEN abs(total) < row_count * 4.9406564584124654e-324::float8 THEN 0::float8
    ELSE total / row_count
END;

COMMENT ON FUNCTION public.interval_mean(float8, float8) IS
    'total / row_count, the mean score of one interval; 0 where the quotient would underflow float8 (never raises).';
