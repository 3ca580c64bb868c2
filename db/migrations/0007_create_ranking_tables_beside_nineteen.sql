-- layout: adopted
-- On an adopted nineteen database the tables a validator writes (nodes, contenders,
-- contenders_history) are nineteen's own, so 0001-0005 do not apply there. These are the tables
-- contender_rank adds beside them, defined exactly as 0001 and 0003 leave them in the standalone
-- layout: what DBAs tune and the row type of rank_contenders. The migration test compares both
-- layouts' catalogs, so the two definitions cannot drift apart.

CREATE TABLE public.task_similarity (
    from_task  text   NOT NULL,
    to_task    text   NOT NULL,
    similarity float8 NOT NULL
        CONSTRAINT similarity_between_0_and_1 CHECK (similarity >= 0 AND similarity <= 1),
    PRIMARY KEY (from_task, to_task),
    CONSTRAINT similarity_needs_two_different_tasks CHECK (from_task <> to_task)
);
CREATE INDEX task_similarity_to_task_idx ON public.task_similarity (to_task);
COMMENT ON TABLE public.task_similarity IS
    'Directed task similarity set by admins: a node''s metric on from_task counts towards its contender for to_task '
    'with this factor. A missing pair means 0.';
COMMENT ON COLUMN public.task_similarity.similarity IS 'Factor in [0, 1] applied to the from_task metric.';

CREATE TABLE public.ranking_config (
    singleton      boolean PRIMARY KEY DEFAULT true
        CONSTRAINT ranking_config_has_exactly_one_row CHECK (singleton),
    decay_interval interval NOT NULL DEFAULT interval '1 hour'
        CONSTRAINT decay_interval_must_be_positive CHECK (extract(epoch FROM decay_interval) > 0),
    decay_factor   float8 NOT NULL DEFAULT 0.5
        CONSTRAINT decay_factor_must_be_above_0_and_at_most_1 CHECK (decay_factor > 0 AND decay_factor <= 1),
    history_weight float8 NOT NULL DEFAULT 50
        CONSTRAINT history_weight_must_be_finite_and_not_negative
            CHECK (history_weight >= 0 AND history_weight < 'Infinity'::float8),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    retention_epsilon float8 NOT NULL DEFAULT 1e-6
        CONSTRAINT retention_epsilon_between_0_and_1 CHECK (retention_epsilon >= 0 AND retention_epsilon <= 1)
);
INSERT INTO public.ranking_config DEFAULT VALUES;
COMMENT ON TABLE public.ranking_config IS
    'The ranking''s tunables: exactly one row, changed with UPDATE. A change applies to the next ranking call.';
COMMENT ON COLUMN public.ranking_config.decay_interval IS
    'Length of one decay interval (> 0). Intervals are aligned to the Unix epoch; its length in seconds is '
    'extract(epoch from decay_interval), which counts a month as 30 days and a day as 24 hours.';
COMMENT ON COLUMN public.ranking_config.decay_factor IS
    'Weight lost per interval of age, 0 < f <= 1: an interval k steps old counts f^k. 1 means no decay.';
COMMENT ON COLUMN public.ranking_config.history_weight IS
    'w in rank_value = total_requests_made - w * global_metric; finite and >= 0. 0 is pure load balancing.';
COMMENT ON COLUMN public.ranking_config.retention_epsilon IS
    'Retention tolerance in [0, 1]: prune_history() drops only history whose whole remaining weight moves the own, '
    'similar and global metric of any contender by less than this. 0 keeps all history; with decay_factor = 1 '
    'nothing is ever dropped.';

CREATE TYPE public.ranked_contender AS (
    contender_id        text,
    node_hotkey         text,
    node_id             int,
    task                text,
    total_requests_made int,
    own_metric          float8,
    similar_metric      float8,
    global_metric       float8,
    rank_value          float8,
    capacity_left       boolean
);
COMMENT ON TYPE public.ranked_contender IS
    'One ranked contender with the explanation a DBA reads: own, similar and global metric, and rank_value.';
