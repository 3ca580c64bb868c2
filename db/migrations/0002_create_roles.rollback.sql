-- Roles are shared by every database of the cluster: this database's grants to them are
-- revoked, and a role is dropped only when no other database still grants it anything or
-- has objects owned by it; otherwise it stays (with a NOTICE) for the databases that use it.
DO $$
DECLARE
    v_role text;
BEGIN
    FOREACH v_role IN ARRAY ARRAY['ranking_admin', 'ranking_writer', 'ranking_reader'] LOOP
        CONTINUE WHEN NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = v_role);
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', v_role);
        EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', v_role);
        EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM %I', v_role);
        EXECUTE format('REVOKE ALL ON SCHEMA public FROM %I', v_role);
        BEGIN
            EXECUTE format('DROP ROLE %I', v_role);
        EXCEPTION WHEN dependent_objects_still_exist THEN
            RAISE NOTICE 'role % kept: another database still uses it (%)', v_role, SQLERRM;
        END;
    END LOOP;
END
$$;
