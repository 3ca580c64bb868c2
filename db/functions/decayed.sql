-- amount * factor^steps, where a term too small for float8 is 0 instead of an underflow error
-- (PostgreSQL raises on float8 underflow). SQL-standard body: references are bound when the
-- function is created, so it needs no search_path, and the planner inlines it into the ranking.
-- Not declared STRICT: the planner never inlines a STRICT function whose body is a CASE (CASE is
-- not strict), and a call per row costs more than the ranking's joins; the first branch gives
-- the NULL a STRICT function would.
CREATE OR REPLACE FUNCTION public.decayed(amount float8, factor float8, steps float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN amount IS NULL OR factor IS NULL OR steps IS NULL THEN NULL::float8
    WHEN amount = 0 THEN 0::float8
    WHEN steps = 0 OR factor = 1 THEN amount
    -- the common case, one logarithm fewer: factor^steps >= e^-300 and amount > 1e-150 keep the
    -- product above 1e-281, far from float8's underflow
    WHEN abs(amount) > 1e-150 AND steps * ln(factor) > -300 THEN amount * power(factor, steps)
    WHEN ln(abs(amount)) + steps * ln(factor) < -700 THEN 0::float8
    ELSE amount * power(factor, steps)
END;

COMMENT ON FUNCTION public.decayed(float8, float8, float8) IS
    'amount * factor^steps; 0 where the result would underflow float8 (never raises).';
