-- Amounts that are each allowed (an int >= 0, a finite number >= 0) can still carry a counter past
-- its type's range. The call must be refused with a message that names the counter and what it
-- accepts, like every other bad input, and change nothing.
-- (record_requests once added without checking, and PostgreSQL's bare 22003 "integer out of
-- range" came back naming nothing; the call now checks first and names the counter.)
BEGIN;
SELECT plan(4);

SELECT tests.make_contender('rq', 'task-a', total_requests_made => 2, consumed_capacity => 1e308);
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;

SELECT is((SELECT e.column_name FROM tests.error_of($$SELECT record_requests('rq-task-a', 2147483647)$$) e),
          'requests', 'a bump past total_requests_made''s int range is refused naming requests');
SELECT is((SELECT e.column_name FROM tests.error_of($$SELECT record_requests('rq-task-a', 1, 1e308)$$) e),
          'consumed_capacity', 'a bump past float8''s range is refused naming consumed_capacity');

SELECT throws_ok($$SELECT record_requests('rq-task-a', 2147483647)$$, '22003', NULL,
                 'the overflowing call fails (it does not wrap around)');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'and changes nothing');

SELECT * FROM finish();
ROLLBACK;
