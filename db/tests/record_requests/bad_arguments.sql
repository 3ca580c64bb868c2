-- Refused before anything is written: a NULL id, and NULL, negative or non-finite amounts. The
-- message names the argument and what it accepts, the error's column field names the argument,
-- and the counters are unchanged.
BEGIN;
SELECT plan(15);

SELECT tests.make_contender('rq', 'task-a', total_requests_made => 2, consumed_capacity => 1);
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;

SELECT throws_ok($$SELECT record_requests(NULL)$$, '22004', 'contender_id must not be NULL', 'a NULL contender_id');
SELECT throws_ok($$SELECT record_requests('rq-task-a', NULL)$$, '22023', 'requests must be an integer >= 0, got NULL',
                 'NULL requests');
SELECT throws_ok($$SELECT record_requests('rq-task-a', -1)$$, '22023', 'requests must be an integer >= 0, got -1',
                 'negative requests');
SELECT throws_ok($$SELECT record_requests('rq-task-a', 1, NULL)$$, '22023',
                 'consumed_capacity must be a finite number >= 0, got NULL', 'NULL consumed_capacity');
SELECT throws_ok($$SELECT record_requests('rq-task-a', 1, -0.5)$$, '22023',
                 'consumed_capacity must be a finite number >= 0, got -0.5', 'negative consumed_capacity');
SELECT throws_ok($$SELECT record_requests('rq-task-a', 1, 'NaN')$$, '22023',
                 'consumed_capacity must be a finite number >= 0, got NaN', 'NaN consumed_capacity');
SELECT throws_ok($$SELECT record_requests('rq-task-a', 1, 'Infinity')$$, '22023',
                 'consumed_capacity must be a finite number >= 0, got Infinity', 'infinite consumed_capacity');
SELECT throws_ok($$SELECT record_requests('rq-task-a', 1, '-Infinity')$$, '22023',
                 'consumed_capacity must be a finite number >= 0, got -Infinity', '-infinite consumed_capacity');
SELECT throws_ok($$SELECT record_requests('rq-task-a', 1, 0, NULL)$$, '22023',
                 'requests_429 must be an integer >= 0, got NULL', 'NULL requests_429');
SELECT throws_ok($$SELECT record_requests('rq-task-a', 1, 0, -2)$$, '22023',
                 'requests_429 must be an integer >= 0, got -2', 'negative requests_429');
SELECT throws_ok($$SELECT record_requests('rq-task-a', 1, 0, 0, NULL)$$, '22023',
                 'requests_500 must be an integer >= 0, got NULL', 'NULL requests_500');
SELECT throws_ok($$SELECT record_requests('rq-task-a', 1, 0, 0, -3)$$, '22023',
                 'requests_500 must be an integer >= 0, got -3', 'negative requests_500');
SELECT is(ARRAY(SELECT e.column_name
                FROM unnest(ARRAY[$$SELECT record_requests(NULL)$$, $$SELECT record_requests('rq-task-a', -1)$$,
                                  $$SELECT record_requests('rq-task-a', 1, 'NaN')$$,
                                  $$SELECT record_requests('rq-task-a', 1, 0, -1)$$,
                                  $$SELECT record_requests('rq-task-a', 1, 0, 0, -1)$$]) s(statement),
                     tests.error_of(s.statement) e),
          ARRAY['contender_id', 'requests', 'consumed_capacity', 'requests_429', 'requests_500'],
          'the error''s column field names the argument');
-- one bad amount refuses the whole call: no counter moves, not even the valid ones
SELECT throws_ok($$SELECT record_requests('rq-task-a', 5, 2, 1, -1)$$, '22023', NULL,
                 'a call with valid amounts and one bad one is refused whole');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'the refused calls changed nothing');

SELECT * FROM finish();
ROLLBACK;
