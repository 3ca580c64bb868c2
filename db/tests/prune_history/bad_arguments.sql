-- prune_history refuses a NULL or infinite as_of, naming the argument, and deletes nothing.
-- (retention_epsilon's own bounds are ranking_config's: ranking_config/rejects_invalid_values.sql.)
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('n1', 'a');
SELECT tests.add_history('n1-a', 0.5, '2020-01-01 00:00:00+00');
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;

SELECT throws_ok($$SELECT prune_history(NULL)$$, '22023', 'as_of must be a finite timestamptz, got NULL',
                 'a NULL as_of is rejected');
SELECT throws_ok($$SELECT prune_history('infinity')$$, '22023', 'as_of must be a finite timestamptz, got infinity',
                 'an infinite as_of is rejected (it would delete every row)');
SELECT throws_ok($$SELECT prune_history('-infinity')$$, '22023', 'as_of must be a finite timestamptz, got -infinity',
                 'a -infinite as_of is rejected');
SELECT is((SELECT column_name FROM tests.error_of($$SELECT prune_history(NULL)$$)), 'as_of',
          'the error''s column field names as_of');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'the refused calls deleted nothing');

SELECT * FROM finish();
ROLLBACK;
