-- What an operator checks first: which layout is installed, whether the derived state can be trusted
-- (and if not, why), how the validator's tables changed since migrate, whether the derived state
-- covers every current contender, and how much history the ranking reads or ignores (a nineteen
-- history row without a finite expired_at is in no decay interval, so it is ignored and counted here).
-- A string body: it reads nineteen's tables, and a SQL-standard body would record dependencies on
-- their columns (nineteen's ALTER TABLE would then fail).
CREATE OR REPLACE FUNCTION public.ranking_status()
RETURNS TABLE (layout text, version text, contenders bigint, contenders_in_state bigint,
               history_rows bigint, history_rows_ignored bigint, contenders_with_history bigint,
               newest_expired_at timestamptz, installed_at timestamptz, migrated_at timestamptz,
               trusted boolean, untrusted_reason text, faults bigint, last_fault_at timestamptz,
               last_fault_source text, last_fault_sqlstate text, last_fault_message text, shape_drift text[])
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_reason text;
    v_faults bigint;
    v_last   contender_rank.state_faults;
    v_drift  text[];
BEGIN
    -- the maintenance's own verdict, where this installation has one (it decides how rank_contenders
    -- orders); resolved only when it exists
    IF pg_catalog.to_regprocedure('contender_rank.untrusted_reason()') IS NOT NULL THEN
        v_reason := contender_rank.untrusted_reason();
    END IF;
    SELECT count(*) INTO v_faults FROM contender_rank.state_faults;
    SELECT f.* INTO v_last FROM contender_rank.state_faults f ORDER BY f.fault_id DESC LIMIT 1;
    v_drift := ARRAY(SELECT concat_ws(' ', 'public.' || d.table_name || coalesce('.' || d.column_name, '') || ':',
                                      d.what, '(' || concat_ws(' -> ', d.recorded, d.found) || ')')
                     FROM contender_rank.shape_drift() d);
    v_reason := coalesce(
        v_reason,
        CASE WHEN v_faults > 0 THEN
            format('%s maintenance fault(s) since the last repair, the last: %s', v_faults, v_last.message)
        END,
        CASE WHEN cardinality(v_drift) > 0 THEN
            'nineteen''s tables changed since migrate: ' || array_to_string(v_drift, '; ')
        END);

    RETURN QUERY
    SELECT i.layout, i.version,
           (SELECT count(*) FROM public.contenders),
           -- a contender is covered by a row of its own, or by its node waiting to be settled at COMMIT
           (SELECT count(*) FROM public.contenders c
            WHERE EXISTS (SELECT FROM contender_rank.contender_state s WHERE s.contender_id = c.contender_id)
               OR EXISTS (SELECT FROM contender_rank.stale_nodes n
                          WHERE n.node_hotkey = c.node_hotkey AND n.netuid = c.netuid)),
           history.total, history.ignored,
           (SELECT count(*) FROM contender_rank.contender_state s WHERE s.own_interval IS NOT NULL),
           (SELECT max(s.own_newest_at) FROM contender_rank.contender_state s),
           i.installed_at, i.migrated_at,
           v_reason IS NULL, v_reason, v_faults, v_last.noticed_at, v_last.source, v_last.sqlstate, v_last.message,
           v_drift
    FROM contender_rank.installation i,
         (SELECT count(*) AS total, count(*) FILTER (WHERE NOT coalesce(isfinite(h.expired_at), false)) AS ignored
          FROM public.contenders_history h) history;
END;
$$;

COMMENT ON FUNCTION public.ranking_status() IS
    'The installed layout and version; current contenders and those in the derived state; history rows and those '
    'ignored for lack of a finite expired_at; contenders with history and the newest history time folded in; '
    'whether the derived state is trusted and why not; the maintenance faults since the last repair and the last '
    'one; how the validator''s tables changed since migrate (contender_rank.shape_drift()). '
    'contender-rank verify checks the state itself.';
REVOKE ALL ON FUNCTION public.ranking_status() FROM PUBLIC;
