-- A failure signal within the period: ranking_config.failure_weight counts each failed request of
-- the current period (requests_429 + requests_500 on the contender, read at call time like
-- total_requests_made) as that many extra requests in rank_value, so a miner that starts failing
-- drops at once and comes back as the others catch up. 0 ignores failures. Both layouts: the
-- column is added to ranking_config wherever it was created (0001/0003 or 0007).
ALTER TABLE public.ranking_config
    ADD COLUMN failure_weight float8 NOT NULL DEFAULT 2
        CONSTRAINT failure_weight_must_be_finite_and_not_negative
            CHECK (failure_weight >= 0 AND failure_weight < 'Infinity'::float8);
COMMENT ON COLUMN public.ranking_config.failure_weight IS
    'f in rank_value = total_requests_made + f * (requests_429 + requests_500) - history_weight * global_metric; '
    'finite and >= 0. 0 ignores failures; with history_weight 0 too the ranking is pure load balancing.';

-- The functions that read it take it as one more column or argument: their old signatures go, and
-- the function files (applied after the migrations) create the new ones. rank_task (a SQL-standard
-- body over task_contenders) goes with task_contenders and comes back the same way.
DROP FUNCTION IF EXISTS contender_rank.task_contenders(text, timestamptz) CASCADE;
DROP FUNCTION IF EXISTS contender_rank.task_contenders_window(text, timestamptz, interval, float8, float8) CASCADE;
DROP FUNCTION IF EXISTS contender_rank.task_contenders_balanced(text) CASCADE;
DROP FUNCTION IF EXISTS contender_rank.rank_contenders_window(text, int, timestamptz, interval, float8, float8);
DROP FUNCTION IF EXISTS contender_rank.check_settings(interval, float8, float8);
DROP FUNCTION IF EXISTS public.explain_ranking(text, timestamptz, float8, float8, interval);
