-- Every writer of contender_state takes this one transaction-scoped lock first, so state
-- maintenance is serialised (no lost fold, no deadlock between writers) while rankers, which
-- only read, never wait. Inside the lock each statement of a READ COMMITTED transaction sees
-- what the previous holder committed.
CREATE OR REPLACE FUNCTION public.lock_contender_state()
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, public
BEGIN ATOMIC
    SELECT pg_advisory_xact_lock(8243061957233154049);
END;

COMMENT ON FUNCTION public.lock_contender_state() IS
    'Takes the transaction-scoped advisory lock that serialises every write to contender_state.';
