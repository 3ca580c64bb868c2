-- explain_ranking is the reader's (the query node's role) as well as the DBAs', and it previews
-- proposed settings from history. Whatever a caller proposes within the allowed ranges, the call
-- must stay bounded by the history there is.
-- own_metrics_window once zero-filled every decay interval from a contender's first row to as_of:
-- with a proposed decay_factor of 1 and a '1 second' decay_interval, a year of history was 31.5
-- million generated rows per contender. An absent interval adds 0, so it now sums the intervals that
-- have rows, at a cost that grows with the rows alone; the first check is that preview.
BEGIN;
SELECT plan(2);

SELECT tests.make_contender('ec', 'task-e');
SELECT tests.add_history('ec-task-e', 0.5, '2025-01-01 00:00:00+00');
SELECT tests.add_history('ec-task-e', 0.7, '2026-01-01 00:00:00+00');

-- a cancelled statement cannot be caught by lives_ok (WHEN OTHERS leaves query_canceled out)
CREATE TEMP TABLE outcome (answer text) ON COMMIT DROP;
SET LOCAL statement_timeout = '3s';
DO $$
BEGIN
    PERFORM count(*) FROM explain_ranking('task-e', '2026-01-01 00:30:00+00', decay_factor => 1,
                                          decay_interval => '1 second');
    INSERT INTO outcome VALUES ('answered');
EXCEPTION WHEN query_canceled THEN
    INSERT INTO outcome VALUES ('cancelled after 3 s');
END
$$;
SET LOCAL statement_timeout = 0;
SELECT is((SELECT answer FROM outcome), 'answered',
          'previewing decay_factor 1 with one-second intervals over a year of history answers within 3 s');
SELECT ok(tests.close_to((SELECT proposed_global_metric FROM explain_ranking('task-e', '2026-01-01 00:30:00+00',
                                                                             decay_factor => 1, decay_interval => '1 day')),
                         1.2, 1e-12),
          'with day intervals the same preview is quick: 0.5 + 0.7, nothing decays');

SELECT * FROM finish();
ROLLBACK;
