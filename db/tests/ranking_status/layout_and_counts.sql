-- ranking_status(): what an operator checks first. The installed layout, the version, the current
-- contenders and those the derived state knows (equal unless triggers were disabled), history rows,
-- contenders with history and the newest history time folded in. One row, read-only.
BEGIN;
SELECT plan(8);

SELECT is((SELECT count(*)::int FROM ranking_status()), 1, 'one row');
SELECT is((SELECT layout FROM ranking_status()), contender_rank.layout(), 'the installed layout');
SELECT ok((SELECT layout IN ('standalone', 'adopted') AND version <> '' AND installed_at <= migrated_at
           FROM ranking_status()),
          'a layout, a version, installed before (or when) last migrated');

CREATE TEMP TABLE empty_counts ON COMMIT DROP AS
SELECT contenders, contenders_in_state, history_rows, history_rows_ignored, contenders_with_history,
       newest_expired_at
FROM ranking_status();

SELECT tests.make_contender('s1', 'task-a');
SELECT tests.make_contender('s2', 'task-a');
SELECT tests.make_contender('s1', 'task-b');
SELECT tests.insert_history($$VALUES ('s1-task-a', 0.5, '2024-01-01 10:00:00+00'), ('s1-task-a', 0.7, '2024-01-01 11:00:00+00'),
                                     ('gone-task-a', 1, '2024-01-01 12:30:00+00')$$);
SELECT row_eq($$SELECT contenders, contenders_in_state, history_rows, history_rows_ignored,
                       contenders_with_history, newest_expired_at FROM ranking_status()$$,
              ROW((SELECT contenders + 3 FROM empty_counts), (SELECT contenders_in_state + 3 FROM empty_counts),
                  (SELECT history_rows + 3 FROM empty_counts), 0::bigint,
                  (SELECT contenders_with_history + 2 FROM empty_counts), '2024-01-01 12:30:00+00'::timestamptz),
              'three contenders, all known to the state; three history rows of two contenders (one no longer current); '
              'the newest history time');

DELETE FROM contenders WHERE contender_id = 's2-task-a';
SELECT is((SELECT ARRAY[contenders, contenders_in_state] FROM ranking_status()),
          (SELECT ARRAY[contenders + 2, contenders_in_state + 2] FROM empty_counts),
          'a deleted contender leaves both counts');
DELETE FROM contenders_history WHERE contender_id = 'gone-task-a';
SELECT is((SELECT ARRAY[history_rows, contenders_with_history] FROM ranking_status()),
          (SELECT ARRAY[history_rows + 2, contenders_with_history + 1] FROM empty_counts),
          'deleted history leaves the history counts');
SELECT is((SELECT newest_expired_at FROM ranking_status()), '2024-01-01 11:00:00+00'::timestamptz,
          'and the newest time folded in goes back with it');

SET TRANSACTION READ ONLY;
SELECT lives_ok($$SELECT * FROM ranking_status()$$, 'ranking_status works in a read-only transaction');

SELECT * FROM finish();
ROLLBACK;
