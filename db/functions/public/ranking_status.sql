-- What an operator checks first: which layout is installed, whether the derived state covers every
-- current contender, and how much history the ranking reads or ignores (a nineteen history row
-- without a finite expired_at is in no decay interval, so it is ignored and counted here).
CREATE OR REPLACE FUNCTION public.ranking_status()
RETURNS TABLE (layout text, version text, contenders bigint, contenders_in_state bigint,
               history_rows bigint, history_rows_ignored bigint, contenders_with_history bigint,
               newest_expired_at timestamptz, installed_at timestamptz, migrated_at timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
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
           i.installed_at, i.migrated_at
    FROM contender_rank.installation i,
         (SELECT count(*) AS total, count(*) FILTER (WHERE NOT coalesce(isfinite(h.expired_at), false)) AS ignored
          FROM public.contenders_history h) history;
$$;

COMMENT ON FUNCTION public.ranking_status() IS
    'The installed layout and version, current contenders and those in the derived state (equal unless triggers '
    'were disabled: run contender-rank migrate --rebuild), history rows and those ignored for lack of a finite '
    'expired_at, '
    'contenders with history, the newest history time folded in.';
REVOKE ALL ON FUNCTION public.ranking_status() FROM PUBLIC;
