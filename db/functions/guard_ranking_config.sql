-- ranking_config holds exactly one row: it can be changed, never added to, deleted or emptied.
CREATE OR REPLACE FUNCTION public.guard_ranking_config()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.updated_at := now();
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' AND NOT EXISTS (SELECT FROM public.ranking_config) THEN
        RETURN NEW;  -- restoring the one row into an empty table (e.g. pg_restore)
    END IF;
    RAISE EXCEPTION 'ranking_config holds exactly one row; % is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Change the settings with UPDATE ranking_config SET decay_interval = ..., decay_factor = ..., '
                     'history_weight = ...';
END;
$$;

COMMENT ON FUNCTION public.guard_ranking_config() IS
    'Trigger: keeps ranking_config at exactly one row (rejects INSERT of a second row, DELETE and TRUNCATE) '
    'and stamps updated_at on UPDATE.';

CREATE OR REPLACE TRIGGER ranking_config_guard_rows
    BEFORE INSERT OR UPDATE OR DELETE ON public.ranking_config
    FOR EACH ROW EXECUTE FUNCTION public.guard_ranking_config();
CREATE OR REPLACE TRIGGER ranking_config_guard_truncate
    BEFORE TRUNCATE ON public.ranking_config
    FOR EACH STATEMENT EXECUTE FUNCTION public.guard_ranking_config();
