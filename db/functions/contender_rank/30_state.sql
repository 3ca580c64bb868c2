-- =================================================================================================
-- The state machinery: how rank_contenders answers from one row per contender instead of history,
-- and how it keeps that state without ever failing, blocking or stalling the validator's writes.
-- Read top to bottom. The tables are in db/migrations/0008_create_internal_state.sql (with
-- 0009_create_state_faults.sql and 0010_fault_tolerant_state.sql), the arithmetic (interval_index,
-- interval_mean, decayed, scaled, usable_score, as_utc) in 10_arithmetic.sql, the definition this
-- state must always equal, from history alone, in 20_definition.sql, and the read path in 50_read.sql.
--
-- WHAT IS KEPT
--   contender_state   one row per contender id:
--     own_*           its own metric as a running decayed sum, own_base + own_interval_sum /
--                     own_interval_rows, valued at its newest interval own_interval. It outlives the
--                     contender (a validator deletes and re-inserts its contenders every period, and
--                     their history stays); so does the row, and the table's size holds steady from
--                     period to period.
--     similar_*       what it borrows on its node from similar tasks, as of the last settle of the node.
--     task            its task, as of the last settle of its node: once settled, every current
--                     contender has a row with its current task, which is how a ranking finds the
--                     task's rows by index.
--   stale_nodes       nodes whose similar metrics a writing transaction still has to settle, each row
--                     stamped with that transaction (xact): a transaction reads and deletes only its own.
--   state_faults      why the state may not be exact: a row for every time the maintenance gave up.
--   Which contenders are current, and where, is never copied: contenders itself says.
--
-- MAP: a write, the trigger it fires, what that does
--   INSERT INTO contenders_history     contenders_history_after_insert (per statement): fold the new rows
--       into own_*. A contender whose new rows all fall in one interval at or after its newest moves
--       its running sum forward in O(1); any other (late rows, rows spanning intervals) is recomputed
--       from its history (recompute_own_state). Then mark_stale() the nodes where they are current.
--   UPDATE, DELETE contenders_history  contenders_history_after_change (per statement):
--       recompute_own_state() of the touched contenders, mark_stale(); for a DELETE, only of those
--       whose metric it can move by more than 1e-12 of it (35_retention.sql).
--   TRUNCATE contenders_history        contenders_history_after_truncate: rebuild_state().
--   INSERT INTO contenders             contenders_after_insert (per row; nineteen inserts one row per
--       statement, 4,096 of them in one transaction): mark_nodes_stale() its node, unless it is the node
--       this transaction marked last. Nothing else: the work waits for COMMIT.
--   DELETE FROM contenders             contenders_after_delete (per statement): mark_nodes_stale() their nodes.
--   UPDATE contenders                  contenders_after_move (per row, every UPDATE: a column list or a
--       WHEN clause would bind the trigger to nineteen's columns): when contender_id, node_hotkey, netuid
--       or task changed, mark_nodes_stale() the old node and the new one; otherwise (the per-request
--       counters, period_score) nothing.
--   INSERT, UPDATE, DELETE, TRUNCATE task_similarity
--                                      task_similarity_after_change: mark_nodes_stale() every node with a
--                                      contender.
--   UPDATE ranking_config              ranking_config_after_update: when decay_interval or decay_factor
--                                      changed, repair_state() (rebuild_state(), and the faults it
--                                      accounts for are gone).
--   COMMIT of any of these             stale_nodes_settle, a constraint trigger deferred to COMMIT: the
--       similar metric of every current contender on a node this transaction marked stale is recomputed
--       at once (stale_similar()), and the transaction's stale_nodes rows are deleted. Every committed
--       state is settled, whatever the write pattern, and a refresh of 4,096 contenders costs one
--       set-based pass, not 4,096 small ones.
--   Nothing fires on nodes, on TRUNCATE of contenders (the next contenders inserted mark their nodes);
--   rank_contenders reads nodes and the counters live.
--
-- LOCKS
--   One transaction-scoped advisory lock (lock_state()) serialises the writers of the derived state:
--   each statement after it sees what the previous holder committed (READ COMMITTED). Taking it is the
--   first thing begin_maintenance() does, which the statement-level triggers on the validator's tables
--   and the settle call before any work (after the two checks that let them return at once: gave_up(),
--   and for the settle whether its transaction marked any node); while the state is already untrusted
--   begin_maintenance() only tries the lock, without waiting. The triggers on task_similarity and
--   ranking_config, close_period and the rebuilds take it directly, and wait for it.
--   While holding it a trigger writes only contender_rank's tables and merely reads the validator's,
--   so it never waits for a row lock: no lock-order deadlock with the validator's statements. The
--   two per-row triggers on contenders take no lock at all: they only add rows of their
--   own transaction to stale_nodes, which has no unique key, so they never wait on another transaction.
--   Rankers take no lock and never wait.
--
-- FAULTS: the validator's writes never fail or wait because of contender_rank
--   Every statement-level trigger on the validator's tables, and the settle, runs its work in one
--   exception block (one subtransaction per statement, and one per COMMIT: a refresh of 4,096 one-row
--   INSERTs uses none, since the per-row triggers have no block), with lock_timeout 500ms: the state
--   lock held elsewhere for longer than that, any error, or a statement timeout or cancel
--   (query_canceled, which WHEN OTHERS does not catch) ends the block. Then record_fault()
--   writes a row to state_faults (source, SQLSTATE, message), and the rest of the transaction leaves
--   the state alone (gave_up(): every later trigger of the transaction returns at once; the settle
--   only deletes the transaction's stale_nodes rows). The validator's statement and its COMMIT go on.
--   The per-row triggers cannot fail: they read the four columns they need only once the catalog
--   says contenders has them (contender_columns_present(), once per transaction; without them they do
--   nothing, and the statement-level triggers and the settle record the fault), convert netuid without
--   a cast that could fail (as_netuid()), and insert into a table without a unique key, check or
--   trigger of its own but the deferred settle.
--   A session may set contender_rank.state_lock_timeout to another bound (0: wait as long as it takes).
--   Why 500 ms: a writer holds the lock until its COMMIT, and the validator's own transactions that
--   write the state (a period refresh, a retention DELETE) take well under a second; a bound of half
--   a second lets two such writers serialise as before, and caps what a session that holds the lock
--   for longer (a DBA's open transaction) costs the validator one wait of 500 ms: that transaction
--   gives up on the state, and the later ones, finding the state untrusted, only try the lock.
--
-- TRUST AND REPAIR
--   untrusted_reason() says why the state cannot be trusted, NULL when it can: a row in state_faults,
--   a validator's table dropped and created again since migrate (its OID differs from
--   installation.host_tables), or one of the triggers above missing or disabled. While it says
--   something, rank_contenders and explain_ranking (50_read.sql, public/) answer in load-balancing
--   order (metrics 0: rank_balanced(), 55_fallback.sql), reading contenders and nodes only: never
--   history. The repair: the next statement-level trigger (or settle) that takes the lock and finds
--   faults runs repair_state() instead of its own work (the settle then settles every node the
--   rebuild marked): it deletes exactly the faults it sees, then rebuild_state() (a fault committed
--   later stays, for the next repair). contender-rank migrate repairs too, and adopts a replaced
--   table again.
--
-- READING (task_contenders and rank_task, in 50_read.sql): the contenders of the task from contenders,
--   the own metric from own_*, the similar metric from similar_*, the task's state rows found by
--   their task. Inside a writing transaction that has left nodes stale (only it sees them: its own
--   stale_nodes rows), rank_contenders and explain_ranking answer from the definition
--   (20_definition.sql) instead, which needs no settled state; every other session pays one index
--   probe of stale_nodes for that check. Before either, every ranking asks untrusted_reason() (one
--   look at state_faults, at the three OIDs and at pg_trigger).
--
-- SECURITY
--   The trigger functions run as their owner (SECURITY DEFINER, search_path pg_catalog then pg_temp,
--   every name qualified): the validator's role writes its own tables and the derived state follows,
--   with no grant on contender_rank. EXECUTE on every function here is revoked from PUBLIC, so nobody
--   can bind them to a table of their own.
--
-- Every function a trigger calls per row is PL/pgSQL, which keeps its plans for the session (a
-- SQL-language function that is not inlined plans its statements again at every call, 4,096 times in
-- one refresh), or a one-expression SQL function the planner inlines (as_netuid). No function here
-- has a SQL-standard body that names a validator's table: those record
-- dependencies on its columns, and nineteen's ALTER TABLE would fail on them.
-- =================================================================================================

-- The lock every writer of the derived state takes. A SQL-standard body without settings: the planner
-- inlines it into its callers.
CREATE OR REPLACE FUNCTION contender_rank.lock_state()
RETURNS void
LANGUAGE sql VOLATILE
RETURN pg_catalog.pg_advisory_xact_lock(8243061957233154049);

COMMENT ON FUNCTION contender_rank.lock_state() IS
    'Takes the transaction-scoped advisory lock that serialises every writer of the derived state.';

-- ================================================================ faults

-- Whether this transaction already gave up on the state (record_fault() said so): its later
-- triggers leave the state alone, and its fault, committed with its writes, has the next repair
-- rebuild what it skipped. A setting local to the transaction, undone with the savepoint that set it
-- (as the fault row is).
CREATE OR REPLACE FUNCTION contender_rank.gave_up()
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN coalesce(pg_catalog.current_setting('contender_rank.gave_up', true)
                    = pg_catalog.pg_current_xact_id()::text, false);
END;
$$;

COMMENT ON FUNCTION contender_rank.gave_up() IS
    'True when this transaction recorded a fault (record_fault()): the rest of it leaves the derived state alone.';

-- What a trigger does when its block fails: the fault row (an insert with a generated key, which
-- waits for no other transaction) and the transaction's memo.
CREATE OR REPLACE FUNCTION contender_rank.record_fault(source text, sqlstate text, message text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO contender_rank.state_faults (source, sqlstate, message)
    VALUES (coalesce(record_fault.source, 'unknown'), coalesce(record_fault.sqlstate, 'XX000'),
            coalesce(record_fault.message, ''));
    PERFORM pg_catalog.set_config('contender_rank.gave_up', pg_catalog.pg_current_xact_id()::text, true);
END;
$$;

COMMENT ON FUNCTION contender_rank.record_fault(text, text, text) IS
    'Records in state_faults that the maintenance gave up (source, SQLSTATE, message) and marks this transaction '
    'as having given up (gave_up()).';

-- The start of every maintenance step on the validator's writes: the lock, then, when faults are
-- recorded, the repair, which leaves nothing else to do (it rebuilt from the tables as they are now,
-- this statement's rows included). Returns whether it repaired. The wait for the lock is bounded by
-- the calling trigger's lock_timeout; when the state is already untrusted there is no wait at all
-- (the lock is only tried): whoever holds it, the next write that gets it repairs, so a session that
-- holds the lock for long costs the validator one bounded wait, not one per transaction.
CREATE OR REPLACE FUNCTION contender_rank.begin_maintenance()
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_bound text := pg_catalog.current_setting('contender_rank.state_lock_timeout', true);
BEGIN
    IF NOT EXISTS (SELECT FROM contender_rank.state_faults) THEN
        -- a session may choose another bound than its trigger's 500 ms (tests that script a wait, an
        -- operator who prefers waiting): contender_rank.state_lock_timeout, any lock_timeout value.
        -- Set locally, so undone when this function returns (it has a SET clause of its own)
        IF v_bound IS NOT NULL AND v_bound <> '' THEN
            PERFORM pg_catalog.set_config('lock_timeout', v_bound, true);
        END IF;
        PERFORM contender_rank.lock_state();
    ELSIF NOT pg_catalog.pg_try_advisory_xact_lock(8243061957233154049) THEN
        RAISE EXCEPTION 'the state lock is held by another session and the state is already untrusted'
            USING ERRCODE = 'lock_not_available';
    END IF;
    -- faults committed while this waited count too (READ COMMITTED: this statement sees them)
    IF EXISTS (SELECT FROM contender_rank.state_faults) THEN
        PERFORM contender_rank.repair_state();
        RETURN true;
    END IF;
    RETURN false;
END;
$$;

COMMENT ON FUNCTION contender_rank.begin_maintenance() IS
    'Takes the state lock (only tries it when the state is already untrusted); when state_faults holds rows, '
    'repairs the state (repair_state()) and returns true.';

-- ================================================================ stamps

-- The step both folds start with: the interval of each distinct history time, computed once (exact
-- interval_index() is numeric arithmetic, and a period's rows share one stamp), as the instant it means
-- (as_utc(): nineteen's timestamp without time zone holds UTC) and its interval index. Given the
-- distinct times as an array of the column's own type (timestamp or timestamptz: the polymorphic
-- signature picks as_utc()'s overload per call), so that the callers join back on the column as it is.
CREATE OR REPLACE FUNCTION contender_rank.interval_stamps(expired_ats anyarray, decay_interval interval)
RETURNS TABLE (expired_at anyelement, at timestamptz, k bigint)
LANGUAGE sql STABLE PARALLEL SAFE
-- a period's rows share one time: a few distinct times per statement
ROWS 10
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT d.expired_at, contender_rank.as_utc(d.expired_at),
           contender_rank.interval_index(contender_rank.as_utc(d.expired_at), interval_stamps.decay_interval)
    FROM unnest(interval_stamps.expired_ats) AS d (expired_at)
    -- a time that is not finite is in no interval
    WHERE isfinite(d.expired_at);
$$;

COMMENT ON FUNCTION contender_rank.interval_stamps(anyarray, interval) IS
    'For each history time given (timestamp or timestamptz; not finite ones left out): the instant it means '
    '(as_utc) and the index of its decay interval.';

-- ================================================================ own metric

-- The exact path: fold these contenders' whole history again (every contender when NULL). Used for
-- what the running fold cannot absorb: late rows, UPDATE and DELETE of history, a change of decay
-- settings, a history that was there before contender_rank.
CREATE OR REPLACE FUNCTION contender_rank.recompute_own_state(contender_ids text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
-- a retention DELETE or a rebuild groups every contender's history at once: in memory, not in
-- batches spilled to disk
SET work_mem = '64MB'
-- hash joins whatever the statistics say: when they claim an empty history (autovacuum saw the table
-- between a validator's batches) a nested loop of history against its stamps is quadratic, minutes
-- for a few years of rows. The contenders are picked by = ANY, not a join: an index condition for a
-- few of them, a hashed filter for thousands; both need the list as a constant, so every call is
-- planned with its own list (a generic plan would test each history row against the list one
-- element after another: seconds per 100,000 rows)
SET enable_nestloop = off
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_interval interval;
    v_factor   float8;
    -- an explicit list either way: `ids IS NULL OR ...` would cost every small call a scan of all
    v_ids      text[] := coalesce(recompute_own_state.contender_ids,
                                  ARRAY(SELECT s.contender_id FROM contender_rank.contender_state s
                                        WHERE s.own_interval IS NOT NULL
                                        UNION
                                        SELECT DISTINCT h.contender_id FROM public.contenders_history h));
BEGIN
    SELECT rc.decay_interval, rc.decay_factor INTO v_interval, v_factor FROM public.ranking_config rc;

    WITH history AS (
        SELECT h.contender_id, h.expired_at, h.period_score, h.task
        FROM public.contenders_history h
        -- a row without a finite expired_at is in no interval
        WHERE isfinite(h.expired_at)
          AND h.contender_id = ANY (v_ids)
    ),
    -- the interval of each distinct expired_at, once (interval_stamps())
    stamps AS MATERIALIZED (
        SELECT st.expired_at, st.at, st.k
        FROM contender_rank.interval_stamps(ARRAY(SELECT DISTINCT h.expired_at FROM history h), v_interval) st
    ),
    -- grouped and sorted by contender_id in the "C" collation (byte order): the order does not
    -- matter, and the database's linguistic collation would make the sort the costliest step
    per_interval AS (
        SELECT h.contender_id COLLATE "C" AS contender_id, st.k, max(h.task) AS task,
               sum(contender_rank.usable_score(h.period_score)) AS score_sum,
               count(*) AS row_count,
               max(st.at) AS newest_at,
               max(abs(contender_rank.usable_score(h.period_score))) AS score_bound  -- 35_retention.sql
        FROM history h
        JOIN stamps st ON st.expired_at = h.expired_at
        GROUP BY 1, 2
    ),
    with_newest AS (
        SELECT p.*, max(p.k) OVER (PARTITION BY p.contender_id) AS last_k
        FROM per_interval p
    ),
    folded AS (
        SELECT w.contender_id,
               max(w.last_k) AS own_interval,
               coalesce(sum(contender_rank.decayed(contender_rank.interval_mean(w.score_sum, w.row_count), v_factor,
                                                   w.last_k - w.k) ORDER BY w.k)
                            FILTER (WHERE w.k < w.last_k), 0) AS own_base,
               sum(w.score_sum) FILTER (WHERE w.k = w.last_k) AS own_interval_sum,
               sum(w.row_count) FILTER (WHERE w.k = w.last_k) AS own_interval_rows,
               max(w.newest_at) AS own_newest_at,
               max(w.score_bound) AS own_score_bound,
               max(w.task) COLLATE "C" AS task
        FROM with_newest w
        GROUP BY w.contender_id
    ),
    -- contenders whose history is all gone: a current one keeps its row (for its similar metric)
    -- without an own metric...
    cleared AS (
        UPDATE contender_rank.contender_state s
        SET own_interval = NULL, own_base = NULL, own_interval_sum = NULL, own_interval_rows = NULL,
            own_newest_at = NULL, own_score_bound = NULL
        WHERE s.contender_id = ANY (v_ids)
          AND s.own_interval IS NOT NULL
          AND s.contender_id NOT IN (SELECT f.contender_id FROM folded f)
          AND s.contender_id IN (SELECT c.contender_id FROM public.contenders c)
    ),
    -- ...and the row of one that is not current goes
    removed AS (
        DELETE FROM contender_rank.contender_state s
        WHERE s.contender_id = ANY (v_ids)
          AND s.contender_id NOT IN (SELECT f.contender_id FROM folded f)
          AND s.contender_id NOT IN (SELECT c.contender_id FROM public.contenders c)
    )
    -- a new row goes in task order (its history's task; the settle writes the current one), next to
    -- the rows of its task (see contender_state's fillfactor)
    INSERT INTO contender_rank.contender_state AS s
        (contender_id, own_interval, own_base, own_interval_sum, own_interval_rows, own_newest_at, task,
         own_score_bound)
    SELECT f.contender_id, f.own_interval, f.own_base, f.own_interval_sum, f.own_interval_rows, f.own_newest_at,
           f.task, f.own_score_bound
    FROM folded f
    ORDER BY f.task, f.contender_id
    ON CONFLICT ON CONSTRAINT contender_state_pkey DO UPDATE
    SET own_interval = EXCLUDED.own_interval, own_base = EXCLUDED.own_base,
        own_interval_sum = EXCLUDED.own_interval_sum, own_interval_rows = EXCLUDED.own_interval_rows,
        own_newest_at = EXCLUDED.own_newest_at, own_score_bound = EXCLUDED.own_score_bound;
END;
$$;

COMMENT ON FUNCTION contender_rank.recompute_own_state(text[]) IS
    'Recomputes the own metric of these contenders (every one when NULL) from contenders_history. '
    'Call with lock_state() held.';

-- ================================================================ similar metric

-- What every current contender on a stale node borrows: over the other current contenders on its
-- node, similarity(their task -> its task) * their own metric, each valued at the newest interval
-- among them, summed in a fixed order (float addition is not associative, and contenders whose
-- metrics are equal must stay exactly equal so that contender_id alone breaks their tie). A row for
-- each such contender, NULLs when it borrows nothing. What stale_nodes_settle writes; set-based, so
-- settling a whole refresh is a few hash joins.
-- A string body (it reads the validator's contenders: a SQL-standard body would record a dependency
-- on their columns, and nineteen's ALTER TABLE would fail on it).
CREATE OR REPLACE FUNCTION contender_rank.stale_similar(xact xid8)
RETURNS TABLE (contender_id text, task text, similar_interval bigint, similar_metric float8,
               similar_newest_at timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    -- MATERIALIZED steps: each reaches the next as plain columns, so the planner inlines decayed()
    -- and scaled() (it will not when an argument is an expression they use more than once), and a
    -- one-row config is read once, not once per pair
    WITH config AS MATERIALIZED (
        SELECT rc.decay_factor FROM public.ranking_config rc
    ),
    -- the current contenders of the stale nodes, keyed in the "C" collation (byte order): every
    -- sort below is then a memcmp, and the order of the result does not matter
    targets AS MATERIALIZED (
        SELECT t.contender_id COLLATE "C" AS contender_id, t.node_hotkey COLLATE "C" AS node_hotkey, t.netuid,
               t.task COLLATE "C" AS task
        FROM (SELECT DISTINCT n.node_hotkey, n.netuid FROM contender_rank.stale_nodes n
              WHERE n.xact = stale_similar.xact) stale
        JOIN public.contenders t
          ON t.node_hotkey = stale.node_hotkey
         AND t.netuid = stale.netuid
    ),
    -- each target, the similar tasks it borrows from, the contenders serving them on its node (never
    -- the target itself: a task is never similar to itself) and their own metrics, joined in this
    -- order (the settle pins it: the planner has no statistics for what stale_nodes holds)
    pairs AS MATERIALIZED (
        SELECT target.contender_id, ts.similarity, own.own_interval, own.own_newest_at,
               own.own_value
        FROM targets target
        JOIN public.task_similarity ts
          ON ts.to_task = target.task
         AND ts.similarity > 0
        JOIN targets source
          ON source.node_hotkey = target.node_hotkey
         AND source.netuid = target.netuid
         AND source.task = ts.from_task
        JOIN contender_rank.contender_state own ON own.contender_id = source.contender_id
        WHERE own.own_interval IS NOT NULL
    ),
    -- each target's sum is valued at the newest interval among its lenders
    refs AS (
        SELECT p.contender_id, max(p.own_interval) AS ref_k
        FROM pairs p
        GROUP BY p.contender_id
    ),
    valued AS MATERIALIZED (
        SELECT p.contender_id, p.similarity, r.ref_k, p.own_newest_at,
               contender_rank.decayed(p.own_value, config.decay_factor, r.ref_k - p.own_interval) AS own_at_ref
        FROM pairs p
        JOIN refs r ON r.contender_id = p.contender_id
        CROSS JOIN config
    )
    -- summed in a fixed order: float addition is not associative, and contenders whose metrics are
    -- equal must stay exactly equal, so that contender_id alone breaks their tie
    SELECT t.contender_id, t.task, max(v.ref_k),
           sum(contender_rank.scaled(v.similarity, v.own_at_ref) ORDER BY v.own_at_ref, v.similarity),
           max(v.own_newest_at)
    FROM targets t
    LEFT JOIN valued v ON v.contender_id = t.contender_id
    GROUP BY t.contender_id, t.task;
$$;

COMMENT ON FUNCTION contender_rank.stale_similar(xid8) IS
    'The similar metric of every current contender on a node transaction xact marked stale, from the derived '
    'state: its value, the '
    'interval it is valued at and the newest history behind it; NULLs when nothing is borrowed.';

-- Marks these nodes stale for this transaction (pairs of node_hotkey and netuid; NULLs are no node).
-- A node it marked already is not marked again; another transaction's rows are never looked at, so
-- this never waits.
CREATE OR REPLACE FUNCTION contender_rank.mark_nodes_stale(node_hotkeys text[], netuids int[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_xact xid8 := pg_catalog.pg_current_xact_id();
BEGIN
    INSERT INTO contender_rank.stale_nodes (node_hotkey, netuid, xact)
    SELECT DISTINCT m.node_hotkey, m.netuid, v_xact
    FROM unnest(mark_nodes_stale.node_hotkeys, mark_nodes_stale.netuids) AS m (node_hotkey, netuid)
    WHERE m.node_hotkey IS NOT NULL
      AND m.netuid IS NOT NULL
      AND NOT EXISTS (SELECT FROM contender_rank.stale_nodes s
                      WHERE s.xact = v_xact AND s.node_hotkey = m.node_hotkey AND s.netuid = m.netuid);
END;
$$;

COMMENT ON FUNCTION contender_rank.mark_nodes_stale(text[], int[]) IS
    'Marks these nodes (node_hotkeys[i], netuids[i]) stale for this transaction, each once; settled at its COMMIT.';

-- The nodes where these contenders are current: whatever changed about them changes what the node's
-- contenders borrow.
CREATE OR REPLACE FUNCTION contender_rank.mark_stale(contender_ids text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_hotkeys text[];
    v_netuids int[];
BEGIN
    SELECT array_agg(c.node_hotkey), array_agg(c.netuid) INTO v_hotkeys, v_netuids
    FROM public.contenders c
    WHERE c.contender_id = ANY (mark_stale.contender_ids);
    PERFORM contender_rank.mark_nodes_stale(v_hotkeys, v_netuids);
END;
$$;

COMMENT ON FUNCTION contender_rank.mark_stale(text[]) IS
    'Marks stale the nodes where these contenders are current. Call with lock_state() held.';

-- At COMMIT (deferred): every current contender on a node this transaction marked stale gets its
-- similar metric, and the transaction's stale_nodes rows go. One event per row fires it; the first
-- does the work and deletes the rows, the rest find none and return before any exception block (one
-- subtransaction per COMMIT, not one per stale node).
CREATE OR REPLACE FUNCTION contender_rank.stale_nodes_settle()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- the bound on waiting for the state lock (see FAULTS above)
SET lock_timeout = '500ms'
-- hash joins at any size: stale_nodes is filled within this transaction, after its statistics
-- were taken, and a plan built on "empty" probes the state once per (contender, similar task)
-- pair, several times slower than hashing it once even when a single node is stale
SET enable_nestloop = off
-- with nested loops priced out, the plan's cost crosses jit_above_cost and every COMMIT would spend
-- seconds compiling a query that runs in milliseconds
SET jit = off
-- stale_similar() joins in the order it is written (the estimates it would be reordered by are
-- those of an empty stale_nodes)
SET join_collapse_limit = 1
AS $$
DECLARE
    v_xact xid8 := pg_catalog.pg_current_xact_id();
BEGIN
    IF NOT EXISTS (SELECT FROM contender_rank.stale_nodes n WHERE n.xact = v_xact) THEN
        RETURN NULL;
    END IF;
    IF NOT contender_rank.gave_up() THEN
        BEGIN
            -- a repair here rebuilt the own metrics and marked every node stale: settled below
            PERFORM contender_rank.begin_maintenance();
            -- an UPDATE of the rows that changed and an INSERT of the missing ones, not an upsert: an
            -- upsert locks every conflicting row even when its WHERE leaves it as it was, and a refresh
            -- that re-creates the same contenders changes none (no other writer runs: the lock is held)
            WITH fresh AS MATERIALIZED (
                SELECT * FROM contender_rank.stale_similar(v_xact)
            ),
            changed AS (
                UPDATE contender_rank.contender_state s
                SET task = f.task, similar_interval = f.similar_interval, similar_metric = f.similar_metric,
                    similar_newest_at = f.similar_newest_at
                FROM fresh f
                WHERE s.contender_id = f.contender_id
                  AND (s.task, s.similar_interval, s.similar_metric, s.similar_newest_at)
                      IS DISTINCT FROM (f.task, f.similar_interval, f.similar_metric, f.similar_newest_at)
            )
            INSERT INTO contender_rank.contender_state
                (contender_id, task, similar_interval, similar_metric, similar_newest_at)
            SELECT f.contender_id, f.task, f.similar_interval, f.similar_metric, f.similar_newest_at
            FROM fresh f
            WHERE NOT EXISTS (SELECT FROM contender_rank.contender_state s WHERE s.contender_id = f.contender_id)
            -- new rows land next to each other by task (see the table's fillfactor)
            ORDER BY f.task COLLATE "C", f.contender_id COLLATE "C";
        EXCEPTION WHEN query_canceled OR OTHERS THEN
            PERFORM contender_rank.record_fault('stale_nodes_settle', SQLSTATE, SQLERRM);
        END;
    END IF;
    -- settled or given up: either way these rows are done with (they are this transaction's own, so
    -- the DELETE waits for nobody)
    DELETE FROM contender_rank.stale_nodes n WHERE n.xact = v_xact;
    -- contenders_after_insert's memo of the node it marked last is void once the node is settled
    PERFORM pg_catalog.set_config('contender_rank.last_stale_node', '', true);
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.stale_nodes_settle() IS
    'Deferred trigger: at COMMIT, recomputes the similar metric of every current contender on a node this '
    'transaction marked stale and deletes its stale_nodes rows; on any failure records a fault instead.';

-- a constraint trigger cannot be replaced in place
DROP TRIGGER IF EXISTS stale_nodes_settle ON contender_rank.stale_nodes;
CREATE CONSTRAINT TRIGGER stale_nodes_settle
    AFTER INSERT ON contender_rank.stale_nodes
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION contender_rank.stale_nodes_settle();

-- ================================================================ from scratch

-- Everything from the tables: every own metric from history, then every node stale (settled at
-- COMMIT, or at once under SET CONSTRAINTS ... IMMEDIATE: which is why the nodes are marked last,
-- when the own metrics they borrow from are complete). Runs by itself when history is truncated and
-- in repair_state(); migrate runs the same three steps, folding history in parts with progress, when
-- it adopts a database or the definitions behind the state change.
CREATE OR REPLACE FUNCTION contender_rank.rebuild_state()
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM contender_rank.start_rebuild();
    PERFORM contender_rank.recompute_own_state(NULL);
    PERFORM contender_rank.finish_rebuild();
END;
$$;

COMMENT ON FUNCTION contender_rank.rebuild_state() IS
    'Recomputes all derived state from contenders, contenders_history and task_similarity. Cost grows with history.';

CREATE OR REPLACE FUNCTION contender_rank.start_rebuild()
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM contender_rank.lock_state();
    DELETE FROM contender_rank.contender_state;
END;
$$;

COMMENT ON FUNCTION contender_rank.start_rebuild() IS
    'The first step of rebuild_state(): the lock, and no state.';

CREATE OR REPLACE FUNCTION contender_rank.finish_rebuild()
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_hotkeys text[];
    v_netuids int[];
BEGIN
    PERFORM contender_rank.lock_state();
    SELECT array_agg(c.node_hotkey), array_agg(c.netuid) INTO v_hotkeys, v_netuids FROM public.contenders c;
    PERFORM contender_rank.mark_nodes_stale(v_hotkeys, v_netuids);
END;
$$;

COMMENT ON FUNCTION contender_rank.finish_rebuild() IS
    'The last step of rebuild_state(), once every own metric is folded: every node with a contender stale, so '
    'that its similar metrics are settled.';

-- The repair: forget exactly the faults seen now, then rebuild. Those were committed (or are this
-- transaction's own), so the rebuild, which reads the tables after them, covers what their
-- transactions skipped; a fault committed while it runs stays for the next repair. Forgotten first
-- (undone with the rebuild if it fails), so that a settle the rebuild sets off at once (under SET
-- CONSTRAINTS ... IMMEDIATE) finds no fault and does not repair again. Returns how many faults it
-- accounted for.
CREATE OR REPLACE FUNCTION contender_rank.repair_state()
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_seen bigint[];
BEGIN
    PERFORM contender_rank.lock_state();
    v_seen := ARRAY(SELECT f.fault_id FROM contender_rank.state_faults f);
    DELETE FROM contender_rank.state_faults f WHERE f.fault_id = ANY (v_seen);
    -- a transaction that gave up and repairs now has its own writes rebuilt too: it maintains again
    PERFORM pg_catalog.set_config('contender_rank.gave_up', '', true);
    PERFORM contender_rank.rebuild_state();
    RETURN cardinality(v_seen);
END;
$$;

COMMENT ON FUNCTION contender_rank.repair_state() IS
    'Rebuilds the derived state (rebuild_state()) and deletes the state_faults rows seen before rebuilding; '
    'returns how many.';

-- ================================================================ trust

-- The validator's three tables as they are now, by OID (NULL for one that is missing), in
-- installation.host_tables' order.
CREATE OR REPLACE FUNCTION contender_rank.host_tables()
RETURNS oid[]
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN ARRAY[pg_catalog.to_regclass('public.nodes')::oid, pg_catalog.to_regclass('public.contenders')::oid,
                 pg_catalog.to_regclass('public.contenders_history')::oid];
END;
$$;

COMMENT ON FUNCTION contender_rank.host_tables() IS
    'OIDs of public.nodes, contenders and contenders_history (NULL where missing); migrate records them.';

-- Why the state cannot be trusted, or NULL. What every ranking checks first, so built for the common
-- answer: PL/pgSQL (its three queries are planned once per session; a SQL function with settings
-- would be planned again at every call), one look at state_faults, the three OIDs, and one count of
-- the triggers in pg_trigger; the words only when something is wrong.
CREATE OR REPLACE FUNCTION contender_rank.untrusted_reason()
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_recorded oid[];
    v_now      oid[];
    v_triggers CONSTANT name[] := ARRAY['contenders_history_after_insert', 'contenders_history_after_update',
                                        'contenders_history_after_delete', 'contenders_history_after_truncate',
                                        'contenders_after_insert', 'contenders_after_delete',
                                        'contenders_after_move'];
    v_reason   text;
BEGIN
    IF EXISTS (SELECT FROM contender_rank.state_faults) THEN
        SELECT pg_catalog.format('the maintenance gave up %s time(s) since the last repair, last in %s '
                                 '(SQLSTATE %s: %s)',
                                 (SELECT count(*) FROM contender_rank.state_faults), f.source, f.sqlstate, f.message)
        INTO v_reason
        FROM contender_rank.state_faults f ORDER BY f.fault_id DESC LIMIT 1;
        RETURN v_reason;
    END IF;

    SELECT i.host_tables INTO v_recorded FROM contender_rank.installation i;
    v_now := contender_rank.host_tables();
    IF v_recorded IS DISTINCT FROM v_now THEN
        SELECT pg_catalog.format('public.%s was dropped or replaced since contender-rank migrate last ran',
                                 pg_catalog.string_agg(t.name, ', public.' ORDER BY t.ord))
        INTO v_reason
        FROM unnest(ARRAY['nodes', 'contenders', 'contenders_history'], v_recorded, v_now)
             WITH ORDINALITY AS t (name, recorded, now, ord)
        WHERE t.recorded IS DISTINCT FROM t.now;
        RETURN v_reason;
    END IF;

    IF (SELECT count(*) FROM pg_catalog.pg_trigger t
        WHERE t.tgrelid = ANY (v_now) AND t.tgname = ANY (v_triggers) AND t.tgenabled <> 'D')
       = cardinality(v_triggers) THEN
        RETURN NULL;
    END IF;
    SELECT pg_catalog.format('trigger(s) %s missing or disabled',
                             pg_catalog.string_agg(e.tgname || ' on public.' || e.tbl, ', ' ORDER BY e.ord))
    INTO v_reason
    FROM unnest(v_triggers, ARRAY['contenders_history', 'contenders_history', 'contenders_history',
                                  'contenders_history', 'contenders', 'contenders', 'contenders'])
         WITH ORDINALITY AS e (tgname, tbl, ord)
    WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_trigger t
                      WHERE t.tgrelid = pg_catalog.to_regclass('public.' || e.tbl)
                        AND t.tgname = e.tgname
                        AND t.tgenabled <> 'D');
    RETURN v_reason;
END;
$$;

COMMENT ON FUNCTION contender_rank.untrusted_reason() IS
    'Why the derived state cannot be trusted (a recorded maintenance fault, a validator''s table replaced since '
    'migrate, a trigger missing or disabled), or NULL when it can. While not NULL, rankings use load balancing.';

-- ================================================================ triggers on contenders_history

CREATE OR REPLACE FUNCTION contender_rank.contenders_history_after_insert()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- the bound on waiting for the state lock (see FAULTS above)
SET lock_timeout = '500ms'
AS $$
DECLARE
    v_interval interval;
    v_factor   float8;
    v_late     text[];
BEGIN
    IF contender_rank.gave_up() THEN
        RETURN NULL;
    END IF;
    BEGIN
        IF contender_rank.begin_maintenance() THEN
            RETURN NULL;
        END IF;
        SELECT rc.decay_interval, rc.decay_factor INTO v_interval, v_factor FROM public.ranking_config rc;

        -- the interval of each distinct expired_at, once (interval_stamps()). A row without a finite
        -- expired_at is in no interval: ignored (ranking_status() counts them)
        WITH stamps AS MATERIALIZED (
            SELECT st.expired_at, st.at, st.k
            FROM contender_rank.interval_stamps(ARRAY(SELECT DISTINCT n.expired_at FROM new_rows n), v_interval) st
        ),
        -- each contender's new rows
        batch AS (
            SELECT n.contender_id::text AS contender_id,
                   min(st.k) AS first_k,
                   max(st.k) AS last_k,
                   sum(contender_rank.usable_score(n.period_score::float8)) AS score_sum,
                   count(*) AS row_count,
                   max(st.at) AS newest_at,
                   max(abs(contender_rank.usable_score(n.period_score::float8))) AS score_bound  -- 35_retention.sql
            FROM new_rows n
            JOIN stamps st ON st.expired_at = n.expired_at
            GROUP BY n.contender_id
        ),
        -- contenders the running fold cannot absorb: new rows in several intervals, or before its newest
        late AS (
            SELECT b.contender_id
            FROM batch b
            LEFT JOIN contender_rank.contender_state s ON s.contender_id = b.contender_id
            WHERE b.first_k <> b.last_k
               OR b.first_k < s.own_interval
        ),
        -- the running fold: move the sum forward to the new interval, or add to the current one (an
        -- UPDATE of the rows there and an INSERT of the missing ones: cheaper than an upsert, and no
        -- other writer runs while the lock is held)
        moved AS (
            UPDATE contender_rank.contender_state s
            SET own_base = CASE
                    WHEN s.own_interval IS NULL OR s.own_interval = b.first_k THEN coalesce(s.own_base, 0)
                    ELSE contender_rank.decayed(s.own_value, v_factor, b.first_k - s.own_interval)
                END,
                own_interval_sum = CASE WHEN s.own_interval = b.first_k
                                        THEN s.own_interval_sum + b.score_sum
                                        ELSE b.score_sum END,
                own_interval_rows = CASE WHEN s.own_interval = b.first_k
                                         THEN s.own_interval_rows + b.row_count
                                         ELSE b.row_count END,
                own_interval = b.first_k,
                own_newest_at = greatest(s.own_newest_at, b.newest_at),
                own_score_bound = CASE WHEN s.own_interval IS NULL THEN b.score_bound
                                       WHEN s.own_score_bound IS NOT NULL
                                           THEN greatest(s.own_score_bound, b.score_bound)
                                  END
            FROM batch b
            WHERE s.contender_id = b.contender_id
              AND b.contender_id NOT IN (SELECT l.contender_id FROM late l)
        ),
        added AS (
            INSERT INTO contender_rank.contender_state
                (contender_id, own_interval, own_base, own_interval_sum, own_interval_rows, own_newest_at,
                 own_score_bound)
            SELECT b.contender_id, b.first_k, 0, b.score_sum, b.row_count, b.newest_at, b.score_bound
            FROM batch b
            WHERE b.contender_id NOT IN (SELECT l.contender_id FROM late l)
              AND NOT EXISTS (SELECT FROM contender_rank.contender_state s WHERE s.contender_id = b.contender_id)
        )
        SELECT ARRAY(SELECT l.contender_id FROM late l) INTO v_late;

        IF cardinality(v_late) > 0 THEN
            PERFORM contender_rank.recompute_own_state(v_late);
        END IF;

        PERFORM contender_rank.mark_stale(ARRAY(SELECT DISTINCT n.contender_id::text FROM new_rows n
                                                WHERE isfinite(n.expired_at)));
    EXCEPTION WHEN query_canceled OR OTHERS THEN
        PERFORM contender_rank.record_fault(TG_NAME, SQLSTATE, SQLERRM);
    END;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_history_after_insert() IS
    'Trigger: folds rows inserted into contenders_history into the own metrics (rows without a finite '
    'expired_at are ignored) and marks stale the nodes where those contenders are current; on any failure '
    'records a fault instead.';

CREATE OR REPLACE TRIGGER contenders_history_after_insert
    AFTER INSERT ON public.contenders_history
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.contenders_history_after_insert();

-- History is a log: a correction or retention is rare, and the touched contenders are
-- recomputed exactly from what remains.
CREATE OR REPLACE FUNCTION contender_rank.contenders_history_after_change()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '500ms'
AS $$
DECLARE
    v_touched text[];
BEGIN
    IF contender_rank.gave_up() THEN
        RETURN NULL;
    END IF;
    BEGIN
        IF contender_rank.begin_maintenance() THEN
            RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE' THEN
            v_touched := ARRAY(SELECT o.contender_id::text FROM old_rows o
                               UNION SELECT n.contender_id::text FROM new_rows n);
        ELSE
            -- rows too old to move any metric need no recompute (35_retention.sql says why)
            SELECT contender_rank.deletions_to_recompute(array_agg(d.id), array_agg(d.newest_at),
                                                         array_agg(d.score_bound))
            INTO v_touched
            FROM (SELECT o.contender_id::text AS id,
                         max(contender_rank.as_utc(o.expired_at)) FILTER (WHERE isfinite(o.expired_at)) AS newest_at,
                         max(abs(contender_rank.usable_score(o.period_score::float8)))
                             FILTER (WHERE isfinite(o.expired_at)) AS score_bound
                  FROM old_rows o GROUP BY o.contender_id) d;
        END IF;
        IF cardinality(v_touched) > 0 THEN
            PERFORM contender_rank.recompute_own_state(v_touched);
            PERFORM contender_rank.mark_stale(v_touched);
        END IF;
    EXCEPTION WHEN query_canceled OR OTHERS THEN
        PERFORM contender_rank.record_fault(TG_NAME, SQLSTATE, SQLERRM);
    END;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_history_after_change() IS
    'Trigger: after UPDATE or DELETE of contenders_history, recomputes the touched contenders'' own metric and '
    'marks their nodes stale; on any failure records a fault instead.';

CREATE OR REPLACE TRIGGER contenders_history_after_update
    AFTER UPDATE ON public.contenders_history
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.contenders_history_after_change();
CREATE OR REPLACE TRIGGER contenders_history_after_delete
    AFTER DELETE ON public.contenders_history
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.contenders_history_after_change();

CREATE OR REPLACE FUNCTION contender_rank.contenders_history_after_truncate()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '500ms'
AS $$
BEGIN
    IF contender_rank.gave_up() THEN
        RETURN NULL;
    END IF;
    BEGIN
        IF NOT contender_rank.begin_maintenance() THEN
            PERFORM contender_rank.rebuild_state();
        END IF;
    EXCEPTION WHEN query_canceled OR OTHERS THEN
        PERFORM contender_rank.record_fault(TG_NAME, SQLSTATE, SQLERRM);
    END;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_history_after_truncate() IS
    'Trigger: after TRUNCATE of contenders_history, rebuilds the derived state; on any failure records a fault.';

CREATE OR REPLACE TRIGGER contenders_history_after_truncate
    AFTER TRUNCATE ON public.contenders_history
    FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.contenders_history_after_truncate();

-- ================================================================ triggers on contenders

-- Whether contenders has the four columns the per-row triggers read (contender_id, node_hotkey,
-- netuid, task), looked up in the catalog once per transaction (the answer is kept in a setting local
-- to it): without them (nineteen dropped or renamed one) those triggers do nothing instead of failing
-- nineteen's statement, and the statement-level triggers record the fault.
CREATE OR REPLACE FUNCTION contender_rank.contender_columns_present(contenders regclass)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_memo text := pg_catalog.pg_current_xact_id()::text || '/' || contender_columns_present.contenders::oid;
BEGIN
    IF pg_catalog.current_setting('contender_rank.columns_present', true) = v_memo THEN
        RETURN true;
    END IF;
    IF (SELECT count(*) FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = contender_columns_present.contenders AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attname IN ('contender_id', 'node_hotkey', 'netuid', 'task')) < 4 THEN
        RETURN false;
    END IF;
    PERFORM pg_catalog.set_config('contender_rank.columns_present', v_memo, true);
    RETURN true;
END;
$$;

COMMENT ON FUNCTION contender_rank.contender_columns_present(regclass) IS
    'Whether the table has columns contender_id, node_hotkey, netuid and task (checked once per transaction).';

-- netuid as the integer stale_nodes keeps, from whatever type nineteen gave the column (read as
-- text); NULL when it is not an integer: never an error. A SQL-standard body without settings: the
-- planner inlines it into the triggers' expressions.
CREATE OR REPLACE FUNCTION contender_rank.as_netuid(netuid text)
RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN netuid ~ '^-?[0-9]{1,9}$' THEN netuid::int END;

COMMENT ON FUNCTION contender_rank.as_netuid(text) IS
    'A netuid given as text, as an integer; NULL when it is not one.';

-- Per row, and as little as can be: most often nothing (the node is the one marked last). No lock,
-- no exception block (nineteen inserts 4,096 rows, one statement each, in one transaction), nothing
-- that can fail: the columns it reads are checked once per transaction (contender_columns_present),
-- the netuid is converted without a cast that could fail, and the insert into stale_nodes meets no
-- unique key.
CREATE OR REPLACE FUNCTION contender_rank.contenders_after_insert()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_node text;
BEGIN
    -- the memo tested here first: a call per row costs more than the expression
    IF pg_catalog.current_setting('contender_rank.columns_present', true)
           IS DISTINCT FROM pg_catalog.pg_current_xact_id()::text || '/' || TG_RELID
       AND NOT contender_rank.contender_columns_present(TG_RELID) THEN
        RETURN NULL;
    END IF;
    v_node := pg_catalog.format('%s/%s/%s', pg_catalog.pg_current_xact_id(), NEW.netuid, NEW.node_hotkey);
    -- a validator inserts a node's contenders one after another: when this transaction's last mark
    -- was this node, it is still stale and there is nothing to do. The memo is a setting local to
    -- the transaction (undone with it, or with the savepoint that set it), cleared by the settle.
    IF pg_catalog.current_setting('contender_rank.last_stale_node', true) = v_node THEN
        RETURN NULL;
    END IF;
    -- the memo first: under SET CONSTRAINTS ... IMMEDIATE the mark below settles the node at once,
    -- and that settle must be the one to clear it
    PERFORM pg_catalog.set_config('contender_rank.last_stale_node', v_node, true);
    PERFORM contender_rank.mark_nodes_stale(ARRAY[NEW.node_hotkey::text],
                                            ARRAY[contender_rank.as_netuid(NEW.netuid::text)]);
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_after_insert() IS
    'Trigger: a new contender''s node is stale (nothing to do when it is the node this transaction marked last). '
    'Takes no lock and cannot fail.';

CREATE OR REPLACE TRIGGER contenders_after_insert
    AFTER INSERT ON public.contenders
    FOR EACH ROW EXECUTE FUNCTION contender_rank.contenders_after_insert();

CREATE OR REPLACE FUNCTION contender_rank.contenders_after_delete()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '500ms'
AS $$
DECLARE
    v_hotkeys text[];
    v_netuids int[];
BEGIN
    IF contender_rank.gave_up() THEN
        RETURN NULL;
    END IF;
    BEGIN
        IF contender_rank.begin_maintenance() THEN
            RETURN NULL;
        END IF;
        SELECT array_agg(o.node_hotkey), array_agg(o.netuid) INTO v_hotkeys, v_netuids
        FROM (SELECT DISTINCT o.node_hotkey::text AS node_hotkey, o.netuid::int AS netuid FROM old_rows o) o;
        PERFORM contender_rank.mark_nodes_stale(v_hotkeys, v_netuids);
    EXCEPTION WHEN query_canceled OR OTHERS THEN
        PERFORM contender_rank.record_fault(TG_NAME, SQLSTATE, SQLERRM);
    END;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_after_delete() IS
    'Trigger: the nodes of deleted contenders are stale; on any failure records a fault instead.';

CREATE OR REPLACE TRIGGER contenders_after_delete
    AFTER DELETE ON public.contenders
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.contenders_after_delete();

-- Fires on every UPDATE of contenders (a column list or a WHEN clause would record dependencies on
-- nineteen's columns, which its ALTER TABLE would fail on), so it is built to cost little: the four
-- columns compared in one expression, and a counter bump or a period score returns there. Like
-- contenders_after_insert it takes no lock and cannot fail.
CREATE OR REPLACE FUNCTION contender_rank.contenders_after_move()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- two statements: PL/pgSQL resolves OLD.task when it prepares the expression that names it, and
    -- raises there if the column is gone, so that expression is reached only once the columns are known
    IF pg_catalog.current_setting('contender_rank.columns_present', true)
           IS DISTINCT FROM pg_catalog.pg_current_xact_id()::text || '/' || TG_RELID
       AND NOT contender_rank.contender_columns_present(TG_RELID) THEN
        RETURN NULL;
    END IF;
    IF (OLD.contender_id, OLD.node_hotkey, OLD.netuid, OLD.task)
       IS NOT DISTINCT FROM (NEW.contender_id, NEW.node_hotkey, NEW.netuid, NEW.task) THEN
        RETURN NULL;
    END IF;
    PERFORM contender_rank.mark_nodes_stale(
        ARRAY[OLD.node_hotkey::text, NEW.node_hotkey::text],
        ARRAY[contender_rank.as_netuid(OLD.netuid::text), contender_rank.as_netuid(NEW.netuid::text)]);
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_after_move() IS
    'Trigger: when a contender''s id, node or task changes, the node it left and the node it is on are stale. '
    'Takes no lock and cannot fail.';

CREATE OR REPLACE TRIGGER contenders_after_move
    AFTER UPDATE ON public.contenders
    FOR EACH ROW
    EXECUTE FUNCTION contender_rank.contenders_after_move();

-- ================================================================ triggers on the settings

-- Admins edit similarities rarely and one pair can touch any node: every node is stale. The settings
-- are contender_rank's own tables: their writers may wait for the lock, and an error fails their
-- statement, as for any table.
CREATE OR REPLACE FUNCTION contender_rank.task_similarity_after_change()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_hotkeys text[];
    v_netuids int[];
BEGIN
    PERFORM contender_rank.lock_state();
    IF EXISTS (SELECT FROM contender_rank.state_faults) THEN
        PERFORM contender_rank.repair_state();
        RETURN NULL;
    END IF;
    SELECT array_agg(c.node_hotkey), array_agg(c.netuid) INTO v_hotkeys, v_netuids FROM public.contenders c;
    PERFORM contender_rank.mark_nodes_stale(v_hotkeys, v_netuids);
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.task_similarity_after_change() IS
    'Trigger: after any change to task_similarity, every node with a contender is stale.';

CREATE OR REPLACE TRIGGER task_similarity_after_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.task_similarity
    FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.task_similarity_after_change();

-- The decay interval and factor shape every stored metric, so a change to either rebuilds the
-- state in the same transaction: the next ranking sees the new settings and the matching state
-- together. history_weight is read by each ranking call.
CREATE OR REPLACE FUNCTION contender_rank.ranking_config_after_update()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM contender_rank.repair_state();
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.ranking_config_after_update() IS
    'Trigger: rebuilds the derived state when decay_interval or decay_factor change (repair_state()).';

CREATE OR REPLACE TRIGGER ranking_config_after_update
    AFTER UPDATE ON public.ranking_config
    FOR EACH ROW
    WHEN (OLD.decay_interval IS DISTINCT FROM NEW.decay_interval OR OLD.decay_factor IS DISTINCT FROM NEW.decay_factor)
    EXECUTE FUNCTION contender_rank.ranking_config_after_update();

-- default deny: nobody but the owner runs what is in this file (privileges.sql grants the admin
-- what it may audit)
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA contender_rank FROM PUBLIC;
