-- Factories shared by the pgTAP suite, loaded once into the test database before pg_prove.
-- Every test file runs in a transaction that it rolls back, so what they create disappears.
CREATE SCHEMA IF NOT EXISTS tests;

CREATE OR REPLACE FUNCTION tests.make_node(hotkey text, netuid int DEFAULT 19, handshaken boolean DEFAULT true)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, public
BEGIN ATOMIC
    INSERT INTO public.nodes (hotkey, netuid, node_id, symmetric_key_uuid)
    VALUES (make_node.hotkey, make_node.netuid, abs(hashtext(make_node.hotkey)) % 1000,
            CASE WHEN make_node.handshaken THEN 'key-' || make_node.hotkey END)
    ON CONFLICT (hotkey, netuid) DO NOTHING;
END;

-- A contender on a (handshaken, unless already created otherwise) node; id is hotkey-task.
CREATE OR REPLACE FUNCTION tests.make_contender(
    node_hotkey text, task text, capacity float8 DEFAULT 10, total_requests_made int DEFAULT 0,
    consumed_capacity float8 DEFAULT 0, netuid int DEFAULT 19)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM tests.make_node(make_contender.node_hotkey, make_contender.netuid);
    INSERT INTO public.contenders (contender_id, node_hotkey, node_id, netuid, task, capacity,
                                   consumed_capacity, total_requests_made)
    VALUES (make_contender.node_hotkey || '-' || make_contender.task, make_contender.node_hotkey, 1,
            make_contender.netuid, make_contender.task, make_contender.capacity,
            make_contender.consumed_capacity, make_contender.total_requests_made);
    RETURN make_contender.node_hotkey || '-' || make_contender.task;
END;
$$;

CREATE OR REPLACE FUNCTION tests.add_history(contender_id text, period_score float8, expired_at timestamptz)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, public
BEGIN ATOMIC
    INSERT INTO public.contenders_history (contender_id, period_score, expired_at)
    VALUES (add_history.contender_id, add_history.period_score, add_history.expired_at);
END;

-- a and b agree to a tolerance relative to the larger magnitude (the running state and the
-- window definition add the same terms in different orders).
CREATE OR REPLACE FUNCTION tests.close_to(a float8, b float8, tolerance float8 DEFAULT 1e-9)
RETURNS boolean
LANGUAGE sql IMMUTABLE
RETURN close_to.a = close_to.b
    OR abs(close_to.a - close_to.b) <= close_to.tolerance * greatest(abs(close_to.a), abs(close_to.b));

-- rank_contenders (from contender_state) and rank_contenders_window (from history alone) return
-- the same contenders in the same order with the same metrics, for every contender of the task.
CREATE OR REPLACE FUNCTION tests.rankings_agree(task text, as_of timestamptz, tolerance float8 DEFAULT 1e-9)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
BEGIN ATOMIC
    WITH fast AS (
        SELECT * FROM ROWS FROM (public.rank_contenders(rankings_agree.task, 2147483647, rankings_agree.as_of))
                      WITH ORDINALITY
    ),
    slow AS (
        SELECT * FROM ROWS FROM (public.rank_contenders_window(rankings_agree.task, 2147483647, rankings_agree.as_of))
                      WITH ORDINALITY
    )
    SELECT count(*) = 0
    FROM fast
    FULL JOIN slow ON slow.ordinality = fast.ordinality
    WHERE fast.contender_id IS DISTINCT FROM slow.contender_id
       OR fast.capacity_left IS DISTINCT FROM slow.capacity_left
       OR NOT coalesce(tests.close_to(fast.own_metric, slow.own_metric, rankings_agree.tolerance), false)
       OR NOT coalesce(tests.close_to(fast.similar_metric, slow.similar_metric, rankings_agree.tolerance), false)
       OR NOT coalesce(tests.close_to(fast.global_metric, slow.global_metric, rankings_agree.tolerance), false)
       OR NOT coalesce(tests.close_to(fast.rank_value, slow.rank_value, rankings_agree.tolerance), false);
END;

-- rankings_agree for every task that has a current contender.
CREATE OR REPLACE FUNCTION tests.all_rankings_agree(as_of timestamptz, tolerance float8 DEFAULT 1e-9)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
BEGIN ATOMIC
    SELECT coalesce(bool_and(tests.rankings_agree(t.task, all_rankings_agree.as_of, all_rankings_agree.tolerance)), true)
    FROM (SELECT DISTINCT c.task FROM public.contenders c) t;
END;

-- The stored state itself, read the way rank_contenders reads it (no window fallback): every
-- contender with history has an own metric equal to the window definition, and every current
-- contender a similar metric equal to it. Only meaningful for an as_of at or after every row.
CREATE OR REPLACE FUNCTION tests.state_agrees(as_of timestamptz, tolerance float8 DEFAULT 1e-9)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
-- see own_metric_window: without statistics on ranking_config this plan would be JIT-compiled
SET jit = off
BEGIN ATOMIC
    WITH config AS (
        SELECT rc.decay_factor, public.interval_index(state_agrees.as_of, rc.decay_interval) AS as_of_interval
        FROM public.ranking_config rc
    ),
    ids AS (
        SELECT h.contender_id FROM public.contenders_history h
        UNION
        SELECT c.contender_id FROM public.contenders c
    ),
    compared AS (
        SELECT coalesce(public.decayed(s.own_base + s.own_interval_sum / s.own_interval_count, config.decay_factor,
                                       config.as_of_interval - s.own_interval), 0) AS own_state,
               public.own_metric_window(ids.contender_id, state_agrees.as_of) AS own_window,
               -- the copy on a current contender's row, which rank_contenders reads
               CASE WHEN c.contender_id IS NOT NULL
                    THEN coalesce(public.decayed(c.own_value, config.decay_factor,
                                                 config.as_of_interval - c.own_interval), 0) END AS own_copy,
               CASE WHEN c.contender_id IS NOT NULL
                    THEN coalesce(public.decayed(c.similar_value, config.decay_factor,
                                                 config.as_of_interval - c.similar_interval), 0) END AS similar_state,
               CASE WHEN c.contender_id IS NOT NULL
                    THEN public.similar_metric_window(ids.contender_id, state_agrees.as_of) END AS similar_window
        FROM ids
        CROSS JOIN config
        LEFT JOIN public.contender_state s ON s.contender_id = ids.contender_id
        LEFT JOIN public.contenders c ON c.contender_id = ids.contender_id
    )
    SELECT coalesce(bool_and(tests.close_to(c.own_state, c.own_window, state_agrees.tolerance)
                             AND coalesce(tests.close_to(c.own_copy, c.own_window, state_agrees.tolerance),
                                          c.own_copy IS NULL)
                             AND coalesce(tests.close_to(c.similar_state, c.similar_window, state_agrees.tolerance),
                                          c.similar_state IS NULL AND c.similar_window IS NULL)), true)
    FROM compared c;
END;

-- One column of one contender's row in rank_contenders, for assertions on a single value.
CREATE OR REPLACE FUNCTION tests.ranked(contender_id text, as_of timestamptz)
RETURNS public.ranked_contender
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
BEGIN ATOMIC
    SELECT r.*
    FROM public.contenders c,
         LATERAL public.rank_contenders(c.task, 2147483647, ranked.as_of) r
    WHERE c.contender_id = ranked.contender_id
      AND r.contender_id = ranked.contender_id;
END;

-- The same row from the window definition.
CREATE OR REPLACE FUNCTION tests.ranked_window(contender_id text, as_of timestamptz)
RETURNS public.ranked_contender
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
BEGIN ATOMIC
    SELECT r.*
    FROM public.contenders c,
         LATERAL public.rank_contenders_window(c.task, 2147483647, ranked_window.as_of) r
    WHERE c.contender_id = ranked_window.contender_id
      AND r.contender_id = ranked_window.contender_id;
END;

-- Two nodes sharing tasks, with directed similarities, for the state-versus-window tests:
-- a-x, a-y, a-z on node a; b-x, b-y on node b; x -> y 0.7, y -> x 0.3, z -> x 1.
CREATE OR REPLACE FUNCTION tests.make_two_node_fixture()
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

-- One history row per hour from first, each in its own INSERT statement (the way periods
-- close, in order); scores vary with seed and every fifth is NULL.
CREATE OR REPLACE FUNCTION tests.add_hourly_history(contender_id text, first timestamptz, hours int, seed int)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public
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

-- Every contender of make_two_node_fixture gets a day of hourly history.
CREATE OR REPLACE FUNCTION tests.add_fixture_history(first timestamptz DEFAULT '2024-01-01 00:00:00+00')
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, public
BEGIN ATOMIC
    SELECT tests.add_hourly_history(c.contender_id, add_fixture_history.first, 24, c.seed)
    FROM (VALUES ('a-x', 1), ('a-y', 2), ('a-z', 3), ('b-x', 4), ('b-y', 5)) c(contender_id, seed);
END;
