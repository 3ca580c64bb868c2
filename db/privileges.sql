-- Who may do what, in both layouts; applied after db/functions/ by every migrate, in the same
-- transaction, when the roles of roles.sql exist. GRANT is idempotent: applying it twice changes
-- nothing. Default deny is set where each object is defined: every function file revokes
-- EXECUTE from PUBLIC, and new tables grant nothing. The API functions run as their owner, so a
-- role needs EXECUTE on them and nothing on the tables they read and write; contender_rank's own
-- schema is granted to nobody but the admin, read-only.
--   ranking_reader  rank_contenders, explain_ranking, ranking_status, record_requests; reads the settings
--   ranking_writer  + close_period (the standalone layout's period end)
--   ranking_admin   + changes ranking_config and task_similarity, prune_history, reads the derived state
--                   and may run the ranking from history alone (contender_rank.rank_contenders_window);
--                   checks the state and repairs it (contender-rank verify [--repair])
-- The standalone layout adds the grants on the validator's tables: privileges_standalone.sql.

GRANT EXECUTE ON FUNCTION
    public.rank_contenders(text, int, timestamptz),
    public.explain_ranking(text, timestamptz, float8, float8, interval, float8),
    public.ranking_status(),
    public.record_requests(text, int, float8, int, int)
TO ranking_reader;
GRANT SELECT ON public.task_similarity, public.ranking_config TO ranking_reader;

GRANT EXECUTE ON FUNCTION public.close_period(timestamptz) TO ranking_writer;

GRANT EXECUTE ON FUNCTION public.prune_history(timestamptz) TO ranking_admin;
GRANT UPDATE ON public.ranking_config TO ranking_admin;
GRANT INSERT, UPDATE, DELETE ON public.task_similarity TO ranking_admin;
GRANT USAGE ON SCHEMA contender_rank TO ranking_admin;
GRANT SELECT ON contender_rank.contender_state, contender_rank.installation, contender_rank.state_faults
TO ranking_admin;
-- an audit: the ranking from history alone (it runs as its owner, so this is all the admin needs)
GRANT EXECUTE ON FUNCTION contender_rank.rank_contenders_window(text, int, timestamptz, interval, float8, float8, float8)
TO ranking_admin;
-- verify: the check reads, the repair rebuilds under the state lock (both run as their owner)
GRANT EXECUTE ON FUNCTION
    contender_rank.verification_scope(timestamptz),
    contender_rank.state_differences(timestamptz, float8),
    contender_rank.verify_repair(interval)
TO ranking_admin;
