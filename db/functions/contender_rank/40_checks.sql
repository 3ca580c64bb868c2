-- Checks shared by the API: arguments and proposed settings are refused with a message that names
-- what is allowed (and, in the error's column field, which argument), before anything is read or
-- written; and the guard that keeps ranking_config at exactly one row.

CREATE OR REPLACE FUNCTION contender_rank.check_ranking_arguments(task text, top_x int, as_of timestamptz)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF check_ranking_arguments.task IS NULL THEN
        RAISE EXCEPTION 'task must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', COLUMN = 'task',
                  HINT = 'Pass the task (model) name to rank, e.g. ''chat-llama-3-1-8b''.';
    END IF;
    IF check_ranking_arguments.top_x IS NULL OR check_ranking_arguments.top_x < 1 THEN
        RAISE EXCEPTION 'top_x must be an integer >= 1, got %', coalesce(check_ranking_arguments.top_x::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'top_x',
                  HINT = 'top_x is how many contenders to return, at least 1.';
    END IF;
    IF check_ranking_arguments.as_of IS NULL OR NOT isfinite(check_ranking_arguments.as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite timestamptz, got %', coalesce(check_ranking_arguments.as_of::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'as_of', HINT = 'Leave as_of out to rank as of now().';
    END IF;
END;
$$;

COMMENT ON FUNCTION contender_rank.check_ranking_arguments(text, int, timestamptz) IS
    'Raises a clear error for a NULL task, a NULL or < 1 top_x, or a NULL or infinite as_of.';

-- The rules of ranking_config's CHECK constraints, for settings that are proposed rather than
-- stored (a preview); NULL means "as configured" and is always allowed.
CREATE OR REPLACE FUNCTION contender_rank.check_settings(decay_interval interval, decay_factor float8, history_weight float8,
                                                        failure_weight float8 DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF check_settings.decay_interval IS NOT NULL AND NOT extract(epoch FROM check_settings.decay_interval) > 0 THEN
        RAISE EXCEPTION 'decay_interval must be longer than zero, got %', check_settings.decay_interval
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'decay_interval', HINT = 'For example ''1 hour''.';
    END IF;
    IF check_settings.decay_factor IS NOT NULL AND NOT (check_settings.decay_factor > 0 AND check_settings.decay_factor <= 1) THEN
        RAISE EXCEPTION 'decay_factor must be greater than 0 and at most 1, got %', check_settings.decay_factor
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'decay_factor', HINT = '1 means no decay.';
    END IF;
    IF check_settings.history_weight IS NOT NULL
       AND NOT (check_settings.history_weight >= 0 AND check_settings.history_weight < 'Infinity'::float8) THEN
        RAISE EXCEPTION 'history_weight must be a finite number >= 0, got %', check_settings.history_weight
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'history_weight', HINT = '0 is pure load balancing.';
    END IF;
    IF check_settings.failure_weight IS NOT NULL
       AND NOT (check_settings.failure_weight >= 0 AND check_settings.failure_weight < 'Infinity'::float8) THEN
        RAISE EXCEPTION 'failure_weight must be a finite number >= 0, got %', check_settings.failure_weight
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'failure_weight', HINT = '0 ignores failures.';
    END IF;
END;
$$;

COMMENT ON FUNCTION contender_rank.check_settings(interval, float8, float8, float8) IS
    'Raises a clear error for proposed settings that ranking_config''s CHECK constraints would refuse; NULL passes.';

CREATE OR REPLACE FUNCTION contender_rank.layout()
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT i.layout FROM contender_rank.installation i;
END;

COMMENT ON FUNCTION contender_rank.layout() IS
    '''standalone'' (contender_rank created the validator''s tables) or ''adopted'' (it installed beside nineteen''s).';

-- ranking_config holds exactly one row: it can be changed, never added to, deleted or emptied.
CREATE OR REPLACE FUNCTION contender_rank.ranking_config_guard()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
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
                     'history_weight = ..., retention_epsilon = ...';
END;
$$;

COMMENT ON FUNCTION contender_rank.ranking_config_guard() IS
    'Trigger: keeps ranking_config at exactly one row (rejects INSERT of a second row, DELETE and TRUNCATE) '
    'and stamps updated_at on UPDATE.';

CREATE OR REPLACE TRIGGER ranking_config_guard_rows
    BEFORE INSERT OR UPDATE OR DELETE ON public.ranking_config
    FOR EACH ROW EXECUTE FUNCTION contender_rank.ranking_config_guard();
CREATE OR REPLACE TRIGGER ranking_config_guard_truncate
    BEFORE TRUNCATE ON public.ranking_config
    FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.ranking_config_guard();

-- default deny: nobody but the owner runs what is in this file (privileges.sql grants the admin
-- what it may audit)
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA contender_rank FROM PUBLIC;
