-- Years of history at the extremes of the config: decay_factor 1 over three years of hourly
-- rows (nothing decays: a plain sum of interval means, no overflow, no NaN), and one-second
-- intervals over a year of sparse rows (terms that underflow are 0, never an error).
BEGIN;
SELECT plan(11);

-- ---------------------------------------------------------------- three years, no decay
UPDATE ranking_config SET decay_factor = 1, decay_interval = '1 hour';
SELECT tests.make_contender('ly1', 'task-l');
SELECT tests.make_contender('ly1', 'task-m');
INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-l', 'task-m', 1);

-- hour i of three years scores ((37 i) mod 101) / 100; every 24th hour also has a second row
-- scoring the complement, so that interval's mean is 0.5
CREATE TEMP TABLE hourly ON COMMIT DROP AS
SELECT i, timestamptz '2023-01-01 00:30+00' + i * interval '1 hour' AS expired_at,
       ((37 * i) % 101) / 100.0 AS score
FROM generate_series(0, 3 * 365 * 24 - 1) i;

-- all but the last day in one statement (recomputed from history), the last day one row per
-- statement (the O(1) running fold)
SELECT tests.insert_history($$
    SELECT 'ly1-task-l', h.score, h.expired_at FROM hourly h WHERE h.i < 3 * 365 * 24 - 24
    UNION ALL
    SELECT 'ly1-task-l', 1 - h.score, h.expired_at + interval '10 minutes' FROM hourly h
    WHERE h.i % 24 = 0 AND h.i < 3 * 365 * 24 - 24$$);
DO $$
DECLARE
    v_row record;
BEGIN
    FOR v_row IN SELECT * FROM hourly h WHERE h.i >= 3 * 365 * 24 - 24 ORDER BY h.i LOOP
        PERFORM tests.add_history('ly1-task-l', v_row.score, v_row.expired_at);
        IF v_row.i % 24 = 0 THEN
            PERFORM tests.add_history('ly1-task-l', 1 - v_row.score, v_row.expired_at + interval '10 minutes');
        END IF;
    END LOOP;
END
$$;

CREATE TEMP TABLE expected_sum ON COMMIT DROP AS
SELECT sum(CASE WHEN h.i % 24 = 0 THEN 0.5 ELSE h.score END)::float8 AS total FROM hourly h;

SELECT is((SELECT count(*) FROM contenders_history), (SELECT count(*) + count(*) FILTER (WHERE i % 24 = 0) FROM hourly),
          'three years of hourly history are stored');
SELECT ok(tests.close_to((SELECT r.own_metric FROM rank_contenders('task-l', 1, '2026-01-01 00:00+00') r),
                         (SELECT e.total FROM expected_sum e)),
          'with decay_factor 1 the own metric is the plain sum of the interval means');
SELECT ok(tests.close_to((SELECT r.own_metric FROM rank_contenders('task-l', 1, '2050-01-01 00:00+00') r),
                         (SELECT e.total FROM expected_sum e)),
          'and stays that sum 24 years later');
SELECT ok(tests.close_to((SELECT r.similar_metric FROM rank_contenders('task-m', 1, '2026-01-01 00:00+00') r),
                         (SELECT e.total FROM expected_sum e)),
          'the similar metric borrowing it with similarity 1 is the same sum');
SELECT ok((SELECT r.rank_value = -50 * r.global_metric AND r.global_metric < 'Infinity'::float8
                  AND r.global_metric <> 'NaN'::float8
           FROM rank_contenders('task-l', 1, '2026-01-01 00:00+00') r),
          'global metric and rank_value are finite numbers');
SELECT ok(tests.all_rankings_agree('2026-01-01 00:00+00') AND tests.all_rankings_agree('2024-06-15 12:00+00'),
          'rank_contenders equals the window definition now and as of mid-history');

-- ---------------------------------------------------------------- a year of one-second intervals
UPDATE ranking_config SET decay_interval = '1 second', decay_factor = 0.5;
SELECT tests.make_contender('ly2', 'task-s');
-- one row every six hours for a year, then three in the last seconds before as_of
SELECT tests.insert_history($$SELECT 'ly2-task-s', 1, timestamptz '2025-01-01 00:00+00' + i * interval '6 hours'
                               FROM generate_series(0, 4 * 364) i$$);
SELECT tests.add_history('ly2-task-s', 0.5, '2025-12-31 23:59:57.5+00');
SELECT tests.add_history('ly2-task-s', 0.25, '2025-12-31 23:59:58.5+00');
SELECT tests.add_history('ly2-task-s', 0.125, '2025-12-31 23:59:59.5+00');

SELECT is((SELECT r.own_metric FROM rank_contenders('task-s', 1, '2025-12-31 23:59:59.9+00') r),
          (0.125 + 0.25 * 0.5 + 0.5 * 0.25)::float8,
          'with one-second intervals only the last seconds count; hours-old rows underflow to 0');
SELECT is((SELECT r.own_metric FROM contender_rank.rank_contenders_window('task-s', 1, '2025-12-31 23:59:59.9+00') r),
          (0.125 + 0.25 * 0.5 + 0.5 * 0.25)::float8,
          'the window definition over a year of one-second intervals gives the same');
SELECT is((SELECT r.own_metric FROM rank_contenders('task-s', 1, '2025-07-02 06:00:02+00') r),
          0.25::float8,
          'as of mid-year (window fallback) a row two seconds old counts a quarter');
SELECT ok(tests.all_rankings_agree('2025-12-31 23:59:59.9+00') AND tests.all_rankings_agree('2025-03-01 00:00:00+00'),
          'rank_contenders equals the window definition with one-second intervals');

-- a slower decay over the same year: no term underflows, each counts 0.999999^age in seconds.
-- (Only the state is checked here: the window definition zero-fills every one-second interval
-- whose weight is still within float8's range, tens of millions at this factor.)
UPDATE ranking_config SET decay_factor = 0.999999;
SELECT ok(tests.close_to((SELECT r.own_metric FROM rank_contenders('task-s', 1, '2026-01-01 00:00:00+00') r),
                         (SELECT sum(coalesce(h.period_score, 0)
                                     * power(0.999999::float8,
                                             floor(extract(epoch FROM timestamptz '2026-01-01 00:00:00+00'))
                                             - floor(extract(epoch FROM h.expired_at))))
                          FROM tests.history h WHERE h.contender_id = 'ly2-task-s')),
          'with decay 0.999999 per second the metric is the sum of score * 0.999999^age over the year');

SELECT * FROM finish();
ROLLBACK;
