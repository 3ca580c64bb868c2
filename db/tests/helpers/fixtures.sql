-- Factories and checks shared by the pgTAP suite, loaded once into the test database (after
-- migrate, in either layout) before pg_prove. Every test file runs in a transaction that it rolls
-- back, so what these create disappears with it.
--
-- One test body serves both layouts: the factories write the columns the installed layout has.
--   standalone  nodes / contenders / contenders_history as contender_rank created them: few columns,
--               expired_at timestamptz NOT NULL, CHECK constraints.
--   adopted     nineteen's tables (lab/contender_rank_lab/nineteen/schema.sql): more NOT NULL columns
--               (coldkey, ip, validator_hotkey, raw_capacity, capacity_to_score, created_at...), every
--               time a `timestamp without time zone` holding UTC, expired_at nullable, no CHECKs.
-- PL/pgSQL plans a statement when it first runs it, so a branch naming the other layout's columns is
-- never planned against this layout's tables.
--
-- The derived state (contender_rank.contender_state) is compared with the definition from history
-- (contender_rank.own_metrics_window / similar_metrics_window / rank_contenders_window, 20_definition.sql).
-- A test transaction never commits, so the deferred settle of stale nodes never fires by itself:
-- tests.check_both_paths() checks the read-time path, forces the settle, checks the stored path,
-- and defers the settle again.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS tests CASCADE;
CREATE SCHEMA tests;
COMMENT ON SCHEMA tests IS 'pgTAP fixtures of contender_rank (db/tests/helpers/fixtures.sql); not part of the product.';

-- ---------------------------------------------------------------- layout

CREATE FUNCTION tests.adopted()
RETURNS boolean
LANGUAGE sql STABLE
RETURN contender_rank.layout() = 'adopted';

-- The node hotkey and task a contender id hotkey-task was made from (history of a contender that
-- no longer exists still needs them in nineteen's NOT NULL columns).
CREATE FUNCTION tests.hotkey_of(contender_id text)
RETURNS text
LANGUAGE sql IMMUTABLE
RETURN split_part(hotkey_of.contender_id, '-', 1);

CREATE FUNCTION tests.task_of(contender_id text)
RETURNS text
LANGUAGE sql IMMUTABLE
RETURN CASE WHEN position('-' IN task_of.contender_id) = 0 THEN task_of.contender_id
            ELSE substr(task_of.contender_id, position('-' IN task_of.contender_id) + 1) END;

-- A time written the way the history column stores it: chosen, like contender_rank.as_utc, by the
-- column's type, so `SET expired_at = tests.as_stored('2024-01-01 07:00+00', expired_at)` stores
-- that instant in either layout (naive UTC in nineteen's, whatever the session's TimeZone).
CREATE FUNCTION tests.as_stored(at timestamptz, stored timestamptz)
RETURNS timestamptz
LANGUAGE sql STABLE
RETURN as_stored.at;

CREATE FUNCTION tests.as_stored(at timestamptz, stored timestamp)
RETURNS timestamp
LANGUAGE sql STABLE
RETURN as_stored.at AT TIME ZONE 'UTC';

-- ---------------------------------------------------------------- factories

CREATE FUNCTION tests.make_node(hotkey text, netuid int DEFAULT 19, handshaken boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF tests.adopted() THEN
        INSERT INTO public.nodes (hotkey, coldkey, node_id, incentive, netuid, stake, trust, vtrust, last_updated,
                                  ip, ip_type, port, protocol, network, symmetric_key, symmetric_key_uuid,
                                  our_validator)
        VALUES (make_node.hotkey, 'coldkey-' || make_node.hotkey, abs(hashtext(make_node.hotkey)) % 1000, 0.001,
                make_node.netuid, 1000, 0.9, 0.9, 1700000000, '127.0.0.1', 4, 8091, 4, 'finney',
                CASE WHEN make_node.handshaken THEN 'symmetric-key-' || make_node.hotkey END,
                CASE WHEN make_node.handshaken THEN 'key-' || make_node.hotkey END, false)
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO public.nodes (hotkey, netuid, node_id, symmetric_key_uuid)
        VALUES (make_node.hotkey, make_node.netuid, abs(hashtext(make_node.hotkey)) % 1000,
                CASE WHEN make_node.handshaken THEN 'key-' || make_node.hotkey END)
        ON CONFLICT DO NOTHING;
    END IF;
END;
$$;

COMMENT ON FUNCTION tests.make_node(text, int, boolean) IS
    'A node (handshaken unless told otherwise); nothing when it exists already.';

-- A contender on its node (created handshaken unless it exists, or unless with_node is false: a
-- contender whose node is missing). Its id is hotkey-task unless one is given.
CREATE FUNCTION tests.make_contender(
    node_hotkey text, task text, capacity float8 DEFAULT 10, total_requests_made int DEFAULT 0,
    consumed_capacity float8 DEFAULT 0, netuid int DEFAULT 19, contender_id text DEFAULT NULL,
    with_node boolean DEFAULT true)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_id      text := coalesce(make_contender.contender_id, make_contender.node_hotkey || '-' || make_contender.task);
    v_node_id int;
BEGIN
    IF make_contender.with_node THEN
        PERFORM tests.make_node(make_contender.node_hotkey, make_contender.netuid);
    END IF;
    SELECT n.node_id INTO v_node_id
    FROM public.nodes n WHERE n.hotkey = make_contender.node_hotkey AND n.netuid = make_contender.netuid;
    IF tests.adopted() THEN
        INSERT INTO public.contenders (contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, raw_capacity,
                                       capacity, capacity_to_score, consumed_capacity, total_requests_made)
        VALUES (v_id, make_contender.node_hotkey, coalesce(v_node_id, 0), make_contender.netuid, make_contender.task,
                'validator-hotkey', make_contender.capacity, make_contender.capacity, make_contender.capacity,
                make_contender.consumed_capacity, make_contender.total_requests_made);
    ELSE
        INSERT INTO public.contenders (contender_id, node_hotkey, node_id, netuid, task, capacity, consumed_capacity,
                                       total_requests_made)
        VALUES (v_id, make_contender.node_hotkey, coalesce(v_node_id, 0), make_contender.netuid, make_contender.task,
                make_contender.capacity, make_contender.consumed_capacity, make_contender.total_requests_made);
    END IF;
    RETURN v_id;
END;
$$;

COMMENT ON FUNCTION tests.make_contender(text, text, float8, int, float8, int, text, boolean) IS
    'A contender (id hotkey-task unless given) on its node, created handshaken unless it exists or with_node is false.';

-- History rows, in ONE INSERT statement (so one firing of the statement trigger: several intervals
-- or late rows in one statement take the recompute path, one row per call the running fold).
-- node_hotkey, node_id, netuid and task are copied from the contender when it exists, else derived
-- from the id; in the adopted layout nineteen's other NOT NULL columns get plausible values and
-- expired_at is stored as naive UTC (a NULL expired_at stays NULL there).
CREATE FUNCTION tests.insert_history_rows(contender_ids text[], period_scores float8[], expired_ats timestamptz[])
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_count bigint;
BEGIN
    IF tests.adopted() THEN
        INSERT INTO public.contenders_history
            (contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, raw_capacity, capacity,
             capacity_to_score, consumed_capacity, total_requests_made, requests_429, requests_500, period_score,
             created_at, updated_at, expired_at)
        SELECT r.contender_id, coalesce(c.node_hotkey, tests.hotkey_of(r.contender_id)), coalesce(c.node_id, 0),
               coalesce(c.netuid, 19), coalesce(c.task, tests.task_of(r.contender_id)), 'validator-hotkey',
               coalesce(c.raw_capacity, 10), coalesce(c.capacity, 10), coalesce(c.capacity_to_score, 10),
               coalesce(c.consumed_capacity, 0), coalesce(c.total_requests_made, 0), coalesce(c.requests_429, 0),
               coalesce(c.requests_500, 0), r.period_score,
               -- a period that began an hour before it expired (the epoch when it has no end)
               coalesce(r.expired_at, 'epoch'::timestamptz) AT TIME ZONE 'UTC' - interval '1 hour',
               coalesce(r.expired_at, 'epoch'::timestamptz) AT TIME ZONE 'UTC',
               r.expired_at AT TIME ZONE 'UTC'
        FROM unnest(insert_history_rows.contender_ids, insert_history_rows.period_scores,
                    insert_history_rows.expired_ats) WITH ORDINALITY AS r(contender_id, period_score, expired_at, n)
        LEFT JOIN public.contenders c ON c.contender_id = r.contender_id
        ORDER BY r.n;
    ELSE
        INSERT INTO public.contenders_history (contender_id, node_hotkey, node_id, netuid, task, period_score, expired_at)
        SELECT r.contender_id, coalesce(c.node_hotkey, tests.hotkey_of(r.contender_id)), coalesce(c.node_id, 0),
               coalesce(c.netuid, 19), coalesce(c.task, tests.task_of(r.contender_id)), r.period_score, r.expired_at
        FROM unnest(insert_history_rows.contender_ids, insert_history_rows.period_scores,
                    insert_history_rows.expired_ats) WITH ORDINALITY AS r(contender_id, period_score, expired_at, n)
        LEFT JOIN public.contenders c ON c.contender_id = r.contender_id
        ORDER BY r.n;
    END IF;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION tests.insert_history_rows(text[], float8[], timestamptz[]) IS
    'Appends history rows (ids, scores, times side by side) in one INSERT statement, in the layout''s column set.';

-- One history row, in its own statement: the way a period closes.
CREATE FUNCTION tests.add_history(contender_id text, period_score float8, expired_at timestamptz)
RETURNS void
LANGUAGE sql
BEGIN ATOMIC
    SELECT tests.insert_history_rows(ARRAY[add_history.contender_id], ARRAY[add_history.period_score],
                                     ARRAY[add_history.expired_at]);
END;

COMMENT ON FUNCTION tests.add_history(text, float8, timestamptz) IS
    'Appends one history row in its own INSERT statement, in the layout''s column set (naive UTC when adopted).';

-- Many rows in one statement, from a query returning (contender_id, period_score, expired_at), e.g.
--   SELECT tests.insert_history($$VALUES ('b-x', 0.3, '2024-01-02 02:00+00'), ('b-y', NULL, '...')$$)
CREATE FUNCTION tests.insert_history(rows_query text)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_ids    text[];
    v_scores float8[];
    v_times  timestamptz[];
BEGIN
    EXECUTE format('SELECT array_agg(r.contender_id::text ORDER BY r.n), array_agg(r.period_score::float8 ORDER BY r.n), '
                   '       array_agg(r.expired_at::timestamptz ORDER BY r.n) '
                   'FROM (SELECT q.*, row_number() OVER () AS n FROM (%s) AS q(contender_id, period_score, expired_at)) r',
                   insert_history.rows_query)
    INTO v_ids, v_scores, v_times;
    RETURN tests.insert_history_rows(coalesce(v_ids, '{}'), coalesce(v_scores, '{}'), coalesce(v_times, '{}'));
END;
$$;

COMMENT ON FUNCTION tests.insert_history(text) IS
    'Appends the rows of a query returning (contender_id, period_score, expired_at) in one INSERT statement.';

-- contenders_history as instants in either layout: expired_at read through contender_rank.as_utc.
CREATE VIEW tests.history AS
SELECT h.contender_id, h.node_hotkey, h.node_id, h.netuid, h.task, h.period_score,
       contender_rank.as_utc(h.expired_at) AS expired_at
FROM public.contenders_history h;

COMMENT ON VIEW tests.history IS 'contenders_history with expired_at as timestamptz in either layout.';

-- One history row per hour from first, each in its own INSERT statement (periods closing in
-- order); scores vary with seed and every fifth is NULL.
CREATE FUNCTION tests.add_hourly_history(contender_id text, first timestamptz, hours int, seed int)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    FOR g IN 0 .. add_hourly_history.hours - 1 LOOP
        PERFORM tests.add_history(add_hourly_history.contender_id,
                                  CASE WHEN (g + add_hourly_history.seed) % 5 = 0 THEN NULL
                                       ELSE ((g * 7 + add_hourly_history.seed) % 11) / 10.0 END,
                                  add_hourly_history.first + g * interval '1 hour');
    END LOOP;
END;
$$;

-- Two nodes sharing tasks, with directed similarities, for the state-versus-definition tests:
-- a-x, a-y, a-z on node a; b-x, b-y on node b; x -> y 0.7, y -> x 0.3, z -> x 1.
CREATE FUNCTION tests.make_two_node_fixture()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM tests.make_contender(c.hotkey, c.task, total_requests_made => c.requests)
    FROM (VALUES ('a', 'x', 5), ('a', 'y', 3), ('a', 'z', 8), ('b', 'x', 6), ('b', 'y', 2)) c(hotkey, task, requests);
    INSERT INTO public.task_similarity (from_task, to_task, similarity)
    VALUES ('x', 'y', 0.7), ('y', 'x', 0.3), ('z', 'x', 1);
END;
$$;

-- Every contender of make_two_node_fixture gets a day of hourly history.
CREATE FUNCTION tests.add_fixture_history(first timestamptz DEFAULT '2024-01-01 00:00:00+00')
RETURNS void
LANGUAGE sql
BEGIN ATOMIC
    SELECT tests.add_hourly_history(c.contender_id, add_fixture_history.first, 24, c.seed)
    FROM (VALUES ('a-x', 1), ('a-y', 2), ('a-z', 3), ('b-x', 4), ('b-y', 5)) c(contender_id, seed);
END;

-- ---------------------------------------------------------------- comparisons

-- a and b agree to a tolerance relative to the larger magnitude (the running state and the
-- definition add the same terms in different orders).
CREATE FUNCTION tests.close_to(a float8, b float8, tolerance float8 DEFAULT 1e-9)
RETURNS boolean
LANGUAGE sql IMMUTABLE
RETURN close_to.a = close_to.b
    OR abs(close_to.a - close_to.b) <= close_to.tolerance * greatest(abs(close_to.a), abs(close_to.b));

-- Where rank_contenders (the derived state) and contender_rank.rank_contenders_window (history alone)
-- differ for a task, every contender of it: place by place, the id, capacity_left and the metrics.
CREATE FUNCTION tests.ranking_disagreements(task text, as_of timestamptz, tolerance float8 DEFAULT 1e-9)
RETURNS TABLE (place bigint, ranked jsonb, defined jsonb)
LANGUAGE sql STABLE
BEGIN ATOMIC
    WITH fast AS (
        SELECT * FROM ROWS FROM (public.rank_contenders(ranking_disagreements.task, 2147483647,
                                                        ranking_disagreements.as_of)) WITH ORDINALITY
    ),
    slow AS (
        SELECT * FROM ROWS FROM (contender_rank.rank_contenders_window(ranking_disagreements.task, 2147483647,
                                                                       ranking_disagreements.as_of)) WITH ORDINALITY
    )
    SELECT coalesce(fast.ordinality, slow.ordinality), to_jsonb(fast) - 'ordinality', to_jsonb(slow) - 'ordinality'
    FROM fast
    FULL JOIN slow ON slow.ordinality = fast.ordinality
    WHERE fast.contender_id IS DISTINCT FROM slow.contender_id
       OR fast.node_hotkey IS DISTINCT FROM slow.node_hotkey
       OR fast.node_id IS DISTINCT FROM slow.node_id
       OR fast.task IS DISTINCT FROM slow.task
       OR fast.total_requests_made IS DISTINCT FROM slow.total_requests_made
       OR fast.capacity_left IS DISTINCT FROM slow.capacity_left
       OR NOT coalesce(tests.close_to(fast.own_metric, slow.own_metric, ranking_disagreements.tolerance), false)
       OR NOT coalesce(tests.close_to(fast.similar_metric, slow.similar_metric, ranking_disagreements.tolerance), false)
       OR NOT coalesce(tests.close_to(fast.global_metric, slow.global_metric, ranking_disagreements.tolerance), false)
       OR NOT coalesce(tests.close_to(fast.rank_value, slow.rank_value, ranking_disagreements.tolerance), false);
END;

-- rank_contenders and the definition return the same contenders in the same order with the same
-- metrics, for every contender of the task.
CREATE FUNCTION tests.rankings_agree(task text, as_of timestamptz, tolerance float8 DEFAULT 1e-9)
RETURNS boolean
LANGUAGE sql STABLE
RETURN NOT EXISTS (SELECT FROM tests.ranking_disagreements(rankings_agree.task, rankings_agree.as_of,
                                                           rankings_agree.tolerance));

-- rankings_agree for every task that has a current contender.
CREATE FUNCTION tests.all_rankings_agree(as_of timestamptz, tolerance float8 DEFAULT 1e-9)
RETURNS boolean
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT coalesce(bool_and(tests.rankings_agree(t.task, all_rankings_agree.as_of, all_rankings_agree.tolerance)), true)
    FROM (SELECT DISTINCT c.task FROM public.contenders c) t;
END;

-- Where the stored state (contender_rank.contender_state) differs from the definition, read the way
-- task_contenders reads it but without its fallbacks: for every contender id with history, in the
-- state or current, the own metric valued at as_of, the newest interval and its row count; for every
-- current contender its place (node, netuid, task); for every current contender on a SETTLED node
-- (not in stale_nodes) its stored similar metric; no similar metric kept for one no longer current.
-- Only meaningful for an as_of at or after every history row.
CREATE FUNCTION tests.state_disagreements(as_of timestamptz, tolerance float8 DEFAULT 1e-9)
RETURNS TABLE (contender_id text, what text, stored text, defined text)
LANGUAGE sql STABLE
SET jit = off
BEGIN ATOMIC
    WITH config AS MATERIALIZED (
        SELECT rc.decay_interval, rc.decay_factor,
               contender_rank.interval_index(state_disagreements.as_of, rc.decay_interval) AS k
        FROM public.ranking_config rc
    ),
    ids AS MATERIALIZED (
        SELECT h.contender_id FROM public.contenders_history h WHERE h.expired_at IS NOT NULL
        UNION
        SELECT s.contender_id FROM contender_rank.contender_state s
        UNION
        SELECT c.contender_id FROM public.contenders c
    ),
    newest AS (
        SELECT per.contender_id, per.k, per.row_count
        FROM (SELECT h.contender_id,
                     contender_rank.interval_index(contender_rank.as_utc(h.expired_at), config.decay_interval) AS k,
                     count(*) AS row_count,
                     rank() OVER (PARTITION BY h.contender_id
                                  ORDER BY contender_rank.interval_index(contender_rank.as_utc(h.expired_at),
                                                                         config.decay_interval) DESC) AS age_rank
              FROM public.contenders_history h, config
              WHERE isfinite(h.expired_at)
              GROUP BY 1, 2) per
        WHERE per.age_rank = 1
    ),
    own_defined AS (
        SELECT w.contender_id, w.own_metric
        FROM config,
             contender_rank.own_metrics_window(ARRAY(SELECT i.contender_id FROM ids i), state_disagreements.as_of,
                                               config.decay_interval, config.decay_factor) w
    ),
    settled AS MATERIALIZED (
        SELECT c.contender_id
        FROM public.contenders c
        WHERE NOT EXISTS (SELECT FROM contender_rank.stale_nodes n
                          WHERE n.node_hotkey = c.node_hotkey AND n.netuid = c.netuid)
    ),
    similar_defined AS (
        SELECT w.contender_id, w.similar_metric
        FROM config,
             contender_rank.similar_metrics_window(ARRAY(SELECT s.contender_id FROM settled s), state_disagreements.as_of,
                                                   config.decay_interval, config.decay_factor) w
    ),
    compared AS (
        SELECT i.contender_id, s.contender_id IS NOT NULL AS in_state, c.contender_id IS NOT NULL AS current,
               settled.contender_id IS NOT NULL AS settled,
               CASE WHEN s.own_interval IS NULL THEN 0::float8
                    ELSE contender_rank.decayed(s.own_base + contender_rank.interval_mean(s.own_interval_sum,
                                                                                          s.own_interval_rows),
                                                config.decay_factor, config.k - s.own_interval) END AS own_stored,
               coalesce(o.own_metric, 0) AS own_defined,
               s.own_interval, s.own_interval_rows, n.k AS newest_k, n.row_count AS newest_rows,
               CASE WHEN s.similar_interval IS NULL THEN 0::float8
                    ELSE contender_rank.decayed(s.similar_metric, config.decay_factor, config.k - s.similar_interval)
               END AS similar_stored,
               coalesce(sd.similar_metric, 0) AS similar_defined,
               s.similar_interval, s.similar_metric
        FROM ids i
        CROSS JOIN config
        LEFT JOIN contender_rank.contender_state s ON s.contender_id = i.contender_id
        LEFT JOIN public.contenders c ON c.contender_id = i.contender_id
        LEFT JOIN settled ON settled.contender_id = i.contender_id
        LEFT JOIN own_defined o ON o.contender_id = i.contender_id
        LEFT JOIN similar_defined sd ON sd.contender_id = i.contender_id
        LEFT JOIN newest n ON n.contender_id = i.contender_id
    )
    SELECT x.contender_id, 'own metric', x.own_stored::text, x.own_defined::text
    FROM compared x WHERE NOT tests.close_to(x.own_stored, x.own_defined, state_disagreements.tolerance)
    UNION ALL
    SELECT x.contender_id, 'own_interval, own_interval_rows',
           concat_ws(', ', x.own_interval, x.own_interval_rows), concat_ws(', ', x.newest_k, x.newest_rows)
    FROM compared x
    WHERE (x.own_interval, x.own_interval_rows) IS DISTINCT FROM (x.newest_k, x.newest_rows)
    UNION ALL
    -- a settled current contender has its row (the settle writes one for every contender it settles)
    SELECT x.contender_id, 'a settled current contender without a state row', NULL, NULL
    FROM compared x
    WHERE x.settled AND NOT x.in_state
    UNION ALL
    SELECT x.contender_id, 'similar metric (settled node)', x.similar_stored::text, x.similar_defined::text
    FROM compared x
    WHERE x.settled AND NOT tests.close_to(x.similar_stored, x.similar_defined, state_disagreements.tolerance)
    ;
END;

CREATE FUNCTION tests.state_agrees(as_of timestamptz, tolerance float8 DEFAULT 1e-9)
RETURNS boolean
LANGUAGE sql STABLE
RETURN NOT EXISTS (SELECT FROM tests.state_disagreements(state_agrees.as_of, state_agrees.tolerance));

-- Every ranking, place by place, as one value: to compare two paths exactly.
CREATE FUNCTION tests.all_rankings(as_of timestamptz)
RETURNS text
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT coalesce(string_agg(t.task || ': ' || (SELECT string_agg(r::text, ' | ' ORDER BY r.ordinality)
                                                 FROM public.rank_contenders(t.task, 2147483647, all_rankings.as_of)
                                                      WITH ORDINALITY r),
                               E'\n' ORDER BY t.task COLLATE "C"), '')
    FROM (SELECT DISTINCT c.task FROM public.contenders c) t;
END;

-- Both ways the ranking reads a similar metric, after the writes so far:
--   unsettled  what the writing transaction sees before COMMIT: stale nodes computed as read;
--              rankings equal the definition, the stored own state and the stored similar metric of
--              settled nodes too;
--   settled    after SET CONSTRAINTS ... IMMEDIATE (what COMMIT does): stale_nodes empty, every
--              stored similar metric equals the definition, and no ranking moved by settling.
-- Returns the problems found ('{}' when none) and leaves the settle deferred again, so that later
-- writes in the test are unsettled until the next check.
CREATE FUNCTION tests.check_both_paths(as_of timestamptz, tolerance float8 DEFAULT 1e-9)
RETURNS text[]
LANGUAGE plpgsql
-- the settle itself pins enable_nestloop = off and not jit: its forced cross join with ranking_config
-- then costs 1e10 and JIT-compiles for seconds (catalog/ranking_without_jit.sql); the suite is not a
-- benchmark, so the settles it forces run without JIT
SET jit = off
AS $$
DECLARE
    v_problems text[] := '{}';
BEGIN
    IF NOT tests.all_rankings_agree(check_both_paths.as_of, check_both_paths.tolerance) THEN
        v_problems := v_problems || 'unsettled: a ranking differs from the definition'::text;
    END IF;
    IF NOT tests.state_agrees(check_both_paths.as_of, check_both_paths.tolerance) THEN
        v_problems := v_problems || 'unsettled: the stored state differs from the definition'::text;
    END IF;
    SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
    IF EXISTS (SELECT FROM contender_rank.stale_nodes) THEN
        v_problems := v_problems || 'settled: stale_nodes is not empty'::text;
    END IF;
    IF NOT tests.state_agrees(check_both_paths.as_of, check_both_paths.tolerance) THEN
        v_problems := v_problems || 'settled: the stored state differs from the definition'::text;
    END IF;
    IF EXISTS (SELECT FROM public.contenders c
               LEFT JOIN contender_rank.contender_state s ON s.contender_id = c.contender_id
               WHERE s.task IS DISTINCT FROM c.task) THEN
        v_problems := v_problems || 'settled: a current contender''s state row does not carry its task'::text;
    END IF;
    IF EXISTS (SELECT FROM contender_rank.contender_state s
               WHERE s.own_value IS DISTINCT FROM
                     s.own_base + contender_rank.interval_mean(s.own_interval_sum, s.own_interval_rows)) THEN
        v_problems := v_problems || 'a state row''s own_value is not own_base + interval_mean(...)'::text;
    END IF;
    IF NOT tests.all_rankings_agree(check_both_paths.as_of, check_both_paths.tolerance) THEN
        v_problems := v_problems || 'settled: a ranking differs from the definition'::text;
    END IF;
    -- the product's own check (contender-rank verify) must agree that the state is exact
    v_problems := v_problems || ARRAY(SELECT 'settled: verify lists ' || concat_ws(' ', d.contender_id, d.what, d.stored, d.expected)
                                      FROM contender_rank.state_differences(NULL, check_both_paths.tolerance) d);
    SET CONSTRAINTS contender_rank.stale_nodes_settle DEFERRED;
    RETURN v_problems;
END;
$$;

COMMENT ON FUNCTION tests.check_both_paths(timestamptz, float8) IS
    'Checks the unsettled (read-time) and settled (stored) paths against the definition; settles the stale nodes '
    'on the way. Returns the problems found.';

-- One contender's row in rank_contenders, for assertions on a single value.
CREATE FUNCTION tests.ranked(contender_id text, as_of timestamptz)
RETURNS public.ranked_contender
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT r.*
    FROM public.contenders c,
         LATERAL public.rank_contenders(c.task, 2147483647, ranked.as_of) r
    WHERE c.contender_id = ranked.contender_id
      AND r.contender_id = ranked.contender_id;
END;

-- The same row from the definition.
CREATE FUNCTION tests.ranked_window(contender_id text, as_of timestamptz)
RETURNS public.ranked_contender
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT r.*
    FROM public.contenders c,
         LATERAL contender_rank.rank_contenders_window(c.task, 2147483647, ranked_window.as_of) r
    WHERE c.contender_id = ranked_window.contender_id
      AND r.contender_id = ranked_window.contender_id;
END;

-- Everything a write could change, as one digest: the validator's tables, the settings and the
-- derived state. Equal digests before and after a refused call: it changed nothing.
CREATE FUNCTION tests.snapshot()
RETURNS text
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT md5(concat_ws(E'\n',
        (SELECT string_agg(t::text, '|' ORDER BY t::text) FROM public.nodes t),
        (SELECT string_agg(t::text, '|' ORDER BY t::text) FROM public.contenders t),
        (SELECT string_agg(t::text, '|' ORDER BY t::text) FROM public.contenders_history t),
        (SELECT string_agg(t::text, '|' ORDER BY t::text) FROM public.task_similarity t),
        (SELECT string_agg(t::text, '|' ORDER BY t::text) FROM public.ranking_config t),
        (SELECT string_agg(t::text, '|' ORDER BY t::text) FROM contender_rank.contender_state t),
        (SELECT string_agg(t::text, '|' ORDER BY t::text) FROM contender_rank.stale_nodes t)));
END;

COMMENT ON FUNCTION tests.snapshot() IS
    'Digest of nodes, contenders, contenders_history, task_similarity, ranking_config and the derived state.';

-- The error a statement raises, field by field (NULL when it raises none): SQLSTATE, message, the
-- column it names (the API names the offending argument there) and the hint.
CREATE FUNCTION tests.error_of(statement text)
RETURNS TABLE (error_code text, message text, column_name text, hint text)
LANGUAGE plpgsql
AS $$
BEGIN
    BEGIN
        EXECUTE error_of.statement;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS error_code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                                column_name = COLUMN_NAME, hint = PG_EXCEPTION_HINT;
        RETURN NEXT;
        RETURN;
    END;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION tests.error_of(text) IS
    'Runs a statement (undone when it fails) and returns its error''s SQLSTATE, message, column and hint.';
