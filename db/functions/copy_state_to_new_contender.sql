-- Trigger on contenders, before INSERT and before a change of contender_id: the derived
-- columns come from contender_state, never from the writer (whatever it passed is replaced).
-- The similar metric is computed after the statement, by refresh_similar_contenders_change().
CREATE OR REPLACE FUNCTION public.copy_state_to_new_contender()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
BEGIN
    SELECT s.own_interval, s.own_base + public.interval_mean(s.own_interval_sum, s.own_interval_count),
           s.own_newest_at
    INTO NEW.own_interval, NEW.own_value, NEW.own_newest_at
    FROM public.contender_state s
    WHERE s.contender_id = NEW.contender_id;
    IF NOT FOUND THEN
        NEW.own_interval := NULL;
        NEW.own_value := NULL;
        NEW.own_newest_at := NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.similar_interval := NULL;
        NEW.similar_value := NULL;
        NEW.similar_newest_at := NULL;
    END IF;
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION public.copy_state_to_new_contender() IS
    'Trigger: fills a new (or renamed) contender''s derived own-metric columns from contender_state.';

CREATE OR REPLACE TRIGGER contenders_copy_state_insert
    BEFORE INSERT ON public.contenders
    FOR EACH ROW EXECUTE FUNCTION public.copy_state_to_new_contender();
CREATE OR REPLACE TRIGGER contenders_copy_state_rename
    BEFORE UPDATE OF contender_id ON public.contenders
    FOR EACH ROW
    WHEN (OLD.contender_id IS DISTINCT FROM NEW.contender_id)
    EXECUTE FUNCTION public.copy_state_to_new_contender();
