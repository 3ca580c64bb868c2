-- layout: adopted
-- On an adopted nineteen database nineteen's control node closes periods itself (period scores,
-- then the move to contenders_history): close_period refuses, says why and what to do instead, and
-- changes nothing.
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('a', 'cp', total_requests_made => 4, consumed_capacity => 4);
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;

SELECT throws_ok($$SELECT close_period('2024-01-01 10:00:00+00')$$, '0A000',
                 'close_period is for the standalone layout; this database is an adopted nineteen database',
                 'close_period is refused (feature_not_supported)');
SELECT throws_ok($$SELECT close_period()$$, '0A000', NULL, 'with the default as_of too');
SELECT is((SELECT hint FROM tests.error_of($$SELECT close_period()$$)),
          'nineteen''s control node closes periods itself (period scores, then the move to contenders_history).',
          'the hint says who closes periods here');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'nothing changed: no history, counters as they were');
SELECT is(contender_rank.layout(), 'adopted', 'this is the adopted layout');

SELECT * FROM finish();
ROLLBACK;
