-- Trigger on ranking_config: the decay interval and factor shape every stored metric, so a
-- change to either rebuilds contender_state in the same transaction; the next ranking call
-- sees the new config and the matching state together. history_weight is read per call.
CREATE OR REPLACE FUNCTION public.rebuild_on_config_change()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM public.rebuild_contender_state();
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION public.rebuild_on_config_change() IS
    'Trigger: rebuilds contender_state when decay_interval or decay_factor change.';

CREATE OR REPLACE TRIGGER ranking_config_rebuild_state
    AFTER UPDATE ON public.ranking_config
    FOR EACH ROW
    WHEN (OLD.decay_interval IS DISTINCT FROM NEW.decay_interval
          OR OLD.decay_factor IS DISTINCT FROM NEW.decay_factor)
    EXECUTE FUNCTION public.rebuild_on_config_change();
