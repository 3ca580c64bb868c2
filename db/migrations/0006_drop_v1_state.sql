-- layout: standalone
-- The 0.1 state machinery kept a copy of each contender's own state on its contenders row and
-- everything in public. From 0.2 the derived state lives in the contender_rank schema, stored
-- once (0008), and contender_rank owns no column of the tables a validator writes. This drops
-- what 0.1 added for it: its trigger bindings, its internal functions (the ones that remain part
-- of the API, rank_contenders, close_period and prune_history, are replaced by db/functions/),
-- the similar_sources view, the derived columns of contenders and contender_state.
DROP TRIGGER IF EXISTS contenders_history_fold_insert ON public.contenders_history;
DROP TRIGGER IF EXISTS contenders_history_recompute_update ON public.contenders_history;
DROP TRIGGER IF EXISTS contenders_history_recompute_delete ON public.contenders_history;
DROP TRIGGER IF EXISTS contenders_history_recompute_truncate ON public.contenders_history;
DROP TRIGGER IF EXISTS contenders_lock_state_first ON public.contenders;
DROP TRIGGER IF EXISTS contenders_refresh_similar_insert ON public.contenders;
DROP TRIGGER IF EXISTS contenders_refresh_similar_delete ON public.contenders;
DROP TRIGGER IF EXISTS contenders_refresh_similar_move ON public.contenders;
DROP TRIGGER IF EXISTS task_similarity_refresh_similar ON public.task_similarity;
DROP TRIGGER IF EXISTS ranking_config_rebuild_state ON public.ranking_config;
DROP TRIGGER IF EXISTS ranking_config_guard_rows ON public.ranking_config;
DROP TRIGGER IF EXISTS ranking_config_guard_truncate ON public.ranking_config;

DROP FUNCTION IF EXISTS public.fold_history_insert();
DROP FUNCTION IF EXISTS public.recompute_history_change();
DROP FUNCTION IF EXISTS public.lock_before_contenders_change();
DROP FUNCTION IF EXISTS public.refresh_similar_contenders_change();
DROP FUNCTION IF EXISTS public.refresh_similar_similarity_change();
DROP FUNCTION IF EXISTS public.rebuild_on_config_change();
DROP FUNCTION IF EXISTS public.guard_ranking_config();
DROP FUNCTION IF EXISTS public.rebuild_contender_state();
DROP FUNCTION IF EXISTS public.recompute_own_state(text[]);
DROP FUNCTION IF EXISTS public.refresh_rows_for_history(text[]);
DROP FUNCTION IF EXISTS public.refresh_contender_rows(text[]);
DROP FUNCTION IF EXISTS public.refresh_similar_on_nodes(text[], int[]);
DROP FUNCTION IF EXISTS public.similar_targets(text[]);
DROP FUNCTION IF EXISTS public.similar_metric_window(text, timestamptz);
DROP FUNCTION IF EXISTS public.own_metric_window(text, timestamptz);
DROP FUNCTION IF EXISTS public.rank_contenders_window(text, int, timestamptz);
DROP FUNCTION IF EXISTS public.check_ranking_arguments(text, int, timestamptz);
DROP FUNCTION IF EXISTS public.lock_contender_state();
DROP FUNCTION IF EXISTS public.compute_period_score(int, int, int, float8, float8);
DROP FUNCTION IF EXISTS public.rank_value(float8, float8, float8);
DROP FUNCTION IF EXISTS public.decayed(float8, float8, float8);
DROP FUNCTION IF EXISTS public.scaled(float8, float8);
DROP FUNCTION IF EXISTS public.interval_mean(float8, float8);
DROP FUNCTION IF EXISTS public.interval_index(timestamptz, interval);

DROP VIEW IF EXISTS public.similar_sources;
DROP TABLE IF EXISTS public.contender_state;
ALTER TABLE public.contenders
    DROP COLUMN IF EXISTS own_interval,
    DROP COLUMN IF EXISTS own_value,
    DROP COLUMN IF EXISTS own_newest_at,
    DROP COLUMN IF EXISTS similar_interval,
    DROP COLUMN IF EXISTS similar_value,
    DROP COLUMN IF EXISTS similar_newest_at;

-- 0.1 closed every future function of schema public to PUBLIC by default; public is the host
-- schema and its defaults are not contender_rank's to set (its own functions are each revoked
-- where they are defined)
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
