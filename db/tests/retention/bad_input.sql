BEGIN;
SELECT plan(5);

SELECT throws_ok($$UPDATE ranking_config SET retention_epsilon = -0.1$$, '23514', NULL,
                 'a negative retention_epsilon is rejected');
SELECT throws_ok($$UPDATE ranking_config SET retention_epsilon = 1.5$$, '23514', NULL,
                 'a retention_epsilon above 1 is rejected');
SELECT throws_ok($$UPDATE ranking_config SET retention_epsilon = 'NaN'$$, '23514', NULL,
                 'a NaN retention_epsilon is rejected');
SELECT throws_ok($$UPDATE ranking_config SET retention_epsilon = NULL$$, '23502', NULL,
                 'a NULL retention_epsilon is rejected');
SELECT throws_ok($$SELECT prune_history(NULL)$$, '22023', 'as_of must be a finite timestamptz, got NULL',
                 'prune_history names its argument when given NULL');

SELECT * FROM finish();
ROLLBACK;
