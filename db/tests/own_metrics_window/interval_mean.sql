-- f = 0.5, 1-hour intervals, ranking as of 10:30 (interval K):
--   K    10:10 0.6                         mean 0.6  weight 1     -> 0.6
--   K-1  09:05 0.2, 09:20 NULL, 09:40 0.7  mean 0.3  weight 1/2   -> 0.15
--   K-2  nothing                           zero-filled             -> 0
--   K-3  07:15 0.8                         mean 0.8  weight 1/8   -> 0.1
--   10:45 1.0 and 12:00 1.0 are after as_of: not counted          own = 0.85
BEGIN;
SELECT plan(9);

SELECT tests.make_contender('m', 'mean-task');
SELECT tests.add_history('m-mean-task', s.score, s.at)
FROM (VALUES (0.6, '2024-01-01 10:10:00+00'::timestamptz), (0.2, '2024-01-01 09:05:00+00'),
             (NULL, '2024-01-01 09:20:00+00'), (0.7, '2024-01-01 09:40:00+00'), (0.8, '2024-01-01 07:15:00+00'),
             (1.0, '2024-01-01 10:45:00+00'), (1.0, '2024-01-01 12:00:00+00')) s(score, at);

SELECT ok(tests.close_to((tests.ranked('m-mean-task', '2024-01-01 10:30:00+00')).own_metric, 0.85, 1e-12),
          'rank_contenders: interval means (NULL as 0), zero-filled gap, rows after as_of left out');
SELECT ok(tests.close_to((tests.ranked_window('m-mean-task', '2024-01-01 10:30:00+00')).own_metric, 0.85, 1e-12),
          'rank_contenders_window gives the same hand-computed value');
SELECT ok(tests.close_to((SELECT own_metric FROM contender_rank.own_metrics_window(ARRAY['m-mean-task'],
                                                                                   '2024-01-01 10:30:00+00', '1 hour', 0.5)),
                         0.85, 1e-12),
          'own_metrics_window gives the same hand-computed value');
-- as of 10:45 the 10:45 row counts: interval K mean (0.6 + 1.0) / 2 = 0.8
SELECT ok(tests.close_to((tests.ranked('m-mean-task', '2024-01-01 10:45:00+00')).own_metric, 1.05, 1e-12),
          'a row stamped exactly at as_of counts, averaged with the other row of its interval');
-- as of 11:00 (K+1, empty): every term one step older
SELECT ok(tests.close_to((tests.ranked('m-mean-task', '2024-01-01 11:00:00+00')).own_metric, 0.525, 1e-12),
          'an empty current interval scores 0 and the rest decays one step');
-- as of 12:00 (K+2): 1.0 + 0 + 0.8/4 + 0.3/8 + 0 + 0.8/32
SELECT ok(tests.close_to((tests.ranked('m-mean-task', '2024-01-01 12:00:00+00')).own_metric, 1.2625, 1e-12),
          'with every row folded in, the state gives the hand-computed value');

SELECT is((SELECT ARRAY[own_interval_sum, own_interval_rows] FROM contender_rank.contender_state
           WHERE contender_id = 'm-mean-task'),
          ARRAY[1, 1]::float8[], 'the state holds the newest interval''s sum and row count');

SELECT tests.make_contender('z', 'mean-task', total_requests_made => 4);
SELECT tests.add_history('z-mean-task', NULL, '2024-01-01 10:00:00+00');
SELECT tests.add_history('z-mean-task', NULL, '2024-01-01 10:20:00+00');
SELECT is((tests.ranked('z-mean-task', '2024-01-01 10:30:00+00')).own_metric, 0::float8,
          'an interval of NULL scores has mean 0');
SELECT is((tests.ranked('z-mean-task', '2024-01-01 10:30:00+00')).rank_value, 4::float8,
          'so its rank_value is its request count');

SELECT * FROM finish();
ROLLBACK;
