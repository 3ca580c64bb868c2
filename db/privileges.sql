-- Who may do what, applied after db/functions/ on every migrate (in the same transaction), so
-- a function created or replaced by this deploy is covered at once. GRANT, REVOKE and ALTER
-- FUNCTION are idempotent: applying this file twice changes nothing.
--
-- Default deny: nobody but the owner may execute a function of the schema unless granted here,
-- and the roles get only what their work needs (the roles themselves: 0002_create_roles.sql).
--   ranking_reader  rank_contenders; SELECT on what it reads; UPDATE of the four per-request
--                   counters of contenders (the column grant: capacity, task, period_score... stay
--                   read-only).
--   ranking_writer  + INSERT/UPDATE/DELETE of nodes (the control node records handshakes);
--                   INSERT and DELETE of contenders; INSERT into contenders_history
--                   (append-only for it: no UPDATE or DELETE); close_period(), which also needs
--                   UPDATE of period_score because it runs with its caller's privileges.
--   ranking_admin   + UPDATE of ranking_config; INSERT/UPDATE/DELETE of task_similarity;
--                   UPDATE and DELETE of contenders_history (corrections, retention) and
--                   prune_history(); rank_contenders_window() for audits.
-- TRUNCATE, contender_state and rebuild_contender_state() stay with the owner.

-- ---------------------------------------------------------------- schema
-- PostgreSQL 15 no longer lets PUBLIC create in schema public; a cluster upgraded from an older
-- version still does, and CREATE there would let anyone plant operators or functions that
-- unqualified names in the SECURITY DEFINER functions below could resolve to.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO ranking_reader;

-- ---------------------------------------------------------------- functions
-- every function of the schema except those of extensions installed there (pgTAP, say), whose
-- privileges are their own business
DO $$
DECLARE
    v_function regprocedure;
BEGIN
    FOR v_function IN
        SELECT p.oid::regprocedure
        FROM pg_catalog.pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                          WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', v_function);
    END LOOP;
END
$$;
-- functions the owner creates between two applications of this file start closed too
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- rank_contenders runs with its caller's privileges and calls these (the window definitions
-- when the state is newer than as_of)
GRANT EXECUTE ON FUNCTION
    public.rank_contenders(text, int, timestamptz),
    public.check_ranking_arguments(text, int, timestamptz),
    public.interval_index(timestamptz, interval),
    public.decayed(float8, float8, float8),
    public.scaled(float8, float8),
    public.rank_value(float8, float8, float8),
    public.interval_mean(float8, float8),
    public.own_metric_window(text, timestamptz),
    public.similar_metric_window(text, timestamptz)
TO ranking_reader;

GRANT EXECUTE ON FUNCTION
    public.close_period(timestamptz),
    -- close_period and every statement that adds, removes or moves contenders take it first
    public.lock_contender_state(),
    public.compute_period_score(int, int, int, float8, float8)
TO ranking_writer;

GRANT EXECUTE ON FUNCTION
    public.rank_contenders_window(text, int, timestamptz),
    -- retention runs with the caller's privileges: the admin's DELETE on contenders_history
    public.prune_history(timestamptz)
TO ranking_admin;

-- ---------------------------------------------------------------- tables
REVOKE ALL ON public.nodes, public.contenders, public.contenders_history, public.task_similarity,
              public.ranking_config, public.contender_state, public.similar_sources
    FROM PUBLIC;

GRANT SELECT ON public.nodes, public.contenders, public.contenders_history, public.task_similarity,
                public.ranking_config, public.contender_state, public.similar_sources
    TO ranking_reader;
GRANT UPDATE (total_requests_made, consumed_capacity, requests_429, requests_500) ON public.contenders
    TO ranking_reader;

GRANT INSERT, UPDATE, DELETE ON public.nodes TO ranking_writer;
-- the derived columns (own_*, similar_*) are the triggers' alone: INSERT names only the columns
-- the control node sets (the table-level grant of earlier deploys is revoked first)
REVOKE INSERT ON public.contenders FROM ranking_writer;
GRANT INSERT (contender_id, node_hotkey, node_id, netuid, task, capacity, consumed_capacity, total_requests_made,
              requests_429, requests_500, period_score)
    ON public.contenders TO ranking_writer;
GRANT DELETE ON public.contenders TO ranking_writer;
GRANT UPDATE (period_score) ON public.contenders TO ranking_writer;
GRANT INSERT ON public.contenders_history TO ranking_writer;

GRANT UPDATE ON public.ranking_config TO ranking_admin;
GRANT INSERT, UPDATE, DELETE ON public.task_similarity TO ranking_admin;
GRANT UPDATE, DELETE ON public.contenders_history TO ranking_admin;

-- ---------------------------------------------------------------- state maintenance
-- contender_state is derived: no role may write it, yet every allowed write to history,
-- contenders, task_similarity or ranking_config must keep it current in the same statement.
-- So the five trigger functions that maintain it (and only they) run as their owner. Reviewed
-- for privilege escalation:
--   * they take no arguments: a trigger function cannot be called directly, and their inputs are
--     the rows the caller was already allowed to write (transition tables) and the tables;
--   * EXECUTE is revoked from PUBLIC above, so nobody can bind them to a table of their own
--     (e.g. a temporary table whose inserted rows would be folded in as history);
--   * no dynamic SQL; every object is schema-qualified; the search_path is pinned with pg_temp
--     last, so a caller's temporary objects are never found first;
--   * what they write is a pure function of the tables, the same as rebuild_contender_state().
-- db/tests/roles/ proves the denies, including these escape routes.
-- (CREATE OR REPLACE in db/functions/ resets these attributes; this file, applied right after
-- in the same transaction, sets them again.)
ALTER FUNCTION public.fold_history_insert()
    SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION public.recompute_history_change()
    SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION public.refresh_similar_contenders_change()
    SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION public.refresh_similar_similarity_change()
    SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION public.rebuild_on_config_change()
    SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
