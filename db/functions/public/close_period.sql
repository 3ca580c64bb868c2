-- End of a period in the standalone layout, in one statement (so one transaction): score every
-- current contender from its counters, append it to contenders_history stamped as_of, reset its
-- counters. The UPDATE locks each contender row, so a concurrent counter bump lands either before
-- the close (and is scored) or after it (and counts towards the next period): none is lost.
-- A retry in the same decay interval (a cron job run twice) closes only the contenders that made
-- requests since: one already closed in this interval with nothing since is skipped, instead of
-- appending an empty row that would halve its interval's mean. On an adopted nineteen database
-- nineteen's control node closes periods itself, so this refuses.
CREATE OR REPLACE FUNCTION public.close_period(as_of timestamptz DEFAULT now())
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_interval interval;
    v_k        bigint;
    v_low      timestamptz;
    v_high     timestamptz;
    v_closed   integer;
    v_skipped  integer;
BEGIN
    IF close_period.as_of IS NULL OR NOT isfinite(close_period.as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite timestamptz, got %', coalesce(close_period.as_of::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'as_of', HINT = 'Leave as_of out to close the period as of now().';
    END IF;
    IF contender_rank.layout() <> 'standalone' THEN
        RAISE EXCEPTION 'close_period is for the standalone layout; this database is an adopted nineteen database'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'nineteen''s control node closes periods itself (period scores, then the move to contenders_history).';
    END IF;

    -- the state lock before any contender row, as every writer of the derived state takes it
    PERFORM contender_rank.lock_state();

    SELECT rc.decay_interval INTO v_interval FROM public.ranking_config rc;
    v_k := contender_rank.interval_index(close_period.as_of, v_interval);
    -- a window around as_of's interval that lets the index narrow the history rows of a contender
    -- (interval_index decides exactly); at the ends of the timestamptz range it opens to infinity
    BEGIN
        v_low := close_period.as_of - v_interval - interval '1 second';
    EXCEPTION WHEN datetime_field_overflow THEN
        v_low := '-infinity';
    END;
    BEGIN
        v_high := close_period.as_of + v_interval + interval '1 second';
    EXCEPTION WHEN datetime_field_overflow THEN
        v_high := 'infinity';
    END;

    WITH closed AS (
        UPDATE public.contenders c
        SET period_score = contender_rank.period_score(c.total_requests_made, c.requests_429, c.requests_500,
                                                       c.capacity, c.consumed_capacity),
            total_requests_made = 0,
            consumed_capacity = 0,
            requests_429 = 0,
            requests_500 = 0
        WHERE NOT (c.total_requests_made = 0 AND c.requests_429 = 0 AND c.requests_500 = 0 AND c.consumed_capacity = 0
                   -- already closed in this interval: the contender's state holds the newest
                   -- interval it has history in (own_interval); only a close stamped before that
                   -- interval needs its history (one index probe) to tell
                   AND EXISTS (SELECT FROM contender_rank.contender_state s
                               WHERE s.contender_id = c.contender_id
                                 AND s.own_interval >= v_k
                                 AND (s.own_interval = v_k
                                      OR EXISTS (SELECT FROM public.contenders_history h
                                                 WHERE h.contender_id = c.contender_id
                                                   AND h.expired_at > v_low
                                                   AND h.expired_at < v_high
                                                   AND contender_rank.interval_index(h.expired_at, v_interval) = v_k))))
        RETURNING c.contender_id, c.node_hotkey, c.node_id, c.netuid, c.task, c.period_score
    )
    INSERT INTO public.contenders_history (contender_id, node_hotkey, node_id, netuid, task, period_score, expired_at)
    SELECT closed.contender_id, closed.node_hotkey, closed.node_id, closed.netuid, closed.task,
           closed.period_score, close_period.as_of
    FROM closed;
    GET DIAGNOSTICS v_closed = ROW_COUNT;

    v_skipped := (SELECT count(*) FROM public.contenders) - v_closed;
    IF v_skipped > 0 THEN
        RAISE NOTICE '% contender(s) already closed in this decay interval with no requests since: left as they were',
                     v_skipped;
    END IF;
    RETURN v_closed;
END;
$$;

COMMENT ON FUNCTION public.close_period(timestamptz) IS
    'Standalone layout: closes the period atomically, computing each contender''s period_score (nineteen''s formula), '
    'appending it to contenders_history with expired_at = as_of and resetting its counters. A contender already '
    'closed in as_of''s decay interval with no requests since is skipped (a NOTICE says how many). Returns the number '
    'of contenders closed.';
REVOKE ALL ON FUNCTION public.close_period(timestamptz) FROM PUBLIC;
