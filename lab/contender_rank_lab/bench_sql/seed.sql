-- The seed's approach on this schema, for comparison only: every call re-aggregates the last day
-- of contenders_history for every contender of every task (per-interval means, zero-filled
-- intervals, decay), adds the similar-task metrics of the same node, then ranks one task.
\set t random(0, :ntasks - 1)
WITH config AS MATERIALIZED (
    SELECT rc.decay_interval, rc.decay_factor, rc.history_weight,
           contender_rank.interval_index(now(), rc.decay_interval) AS now_k
    FROM ranking_config rc
),
day_intervals AS (
    SELECT generate_series(contender_rank.interval_index(now() - interval '1 day', config.decay_interval),
                           config.now_k) AS k
    FROM config
),
interval_means AS (
    SELECT h.contender_id, contender_rank.interval_index(h.expired_at, config.decay_interval) AS k,
           avg(coalesce(h.period_score, 0)) AS score
    FROM contenders_history h, config
    WHERE h.expired_at > now() - interval '1 day'
      AND h.expired_at <= now()
    GROUP BY 1, 2
),
own AS (
    SELECT c.contender_id, c.node_hotkey, c.netuid, c.task,
           sum(contender_rank.decayed(coalesce(m.score, 0), config.decay_factor, config.now_k - d.k)) AS own_metric
    FROM contenders c
    CROSS JOIN day_intervals d
    CROSS JOIN config
    LEFT JOIN interval_means m ON m.contender_id = c.contender_id AND m.k = d.k
    GROUP BY c.contender_id, c.node_hotkey, c.netuid, c.task
),
global AS (
    SELECT o.contender_id,
           o.own_metric + coalesce(sum(ts.similarity * other.own_metric), 0) AS global_metric
    FROM own o
    LEFT JOIN own other
      ON other.node_hotkey = o.node_hotkey AND other.netuid = o.netuid
     AND other.contender_id <> o.contender_id
    LEFT JOIN task_similarity ts ON ts.from_task = other.task AND ts.to_task = o.task
    GROUP BY o.contender_id, o.own_metric
)
SELECT c.contender_id, c.total_requests_made, g.global_metric,
       c.total_requests_made - config.history_weight * g.global_metric AS rank_value
FROM contenders c
JOIN nodes n ON n.hotkey = c.node_hotkey AND n.netuid = c.netuid
JOIN global g ON g.contender_id = c.contender_id
CROSS JOIN config
WHERE c.task = 'bench-task-' || :t
  AND c.capacity > 0
  AND n.symmetric_key_uuid IS NOT NULL
ORDER BY c.consumed_capacity < c.capacity DESC, rank_value, c.contender_id
LIMIT 5;
