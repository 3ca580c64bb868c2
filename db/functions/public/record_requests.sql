-- The query node's write, once per contender it tried: add to the four per-request counters in
-- one UPDATE. The UPDATE names no indexed column and fires no trigger, so it stays a HOT update.
CREATE OR REPLACE FUNCTION public.record_requests(
    contender_id text, requests int DEFAULT 1, consumed_capacity float8 DEFAULT 0,
    requests_429 int DEFAULT 0, requests_500 int DEFAULT 0)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_overflowing text;
BEGIN
    IF record_requests.contender_id IS NULL THEN
        RAISE EXCEPTION 'contender_id must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', COLUMN = 'contender_id';
    END IF;
    IF record_requests.requests IS NULL OR record_requests.requests < 0 THEN
        RAISE EXCEPTION 'requests must be an integer >= 0, got %', coalesce(record_requests.requests::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'requests';
    END IF;
    IF record_requests.requests_429 IS NULL OR record_requests.requests_429 < 0 THEN
        RAISE EXCEPTION 'requests_429 must be an integer >= 0, got %', coalesce(record_requests.requests_429::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'requests_429';
    END IF;
    IF record_requests.requests_500 IS NULL OR record_requests.requests_500 < 0 THEN
        RAISE EXCEPTION 'requests_500 must be an integer >= 0, got %', coalesce(record_requests.requests_500::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'requests_500';
    END IF;
    IF record_requests.consumed_capacity IS NULL OR NOT (record_requests.consumed_capacity >= 0
                                                         AND record_requests.consumed_capacity < 'Infinity'::float8) THEN
        RAISE EXCEPTION 'consumed_capacity must be a finite number >= 0, got %',
                        coalesce(record_requests.consumed_capacity::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'consumed_capacity';
    END IF;

    -- the bounds keep each sum within its type, so an overflow is refused by name below instead of
    -- failing the UPDATE with an error that names nothing
    UPDATE public.contenders c
    SET total_requests_made = c.total_requests_made + record_requests.requests,
        consumed_capacity = c.consumed_capacity + record_requests.consumed_capacity,
        requests_429 = c.requests_429 + record_requests.requests_429,
        requests_500 = c.requests_500 + record_requests.requests_500
    WHERE c.contender_id = record_requests.contender_id
      AND c.total_requests_made <= 2147483647 - record_requests.requests
      AND c.requests_429 <= 2147483647 - record_requests.requests_429
      AND c.requests_500 <= 2147483647 - record_requests.requests_500
      -- the largest float8, less what is added: computing the sum itself could overflow
      AND c.consumed_capacity <= 1.7976931348623157e308::float8 - record_requests.consumed_capacity;
    IF FOUND THEN
        RETURN true;
    END IF;
    -- no such contender (e.g. the period turned over between the ranking and this call), or a sum
    -- that would not fit
    SELECT CASE
               WHEN c.total_requests_made > 2147483647 - record_requests.requests THEN 'requests'
               WHEN c.requests_429 > 2147483647 - record_requests.requests_429 THEN 'requests_429'
               WHEN c.requests_500 > 2147483647 - record_requests.requests_500 THEN 'requests_500'
               ELSE 'consumed_capacity'  -- over the largest float8 (or not a number at all)
           END
    INTO v_overflowing
    FROM public.contenders c
    WHERE c.contender_id = record_requests.contender_id;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    RAISE EXCEPTION 'adding % to contender % would overflow its counter', v_overflowing, record_requests.contender_id
        USING ERRCODE = 'numeric_value_out_of_range', COLUMN = v_overflowing,
              HINT = 'Counters are integers up to 2147483647 (consumed_capacity a finite float8); close the period.';
END;
$$;

COMMENT ON FUNCTION public.record_requests(text, int, float8, int, int) IS
    'Adds to a contender''s per-request counters (requests made, consumed capacity, 429s, 500s) in one HOT update. '
    'Returns false when there is no such contender (the period turned over since it was ranked).';
REVOKE ALL ON FUNCTION public.record_requests(text, int, float8, int, int) FROM PUBLIC;
