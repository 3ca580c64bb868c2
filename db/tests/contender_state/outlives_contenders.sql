-- A contender's own metric outlives it in contender_state: nineteen deletes and re-creates its
-- contenders every period, and the own metric must be there again the moment a contender comes back.
-- Which contenders are current is never copied there: contenders says. By hand (f = 0.5, as of
-- 10:30): r-x 0.6 at 10:00.
BEGIN;
SELECT plan(9);

SELECT tests.make_contender('r', 'x');
SELECT tests.make_contender('r', 'y');
SELECT tests.add_history('r-x', 0.6, '2024-01-01 10:00:00+00');
SELECT is(ARRAY(SELECT contender_id FROM contender_rank.contender_state WHERE own_interval IS NOT NULL),
          ARRAY['r-x'], 'the contender with history has its own metric');
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT is(ARRAY(SELECT contender_id FROM contender_rank.contender_state ORDER BY 1), ARRAY['r-x', 'r-y'],
          'settled, every current contender has a row');
SET CONSTRAINTS contender_rank.stale_nodes_settle DEFERRED;

DELETE FROM contenders;
SELECT is((SELECT own_interval_rows FROM contender_rank.contender_state WHERE contender_id = 'r-x'), 1::bigint,
          'deleted, the contender keeps its own metric');

SELECT tests.make_contender('r', 'x', total_requests_made => 40);
SELECT is((tests.ranked('r-x', '2024-01-01 10:30:00+00')).own_metric, 0.6::float8,
          're-created, it ranks with its own metric at once');
SELECT is((tests.ranked('r-x', '2024-01-01 10:30:00+00')).rank_value, 10::float8, '40 - 50 * 0.6');

-- history for an id that is not a contender: a row for it alone, gone with its history
SELECT tests.add_history('s-x', 0.5, '2024-01-01 10:00:00+00');
SELECT is((SELECT own_interval_rows FROM contender_rank.contender_state WHERE contender_id = 's-x'), 1::bigint,
          'history of an id that is not current gets a row');
DELETE FROM contenders_history WHERE contender_id = 's-x';
SELECT is_empty($$SELECT * FROM contender_rank.contender_state WHERE contender_id = 's-x'$$,
                'and the row goes with its last history row');
DELETE FROM contenders_history WHERE contender_id = 'r-x';
SELECT is((SELECT ARRAY[count(*), count(own_interval)] FROM contender_rank.contender_state WHERE contender_id = 'r-x'),
          ARRAY[1, 0]::bigint[], 'a current contender whose history is gone keeps its row, without an own metric');
SELECT is(tests.check_both_paths('2024-01-01 10:30:00+00'), '{}'::text[], 'both paths agree');

SELECT * FROM finish();
ROLLBACK;
