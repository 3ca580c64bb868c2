-- The three roles contender_rank is used through, each a NOLOGIN group that login roles are
-- granted to: ranking_reader (the query node), ranking_writer (the control node) and
-- ranking_admin (DBAs). Roles belong to the cluster, not to one database: each is created only
-- when missing, and migrate runs this file only when the caller may create roles (CREATEROLE);
-- otherwise it says which roles are missing and how to add them later. What each role may do
-- is granted by privileges.sql.
DO $$
DECLARE
    v_role text;
BEGIN
    FOREACH v_role IN ARRAY ARRAY['ranking_reader', 'ranking_writer', 'ranking_admin'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = v_role) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', v_role);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created meanwhile by a migration of another database
            END;
        END IF;
    END LOOP;

    -- each role has every privilege of the one below it: also when the roles existed already and a
    -- link of the chain was revoked (a later migrate with CREATEROLE repairs it)
    IF NOT pg_catalog.pg_has_role('ranking_writer', 'ranking_reader', 'USAGE') THEN
        GRANT ranking_reader TO ranking_writer;
    END IF;
    IF NOT pg_catalog.pg_has_role('ranking_admin', 'ranking_writer', 'USAGE') THEN
        GRANT ranking_writer TO ranking_admin;
    END IF;
END
$$;

COMMENT ON ROLE ranking_reader IS
    'Query node: may call rank_contenders, explain_ranking, ranking_status and record_requests; nothing else.';
COMMENT ON ROLE ranking_writer IS
    'Control node: ranking_reader plus close_period() and, in the standalone layout, writing nodes, contenders and '
    'appending contenders_history. May not change ranking_config or task_similarity.';
COMMENT ON ROLE ranking_admin IS
    'DBAs: ranking_writer plus changing ranking_config and task_similarity, prune_history() and, in the standalone '
    'layout, correcting or deleting contenders_history.';
