-- f^n underflows float8 for large n; PostgreSQL raises on float8 underflow, so the metric must
-- become 0 instead of an error. With f = 1 nothing decays: a plain sum of interval means.
BEGIN;
SELECT plan(7);

SELECT tests.make_contender('u', 'underflow-task');
SELECT tests.make_contender('u', 'underflow-target');
INSERT INTO task_similarity VALUES ('underflow-task', 'underflow-target', 1);
SELECT tests.add_history('u-underflow-task', 1, '2024-01-01 00:00:00+00');

-- 10,000 one-hour intervals later: 0.5^10000 is far below the smallest float8
SELECT lives_ok($$SELECT * FROM rank_contenders('underflow-task', 5, '2024-01-01 00:00:00+00'::timestamptz + interval '10000 hours')$$,
                'ranking 10,000 intervals after the only row raises nothing');
SELECT is((tests.ranked('u-underflow-task', '2024-01-01 00:00:00+00'::timestamptz + interval '10000 hours')).own_metric,
          0::float8, 'its own metric has decayed to exactly 0');
SELECT is((tests.ranked_window('u-underflow-task', '2024-01-01 00:00:00+00'::timestamptz + interval '10000 hours')).own_metric,
          0::float8, 'the window definition gives 0 too');
SELECT is((tests.ranked('u-underflow-target', '2024-01-01 00:00:00+00'::timestamptz + interval '10000 hours')).similar_metric,
          0::float8, 'a similar metric built on it is 0 as well');
SELECT is((SELECT own_metric FROM contender_rank.own_metrics_window(ARRAY['u-underflow-task'],
                                                                    '2024-01-01 00:00:00+00'::timestamptz + interval '10000 hours',
                                                                    '1 hour', 0.5)),
          0::float8, 'own_metrics_window called directly gives 0 too');

-- f = 1: 100 hourly rows of 0.5, plus an hour with 0.2 and 0.4 (mean 0.3): 50 + 0.3
UPDATE ranking_config SET decay_factor = 1;
SELECT tests.make_contender('s', 'sum-task');
SELECT tests.insert_history($$SELECT 's-sum-task', 0.5, '2020-01-01 00:00:00+00'::timestamptz + g * interval '1 hour'
                               FROM generate_series(1, 100) g$$);
SELECT tests.add_history('s-sum-task', 0.2, '2020-02-01 00:10:00+00');
SELECT tests.add_history('s-sum-task', 0.4, '2020-02-01 00:50:00+00');
SELECT ok(tests.close_to((tests.ranked('s-sum-task', '2024-01-01 00:00:00+00')).own_metric, 50.3, 1e-12),
          'with decay_factor 1 the metric years later is the plain sum of interval means');
SELECT ok(tests.close_to((tests.ranked_window('s-sum-task', '2024-01-01 00:00:00+00')).own_metric, 50.3, 1e-12),
          'the window definition agrees (35,000 zero-filled intervals)');

SELECT * FROM finish();
ROLLBACK;
