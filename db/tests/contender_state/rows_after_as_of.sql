-- A ranking as of a time before rows the state has already folded in (a what-if in the past,
-- or a row stamped in the future by a skewed clock) answers from the window definition.
-- By hand (f = 0.5): p-w has 1.0 at 04:00 and 1.0 at 06:00; w -> v similarity 1.
--   as of 03:00: 0; as of 05:30: 0.5; as of 06:00: 1 + 0.25 = 1.25
BEGIN;
SELECT plan(9);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT ok(tests.all_rankings_agree('2024-01-01 12:30:00+00'), 'half-way through the history: rankings agree');
SELECT ok(tests.all_rankings_agree('2023-12-31 12:00:00+00'), 'before all history: rankings agree');
SELECT is((SELECT sum(global_metric) FROM rank_contenders('x', 5, '2023-12-31 12:00:00+00')), 0::float8,
          'before all history every metric is 0');

SELECT tests.make_contender('p', 'w');
SELECT tests.make_contender('p', 'v');
INSERT INTO task_similarity VALUES ('w', 'v', 1);
SELECT tests.add_history('p-w', 1, '2024-01-01 04:00:00+00');
SELECT tests.add_history('p-w', 1, '2024-01-01 06:00:00+00');
SELECT is((tests.ranked('p-w', '2024-01-01 03:00:00+00')).own_metric, 0::float8, 'as of 03:00 nothing counts');
SELECT is(ARRAY[(tests.ranked('p-w', '2024-01-01 05:30:00+00')).own_metric,
                (tests.ranked('p-v', '2024-01-01 05:30:00+00')).similar_metric],
          ARRAY[0.5, 0.5]::float8[], 'as of 05:30 only the 04:00 row counts, for own and similar metrics');
SELECT is(ARRAY[(tests.ranked('p-w', '2024-01-01 06:00:00+00')).own_metric,
                (tests.ranked('p-v', '2024-01-01 06:00:00+00')).similar_metric],
          ARRAY[1.25, 1.25]::float8[], 'as of 06:00 both rows count');

-- a row from a clock ahead of ours: not counted by a ranking as of now()
SELECT tests.add_history('p-w', 1, now() + interval '1 day');
SELECT is((SELECT own_metric FROM rank_contenders('w') WHERE contender_id = 'p-w'),
          (SELECT own_metric FROM contender_rank.own_metrics_window(ARRAY['p-w'], now(), '1 hour', 0.5)),
          'a row stamped after now() is left out of a ranking as of now()');
SELECT is((SELECT own_metric FROM rank_contenders('w', 5, now() + interval '1 day') WHERE contender_id = 'p-w'),
          1::float8, 'and counts once its time has come');
SELECT ok(tests.rankings_agree('v', now()) AND tests.rankings_agree('w', now()),
          'rankings agree around a future row');

SELECT * FROM finish();
ROLLBACK;
