-- The ranking defined from history alone: the mean score of each decay interval up to k(as_of),
-- absent intervals 0, each decayed by its age, summed. This is the reference the state machinery
-- (30_state.sql) is tested against, the fallback when a ranking asks about a time before rows the
-- state has already folded in, and what explain_ranking uses to preview other settings. The
-- settings are parameters: NULL means ranking_config's. Its cost grows with history: never on the
-- request path.

-- ---------------------------------------------------------------- own metric
-- Zero-filling an absent interval adds 0 * f^age, so the sum runs over the intervals that have rows:
-- the cost follows the rows, not the number of intervals (a year of one-second intervals with decay
-- factor 1 would otherwise be 31.5 million generated terms per contender).
CREATE OR REPLACE FUNCTION contender_rank.own_metrics_window(
    contender_ids text[], as_of timestamptz, decay_interval interval, decay_factor float8)
RETURNS TABLE (contender_id text, own_metric float8)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog
-- ranking_config has no planner statistics (one row, never analyzed): estimated at ~1000 rows,
-- the joins would cross jit_above_cost and spend ~50 ms compiling a sub-millisecond query
SET jit = off
AS $$
    WITH as_of_interval AS (
        SELECT contender_rank.interval_index(own_metrics_window.as_of, own_metrics_window.decay_interval) AS k
    ),
    -- rows stamped after as_of do not count; a row without a finite expired_at is in no interval
    scored_rows AS (
        SELECT h.contender_id,
               contender_rank.interval_index(contender_rank.as_utc(h.expired_at),
                                             own_metrics_window.decay_interval) AS k,
               contender_rank.usable_score(h.period_score) AS score
        FROM public.contenders_history h
        WHERE h.contender_id IN (SELECT unnest(own_metrics_window.contender_ids))
          AND isfinite(h.expired_at)
          AND contender_rank.as_utc(h.expired_at) <= own_metrics_window.as_of
    ),
    -- an interval's score is the mean of its rows (a NULL score counts 0), as the state computes it
    interval_scores AS (
        SELECT s.contender_id, s.k, contender_rank.interval_mean(sum(s.score), count(*)) AS score
        FROM scored_rows s
        GROUP BY s.contender_id, s.k
    )
    SELECT i.contender_id,
           sum(contender_rank.decayed(i.score, own_metrics_window.decay_factor, as_of_interval.k - i.k)
               ORDER BY i.k)::float8
    FROM interval_scores i
    CROSS JOIN as_of_interval
    GROUP BY i.contender_id;
$$;

COMMENT ON FUNCTION contender_rank.own_metrics_window(text[], timestamptz, interval, float8) IS
    'Definition of the own metric at as_of, from contenders_history: for each contender with history, sum over '
    'intervals k <= k(as_of) of mean score(k) * decay_factor^(k(as_of) - k), absent intervals 0. Contenders '
    'without history get no row (their own metric is 0).';

-- ---------------------------------------------------------------- similar metric
CREATE OR REPLACE FUNCTION contender_rank.similar_metrics_window(
    contender_ids text[], as_of timestamptz, decay_interval interval, decay_factor float8)
RETURNS TABLE (contender_id text, similar_metric float8)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog
SET jit = off
AS $$
    -- borrow from similar tasks on the same node: the other current contenders there
    WITH borrowed AS (
        SELECT target.contender_id AS target_id, source.contender_id AS source_id, ts.similarity
        FROM public.contenders target
        JOIN public.contenders source
          ON source.node_hotkey = target.node_hotkey
         AND source.netuid = target.netuid
         AND source.contender_id <> target.contender_id
        JOIN public.task_similarity ts
          ON ts.from_task = source.task
         AND ts.to_task = target.task
        WHERE target.contender_id IN (SELECT unnest(similar_metrics_window.contender_ids))
    ),
    own AS (
        SELECT o.contender_id, o.own_metric
        FROM contender_rank.own_metrics_window(ARRAY(SELECT DISTINCT b.source_id FROM borrowed b),
                                               similar_metrics_window.as_of, similar_metrics_window.decay_interval,
                                               similar_metrics_window.decay_factor) o
    )
    SELECT b.target_id, sum(contender_rank.scaled(b.similarity, o.own_metric) ORDER BY o.own_metric, b.similarity)
    FROM borrowed b
    JOIN own o ON o.contender_id = b.source_id
    GROUP BY b.target_id;
$$;

COMMENT ON FUNCTION contender_rank.similar_metrics_window(text[], timestamptz, interval, float8) IS
    'Definition of the similar metric at as_of of current contenders: sum over the other current contenders of '
    'the same node (node_hotkey and netuid) of similarity(their task -> its task) * their own metric from '
    'history. Contenders that borrow nothing get no row (their similar metric is 0).';

-- ---------------------------------------------------------------- one task
-- Every contender of the task, eligible or not, with its metrics from history under the given
-- settings (NULL: ranking_config's).
CREATE OR REPLACE FUNCTION contender_rank.task_contenders_window(
    task text, as_of timestamptz,
    decay_interval interval DEFAULT NULL, decay_factor float8 DEFAULT NULL, history_weight float8 DEFAULT NULL,
    failure_weight float8 DEFAULT NULL)
RETURNS TABLE (contender_id text, node_hotkey text, node_id int, total_requests_made int, capacity float8,
               capacity_left boolean, node_found boolean, handshaken boolean,
               own_metric float8, similar_metric float8, history_weight float8,
               requests_429 int, requests_500 int, failure_weight float8)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog
SET jit = off
AS $$
    WITH settings AS (
        SELECT coalesce(task_contenders_window.decay_interval, rc.decay_interval) AS decay_interval,
               coalesce(task_contenders_window.decay_factor, rc.decay_factor) AS decay_factor,
               coalesce(task_contenders_window.history_weight, rc.history_weight) AS history_weight,
               coalesce(task_contenders_window.failure_weight, rc.failure_weight) AS failure_weight
        FROM public.ranking_config rc
    ),
    contenders AS (
        SELECT c.contender_id, c.node_hotkey, c.node_id, c.netuid, c.total_requests_made, c.capacity,
               c.consumed_capacity, c.requests_429, c.requests_500
        FROM public.contenders c
        WHERE c.task = task_contenders_window.task
    ),
    ids AS (SELECT array_agg(c.contender_id) AS ids FROM contenders c)
    SELECT c.contender_id, c.node_hotkey, c.node_id, c.total_requests_made, c.capacity,
           c.consumed_capacity < c.capacity, n.hotkey IS NOT NULL, n.symmetric_key_uuid IS NOT NULL,
           coalesce(own.own_metric, 0), coalesce(borrowed.similar_metric, 0), settings.history_weight,
           c.requests_429, c.requests_500, settings.failure_weight
    FROM contenders c
    CROSS JOIN settings
    CROSS JOIN ids
    LEFT JOIN public.nodes n ON n.hotkey = c.node_hotkey AND n.netuid = c.netuid
    LEFT JOIN contender_rank.own_metrics_window(ids.ids, task_contenders_window.as_of, settings.decay_interval,
                                                settings.decay_factor) own
           ON own.contender_id = c.contender_id
    LEFT JOIN contender_rank.similar_metrics_window(ids.ids, task_contenders_window.as_of, settings.decay_interval,
                                                    settings.decay_factor) borrowed
           ON borrowed.contender_id = c.contender_id;
$$;

COMMENT ON FUNCTION contender_rank.task_contenders_window(text, timestamptz, interval, float8, float8, float8) IS
    'Every contender of task with what decides its place, from history alone under the given settings (NULL: '
    'ranking_config''s): capacity, node found and handshaken, own and similar metric, history_weight, this '
    'period''s failures and failure_weight.';

CREATE OR REPLACE FUNCTION contender_rank.rank_contenders_window(
    task text, top_x int DEFAULT 5, as_of timestamptz DEFAULT now(),
    decay_interval interval DEFAULT NULL, decay_factor float8 DEFAULT NULL, history_weight float8 DEFAULT NULL,
    failure_weight float8 DEFAULT NULL)
RETURNS SETOF public.ranked_contender
-- runs as its owner: on an adopted database the tables it reads are nineteen's, on which nobody is
-- granted anything by contender_rank; ranking_admin may run it for audits
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
BEGIN
    PERFORM contender_rank.check_ranking_arguments(rank_contenders_window.task, rank_contenders_window.top_x,
                                                   rank_contenders_window.as_of);
    PERFORM contender_rank.check_settings(rank_contenders_window.decay_interval, rank_contenders_window.decay_factor,
                                          rank_contenders_window.history_weight,
                                          rank_contenders_window.failure_weight);
    RETURN QUERY
    SELECT w.contender_id, w.node_hotkey, w.node_id, rank_contenders_window.task, w.total_requests_made,
           w.own_metric, w.similar_metric, w.own_metric + w.similar_metric,
           contender_rank.rank_value(
               contender_rank.requests_load(w.total_requests_made, w.requests_429, w.requests_500, w.failure_weight),
               w.history_weight, w.own_metric + w.similar_metric),
           w.capacity_left
    FROM contender_rank.task_contenders_window(rank_contenders_window.task, rank_contenders_window.as_of,
                                               rank_contenders_window.decay_interval,
                                               rank_contenders_window.decay_factor,
                                               rank_contenders_window.history_weight,
                                               rank_contenders_window.failure_weight) w
    WHERE w.capacity > 0
      AND w.handshaken
    ORDER BY w.capacity_left DESC,
             contender_rank.rank_value(
                 contender_rank.requests_load(w.total_requests_made, w.requests_429, w.requests_500, w.failure_weight),
                 w.history_weight, w.own_metric + w.similar_metric),
             w.contender_id COLLATE "C"
    LIMIT rank_contenders_window.top_x;
END;
$$;

COMMENT ON FUNCTION contender_rank.rank_contenders_window(text, int, timestamptz, interval, float8, float8, float8) IS
    'The ranking of rank_contenders computed from history alone (same rules and columns), under ranking_config or '
    'the given settings. Cost grows with history: for tests, audits and previews, not for the request path.';

-- default deny: nobody but the owner runs what is in this file (privileges.sql grants the admin
-- what it may audit)
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA contender_rank FROM PUBLIC;
