-- Bounded history: ranking_config.retention_epsilon is how much prune_history() may move any
-- metric when it drops history too old to matter.
ALTER TABLE public.ranking_config
    ADD COLUMN retention_epsilon float8 NOT NULL DEFAULT 1e-6
        CONSTRAINT retention_epsilon_between_0_and_1 CHECK (retention_epsilon >= 0 AND retention_epsilon <= 1);
COMMENT ON COLUMN public.ranking_config.retention_epsilon IS
    'Retention tolerance in [0, 1]: prune_history() drops only history whose whole remaining weight moves the own, '
    'similar and global metric of any contender by less than this. 0 keeps all history; with decay_factor = 1 '
    'nothing is ever dropped.';
