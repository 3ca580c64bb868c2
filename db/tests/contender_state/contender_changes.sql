-- The similar metrics follow the contenders table: nineteen deletes and re-creates every
-- contender each period; a contender can move to another node, netuid or task, be renamed, or the
-- table can be truncated. Each step is checked on both paths (unsettled, then settled).
BEGIN;
SELECT plan(19);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
CREATE TEMP TABLE period_contenders ON COMMIT DROP AS SELECT * FROM contenders;
CREATE TEMP TABLE ranking_before ON COMMIT DROP AS
SELECT * FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00');

DELETE FROM contenders;
SELECT is_empty($$SELECT * FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00')$$,
                'with the contenders deleted nobody is ranked');
SELECT is((SELECT count(*) FROM contender_rank.contender_state WHERE own_interval IS NOT NULL), 5::bigint,
          'their rows stay, for their history');
INSERT INTO contenders SELECT * FROM period_contenders;
SELECT results_eq($$SELECT * FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00')$$,
                  $$SELECT * FROM ranking_before$$,
                  're-created contenders rank exactly as before, in the same transaction');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 're-created contenders: both paths agree');

-- the period closes the way nineteen does it: one history row per contender, in one statement
SELECT is(tests.insert_history($$SELECT contender_id, 0.5, '2024-01-02 00:00:00+00' FROM contenders$$), 5::bigint,
          'a period closes over the re-created contenders');
SELECT is(tests.check_both_paths('2024-01-02 00:30:00+00'), '{}'::text[], 'after the close: both paths agree');

-- a-z lends its whole metric (z -> x is 1) to the x contender of whichever node it is on
CREATE TEMP TABLE before_move ON COMMIT DROP AS
SELECT (tests.ranked('b-x', '2024-01-02 00:30:00+00')).similar_metric AS b_x_similar,
       (tests.ranked('a-x', '2024-01-02 00:30:00+00')).similar_metric AS a_x_similar,
       (SELECT own_metric FROM contender_rank.own_metrics_window(ARRAY['a-z'], '2024-01-02 00:30:00+00', '1 hour', 0.5))
           AS a_z_own;
UPDATE contenders SET node_hotkey = 'b' WHERE contender_id = 'a-z';
SELECT ok(tests.close_to((tests.ranked('b-x', '2024-01-02 00:30:00+00')).similar_metric,
                         (SELECT b_x_similar + a_z_own FROM before_move), 1e-12),
          'moved to node b, a-z adds its own metric to b-x');
SELECT ok(tests.close_to((tests.ranked('a-x', '2024-01-02 00:30:00+00')).similar_metric,
                         (SELECT a_x_similar - a_z_own FROM before_move), 1e-9),
          'and no longer to a-x');
SELECT is(tests.check_both_paths('2024-01-02 00:30:00+00'), '{}'::text[], 'moved to another node: both paths agree');

SELECT tests.make_node('b', 20);
UPDATE contenders SET netuid = 20 WHERE contender_id = 'a-z';
SELECT is((tests.ranked('b-x', '2024-01-02 00:30:00+00')).similar_metric, (SELECT b_x_similar FROM before_move),
          'moved to another netuid it lends nothing to b-x');
SELECT is(tests.check_both_paths('2024-01-02 00:30:00+00'), '{}'::text[], 'moved to another netuid: both paths agree');

UPDATE contenders SET task = 'y' WHERE contender_id = 'a-x';
SELECT ok(EXISTS (SELECT FROM contender_rank.stale_nodes WHERE node_hotkey = 'a'),
          'moved to another task: its node is stale');
SELECT is(tests.check_both_paths('2024-01-02 00:30:00+00'), '{}'::text[], 'moved to another task: both paths agree');
UPDATE contenders SET contender_id = 'a-y-renamed' WHERE contender_id = 'a-y';
SELECT is((SELECT own_metric FROM rank_contenders('y', 5, '2024-01-02 00:30:00+00') WHERE contender_id = 'a-y-renamed'),
          0::float8, 'a renamed contender has no history under its new id');
SELECT is((SELECT own_interval IS NOT NULL FROM contender_rank.contender_state WHERE contender_id = 'a-y'), true,
          'its old id keeps its history');
SELECT is(tests.check_both_paths('2024-01-02 00:30:00+00'), '{}'::text[], 'renamed: both paths agree');

-- an UPDATE that moves nothing fires nothing: the node is not made stale
UPDATE contenders SET capacity = capacity + 1, total_requests_made = 0;
SELECT is_empty($$SELECT * FROM contender_rank.stale_nodes$$,
                'an UPDATE of capacity or counters marks no node stale');

TRUNCATE contenders;
SELECT is_empty($$SELECT * FROM rank_contenders('x', 5, '2024-01-02 00:30:00+00')$$,
                'TRUNCATE of contenders: nobody is ranked');
SELECT is(tests.check_both_paths('2024-01-02 00:30:00+00'), '{}'::text[], 'TRUNCATE: both paths agree');

SELECT * FROM finish();
ROLLBACK;
