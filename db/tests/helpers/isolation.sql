-- What the isolation specs (db/tests/isolation/specs/) share, loaded by scripts/isolation.sh after
-- fixtures.sql, in either layout. Unlike a pgTAP file, a spec's sessions COMMIT, so that each sees
-- what the other committed: every permutation starts from isolation.start() and ends with
-- isolation.reset(), which leave the database as they found it. Both are procedures, so that CALL
-- prints nothing into the spec's expected output.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS isolation CASCADE;
CREATE SCHEMA isolation;
COMMENT ON SCHEMA isolation IS
    'Helpers of the isolation specs (db/tests/helpers/isolation.sql); not part of the product.';

-- Nothing left of a permutation: no contender, node, similarity or history, the default settings,
-- an empty state. History goes last: its TRUNCATE rebuilds the state from what is left, nothing.
CREATE PROCEDURE isolation.reset()
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    DELETE FROM public.contenders;
    DELETE FROM public.nodes;
    DELETE FROM public.task_similarity;
    UPDATE public.ranking_config
    SET decay_interval = interval '1 hour', decay_factor = 0.5, history_weight = 50, retention_epsilon = 1e-6
    WHERE (decay_interval, decay_factor, history_weight, retention_epsilon)
          IS DISTINCT FROM (interval '1 hour', 0.5::float8, 50::float8, 1e-6::float8);
    TRUNCATE public.contenders_history;
    DELETE FROM contender_rank.state_faults;
END;
$$;

COMMENT ON PROCEDURE isolation.reset() IS
    'Empties the validator''s tables, the similarities and the derived state; default settings.';

-- The world every spec starts from, committed: tests.make_two_node_fixture() (a-x, a-y, a-z on
-- node a; b-x, b-y on node b; similar tasks) with a day of hourly history each, 2024-01-01 00:00
-- to 23:00 UTC, 120 rows.
CREATE PROCEDURE isolation.start()
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    CALL isolation.reset();
    PERFORM tests.make_two_node_fixture();
    PERFORM tests.add_fixture_history();
END;
$$;

COMMENT ON PROCEDURE isolation.start() IS
    'isolation.reset(), then the two-node fixture with a day of hourly history (120 rows).';

-- A period's end as nineteen's control node writes it, in the caller's transaction: every current
-- contender's period moved to history in one INSERT stamped expired_at (its score from its request
-- count, so that contenders differ), the contenders deleted, and inserted again for the next
-- period one statement each. Returns the rows moved.
CREATE FUNCTION isolation.refresh_period(expired_at timestamptz)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_current record;
    v_moved   bigint;
BEGIN
    CREATE TEMPORARY TABLE refreshed ON COMMIT DROP AS
    SELECT c.node_hotkey, c.task, c.netuid FROM public.contenders c;
    v_moved := tests.insert_history(format(
        'SELECT c.contender_id, (c.total_requests_made %% 10) / 10.0, %L::timestamptz FROM public.contenders c',
        refresh_period.expired_at));
    DELETE FROM public.contenders;
    FOR v_current IN SELECT r.node_hotkey, r.task, r.netuid FROM refreshed r ORDER BY r.node_hotkey, r.task LOOP
        PERFORM tests.make_contender(v_current.node_hotkey, v_current.task, netuid => v_current.netuid);
    END LOOP;
    RETURN v_moved;
END;
$$;

COMMENT ON FUNCTION isolation.refresh_period(timestamptz) IS
    'A period''s end in nineteen''s order: history INSERT of every contender, DELETE, one INSERT per contender.';

-- Whether the committed state is exact, checked against the definition from history alone
-- (tests.check_both_paths: the stored state and every ranking), with the number of history rows
-- (which writes landed). A state that recorded a fault is not exact, whatever it holds: rankings
-- fall back to load balancing until it is repaired.
CREATE FUNCTION isolation.verdict(as_of timestamptz)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_faults   bigint := (SELECT count(*) FROM contender_rank.state_faults);
    v_rows     bigint := (SELECT count(*) FROM public.contenders_history);
    v_problems text[];
BEGIN
    IF v_faults > 0 THEN
        RETURN format('untrusted: %s fault(s) recorded; %s history rows', v_faults, v_rows);
    END IF;
    v_problems := tests.check_both_paths(verdict.as_of);
    IF cardinality(v_problems) > 0 THEN
        RETURN format('NOT EXACT: %s; %s history rows', array_to_string(v_problems, '; '), v_rows);
    END IF;
    RETURN format('exact; %s history rows', v_rows);
END;
$$;

COMMENT ON FUNCTION isolation.verdict(timestamptz) IS
    'exact, untrusted (faults recorded) or NOT EXACT (what differs from the definition), with the history row count.';

-- One task's ranking as the spec's output shows it: place, contender, metrics to 9 decimals (the
-- last bits of a float are not what a spec is about).
CREATE FUNCTION isolation.ranking(task text, as_of timestamptz)
RETURNS TABLE (place bigint, contender_id text, own_metric numeric, similar_metric numeric)
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT r.ordinality, r.contender_id, round(r.own_metric::numeric, 9), round(r.similar_metric::numeric, 9)
    FROM ROWS FROM (public.rank_contenders(ranking.task, 100, ranking.as_of)) WITH ORDINALITY r
    ORDER BY r.ordinality;
END;

COMMENT ON FUNCTION isolation.ranking(text, timestamptz) IS
    'rank_contenders(task, 100, as_of) with its place, metrics rounded to 9 decimals.';
