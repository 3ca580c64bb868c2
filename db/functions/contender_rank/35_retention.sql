-- =================================================================================================
-- Retention without a recompute: which contenders a DELETE of history rows must be recomputed for.
-- contenders_history_after_change (30_state.sql) hands over, per contender, the newest expired_at
-- and the largest |score| among the rows it lost, and recomputes only the contenders named here.
--
-- WHY SKIPPING IS EXACT WITHIN THE RANKING'S TOLERANCE
--   A contender's own metric at its newest interval K is V = sum over k <= K of mean(k) * f^(K - k).
--   Deleting rows of intervals k <= D (D < K) changes mean(k) from the mean of all its rows to the
--   mean of those left (or 0 when none are left): both lie within [-M, M], M the largest |score| of
--   the contender's rows in those intervals, so V moves by at most
--       sum over k <= D of 2 M f^(K - k)  <  2 M f^(K - D) / (1 - f).
--   When that is at most 1e-12 * (1 - f) * |V| the state is left as it is. Later rankings decay the
--   left-over terms by f per interval exactly as they decay V, so the relative error never grows by
--   decay; each hourly retention may leave another such amount, and those decay geometrically, so
--   all of them together stay within 1e-12 * |V| of a metric that holds steady (scores are
--   non-negative in nineteen's formula, so new rows only add to V). A similar metric borrows own
--   metrics times similarities, each moved by the same relative amount. The tests compare the state
--   with the definition at 1e-9.
--   M is taken over the deleted rows (handed over) and over the rows still there in the deleted
--   intervals (read here): the interval mean of a partly deleted interval moves with what is left.
--   With f = 1 nothing fades: every contender is recomputed. Rows without a finite expired_at are
--   in no interval: losing only those changes nothing.
-- =================================================================================================

-- The test above, in logarithms so that nothing underflows or overflows: can deleting rows of
-- intervals at least `age` intervals older than a metric's newest move it by more than
-- 1e-12 * (1 - f) of its value? False (recompute) whenever it cannot say.
CREATE OR REPLACE FUNCTION contender_rank.negligible_deletion(
    score_bound float8, metric float8, decay_factor float8, age float8)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN score_bound IS NULL OR metric IS NULL OR decay_factor IS NULL OR age IS NULL THEN false
    WHEN NOT (decay_factor > 0 AND decay_factor < 1) OR NOT (age >= 1 AND age < 'Infinity') THEN false
    WHEN NOT (score_bound >= 0 AND score_bound < 'Infinity') THEN false
    -- every row involved counted 0: no mean moves
    WHEN score_bound = 0 THEN true
    WHEN NOT (abs(metric) > 0 AND abs(metric) < 'Infinity') THEN false
    ELSE ln(2::float8) + ln(score_bound) + age * ln(decay_factor) - 2 * ln(1 - decay_factor)
         <= ln(1e-12::float8) + ln(abs(metric))
END;

COMMENT ON FUNCTION contender_rank.negligible_deletion(float8, float8, float8, float8) IS
    'Whether deleting history rows with |score| <= score_bound, all at least age decay intervals older than the '
    'newest interval of a metric worth metric there, moves it by at most 1e-12 * (1 - decay_factor) of its value '
    '(bound 2 * score_bound * f^age / (1 - f)); false when it cannot tell.';

-- Whether a history time is before a cutoff, compared in the column's own type: for nineteen's
-- naive UTC times the cutoff is converted once (a constant) instead of every row's time, and for
-- timestamptz an index on expired_at can serve the comparison.
CREATE OR REPLACE FUNCTION contender_rank.expired_before(at timestamp, cutoff timestamptz)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN at < (cutoff AT TIME ZONE 'UTC');

CREATE OR REPLACE FUNCTION contender_rank.expired_before(at timestamptz, cutoff timestamptz)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN at < cutoff;

COMMENT ON FUNCTION contender_rank.expired_before(timestamp, timestamptz) IS
    'Whether a naive UTC history time (nineteen''s convention) is before cutoff.';
COMMENT ON FUNCTION contender_rank.expired_before(timestamptz, timestamptz) IS
    'Whether a history time is before cutoff.';

-- The contenders a DELETE of history must recompute, given per contender (three arrays of one
-- length, in the same order) the newest finite expired_at among its deleted rows (NULL: only rows
-- without one) and the largest |usable score| among them. Reads the state and, for the contenders
-- that may be skipped, their rows left in the deleted intervals (an index on contender_id and
-- expired_at serves that read where there is one; nineteen's table has none, so it is one scan).
CREATE OR REPLACE FUNCTION contender_rank.deletions_to_recompute(
    contender_ids text[], newest_deleted_at timestamptz[], score_bounds float8[])
RETURNS text[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
-- the candidates are matched by = ANY of a constant list: hashed, or an index condition; a generic
-- plan would test each history row against the list one element after another
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_interval   interval;
    v_factor     float8;
    v_recompute  text[];
    v_candidates text[];
    v_newest_k   bigint;
    v_cutoff     timestamptz;
BEGIN
    IF cardinality(deletions_to_recompute.contender_ids) IS DISTINCT FROM cardinality(deletions_to_recompute.newest_deleted_at)
       OR cardinality(deletions_to_recompute.contender_ids) IS DISTINCT FROM cardinality(deletions_to_recompute.score_bounds) THEN
        RAISE EXCEPTION 'contender_ids, newest_deleted_at and score_bounds must have the same length, got %, % and %',
            coalesce(cardinality(deletions_to_recompute.contender_ids)::text, 'NULL'),
            coalesce(cardinality(deletions_to_recompute.newest_deleted_at)::text, 'NULL'),
            coalesce(cardinality(deletions_to_recompute.score_bounds)::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'One element per contender that lost rows, in the same order (NULL arrays: none).';
    END IF;
    IF deletions_to_recompute.contender_ids IS NULL THEN
        RETURN '{}';
    END IF;
    SELECT rc.decay_interval, rc.decay_factor INTO v_interval, v_factor FROM public.ranking_config rc;

    -- first with the deleted rows' own bound: who might be skipped, and who is recomputed for sure
    -- (a contender without a state row is recomputed: it cannot be told)
    SELECT coalesce(array_agg(d.contender_id) FILTER (WHERE NOT d.maybe_negligible), '{}'),
           coalesce(array_agg(d.contender_id) FILTER (WHERE d.maybe_negligible), '{}'),
           max(d.k) FILTER (WHERE d.maybe_negligible)
    INTO v_recompute, v_candidates, v_newest_k
    FROM (SELECT d.contender_id, d.k,
                 coalesce(contender_rank.negligible_deletion(d.score_bound, s.own_value, v_factor,
                                                             s.own_interval - d.k), false) AS maybe_negligible
          FROM (SELECT d.contender_id, d.score_bound, contender_rank.interval_index(d.newest_at, v_interval) AS k
                FROM unnest(deletions_to_recompute.contender_ids, deletions_to_recompute.newest_deleted_at,
                            deletions_to_recompute.score_bounds) AS d(contender_id, newest_at, score_bound)
                -- only rows in no interval went: nothing counted changed
                WHERE d.newest_at IS NOT NULL
                  AND d.contender_id IS NOT NULL
                OFFSET 0) d
          LEFT JOIN contender_rank.contender_state s ON s.contender_id = d.contender_id) d;

    IF cardinality(v_candidates) = 0 THEN
        RETURN v_recompute;
    END IF;

    -- then with the rows left in the deleted intervals too: every row before the end of the newest
    -- of them, and a second more against float rounding (a wider bound for a contender whose
    -- deletion was older, never a narrower one); past timestamptz's range, every row
    v_cutoff := CASE
        WHEN (v_newest_k + 1) * extract(epoch FROM v_interval) < 9e12
            THEN pg_catalog.to_timestamp(((v_newest_k + 1) * extract(epoch FROM v_interval))::float8)
                 + interval '1 second'
        ELSE 'infinity'::timestamptz
    END;
    RETURN v_recompute || ARRAY(
        SELECT d.contender_id
        FROM unnest(deletions_to_recompute.contender_ids, deletions_to_recompute.newest_deleted_at,
                    deletions_to_recompute.score_bounds) AS d(contender_id, newest_at, score_bound)
        JOIN contender_rank.contender_state s ON s.contender_id = d.contender_id
        LEFT JOIN (
            SELECT h.contender_id, max(abs(contender_rank.usable_score(h.period_score))) AS score_bound
            FROM public.contenders_history h
            WHERE contender_rank.expired_before(h.expired_at, v_cutoff)
              AND isfinite(h.expired_at)
              AND h.contender_id = ANY (v_candidates)
            GROUP BY h.contender_id
        ) kept ON kept.contender_id = d.contender_id
        WHERE d.contender_id = ANY (v_candidates)
          AND NOT contender_rank.negligible_deletion(
                  greatest(d.score_bound, kept.score_bound), s.own_value, v_factor,
                  s.own_interval - contender_rank.interval_index(d.newest_at, v_interval)));
END;
$$;

COMMENT ON FUNCTION contender_rank.deletions_to_recompute(text[], timestamptz[], float8[]) IS
    'Of the contenders that lost history rows (per contender: the newest finite expired_at deleted, NULL for none, '
    'and the largest |score| deleted), those whose own metric the deletion may move by more than 1e-12 * (1 - '
    'decay_factor) of its value, and so must be recomputed; the others keep their state. Call with lock_state() '
    'held.';

-- default deny: nobody but the owner runs what is in this file
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA contender_rank FROM PUBLIC;
