DROP TYPE IF EXISTS public.ranked_contender;
DROP TABLE IF EXISTS public.contender_state;
DROP TABLE IF EXISTS public.ranking_config;
DROP TABLE IF EXISTS public.task_similarity;
DROP TABLE IF EXISTS public.contenders_history;
DROP TABLE IF EXISTS public.contenders;
DROP TABLE IF EXISTS public.nodes;
