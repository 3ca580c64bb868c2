-- verify_repair(lock_wait) refuses a wait that is not above 0 and at most an hour, naming the
-- argument, before it takes the lock or changes anything; the caller's lock_timeout comes back.
BEGIN;
SELECT plan(5);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
UPDATE contender_rank.contender_state SET own_base = own_base + 1 WHERE contender_id = 'a-x';
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;
SET LOCAL lock_timeout = '123ms';

SELECT results_eq($$SELECT error_code, column_name FROM tests.error_of('SELECT * FROM contender_rank.verify_repair(''0 seconds'')')$$,
                  $$VALUES ('22023', 'lock_wait')$$, 'no wait at all');
SELECT results_eq($$SELECT error_code, column_name, message
                    FROM tests.error_of('SELECT * FROM contender_rank.verify_repair(''2 hours'')')$$,
                  $$VALUES ('22023', 'lock_wait', 'lock_wait must be an interval above 0 and at most 1 hour, got 02:00:00')$$,
                  'more than an hour, with what is allowed');
SELECT results_eq($$SELECT error_code, column_name FROM tests.error_of('SELECT * FROM contender_rank.verify_repair(NULL)')$$,
                  $$VALUES ('22023', 'lock_wait')$$, 'NULL');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'nothing changed (the edited row is still there)');
SELECT * FROM contender_rank.verify_repair('1 second');
SELECT is(current_setting('lock_timeout'), '123ms', 'after a repair the caller''s lock_timeout is its own again');

SELECT * FROM finish();
ROLLBACK;
