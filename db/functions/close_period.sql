-- End of a period, in one statement (so in one transaction): score every current contender
-- from its counters, append it to contenders_history stamped as_of, reset its counters.
-- The UPDATE locks each contender row, so a concurrent counter increment lands either before
-- the close (and is scored) or after it (and counts towards the next period): none is lost.
CREATE OR REPLACE FUNCTION public.close_period(as_of timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_closed integer;
BEGIN
    IF close_period.as_of IS NULL OR NOT isfinite(close_period.as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite timestamptz, got %', coalesce(close_period.as_of::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Leave as_of out to close the period as of now().';
    END IF;

    -- the state lock before the contender rows, in the order every state writer takes them
    PERFORM public.lock_contender_state();

    WITH closed AS (
        UPDATE public.contenders c
        SET period_score = public.compute_period_score(c.total_requests_made, c.requests_429, c.requests_500,
                                                       c.capacity, c.consumed_capacity),
            total_requests_made = 0,
            consumed_capacity = 0,
            requests_429 = 0,
            requests_500 = 0
        RETURNING c.contender_id, c.node_hotkey, c.node_id, c.netuid, c.task, c.period_score
    )
    INSERT INTO public.contenders_history (contender_id, node_hotkey, node_id, netuid, task, period_score, expired_at)
    SELECT closed.contender_id, closed.node_hotkey, closed.node_id, closed.netuid, closed.task,
           closed.period_score, close_period.as_of
    FROM closed;

    GET DIAGNOSTICS v_closed = ROW_COUNT;
    RETURN v_closed;
END;
$$;

COMMENT ON FUNCTION public.close_period(timestamptz) IS
    'Closes the current period atomically: computes each contender''s period_score (nineteen''s formula), appends '
    'every contender to contenders_history with expired_at = as_of, resets the per-period counters. '
    'Returns the number of contenders closed.';
