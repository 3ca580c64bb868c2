-- On a state the triggers kept, state_differences finds nothing: for every kind of write the
-- triggers fold (in-order and late rows, a history DELETE, a contender deleted and one moved,
-- similarities), valued at the newest history time or any later one, and with tolerance 0 where
-- the fold and the definition add in the same order. It agrees with the suite's own check.
BEGIN;
SELECT plan(7);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT tests.add_history('a-x', 0.25, '2024-01-01 03:30+00');          -- late: recomputed
SELECT tests.add_history('gone-x', 0.5, '2024-01-01 05:00+00');        -- history of a contender no longer current
DELETE FROM contenders_history WHERE contender_id = 'b-y' AND contender_rank.as_utc(expired_at) < '2024-01-01 04:00+00';
SELECT tests.make_contender('c', 'z');
UPDATE contenders SET task = 'y' WHERE contender_id = 'c-z';            -- moved to another task
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;             -- what COMMIT does

SELECT is(tests.check_both_paths('2024-01-02 00:00+00'), '{}'::text[], 'the suite''s own check agrees: the state is exact');
SELECT is_empty($$SELECT * FROM contender_rank.state_differences()$$,
                'state_differences() finds no difference (valued at the newest history time)');
SELECT is((SELECT valued_at FROM contender_rank.verification_scope()), '2024-01-01 23:00+00'::timestamptz,
          'by default the metrics are valued at the newest history time');
SELECT is((SELECT ARRAY[contenders, history_rows] FROM contender_rank.verification_scope()),
          ARRAY[(SELECT count(*) FROM (SELECT contender_id FROM contenders UNION SELECT contender_id FROM contenders_history) i),
                (SELECT count(*) FROM contenders_history)],
          'it covers every contender id, current or with history, and counts every history row');
SELECT is_empty($$SELECT * FROM contender_rank.state_differences('2024-03-01 00:00+00')$$,
                'none either valued two months later');
SELECT is_empty($$SELECT * FROM contender_rank.state_differences(NULL, 1e-12)$$, 'none with a tolerance of 1e-12');
SELECT is_empty($$SELECT * FROM contender_rank.state_differences()
                  WHERE what NOT IN ('own_metric', 'similar_metric')$$,
                'and whatever the tolerance, nothing exact differs (intervals, counts, times, tasks, rows)');

SELECT * FROM finish();
ROLLBACK;
