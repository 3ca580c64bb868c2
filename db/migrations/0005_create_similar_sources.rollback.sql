DROP VIEW IF EXISTS public.similar_sources;
