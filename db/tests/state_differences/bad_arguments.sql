-- Bad arguments are refused with a message that names what is allowed and, in the error's column,
-- the argument; nothing changes.
BEGIN;
SELECT plan(7);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;

SELECT results_eq($$SELECT error_code, column_name FROM tests.error_of('SELECT * FROM contender_rank.state_differences(NULL, -1)')$$,
                  $$VALUES ('22023', 'tolerance')$$, 'a negative tolerance');
SELECT results_eq($$SELECT error_code, column_name FROM tests.error_of('SELECT * FROM contender_rank.state_differences(NULL, 1)')$$,
                  $$VALUES ('22023', 'tolerance')$$, 'a tolerance of 1 (everything would agree)');
SELECT results_eq($$SELECT error_code, column_name FROM tests.error_of('SELECT * FROM contender_rank.state_differences(NULL, ''NaN'')')$$,
                  $$VALUES ('22023', 'tolerance')$$, 'a NaN tolerance');
SELECT is((SELECT message FROM tests.error_of('SELECT * FROM contender_rank.state_differences(NULL, NULL)')),
          'tolerance must be a number >= 0 and < 1, got NULL', 'a NULL tolerance, with what is allowed');
SELECT results_eq($$SELECT error_code, column_name, message
                    FROM tests.error_of('SELECT * FROM contender_rank.state_differences(''infinity'')')$$,
                  $$VALUES ('22023', 'as_of', 'as_of must be a finite timestamptz, got infinity')$$, 'an infinite as_of');
SELECT results_eq($$SELECT error_code, column_name, message
                    FROM tests.error_of('SELECT * FROM contender_rank.verification_scope(''2024-01-01 12:00+00'')')$$,
                  $$VALUES ('22023', 'as_of', 'as_of must be at or after the newest history row (2024-01-01 23:00:00+00), '
                                              'got 2024-01-01 12:00:00+00')$$,
                  'an as_of before the newest history row (the state has folded it in)');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'nothing changed');

SELECT * FROM finish();
ROLLBACK;
