-- record_fault() writes one row to state_faults and marks the transaction as having given up
-- (gave_up()); missing values are recorded as 'unknown', 'XX000' and '' rather than failing the
-- caller (it runs in a trigger's exception handler). A fault recorded in a savepoint that rolls
-- back is gone with the memo.
BEGIN;
SELECT plan(6);

SELECT ok(NOT contender_rank.gave_up(), 'nothing given up yet');
SAVEPOINT s;
SELECT contender_rank.record_fault('here', '55P03', 'lock timeout');
SELECT ok(contender_rank.gave_up(), 'recorded: this transaction gave up');
ROLLBACK TO SAVEPOINT s;
SELECT ok(NOT contender_rank.gave_up() AND NOT EXISTS (SELECT FROM contender_rank.state_faults),
          'a rolled-back savepoint takes the fault and the memo with it');
SELECT lives_ok($$SELECT contender_rank.record_fault(NULL, NULL, NULL)$$, 'NULLs never fail the caller');
SELECT results_eq($$SELECT source, sqlstate, message FROM contender_rank.state_faults$$,
                  $$VALUES ('unknown', 'XX000', '')$$, 'recorded with stand-ins');
SELECT ok(contender_rank.gave_up(), 'and the transaction gave up');

SELECT * FROM finish();
ROLLBACK;
