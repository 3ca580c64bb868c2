-- The similar metrics follow the contenders table: nineteen deletes and re-creates every
-- contender each period; a contender can move to another node, netuid or task, or be renamed.
BEGIN;
SELECT plan(13);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
CREATE TEMP TABLE period_contenders ON COMMIT DROP AS SELECT * FROM contenders;
CREATE TEMP TABLE ranking_before ON COMMIT DROP AS
SELECT * FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00');

DELETE FROM contenders;
SELECT is_empty($$SELECT * FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00')$$,
                'with the contenders deleted nobody is ranked');
INSERT INTO contenders SELECT * FROM period_contenders;
SELECT results_eq($$SELECT * FROM rank_contenders('x', 5, '2024-01-02 00:00:00+00')$$,
                  $$SELECT * FROM ranking_before$$,
                  're-created contenders rank exactly as before');
SELECT ok(tests.state_agrees('2024-01-02 00:00:00+00'), 're-created contenders: state agrees');

SELECT is(close_period('2024-01-02 00:00:00+00'), 5, 'a period closes over the re-created contenders');
SELECT ok(tests.all_rankings_agree('2024-01-02 00:30:00+00'), 'after close_period: rankings agree');

-- a-z lends its whole metric (z -> x is 1) to the x contender of whichever node it is on
CREATE TEMP TABLE before_move ON COMMIT DROP AS
SELECT (tests.ranked('b-x', '2024-01-02 00:30:00+00')).similar_metric AS b_x_similar,
       (tests.ranked('a-x', '2024-01-02 00:30:00+00')).similar_metric AS a_x_similar,
       own_metric_window('a-z', '2024-01-02 00:30:00+00') AS a_z_own;
UPDATE contenders SET node_hotkey = 'b' WHERE contender_id = 'a-z';
SELECT ok(tests.close_to((tests.ranked('b-x', '2024-01-02 00:30:00+00')).similar_metric,
                         (SELECT b_x_similar + a_z_own FROM before_move), 1e-12),
          'moved to node b, a-z adds its own metric to b-x');
SELECT ok(tests.close_to((tests.ranked('a-x', '2024-01-02 00:30:00+00')).similar_metric,
                         (SELECT a_x_similar - a_z_own FROM before_move), 1e-9),
          'and no longer to a-x');
SELECT ok(tests.state_agrees('2024-01-02 00:30:00+00') AND tests.all_rankings_agree('2024-01-02 00:30:00+00'),
          'moved to another node: state and rankings agree');

SELECT tests.make_node('b', 20);
UPDATE contenders SET netuid = 20 WHERE contender_id = 'a-z';
SELECT is((tests.ranked('b-x', '2024-01-02 00:30:00+00')).similar_metric, (SELECT b_x_similar FROM before_move),
          'moved to another netuid it lends nothing to b-x');
SELECT ok(tests.state_agrees('2024-01-02 00:30:00+00') AND tests.all_rankings_agree('2024-01-02 00:30:00+00'),
          'moved to another netuid: state and rankings agree');

UPDATE contenders SET task = 'y' WHERE contender_id = 'a-x';
SELECT ok(tests.state_agrees('2024-01-02 00:30:00+00') AND tests.all_rankings_agree('2024-01-02 00:30:00+00'),
          'moved to another task: state and rankings agree');
UPDATE contenders SET contender_id = 'a-y-renamed' WHERE contender_id = 'a-y';
SELECT is((SELECT own_metric FROM rank_contenders('y', 5, '2024-01-02 00:30:00+00') WHERE contender_id = 'a-y-renamed'),
          0::float8, 'a renamed contender has no history under its new id');
SELECT ok(tests.state_agrees('2024-01-02 00:30:00+00') AND tests.all_rankings_agree('2024-01-02 00:30:00+00'),
          'renamed: state and rankings agree');

SELECT * FROM finish();
ROLLBACK;
