-- The ranking's arithmetic: small pure functions that the state machinery, the definition from
-- history and rank_contenders all share. Each has a SQL-standard body, so what it references is
-- bound when it is created (no search_path to pin) and the planner inlines it into the calling
-- query. None is declared STRICT: the planner never inlines a STRICT function whose body is a CASE,
-- and a call per row costs more than the ranking's joins; each gives NULL for a NULL argument all
-- the same. None raises on float8 range: PostgreSQL raises on underflow, so each guards for it.

-- ---------------------------------------------------------------- time
-- A history time as an instant. The standalone layout stores timestamptz; nineteen stores UTC in
-- `timestamp without time zone`, which a plain cast would read in the session's TimeZone. The
-- overload is chosen by the column's type where a query is planned, so one query serves both.
CREATE OR REPLACE FUNCTION contender_rank.as_utc(at timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN at;

CREATE OR REPLACE FUNCTION contender_rank.as_utc(at timestamp)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN at AT TIME ZONE 'UTC';

COMMENT ON FUNCTION contender_rank.as_utc(timestamptz) IS 'A timestamptz history time, as is.';
COMMENT ON FUNCTION contender_rank.as_utc(timestamp) IS
    'A timestamp without time zone holding UTC (nineteen''s convention) as the instant it means, whatever the '
    'session''s TimeZone.';

-- k(t) = floor(epoch_seconds(t) / seconds(L)) in exact numeric arithmetic: div() truncates
-- without rounding, so a time a microsecond before a boundary never lands in the next interval.
-- extract(epoch from timestamptz) does not depend on the session's TimeZone. STABLE because
-- extract on timestamptz is catalogued STABLE; the result depends only on the arguments.
CREATE OR REPLACE FUNCTION contender_rank.interval_index(at timestamptz, decay_interval interval)
RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (div(extract(epoch FROM at), extract(epoch FROM decay_interval))
        -- div() truncates towards zero; before 1970 floor is one lower
        - CASE WHEN mod(extract(epoch FROM at), extract(epoch FROM decay_interval)) < 0 THEN 1 ELSE 0 END
       )::bigint;

COMMENT ON FUNCTION contender_rank.interval_index(timestamptz, interval) IS
    'Index of the decay interval that contains at: floor(epoch seconds of at / seconds of decay_interval), '
    'aligned to the Unix epoch. A month counts as 30 days, a day as 24 hours.';

-- ---------------------------------------------------------------- metrics
-- A period's score as the ranking counts it: NULL (no requests) and a non-finite value (NaN or
-- infinite, possible in nineteen's unchecked tables) count 0; any finite score counts as it is.
CREATE OR REPLACE FUNCTION contender_rank.usable_score(period_score float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN period_score > '-Infinity'::float8 AND period_score < 'Infinity'::float8 THEN period_score
    ELSE 0::float8  -- NULL, NaN (which PostgreSQL orders above Infinity), -Infinity, Infinity
END;

COMMENT ON FUNCTION contender_rank.usable_score(float8) IS
    'period_score as the ranking counts it: NULL, NaN and infinite scores count 0.';

-- The mean of an interval's scores, total / row_count, where a mean too small for float8 is 0
-- instead of an underflow error (a sum of denormal scores, 5e-324 over two rows, underflows). The one
-- definition of the interval mean: the definition from history (20_definition.sql), the fold
-- (30_state.sql) and the generated contender_state.own_value (migration 0010, which creates this
-- function with the same body so that the column can use it) all call it.
CREATE OR REPLACE FUNCTION contender_rank.interval_mean(total float8, row_count float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN total IS NULL OR row_count IS NULL THEN NULL::float8
    WHEN abs(total) < row_count * 4.9406564584124654e-324::float8 THEN 0::float8
    ELSE total / row_count
END;

COMMENT ON FUNCTION contender_rank.interval_mean(float8, float8) IS
    'total / row_count, the mean score of one interval; 0 where the quotient would underflow float8.';

-- amount * factor^steps: a metric valued steps intervals later.
CREATE OR REPLACE FUNCTION contender_rank.decayed(amount float8, factor float8, steps float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    -- the common case first, so that a ranking evaluates one test per contender and metric:
    -- factor^steps >= e^-300 and amount > 1e-150 keep the product above 1e-281, far from float8's
    -- underflow. It gives what the branches below would: a NULL fails the test and falls through,
    -- 0 too, and steps = 0 or factor = 1 multiply amount by exactly 1.
    WHEN abs(amount) > 1e-150 AND steps * ln(factor) > -300 THEN amount * power(factor, steps)
    WHEN amount IS NULL OR factor IS NULL OR steps IS NULL THEN NULL::float8
    WHEN amount = 0 THEN 0::float8
    WHEN steps = 0 OR factor = 1 THEN amount
    WHEN ln(abs(amount)) + steps * ln(factor) < -700 THEN 0::float8
    ELSE amount * power(factor, steps)
END;

COMMENT ON FUNCTION contender_rank.decayed(float8, float8, float8) IS
    'amount * factor^steps; 0 where the result would underflow float8.';

-- similarity * metric for non-negative factors.
CREATE OR REPLACE FUNCTION contender_rank.scaled(amount float8, factor float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN amount IS NULL OR factor IS NULL THEN NULL::float8
    WHEN amount = 0 OR factor = 0 THEN 0::float8
    WHEN ln(abs(amount)) + ln(abs(factor)) < -700 THEN 0::float8
    ELSE amount * factor
END;

COMMENT ON FUNCTION contender_rank.scaled(float8, float8) IS
    'amount * factor; 0 where the product would underflow float8.';

-- rank_value = load - w * global_metric, the load being requests_load (the requests made, failures
-- counted extra): an extreme (but valid) history_weight gives
-- -Infinity or no change instead of an overflow or underflow error.
CREATE OR REPLACE FUNCTION contender_rank.rank_value(requests_made float8, history_weight float8, global_metric float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    -- the common case first and without a logarithm: both factors within 1e+-150 keep the product
    -- within 1e+-300, inside float8's range (nineteen's tables have no CHECK: a negative score gives
    -- a negative metric, hence abs()). A NULL or a 0 fails the test and falls through.
    WHEN abs(global_metric) BETWEEN 1e-150 AND 1e150 AND history_weight BETWEEN 1e-150 AND 1e150
        THEN requests_made - history_weight * global_metric
    WHEN requests_made IS NULL OR history_weight IS NULL OR global_metric IS NULL THEN NULL::float8
    ELSE requests_made - CASE
        WHEN history_weight = 0 OR global_metric = 0 THEN 0::float8
        WHEN ln(history_weight) + ln(abs(global_metric)) > 709 THEN sign(global_metric) * 'Infinity'::float8
        WHEN ln(history_weight) + ln(abs(global_metric)) < -700 THEN 0::float8
        ELSE history_weight * global_metric
    END
END;

COMMENT ON FUNCTION contender_rank.rank_value(float8, float8, float8) IS
    'requests_made - history_weight * global_metric: lower ranks first.';

-- The load term of rank_value: the requests made this period, each failed one (a 429 or a 500 of
-- this period) counted failure_weight times more, so a miner that fails now drops at once and comes
-- back as the others catch up. failure_weight 0, or no failure, gives requests_made exactly. The
-- counters are added as float8 (their int sum can overflow); a negative counter, possible in
-- nineteen's unchecked tables, counts no failure; a product beyond float8 is Infinity, not an error.
CREATE OR REPLACE FUNCTION contender_rank.requests_load(
    requests_made int, requests_429 int, requests_500 int, failure_weight float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN requests_made IS NULL OR requests_429 IS NULL OR requests_500 IS NULL OR failure_weight IS NULL
        THEN NULL::float8
    WHEN failure_weight = 0 OR (requests_429 <= 0 AND requests_500 <= 0) THEN requests_made::float8
    WHEN ln(failure_weight) + ln(greatest(requests_429, 0)::float8 + greatest(requests_500, 0)) > 700
        THEN 'Infinity'::float8
    ELSE requests_made + failure_weight * (greatest(requests_429, 0)::float8 + greatest(requests_500, 0))
END;

COMMENT ON FUNCTION contender_rank.requests_load(int, int, int, float8) IS
    'requests_made + failure_weight * (requests_429 + requests_500): the load term of rank_value; requests_made '
    'when failure_weight is 0 or nothing failed.';

-- ---------------------------------------------------------------- period score
-- Nineteen's period score: the share of good requests, discounted for 429s and 500s in proportion
-- to the capacity the contender left unused. Counters that contradict each other (more errors
-- than requests, possible when they are bumped by separate statements) read as "every request
-- failed" instead of a score outside [0, 1]; with consistent counters the clamps never bind.
CREATE OR REPLACE FUNCTION contender_rank.period_score(
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

COMMENT ON FUNCTION contender_rank.period_score(int, int, int, float8, float8) IS
    'Score of one period in [0, 1] from a contender''s counters (nineteen''s formula); NULL when it made no '
    'requests or had no capacity; 0 when the error counters exceed the requests made.';

-- default deny: nobody but the owner runs what is in this file (privileges.sql grants the admin
-- what it may audit)
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA contender_rank FROM PUBLIC;
