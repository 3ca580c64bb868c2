-- An upper bound on |score| of every history row behind a contender's own metric: what lets a
-- retention DELETE of rows too old to matter keep the state without reading the rows left
-- (db/functions/contender_rank/35_retention.sql). The fold raises it with every row it adds and a
-- recompute sets it to the largest |score| left, so it never falls below any row still there.
-- NULL where unknown (no history, or folded before this column): such a contender is recomputed.
-- The migration changes the state's shape, so migrate rebuilds the state, which fills it.
ALTER TABLE contender_rank.contender_state ADD COLUMN own_score_bound float8;
COMMENT ON COLUMN contender_rank.contender_state.own_score_bound IS
    'At least the largest |period_score| (NULL and non-finite as 0) of the contender''s history rows behind '
    'own_*: raised by every fold, set by every recompute; NULL when unknown.';
