-- f = 0.9, 1-day intervals, day D = 2024-01-10 (interval 19732):
--   D 0.5 -> 0.5;  D-1 1.0 -> 0.9;  D-2 none -> 0;  D-3 none -> 0;  D-4 0.25 -> 0.25 * 0.9^4 = 0.164025
--   own(D) = 1.564025, own(D+3) = 1.564025 * 0.729 = 1.140174225
BEGIN;
SELECT plan(6);

UPDATE ranking_config SET decay_interval = '1 day', decay_factor = 0.9;
SELECT tests.make_contender('d', 'decay-task');
SELECT tests.add_history('d-decay-task', 0.25, '2024-01-06 18:00:00+00');
SELECT tests.add_history('d-decay-task', 1.0, '2024-01-09 03:00:00+00');
SELECT tests.add_history('d-decay-task', 0.5, '2024-01-10 01:00:00+00');

SELECT ok(tests.close_to((tests.ranked('d-decay-task', '2024-01-10 12:00:00+00')).own_metric, 1.564025, 1e-12),
          'decayed sum with a zero-filled gap, f = 0.9');
SELECT ok(tests.close_to((tests.ranked_window('d-decay-task', '2024-01-10 12:00:00+00')).own_metric, 1.564025, 1e-12),
          'the window definition gives the same value');
SELECT ok(tests.close_to((tests.ranked('d-decay-task', '2024-01-13 00:00:00+00')).own_metric, 1.140174225, 1e-12),
          'three empty days later everything has decayed by 0.9^3');

SELECT tests.make_contender('e', 'decay-task');
SELECT tests.add_history('e-decay-task', 1, '2024-01-01 00:00:00+00');
SELECT ok(tests.close_to((tests.ranked('e-decay-task', '2024-01-11 00:00:00+00')).own_metric, 0.3486784401, 1e-12),
          'a single row ten intervals old counts 0.9^10');
SELECT is((tests.ranked('e-decay-task', '2024-01-01 23:59:59+00')).own_metric, 1::float8,
          'the current interval has weight 1');

SELECT tests.make_contender('n', 'decay-task');
SELECT is((tests.ranked('n-decay-task', '2024-01-10 12:00:00+00')).own_metric, 0::float8,
          'a contender without history has own_metric 0');

SELECT * FROM finish();
ROLLBACK;
