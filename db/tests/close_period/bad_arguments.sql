-- A NULL or infinite as_of is refused in either layout, naming the argument (message and column
-- field), before the layout is even looked at; nothing changes.
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('a', 'cp', total_requests_made => 4, consumed_capacity => 4);
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;

SELECT throws_ok($$SELECT close_period(NULL)$$, '22023', 'as_of must be a finite timestamptz, got NULL',
                 'a NULL as_of is rejected');
SELECT throws_ok($$SELECT close_period('infinity')$$, '22023', 'as_of must be a finite timestamptz, got infinity',
                 'an infinite as_of is rejected');
SELECT throws_ok($$SELECT close_period('-infinity')$$, '22023', 'as_of must be a finite timestamptz, got -infinity',
                 'a -infinite as_of is rejected');
SELECT is((SELECT column_name FROM tests.error_of($$SELECT close_period(NULL)$$)), 'as_of',
          'the error''s column field names as_of');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'the refused calls changed nothing');

SELECT * FROM finish();
ROLLBACK;
