ALTER TABLE public.ranking_config DROP COLUMN IF EXISTS retention_epsilon;
