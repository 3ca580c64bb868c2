-- layout: standalone
-- prune_history drops only whole decay intervals so old that, all together, they move no own,
-- similar or global metric by retention_epsilon or more: the bound (1 + S) f^A / (1 - f), S the
-- largest total similarity a contender borrows with.
BEGIN;
SELECT plan(8);

UPDATE ranking_config
SET decay_interval = interval '1 hour', decay_factor = 0.5, history_weight = 50, retention_epsilon = 1e-3;

-- three tasks, one borrowing from two others (total similarity 1.4 into task b)
INSERT INTO task_similarity (from_task, to_task, similarity)
VALUES ('a', 'b', 0.8), ('c', 'b', 0.6), ('b', 'a', 0.5);
SELECT tests.make_contender(node, task)
FROM unnest(ARRAY['n1', 'n2', 'n3']) node, unnest(ARRAY['a', 'b', 'c']) task;

-- three days of 30-minute periods; the old ones score high, so pruning too much would show
SELECT tests.insert_history($$
    SELECT c.contender_id,
           CASE WHEN p % 17 = 0 THEN NULL
                WHEN p > 20 THEN 1.0
                ELSE (abs(hashtext(c.contender_id || p)) % 1000) / 1000.0 END,
           timestamptz '2026-01-10 12:15:00+00' - interval '30 minutes' * p - interval '1 minute'
    FROM contenders c, generate_series(0, 3 * 48 - 1) p$$);

CREATE TEMP TABLE ranked_before AS
SELECT r.* FROM unnest(ARRAY['a', 'b', 'c']) t(task),
     LATERAL rank_contenders(t.task, 100, timestamptz '2026-01-10 12:15:00+00') r;
CREATE TEMP TABLE rows_before AS
SELECT contender_rank.interval_index(h.expired_at, interval '1 hour') AS k, count(*) AS n
FROM tests.history h GROUP BY 1;

-- the smallest age A with (1 + 1.4) * 0.5^A / (1 - 0.5) < 1e-3, found by search, not by formula
CREATE TEMP TABLE horizon AS
SELECT contender_rank.interval_index(timestamptz '2026-01-10 12:15:00+00', interval '1 hour') AS now_k,
       (SELECT min(a) FROM generate_series(1, 200) a WHERE 2.4 * 0.5 ^ a / 0.5 < 1e-3) AS min_age;

CREATE TEMP TABLE pruned AS SELECT prune_history(timestamptz '2026-01-10 12:15:00+00') AS removed;

SELECT cmp_ok((SELECT removed FROM pruned), '>', 0::bigint, 'pruning three days at factor 0.5 removes rows');
SELECT is((SELECT removed FROM pruned),
          (SELECT sum(b.n)::bigint FROM rows_before b WHERE NOT EXISTS (
               SELECT FROM tests.history h WHERE contender_rank.interval_index(h.expired_at, interval '1 hour') = b.k)),
          'the count returned is the number of rows of the intervals that are gone: whole intervals only');
SELECT is((SELECT count(*) FROM rows_before b, horizon
           WHERE b.k > horizon.now_k - horizon.min_age
             AND b.n <> (SELECT count(*) FROM tests.history h
                         WHERE contender_rank.interval_index(h.expired_at, interval '1 hour') = b.k)),
          0::bigint, 'no row younger than the smallest safe age is removed');
SELECT is((SELECT count(*) FROM tests.history h, horizon
           WHERE contender_rank.interval_index(h.expired_at, interval '1 hour') < horizon.now_k - horizon.min_age - 1),
          0::bigint, 'every row more than one interval past the smallest safe age is removed');

CREATE TEMP TABLE ranked_after AS
SELECT r.* FROM unnest(ARRAY['a', 'b', 'c']) t(task),
     LATERAL rank_contenders(t.task, 100, timestamptz '2026-01-10 12:15:00+00') r;

SELECT cmp_ok((SELECT max(greatest(abs(b.own_metric - a.own_metric), abs(b.similar_metric - a.similar_metric),
                                   abs(b.global_metric - a.global_metric)))
               FROM ranked_before b JOIN ranked_after a USING (contender_id)),
              '<=', 1e-3::float8, 'own, similar and global metric of every contender move by at most epsilon');
SELECT cmp_ok((SELECT max(abs(b.global_metric - a.global_metric))
               FROM ranked_before b JOIN ranked_after a USING (contender_id)),
              '>', 0::float8, 'the pruned rows did count before (the bound is tested, not vacuous)');
SELECT is((SELECT max(abs(a.global_metric - w.global_metric)) < 1e-9
           FROM ranked_after a
           JOIN (SELECT r.* FROM unnest(ARRAY['a', 'b', 'c']) t(task),
                      LATERAL contender_rank.rank_contenders_window(t.task, 100, timestamptz '2026-01-10 12:15:00+00') r) w
             USING (contender_id)),
          true, 'after pruning the state agrees with the window definition over the remaining history');
SELECT is(tests.check_both_paths('2026-01-10 12:15:00+00'), '{}'::text[], 'and both paths agree');

SELECT * FROM finish();
ROLLBACK;
