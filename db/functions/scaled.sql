-- a * b for non-negative factors, 0 where the product would underflow float8 instead of an error.
-- Not STRICT, so that the planner inlines it (see decayed.sql): refreshing the similar metrics
-- at the end of every period evaluates it once per (contender, similar contender) pair.
CREATE OR REPLACE FUNCTION public.scaled(amount float8, factor float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN amount IS NULL OR factor IS NULL THEN NULL::float8
    WHEN amount = 0 OR factor = 0 THEN 0::float8
    WHEN ln(abs(amount)) + ln(abs(factor)) < -700 THEN 0::float8
    ELSE amount * factor
END;

COMMENT ON FUNCTION public.scaled(float8, float8) IS
    'amount * factor; 0 where the product would underflow float8 (never raises).';
