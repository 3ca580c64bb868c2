-- The ranking reads one row per contender: a copy of its decayed own state and its similar
-- metric now sit on the contender row itself, so rank_contenders is the load-balancing query
-- plus arithmetic, with no join to contender_state (which hashed every contender of every
-- task on each call). contender_state keeps the running own state, which outlives contenders
-- (the validator re-creates them every period); the similar metric only exists for current
-- contenders, so it lives on contenders alone.
ALTER TABLE public.contenders
    ADD COLUMN own_interval      bigint,
    ADD COLUMN own_value         float8,
    ADD COLUMN own_newest_at     timestamptz,
    ADD COLUMN similar_interval  bigint,
    ADD COLUMN similar_value     float8,
    ADD COLUMN similar_newest_at timestamptz;

COMMENT ON COLUMN public.contenders.own_interval IS
    'Derived (triggers write it; any value given on INSERT is replaced): newest decay interval of the contender''s history.';
COMMENT ON COLUMN public.contenders.own_value IS
    'Derived: the contender''s own metric valued at own_interval (copied from contender_state).';
COMMENT ON COLUMN public.contenders.own_newest_at IS
    'Derived: newest expired_at in the contender''s history; a ranking as of an earlier time uses the window definition.';
COMMENT ON COLUMN public.contenders.similar_interval IS 'Derived: interval index at which similar_value is valued.';
COMMENT ON COLUMN public.contenders.similar_value IS
    'Derived: sum over the other current contenders of the same node of similarity(their task -> this task) * '
    'their own metric, valued at similar_interval.';
COMMENT ON COLUMN public.contenders.similar_newest_at IS 'Derived: newest expired_at among the rows behind similar_value.';

ALTER TABLE public.contender_state
    DROP COLUMN similar_interval,
    DROP COLUMN similar_metric,
    DROP COLUMN similar_newest_at;
COMMENT ON TABLE public.contender_state IS
    'Derived, never edited by hand: each contender''s running decayed own state, kept by triggers on '
    'contenders_history and ranking_config and copied onto its contenders row. rebuild_contender_state() '
    'recomputes it from scratch.';
