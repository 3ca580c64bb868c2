-- =================================================================================================
-- Checking the derived state, like amcheck checks an index: contender_state against the definition
-- from history (20_definition.sql), for every contender id that is current, has history or has a
-- state row; and the repair that rebuilds it. What `contender-rank verify [--repair]` runs.
--
-- THE CHECK (verification_scope, state_differences) only reads: it is STABLE, so all of it sees one
-- snapshot, takes no advisory lock and only the ACCESS SHARE locks of any SELECT, which no INSERT,
-- UPDATE or DELETE of the validator waits for. It may run on a live validator, or on a hot standby.
--
-- THE REPAIR (verify_repair) takes the state lock (lock_state(), as every trigger does) and holds it
-- until its transaction ends: the rebuild of every own metric from history, then the settle of every
-- node. Writers of the validator that need the lock meanwhile wait for it (or, where the maintenance
-- gives up waiting, record a fault, which this repair does not clear).
--
-- Every function here reads the validator's tables, so its body is a string: a SQL-standard body would
-- record dependencies on their columns and make the validator's ALTER TABLE fail.
-- =================================================================================================

-- Two floats agree when equal, or when they differ by at most tolerance times the larger magnitude:
-- the running fold and the definition add the same terms in different orders, so the last bits may
-- differ, by an amount that grows with the values.
CREATE OR REPLACE FUNCTION contender_rank.agrees(stored float8, expected float8, tolerance float8)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce(agrees.stored = agrees.expected
                -- only finite values get the tolerance (PostgreSQL's NaN equals NaN and sorts above
                -- infinity: either would otherwise pass against anything)
                OR (abs(agrees.stored) < 'Infinity'::float8 AND abs(agrees.expected) < 'Infinity'::float8
                    AND abs(agrees.stored - agrees.expected)
                        <= agrees.tolerance * greatest(abs(agrees.stored), abs(agrees.expected))),
                false);

COMMENT ON FUNCTION contender_rank.agrees(float8, float8, float8) IS
    'True when stored equals expected, or both are finite and differ by at most tolerance times the larger '
    'magnitude; false when either is NULL.';

-- The time the check values every metric at, and how much it covers. By default the newest history
-- time (every row counts, and nothing has decayed further than it must: a wrong value shows at its
-- largest); never earlier, since the state has already folded in every row.
CREATE OR REPLACE FUNCTION contender_rank.verification_scope(as_of timestamptz DEFAULT NULL)
RETURNS TABLE (valued_at timestamptz, contenders bigint, history_rows bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_newest timestamptz;
    v_rows   bigint;
BEGIN
    SELECT max(contender_rank.as_utc(h.expired_at)) FILTER (WHERE isfinite(h.expired_at)), count(*)
    INTO v_newest, v_rows
    FROM public.contenders_history h;
    IF verification_scope.as_of IS NOT NULL AND NOT isfinite(verification_scope.as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite timestamptz, got %', verification_scope.as_of
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'as_of',
                  HINT = 'Leave as_of out to check as of the newest history row.';
    END IF;
    IF verification_scope.as_of < v_newest THEN
        RAISE EXCEPTION 'as_of must be at or after the newest history row (%), got %', v_newest, verification_scope.as_of
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'as_of',
                  HINT = 'The state has folded in every history row: it can only be checked as of a time after all '
                         'of them. Leave as_of out to check as of the newest.';
    END IF;
    RETURN QUERY
    SELECT coalesce(verification_scope.as_of, v_newest, now()),
           (SELECT count(*)
            FROM (SELECT h.contender_id FROM public.contenders_history h WHERE isfinite(h.expired_at)
                  UNION
                  SELECT s.contender_id FROM contender_rank.contender_state s
                  UNION
                  SELECT c.contender_id FROM public.contenders c) ids),
           v_rows;
END;
$$;

COMMENT ON FUNCTION contender_rank.verification_scope(timestamptz) IS
    'The time state_differences values metrics at (valued_at: as_of, or by default the newest history time; refused when '
    'earlier than the newest history row or infinite), the contender ids it checks and the history rows.';

-- Where contender_state differs from the definition, one row per difference:
--   missing row        a contender with history, or a current one on a settled node, has no state row
--   extra row          an own metric stored for a contender with no history that is not current (a row
--                      without one is what the settle leaves of a deleted contender: never read, allowed)
--   own_metric         its own metric at as_of, stored (the running sum decayed) against own_metrics_window
--   own_interval, own_interval_rows, own_newest_at
--                      the newest interval with history, its row count, the newest history time
--   task               a current contender's row does not carry its task (the ranking finds rows by it)
--   similar_metric     a current contender's borrowed metric at as_of against similar_metrics_window
--   similar_interval, similar_newest_at
--                      the newest interval and time among the histories it borrows from
--   stale node         a node left stale by a committed transaction (its settle never ran)
-- Metrics agree within tolerance relative to their magnitude (agrees()); everything else exactly.
-- Nodes this very transaction has made stale are settled at its COMMIT: their contenders' similar
-- metrics are not checked before then.
CREATE OR REPLACE FUNCTION contender_rank.state_differences(as_of timestamptz DEFAULT NULL,
                                                            tolerance float8 DEFAULT 1e-9)
RETURNS TABLE (contender_id text, task text, what text, stored text, expected text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- hash joins and in-memory grouping over the whole history, as a rebuild does (recompute_own_state)
SET work_mem = '64MB'
SET enable_nestloop = off
SET jit = off
-- the times it reports as text read the same from every session
SET TimeZone = 'UTC'
AS $$
DECLARE
    v_as_of      timestamptz;
    -- a transaction that has written nothing sees only committed stale nodes: settles that never ran
    v_own_writes boolean := pg_catalog.pg_current_xact_id_if_assigned() IS NOT NULL;
BEGIN
    IF state_differences.tolerance IS NULL OR NOT (state_differences.tolerance >= 0 AND state_differences.tolerance < 1) THEN
        RAISE EXCEPTION 'tolerance must be a number >= 0 and < 1, got %', coalesce(state_differences.tolerance::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'tolerance',
                  HINT = 'It is relative to the magnitude of the values compared; 1e-9 by default, 0 for bit-exact.';
    END IF;
    SELECT v.valued_at INTO v_as_of FROM contender_rank.verification_scope(state_differences.as_of) v;

    RETURN QUERY
    WITH config AS MATERIALIZED (
        SELECT rc.decay_interval, rc.decay_factor, contender_rank.interval_index(v_as_of, rc.decay_interval) AS k
        FROM public.ranking_config rc
    ),
    -- the interval of each distinct history time, once (a period's rows share one)
    stamps AS MATERIALIZED (
        SELECT d.expired_at, contender_rank.as_utc(d.expired_at) AS at,
               contender_rank.interval_index(contender_rank.as_utc(d.expired_at), config.decay_interval) AS k
        FROM (SELECT DISTINCT h.expired_at FROM public.contenders_history h WHERE isfinite(h.expired_at)) d
        CROSS JOIN config
    ),
    -- each contender's newest interval with history and newest history time (one group per
    -- contender: grouping by contender and interval would make a group of nearly every row)...
    newest_k AS MATERIALIZED (
        SELECT h.contender_id COLLATE "C" AS contender_id, max(st.k) AS k, max(st.at) AS newest_at
        FROM public.contenders_history h
        JOIN stamps st ON st.expired_at = h.expired_at
        GROUP BY 1
    ),
    -- ...and how many of its rows fall in that interval
    newest AS MATERIALIZED (
        SELECT n.contender_id, n.k, n.newest_at, count(*) AS row_count
        FROM public.contenders_history h
        JOIN stamps st ON st.expired_at = h.expired_at
        JOIN newest_k n ON n.contender_id = h.contender_id COLLATE "C" AND n.k = st.k
        GROUP BY n.contender_id, n.k, n.newest_at
    ),
    ids AS MATERIALIZED (
        SELECT n.contender_id FROM newest n
        UNION
        SELECT s.contender_id COLLATE "C" FROM contender_rank.contender_state s
        UNION
        SELECT c.contender_id COLLATE "C" FROM public.contenders c
    ),
    stale AS MATERIALIZED (
        SELECT n.node_hotkey, n.netuid FROM contender_rank.stale_nodes n
    ),
    -- current contenders whose node is settled: their similar metric and task are checked
    settled AS MATERIALIZED (
        SELECT c.contender_id COLLATE "C" AS contender_id, c.task
        FROM public.contenders c
        WHERE NOT EXISTS (SELECT FROM stale n WHERE n.node_hotkey = c.node_hotkey AND n.netuid = c.netuid)
    ),
    -- the definition's own metric of every contender id, from one pass over history
    own_defined AS MATERIALIZED (
        SELECT w.contender_id COLLATE "C" AS contender_id, w.own_metric
        FROM config,
             contender_rank.own_metrics_window(ARRAY(SELECT i.contender_id FROM ids i), v_as_of,
                                               config.decay_interval, config.decay_factor) w
    ),
    -- what each settled contender borrows: the other current contenders on its node whose task is
    -- similar to its own (similar_metrics_window's pairs)
    borrowed AS MATERIALIZED (
        SELECT target.contender_id COLLATE "C" AS target_id, source.contender_id COLLATE "C" AS source_id,
               ts.similarity
        FROM public.contenders target
        JOIN settled sc ON sc.contender_id = target.contender_id COLLATE "C"
        JOIN public.contenders source
          ON source.node_hotkey = target.node_hotkey
         AND source.netuid = target.netuid
         AND source.contender_id <> target.contender_id
        JOIN public.task_similarity ts
          ON ts.from_task = source.task
         AND ts.to_task = target.task
    ),
    -- similar_metrics_window's sum, in its order, over the own metrics above: the definition, without
    -- reading the whole history a second time (similar_metrics_window computes its lenders' own
    -- metrics itself). tests.check_both_paths compares the state with similar_metrics_window proper
    -- and with this check alike, so the two cannot drift apart unnoticed.
    similar_defined AS (
        SELECT b.target_id AS contender_id,
               sum(contender_rank.scaled(b.similarity, o.own_metric) ORDER BY o.own_metric, b.similarity) AS similar_metric
        FROM borrowed b
        JOIN own_defined o ON o.contender_id = b.source_id
        GROUP BY b.target_id
    ),
    -- what a settled contender's borrowed metric is valued at: the newest interval, and time, among
    -- the histories of the contenders it borrows from with a positive similarity
    lenders AS (
        SELECT b.target_id AS contender_id, max(n.k) AS k, max(n.newest_at) AS newest_at
        FROM borrowed b
        JOIN newest n ON n.contender_id = b.source_id
        WHERE b.similarity > 0
        GROUP BY b.target_id
    ),
    compared AS (
        SELECT i.contender_id, coalesce(c.task, s.task) AS task,
               s.contender_id IS NOT NULL AS in_state, c.contender_id IS NOT NULL AS current,
               sc.contender_id IS NOT NULL AS settled,
               CASE WHEN s.own_interval IS NULL THEN 0::float8
                    ELSE contender_rank.decayed(s.own_value, config.decay_factor, config.k - s.own_interval)
               END AS own_stored,
               coalesce(o.own_metric, 0) AS own_expected,
               s.own_interval, s.own_interval_rows, s.own_newest_at,
               n.k AS newest_k, n.row_count AS newest_rows, n.newest_at,
               CASE WHEN s.similar_interval IS NULL THEN 0::float8
                    ELSE contender_rank.decayed(s.similar_metric, config.decay_factor, config.k - s.similar_interval)
               END AS similar_stored,
               coalesce(sd.similar_metric, 0) AS similar_expected,
               s.similar_interval, s.similar_newest_at, l.k AS lenders_k, l.newest_at AS lenders_newest_at,
               s.task AS stored_task,
               -- an own metric for a contender that has no history and is not current; a row without one
               -- is what the settle leaves of a contender that was deleted, never read, and no difference
               s.own_interval IS NOT NULL AND n.k IS NULL AND c.contender_id IS NULL AS extra
        FROM ids i
        CROSS JOIN config
        LEFT JOIN contender_rank.contender_state s ON s.contender_id = i.contender_id
        LEFT JOIN public.contenders c ON c.contender_id = i.contender_id
        LEFT JOIN settled sc ON sc.contender_id = i.contender_id
        LEFT JOIN own_defined o ON o.contender_id = i.contender_id
        LEFT JOIN similar_defined sd ON sd.contender_id = i.contender_id
        LEFT JOIN newest n ON n.contender_id = i.contender_id
        LEFT JOIN lenders l ON l.contender_id = i.contender_id
    ),
    differences AS (
        SELECT x.contender_id, x.task, 'missing row' AS what, NULL::text AS stored,
               'own_metric ' || x.own_expected
               || CASE WHEN x.settled THEN ', similar_metric ' || x.similar_expected
                       WHEN x.current THEN ', similar_metric not checked (node stale)'
                       ELSE '' END AS expected
        FROM compared x
        WHERE NOT x.in_state AND (x.newest_k IS NOT NULL OR x.settled)
        UNION ALL
        SELECT x.contender_id, x.task, 'extra row',
               format('own_metric %s, similar_metric %s', x.own_stored, x.similar_stored),
               'no own metric: no history, and not current'
        FROM compared x
        WHERE x.extra
        UNION ALL
        SELECT x.contender_id, x.task, 'own_metric', x.own_stored::text, x.own_expected::text
        FROM compared x
        WHERE x.in_state AND NOT x.extra
          AND NOT contender_rank.agrees(x.own_stored, x.own_expected, state_differences.tolerance)
        UNION ALL
        SELECT x.contender_id, x.task, 'own_interval', x.own_interval::text, x.newest_k::text
        FROM compared x
        WHERE x.in_state AND NOT x.extra AND x.own_interval IS DISTINCT FROM x.newest_k
        UNION ALL
        SELECT x.contender_id, x.task, 'own_interval_rows', x.own_interval_rows::text, x.newest_rows::text
        FROM compared x
        WHERE x.in_state AND NOT x.extra AND x.own_interval_rows IS DISTINCT FROM x.newest_rows
        UNION ALL
        SELECT x.contender_id, x.task, 'own_newest_at', x.own_newest_at::text, x.newest_at::text
        FROM compared x
        WHERE x.in_state AND NOT x.extra AND x.own_newest_at IS DISTINCT FROM x.newest_at
        UNION ALL
        SELECT x.contender_id, x.task, 'task', x.stored_task, x.task
        FROM compared x
        WHERE x.in_state AND x.settled AND x.stored_task IS DISTINCT FROM x.task
        UNION ALL
        SELECT x.contender_id, x.task, 'similar_metric', x.similar_stored::text, x.similar_expected::text
        FROM compared x
        WHERE x.in_state AND x.settled
          AND NOT contender_rank.agrees(x.similar_stored, x.similar_expected, state_differences.tolerance)
        UNION ALL
        SELECT x.contender_id, x.task, 'similar_interval', x.similar_interval::text, x.lenders_k::text
        FROM compared x
        WHERE x.in_state AND x.settled AND x.similar_interval IS DISTINCT FROM x.lenders_k
        UNION ALL
        SELECT x.contender_id, x.task, 'similar_newest_at', x.similar_newest_at::text, x.lenders_newest_at::text
        FROM compared x
        WHERE x.in_state AND x.settled AND x.similar_newest_at IS DISTINCT FROM x.lenders_newest_at
        UNION ALL
        SELECT NULL, NULL, 'stale node', format('node %s on netuid %s left stale', n.node_hotkey, n.netuid),
               'settled at the COMMIT that made it stale'
        FROM stale n
        WHERE NOT v_own_writes
    )
    SELECT d.contender_id, d.task, d.what, d.stored, d.expected
    FROM differences d
    ORDER BY d.contender_id COLLATE "C" NULLS FIRST, d.what;
END;
$$;

COMMENT ON FUNCTION contender_rank.state_differences(timestamptz, float8) IS
    'Where contender_state differs from the definition from history, one row per difference (contender, task, '
    'what, stored, expected): missing and extra rows, own and similar metrics valued at as_of (default: the '
    'newest history time) within tolerance relative to their magnitude, and the intervals, row counts, times '
    'and task exactly. No row: the state is exact. Read-only; takes no lock a writer waits for.';

-- The repair `verify --repair` runs (the admin's entry point, as its owner): every own metric again
-- from history and every node settled, under the state lock, in the caller's transaction, and the
-- faults it accounts for removed. Those are exactly the ones it saw once it held the lock: a fault
-- committed by then describes a write committed by then, which the rebuild reads. One whose
-- transaction commits later (a lower fault_id can commit after a higher one) may describe rows the
-- rebuild did not see, so it stays for the next repair.
CREATE OR REPLACE FUNCTION contender_rank.verify_repair(lock_wait interval DEFAULT '10 seconds')
RETURNS TABLE (faults_cleared bigint, contenders_in_state bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- a DBA's forgotten transaction may hold the state lock: give up after lock_wait with a clear error
-- rather than queue behind it (and have every writer queue behind the repair). Set here so that the
-- caller's own lock_timeout comes back when the function returns.
SET lock_timeout = '10s'
AS $$
DECLARE
    v_seen    bigint[];
    v_cleared bigint;
    v_holders text;
BEGIN
    IF verify_repair.lock_wait IS NULL OR NOT (extract(epoch FROM verify_repair.lock_wait) > 0
                                              AND verify_repair.lock_wait <= interval '1 hour') THEN
        RAISE EXCEPTION 'lock_wait must be an interval above 0 and at most 1 hour, got %',
                        coalesce(verify_repair.lock_wait::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'lock_wait',
                  HINT = 'How long to wait for the state lock, e.g. ''10 seconds''.';
    END IF;
    PERFORM pg_catalog.set_config('lock_timeout', (extract(epoch FROM verify_repair.lock_wait) * 1000)::bigint::text,
                                  true);
    BEGIN
        PERFORM contender_rank.lock_state();
    EXCEPTION WHEN lock_not_available THEN
        SELECT string_agg(format('pid %s (%s, %s since %s)', a.pid, coalesce(a.usename::text, '?'),
                                 coalesce(a.state, '?'), coalesce(a.xact_start::text, '?')), ', ')
        INTO v_holders
        FROM pg_catalog.pg_locks l
        JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                                                                       WHERE d.datname = pg_catalog.current_database())
          AND ((l.classid::bigint << 32) | l.objid::bigint) = 8243061957233154049;
        RAISE EXCEPTION 'the state lock is held by another session (%) and was not released within %: nothing was '
                        'repaired', coalesce(v_holders, 'not visible to this role'), verify_repair.lock_wait
            USING ERRCODE = 'lock_not_available',
                  HINT = 'End that transaction (or wait for it) and run the repair again.';
    END;
    -- the rebuild itself waits for nothing: no other writer of the state runs while the lock is held
    PERFORM pg_catalog.set_config('lock_timeout', '0', true);
    IF pg_catalog.to_regprocedure('contender_rank.repair_state()') IS NOT NULL THEN
        -- the maintenance's own repair, where this installation has one (it also forgets that this
        -- transaction gave up); resolved only when it exists
        v_cleared := contender_rank.repair_state();
    ELSE
        -- forget exactly the faults seen now, under the lock, then rebuild (see above)
        v_seen := ARRAY(SELECT f.fault_id FROM contender_rank.state_faults f);
        DELETE FROM contender_rank.state_faults f WHERE f.fault_id = ANY (v_seen);
        GET DIAGNOSTICS v_cleared = ROW_COUNT;
        PERFORM contender_rank.rebuild_state();
    END IF;
    -- settle every node now, under this lock, instead of at COMMIT
    SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
    SET CONSTRAINTS contender_rank.stale_nodes_settle DEFERRED;
    -- what is left are the marks of committed transactions whose settle never ran (where each
    -- transaction settles only its own marks, nobody else would ever remove them): every node has
    -- just been settled
    DELETE FROM contender_rank.stale_nodes;
    RETURN QUERY SELECT v_cleared, (SELECT count(*) FROM contender_rank.contender_state);
END;
$$;

COMMENT ON FUNCTION contender_rank.verify_repair(interval) IS
    'verify --repair: under the state lock (held until the transaction ends; waits at most lock_wait for it, '
    'then names its holder), removes the state_faults rows there when it took the lock, rebuilds the derived '
    'state from history and settles every node. Returns how many faults it cleared and the state rows it left.';

-- ================================================================ the shape of the validator's tables

-- What migrate saw of the validator's tables: for each, the given columns (attnum and type) and
-- contender_rank's triggers on it. Stored in installation.host_shape; shape_drift() compares. (Not
-- the table's oid: two databases built alike must hold the same rows, and which table it was is
-- installation.host_tables' to record, where this installation has it.)
CREATE OR REPLACE FUNCTION contender_rank.host_shape(columns jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_shape jsonb := '{}';
    v_table text;
    v_oid   oid;
BEGIN
    IF host_shape.columns IS NULL OR jsonb_typeof(host_shape.columns) <> 'object'
       OR EXISTS (SELECT FROM jsonb_each(host_shape.columns) t WHERE jsonb_typeof(t.value) <> 'array') THEN
        RAISE EXCEPTION 'columns must be a JSON object of table name -> array of column names, got %',
                        coalesce(host_shape.columns::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', COLUMN = 'columns',
                  HINT = 'For example {"contenders_history": ["contender_id", "period_score", "expired_at"]}.';
    END IF;
    FOR v_table IN SELECT jsonb_object_keys(host_shape.columns) LOOP
        v_oid := pg_catalog.to_regclass(pg_catalog.format('public.%I', v_table));
        CONTINUE WHEN v_oid IS NULL;
        v_shape := v_shape || jsonb_build_object(v_table, jsonb_build_object(
            'columns', (SELECT coalesce(jsonb_object_agg(a.attname, jsonb_build_object(
                                            'attnum', a.attnum, 'type', format_type(a.atttypid, a.atttypmod))),
                                        '{}')
                        FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = v_oid AND a.attnum > 0 AND NOT a.attisdropped
                          AND a.attname::text IN (SELECT jsonb_array_elements_text(host_shape.columns -> v_table))),
            'triggers', (SELECT coalesce(jsonb_agg(t.tgname::text ORDER BY t.tgname), '[]')
                         FROM pg_catalog.pg_trigger t
                         JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
                         WHERE t.tgrelid = v_oid AND NOT t.tgisinternal
                           AND p.pronamespace = 'contender_rank'::regnamespace)));
    END LOOP;
    RETURN v_shape;
END;
$$;

COMMENT ON FUNCTION contender_rank.host_shape(jsonb) IS
    'The shape of the tables in public named by the keys of columns (a JSON object of table -> column names): '
    'those columns'' attnum and type, and contender_rank''s triggers on each. Migrate records it.';

-- How the validator's tables differ from what migrate recorded: a table dropped, renamed or replaced
-- (another oid), a column dropped, renamed or of another type, a trigger of contender_rank missing or
-- disabled. Each of these can leave writes unfolded, or make the triggers fail.
CREATE OR REPLACE FUNCTION contender_rank.shape_drift()
RETURNS TABLE (table_name text, column_name text, what text, recorded text, found text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_shape jsonb := (SELECT i.host_shape FROM contender_rank.installation i);
    -- the oids of nodes, contenders and contenders_history when migrate last ran, where this
    -- installation records them (installation.host_tables); read through to_jsonb so that this
    -- function does not depend on the column
    v_oids  jsonb := (SELECT to_jsonb(i) -> 'host_tables' FROM contender_rank.installation i);
BEGIN
    IF v_shape IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH recorded AS (
        SELECT t.key AS table_name, t.value AS shape,
               (v_oids ->> (array_position(ARRAY['nodes', 'contenders', 'contenders_history'], t.key) - 1))::oid
                   AS recorded_oid,
               pg_catalog.to_regclass(pg_catalog.format('public.%I', t.key))::oid AS found_oid
        FROM jsonb_each(v_shape) t
    ),
    columns AS (
        SELECT r.table_name, c.key AS column_name, (c.value ->> 'attnum')::int2 AS attnum, c.value ->> 'type' AS type,
               r.recorded_oid, r.found_oid
        FROM recorded r, jsonb_each(r.shape -> 'columns') c
        WHERE r.found_oid IS NOT NULL
    ),
    by_name AS (
        SELECT c.*, a.attnum AS found_attnum, format_type(a.atttypid, a.atttypmod) AS found_type
        FROM columns c
        LEFT JOIN pg_catalog.pg_attribute a
               ON a.attrelid = c.found_oid AND a.attname = c.column_name AND a.attnum > 0 AND NOT a.attisdropped
    ),
    -- the same column position in the same table under another name: a rename
    renamed AS (
        SELECT b.table_name, b.column_name, a.attname::text AS new_name
        FROM by_name b
        JOIN pg_catalog.pg_attribute a
          ON a.attrelid = b.found_oid AND a.attnum = b.attnum AND NOT a.attisdropped
        -- (the same table, as far as is recorded)
        WHERE b.found_attnum IS NULL AND coalesce(b.recorded_oid = b.found_oid, true)
    ),
    triggers AS (
        SELECT r.table_name, tr.name, r.found_oid, t.tgenabled
        FROM recorded r
        CROSS JOIN LATERAL jsonb_array_elements_text(r.shape -> 'triggers') tr(name)
        LEFT JOIN pg_catalog.pg_trigger t ON t.tgrelid = r.found_oid AND t.tgname = tr.name
        WHERE r.found_oid IS NOT NULL
    )
    SELECT r.table_name, NULL::text, 'table dropped or renamed', 'public.' || r.table_name, NULL::text
    FROM recorded r WHERE r.found_oid IS NULL
    UNION ALL
    SELECT r.table_name, NULL, 'table replaced (dropped and created again)', 'oid ' || r.recorded_oid,
           'oid ' || r.found_oid
    FROM recorded r WHERE r.found_oid IS NOT NULL AND r.found_oid <> r.recorded_oid
    UNION ALL
    SELECT b.table_name, b.column_name, 'column renamed', b.column_name, rn.new_name
    FROM by_name b JOIN renamed rn ON rn.table_name = b.table_name AND rn.column_name = b.column_name
    UNION ALL
    SELECT b.table_name, b.column_name, 'column dropped', b.type, NULL
    FROM by_name b
    WHERE b.found_attnum IS NULL
      AND NOT EXISTS (SELECT FROM renamed rn WHERE rn.table_name = b.table_name AND rn.column_name = b.column_name)
    UNION ALL
    SELECT b.table_name, b.column_name, 'column type changed', b.type, b.found_type
    FROM by_name b
    WHERE b.found_attnum IS NOT NULL AND b.found_type IS DISTINCT FROM b.type
    UNION ALL
    SELECT t.table_name, NULL, 'trigger missing', t.name, NULL
    FROM triggers t WHERE t.tgenabled IS NULL
    UNION ALL
    SELECT t.table_name, NULL, 'trigger disabled', t.name, NULL
    FROM triggers t WHERE t.tgenabled = 'D'
    ORDER BY 1, 2 NULLS FIRST, 3;
END;
$$;

COMMENT ON FUNCTION contender_rank.shape_drift() IS
    'How the validator''s tables differ from what migrate recorded (installation.host_shape): tables dropped, '
    'renamed or replaced, columns contender_rank reads dropped, renamed or retyped, its triggers missing or '
    'disabled. No row: no drift.';

-- default deny: nobody but the owner runs what is in this file (privileges.sql grants the admin the
-- check and the repair)
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA contender_rank FROM PUBLIC;
