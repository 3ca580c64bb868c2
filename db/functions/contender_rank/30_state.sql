-- =================================================================================================
-- The state machinery: how rank_contenders answers from one row per contender instead of history.
-- Read top to bottom. The tables are in db/migrations/0008_create_internal_state.sql, the arithmetic
-- (interval_index, interval_mean, decayed, scaled, usable_score, as_utc) in 10_arithmetic.sql, and the
-- definition this state must always equal, from history alone, in 20_definition.sql.
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
--   stale_nodes       nodes whose similar metrics the writing transaction still has to settle.
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
--       statement, 4,096 of them in one transaction): its node is stale. Nothing else: the work waits
--       for COMMIT.
--   DELETE FROM contenders             contenders_after_delete (per statement): their nodes are stale.
--   UPDATE contenders SET contender_id, node_hotkey, netuid or task
--                                      contenders_after_move (per row): the old node and the new one
--                                      are stale.
--   INSERT, UPDATE, DELETE, TRUNCATE task_similarity
--                                      task_similarity_after_change: every node with a contender is stale.
--   UPDATE ranking_config (decay_interval or decay_factor)
--                                      ranking_config_after_update: rebuild_state().
--   COMMIT of any of these             stale_nodes_settle, a constraint trigger deferred to COMMIT: the
--       similar metric of every current contender on a stale node is recomputed at once
--       (stale_similar()), and stale_nodes is emptied. Every committed state is settled, whatever the
--       write pattern, and a refresh of 4,096 contenders costs one set-based pass, not 4,096 small ones.
--   Nothing fires on the per-request counters, on period_score, on TRUNCATE of contenders (the next
--   contenders inserted mark their nodes) or on nodes: rank_contenders reads those live.
--
-- READING (task_contenders and rank_task, in 50_read.sql): the contenders of the task from contenders,
--   the own metric from own_*, the similar metric from similar_*, the task's state rows found by
--   their task. Inside a writing transaction that has left nodes stale (no other session can see
--   them), rank_contenders and explain_ranking answer from the definition (20_definition.sql)
--   instead, which needs no settled state; every other session runs the plan without that check's
--   cost beyond one look at stale_nodes.
--
-- LOCKS
--   Every trigger takes lock_state() before anything else: one transaction-scoped advisory lock, so
--   writers of the derived state run one at a time, and each statement after it sees what the previous
--   holder committed (READ COMMITTED). While holding it a trigger writes only contender_rank's tables
--   and merely reads the validator's, so it never waits for a row lock: no lock-order deadlock with the
--   validator's statements. Rankers take no lock and never wait.
--
-- SECURITY
--   The trigger functions run as their owner (SECURITY DEFINER, search_path pg_catalog then pg_temp,
--   every name qualified): the validator's role writes its own tables and the derived state follows,
--   with no grant on contender_rank. EXECUTE on every function here is revoked from PUBLIC, so nobody
--   can bind them to a table of their own.
--
-- Every function a trigger calls per row is PL/pgSQL, which keeps its plans for the session (a
-- SQL-language function that is not inlined plans its statements again at every call, 4,096 times in
-- one refresh), or a one-expression SQL function the planner inlines (lock_state).
-- =================================================================================================

-- A SQL-standard body without settings: the planner inlines it, so the per-row trigger on contenders
-- pays for the lock call alone, not for a function call around it.
CREATE OR REPLACE FUNCTION contender_rank.lock_state()
RETURNS void
LANGUAGE sql VOLATILE
RETURN pg_catalog.pg_advisory_xact_lock(8243061957233154049);

COMMENT ON FUNCTION contender_rank.lock_state() IS
    'Takes the transaction-scoped advisory lock that serialises every writer of the derived state.';

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
    -- the interval of each distinct expired_at, once (numeric arithmetic; a period's rows share one).
    -- MATERIALIZED: inlined, the planner would compute k again for every joined row
    stamps AS MATERIALIZED (
        SELECT d.expired_at, contender_rank.as_utc(d.expired_at) AS at,
               contender_rank.interval_index(contender_rank.as_utc(d.expired_at), v_interval) AS k
        FROM (SELECT DISTINCT h.expired_at FROM history h) d
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
CREATE OR REPLACE FUNCTION contender_rank.stale_similar()
RETURNS TABLE (contender_id text, task text, similar_interval bigint, similar_metric float8,
               similar_newest_at timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
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
        FROM contender_rank.stale_nodes stale
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
END;

COMMENT ON FUNCTION contender_rank.stale_similar() IS
    'The similar metric of every current contender on a stale node, from the derived state: its value, the '
    'interval it is valued at and the newest history behind it; NULLs when nothing is borrowed.';

-- The nodes where these contenders are current: whatever changed about them changes what the node's
-- contenders borrow.
CREATE OR REPLACE FUNCTION contender_rank.mark_stale(contender_ids text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO contender_rank.stale_nodes (node_hotkey, netuid)
    SELECT DISTINCT c.node_hotkey, c.netuid
    FROM public.contenders c
    WHERE c.contender_id IN (SELECT unnest(mark_stale.contender_ids))
    ON CONFLICT DO NOTHING;
END;
$$;

COMMENT ON FUNCTION contender_rank.mark_stale(text[]) IS
    'Marks stale the nodes where these contenders are current. Call with lock_state() held.';

-- At COMMIT (deferred): every current contender on a stale node gets its similar metric, and
-- stale_nodes is emptied. One event per stale node fires it; the first does the work, the rest find
-- nothing to do.
CREATE OR REPLACE FUNCTION contender_rank.stale_nodes_settle()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
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
BEGIN
    IF NOT EXISTS (SELECT FROM contender_rank.stale_nodes) THEN
        RETURN NULL;
    END IF;
    PERFORM contender_rank.lock_state();
    -- an UPDATE of the rows that changed and an INSERT of the missing ones, not an upsert: an upsert
    -- locks every conflicting row even when its WHERE leaves it as it was, and a refresh that
    -- re-creates the same contenders changes none (no other writer runs: the lock is held)
    WITH fresh AS MATERIALIZED (
        SELECT * FROM contender_rank.stale_similar()
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
    INSERT INTO contender_rank.contender_state (contender_id, task, similar_interval, similar_metric, similar_newest_at)
    SELECT f.contender_id, f.task, f.similar_interval, f.similar_metric, f.similar_newest_at
    FROM fresh f
    WHERE NOT EXISTS (SELECT FROM contender_rank.contender_state s WHERE s.contender_id = f.contender_id)
    -- new rows land next to each other by task (see the table's fillfactor)
    ORDER BY f.task COLLATE "C", f.contender_id COLLATE "C";
    DELETE FROM contender_rank.stale_nodes;
    -- contenders_after_insert's memo of the node it marked last is void once the node is settled
    PERFORM pg_catalog.set_config('contender_rank.last_stale_node', '', true);
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.stale_nodes_settle() IS
    'Deferred trigger: at COMMIT, recomputes the similar metric of every current contender on a stale node and '
    'empties stale_nodes.';

-- a constraint trigger cannot be replaced in place
DROP TRIGGER IF EXISTS stale_nodes_settle ON contender_rank.stale_nodes;
CREATE CONSTRAINT TRIGGER stale_nodes_settle
    AFTER INSERT ON contender_rank.stale_nodes
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION contender_rank.stale_nodes_settle();

-- ================================================================ from scratch

-- Everything from the tables: every own metric from history, then every node stale (settled at
-- COMMIT, or at once under SET CONSTRAINTS ... IMMEDIATE: which is why the nodes are marked last,
-- when the own metrics they borrow from are complete). Runs by itself when the decay settings change
-- or history is truncated; migrate runs the same three steps, folding history in parts with
-- progress, when it adopts a database or the definitions behind the state change.
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
BEGIN
    PERFORM contender_rank.lock_state();
    INSERT INTO contender_rank.stale_nodes (node_hotkey, netuid)
    SELECT DISTINCT c.node_hotkey, c.netuid
    FROM public.contenders c
    ON CONFLICT DO NOTHING;
END;
$$;

COMMENT ON FUNCTION contender_rank.finish_rebuild() IS
    'The last step of rebuild_state(), once every own metric is folded: every node with a contender stale, so '
    'that its similar metrics are settled.';

-- ================================================================ triggers on contenders_history

CREATE OR REPLACE FUNCTION contender_rank.contenders_history_after_insert()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_interval interval;
    v_factor   float8;
    v_late     text[];
BEGIN
    PERFORM contender_rank.lock_state();
    SELECT rc.decay_interval, rc.decay_factor INTO v_interval, v_factor FROM public.ranking_config rc;

    -- the interval of each distinct expired_at, once: exact interval_index() is numeric arithmetic,
    -- and a period's rows share one stamp (MATERIALIZED, or the planner computes it again per row). A
    -- row without a finite expired_at is in no interval: ignored (ranking_status() counts them)
    WITH stamps AS MATERIALIZED (
        SELECT d.expired_at, contender_rank.as_utc(d.expired_at) AS at,
               contender_rank.interval_index(contender_rank.as_utc(d.expired_at), v_interval) AS k
        FROM (SELECT DISTINCT n.expired_at FROM new_rows n WHERE isfinite(n.expired_at)) d
    ),
    -- each contender's new rows
    batch AS (
        SELECT n.contender_id,
               min(st.k) AS first_k,
               max(st.k) AS last_k,
               sum(contender_rank.usable_score(n.period_score)) AS score_sum,
               count(*) AS row_count,
               max(st.at) AS newest_at,
               max(abs(contender_rank.usable_score(n.period_score))) AS score_bound  -- 35_retention.sql
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
                                   WHEN s.own_score_bound IS NOT NULL THEN greatest(s.own_score_bound, b.score_bound)
                              END
        FROM batch b
        WHERE s.contender_id = b.contender_id
          AND b.contender_id NOT IN (SELECT l.contender_id FROM late l)
    ),
    added AS (
        INSERT INTO contender_rank.contender_state
            (contender_id, own_interval, own_base, own_interval_sum, own_interval_rows, own_newest_at, own_score_bound)
        SELECT b.contender_id, b.first_k, 0, b.score_sum, b.row_count, b.newest_at, b.score_bound
        FROM batch b
        WHERE b.contender_id NOT IN (SELECT l.contender_id FROM late l)
          AND NOT EXISTS (SELECT FROM contender_rank.contender_state s WHERE s.contender_id = b.contender_id)
    )
    SELECT ARRAY(SELECT l.contender_id FROM late l) INTO v_late;

    IF cardinality(v_late) > 0 THEN
        PERFORM contender_rank.recompute_own_state(v_late);
    END IF;

    -- the nodes where they are current (mark_stale(), as one semi-join with the new rows)
    INSERT INTO contender_rank.stale_nodes (node_hotkey, netuid)
    SELECT DISTINCT c.node_hotkey, c.netuid
    FROM public.contenders c
    WHERE c.contender_id IN (SELECT n.contender_id FROM new_rows n WHERE isfinite(n.expired_at))
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_history_after_insert() IS
    'Trigger: folds rows inserted into contenders_history into the own metrics (rows without a finite '
    'expired_at are ignored) and marks stale the nodes where those contenders are current.';

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
AS $$
DECLARE
    v_touched text[];
BEGIN
    PERFORM contender_rank.lock_state();
    IF TG_OP = 'UPDATE' THEN
        v_touched := ARRAY(SELECT o.contender_id FROM old_rows o UNION SELECT n.contender_id FROM new_rows n);
    ELSE
        -- rows too old to move any metric need no recompute (35_retention.sql says why)
        SELECT contender_rank.deletions_to_recompute(array_agg(d.id), array_agg(d.newest_at), array_agg(d.score_bound))
        INTO v_touched
        FROM (SELECT o.contender_id AS id,
                     max(contender_rank.as_utc(o.expired_at)) FILTER (WHERE isfinite(o.expired_at)) AS newest_at,
                     max(abs(contender_rank.usable_score(o.period_score))) FILTER (WHERE isfinite(o.expired_at)) AS score_bound
              FROM old_rows o GROUP BY o.contender_id) d;
    END IF;
    IF cardinality(v_touched) = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM contender_rank.recompute_own_state(v_touched);
    PERFORM contender_rank.mark_stale(v_touched);
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_history_after_change() IS
    'Trigger: after UPDATE or DELETE of contenders_history, recomputes the touched contenders'' own metric and '
    'marks their nodes stale.';

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
AS $$
BEGIN
    PERFORM contender_rank.rebuild_state();
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_history_after_truncate() IS
    'Trigger: after TRUNCATE of contenders_history, rebuilds the derived state.';

CREATE OR REPLACE TRIGGER contenders_history_after_truncate
    AFTER TRUNCATE ON public.contenders_history
    FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.contenders_history_after_truncate();

-- ================================================================ triggers on contenders

-- Per row, and as little as can be: one statement, most often a no-op (the node is already stale).
CREATE OR REPLACE FUNCTION contender_rank.contenders_after_insert()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_node text := pg_catalog.format('%s/%s/%s', pg_catalog.pg_current_xact_id(), NEW.netuid, NEW.node_hotkey);
BEGIN
    -- a validator inserts a node's contenders one after another: when this transaction's last mark
    -- was this node, it is still stale and there is nothing to do. The memo is a setting local to
    -- the transaction (undone with it, or with the savepoint that set it), cleared by the settle.
    IF pg_catalog.current_setting('contender_rank.last_stale_node', true) = v_node THEN
        RETURN NULL;
    END IF;
    PERFORM contender_rank.lock_state();
    -- the memo first: under SET CONSTRAINTS ... IMMEDIATE the INSERT below settles the node at once,
    -- and that settle must be the one to clear it
    PERFORM pg_catalog.set_config('contender_rank.last_stale_node', v_node, true);
    INSERT INTO contender_rank.stale_nodes (node_hotkey, netuid)
    VALUES (NEW.node_hotkey, NEW.netuid)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_after_insert() IS
    'Trigger: a new contender''s node is stale (nothing to do when it is the node this transaction marked last).';

CREATE OR REPLACE TRIGGER contenders_after_insert
    AFTER INSERT ON public.contenders
    FOR EACH ROW EXECUTE FUNCTION contender_rank.contenders_after_insert();

CREATE OR REPLACE FUNCTION contender_rank.contenders_after_delete()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM contender_rank.lock_state();
    INSERT INTO contender_rank.stale_nodes (node_hotkey, netuid)
    SELECT DISTINCT o.node_hotkey, o.netuid
    FROM old_rows o
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_after_delete() IS
    'Trigger: the nodes of deleted contenders are stale.';

CREATE OR REPLACE TRIGGER contenders_after_delete
    AFTER DELETE ON public.contenders
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION contender_rank.contenders_after_delete();

CREATE OR REPLACE FUNCTION contender_rank.contenders_after_move()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM contender_rank.lock_state();
    INSERT INTO contender_rank.stale_nodes (node_hotkey, netuid)
    VALUES (OLD.node_hotkey, OLD.netuid), (NEW.node_hotkey, NEW.netuid)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.contenders_after_move() IS
    'Trigger: when a contender''s id, node or task changes, the node it left and the node it is on are stale.';

CREATE OR REPLACE TRIGGER contenders_after_move
    AFTER UPDATE OF contender_id, node_hotkey, netuid, task ON public.contenders
    FOR EACH ROW
    WHEN (OLD.contender_id IS DISTINCT FROM NEW.contender_id OR OLD.node_hotkey IS DISTINCT FROM NEW.node_hotkey
          OR OLD.netuid IS DISTINCT FROM NEW.netuid OR OLD.task IS DISTINCT FROM NEW.task)
    EXECUTE FUNCTION contender_rank.contenders_after_move();

-- ================================================================ triggers on the settings

-- Admins edit similarities rarely and one pair can touch any node: every node is stale.
CREATE OR REPLACE FUNCTION contender_rank.task_similarity_after_change()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM contender_rank.lock_state();
    INSERT INTO contender_rank.stale_nodes (node_hotkey, netuid)
    SELECT DISTINCT c.node_hotkey, c.netuid
    FROM public.contenders c
    ON CONFLICT DO NOTHING;
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
    PERFORM contender_rank.rebuild_state();
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION contender_rank.ranking_config_after_update() IS
    'Trigger: rebuilds the derived state when decay_interval or decay_factor change.';

CREATE OR REPLACE TRIGGER ranking_config_after_update
    AFTER UPDATE ON public.ranking_config
    FOR EACH ROW
    WHEN (OLD.decay_interval IS DISTINCT FROM NEW.decay_interval OR OLD.decay_factor IS DISTINCT FROM NEW.decay_factor)
    EXECUTE FUNCTION contender_rank.ranking_config_after_update();

-- default deny: nobody but the owner runs what is in this file (privileges.sql grants the admin
-- what it may audit)
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA contender_rank FROM PUBLIC;
