-- =================================================================================================
-- Retention without a recompute: which contenders a DELETE of history rows must be recomputed for.
-- contenders_history_after_change (30_state.sql) hands over, per contender, the newest expired_at
-- and the largest |score| among the rows it lost, and recomputes only the contenders named here.
-- The decision reads contender_state alone (never the history left), so the hourly retention of a
-- validator costs about what its DELETE costs.
--
-- WHY SKIPPING IS EXACT WITHIN THE RANKING'S TOLERANCE
--   A contender's own metric at its newest interval K is V = sum over k <= K of mean(k) * f^(K - k).
--   Deleting rows of intervals k <= D (D < K) changes mean(k) from the mean of all its rows to the
--   mean of those left (or 0 when none are left): both lie within [-M, M], M a bound on |score| of
--   the contender's rows, so V moves by at most
--       sum over k <= D of 2 M f^(K - k)  <  2 M f^(K - D) / (1 - f).
--   When that is at most 1e-12 * (1 - f) * |V| the state is left as it is. Later rankings decay the
--   left-over terms by f per interval exactly as they decay V, so the relative error never grows by
--   decay; each hourly retention may leave another such amount, and those decay geometrically, so
--   all of them together stay within 1e-12 * |V| of a metric that holds steady (scores are
--   non-negative in nineteen's formula, so new rows only add to V). A similar metric borrows own
--   metrics times similarities, each moved by the same relative amount. The tests compare the state
--   with the definition at 1e-9, and this bound at 1e-12.
--   M is contender_state.own_score_bound, which the fold raises with every row it adds and a
--   recompute sets to the largest |score| left (so it covers the rows left in a partly deleted
--   interval without reading them), raised by the deleted rows' own largest |score|. Where it is
--   unknown, the contender is recomputed. With f = 1 nothing fades: every contender is recomputed.
--   Rows without a finite expired_at are in no interval: losing only those changes nothing.
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

-- The contenders a DELETE of history must recompute, given per contender (three arrays of one
-- length, in the same order) the newest finite expired_at among its deleted rows (NULL: only rows
-- without one) and the largest |usable score| among them. Reads the state only: O(contenders that
-- lost rows), whatever the length of history.
CREATE OR REPLACE FUNCTION contender_rank.deletions_to_recompute(
    contender_ids text[], newest_deleted_at timestamptz[], score_bounds float8[])
RETURNS text[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_interval  interval;
    v_factor    float8;
    v_recompute text[];
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

    WITH deleted AS (
        SELECT d.contender_id, d.newest_at, d.score_bound
        FROM unnest(deletions_to_recompute.contender_ids, deletions_to_recompute.newest_deleted_at,
                    deletions_to_recompute.score_bounds) AS d(contender_id, newest_at, score_bound)
        -- only rows in no interval went: nothing counted changed
        WHERE d.newest_at IS NOT NULL
          AND d.contender_id IS NOT NULL
    ),
    -- the interval of each distinct time, once: exact interval_index() is numeric arithmetic, and
    -- a retention's rows share a few stamps
    stamps AS MATERIALIZED (
        SELECT t.newest_at, contender_rank.interval_index(t.newest_at, v_interval) AS k
        FROM (SELECT DISTINCT d.newest_at FROM deleted d) t
    )
    SELECT coalesce(array_agg(d.contender_id), '{}')
    INTO v_recompute
    FROM deleted d
    JOIN stamps st ON st.newest_at = d.newest_at
    LEFT JOIN contender_rank.contender_state s ON s.contender_id = d.contender_id
    -- a contender without a state row, or without a known bound, cannot be judged
    WHERE NOT coalesce(contender_rank.negligible_deletion(
                           CASE WHEN s.own_score_bound IS NOT NULL THEN greatest(s.own_score_bound, d.score_bound) END,
                           s.own_value, v_factor, s.own_interval - st.k),
                       false);
    RETURN v_recompute;
END;
$$;

COMMENT ON FUNCTION contender_rank.deletions_to_recompute(text[], timestamptz[], float8[]) IS
    'Of the contenders that lost history rows (per contender: the newest finite expired_at deleted, NULL for none, '
    'and the largest |score| deleted), those whose own metric the deletion may move by more than 1e-12 * (1 - '
    'decay_factor) of its value (or that cannot be judged), and so must be recomputed; the others keep their '
    'state. Reads contender_state only. Call with lock_state() held.';

-- default deny: nobody but the owner runs what is in this file
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA contender_rank FROM PUBLIC;
