-- A contender_state row exists for each contender id that has history or is current, and for no
-- other: nineteen deletes and re-creates its contenders every period, and the own metric must be
-- there again the moment a contender comes back. By hand (f = 0.5, as of 10:30): r-x 0.6 at 10:00.
BEGIN;
SELECT plan(9);

SELECT tests.make_contender('r', 'x');
SELECT tests.make_contender('r', 'y');
SELECT tests.add_history('r-x', 0.6, '2024-01-01 10:00:00+00');
SELECT is((SELECT count(*) FROM contender_rank.contender_state), 2::bigint, 'a row per current contender');

DELETE FROM contenders;
SELECT is(ARRAY(SELECT contender_id FROM contender_rank.contender_state), ARRAY['r-x'],
          'deleted: the contender without history leaves no row, the one with history keeps its own');
SELECT is((SELECT ARRAY[is_current::text, node_hotkey, netuid::text, task, similar_metric::text]
           FROM contender_rank.contender_state WHERE contender_id = 'r-x'),
          ARRAY['false', NULL, NULL, NULL, NULL], 'placed nowhere and borrowing nothing');

SELECT tests.make_contender('r', 'x', total_requests_made => 40);
SELECT is((tests.ranked('r-x', '2024-01-01 10:30:00+00')).own_metric, 0.6::float8,
          're-created, it ranks with its own metric at once');
SELECT is((tests.ranked('r-x', '2024-01-01 10:30:00+00')).rank_value, 10::float8, '40 - 50 * 0.6');

-- history for an id that is not a contender: a row for it alone, gone with its history
SELECT tests.add_history('s-x', 0.5, '2024-01-01 10:00:00+00');
SELECT is((SELECT is_current FROM contender_rank.contender_state WHERE contender_id = 's-x'), false,
          'history of an id that is not current gets a row');
DELETE FROM contenders_history WHERE contender_id = 's-x';
SELECT is_empty($$SELECT * FROM contender_rank.contender_state WHERE contender_id = 's-x'$$,
                'and the row goes with its last history row');
DELETE FROM contenders_history WHERE contender_id = 'r-x';
SELECT is((SELECT ARRAY[is_current::text, own_interval::text] FROM contender_rank.contender_state
           WHERE contender_id = 'r-x'),
          ARRAY['true', NULL], 'a current contender whose history is gone keeps its row, without an own metric');
SELECT is(tests.check_both_paths('2024-01-01 10:30:00+00'), '{}'::text[], 'both paths agree');

SELECT * FROM finish();
ROLLBACK;
