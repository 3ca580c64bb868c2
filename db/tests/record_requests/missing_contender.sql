-- A contender that is not there (the period turned over between the ranking and the call):
-- record_requests returns false and changes nothing. A contender_id is a value, never SQL.
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('rq', 'task-a', total_requests_made => 2);
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;

SELECT is(record_requests('rq-task-b'), false, 'an unknown id: false');
SELECT is(record_requests('RQ-TASK-A', 5), false, 'ids match exactly, case included');
SELECT is(record_requests($$rq-task-a' OR 'x' = 'x$$, 5), false, 'an id cannot widen the match');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'nothing changed');
DELETE FROM contenders;
SELECT is(record_requests('rq-task-a'), false, 'a contender deleted at the turn of the period: false');

SELECT * FROM finish();
ROLLBACK;
