-- ranking_config: one row, 0 < decay_factor <= 1, 0 <= history_weight < Infinity, 0 <= failure_weight < Infinity,
-- decay_interval > 0, 0 <= retention_epsilon <= 1. Each violation names the rule (in both layouts
-- the table is contender_rank's) and leaves the row, and the derived state, as they were.
BEGIN;
SELECT plan(24);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;

SELECT throws_ok($$UPDATE ranking_config SET decay_factor = 0$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "decay_factor_must_be_above_0_and_at_most_1"',
                 'decay_factor 0 is rejected');
SELECT throws_ok($$UPDATE ranking_config SET decay_factor = 1.01$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "decay_factor_must_be_above_0_and_at_most_1"',
                 'decay_factor above 1 is rejected');
SELECT throws_ok($$UPDATE ranking_config SET decay_factor = 'NaN'$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "decay_factor_must_be_above_0_and_at_most_1"',
                 'decay_factor NaN is rejected');
SELECT throws_ok($$UPDATE ranking_config SET history_weight = -1$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "history_weight_must_be_finite_and_not_negative"',
                 'a negative history_weight is rejected');
SELECT throws_ok($$UPDATE ranking_config SET history_weight = 'NaN'$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "history_weight_must_be_finite_and_not_negative"',
                 'history_weight NaN is rejected');
SELECT throws_ok($$UPDATE ranking_config SET history_weight = 'Infinity'$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "history_weight_must_be_finite_and_not_negative"',
                 'an infinite history_weight is rejected');
SELECT throws_ok($$UPDATE ranking_config SET failure_weight = -1$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "failure_weight_must_be_finite_and_not_negative"',
                 'a negative failure_weight is rejected');
SELECT throws_ok($$UPDATE ranking_config SET failure_weight = 'NaN'$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "failure_weight_must_be_finite_and_not_negative"',
                 'failure_weight NaN is rejected');
SELECT throws_ok($$UPDATE ranking_config SET failure_weight = 'Infinity'$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "failure_weight_must_be_finite_and_not_negative"',
                 'an infinite failure_weight is rejected');
SELECT throws_ok($$UPDATE ranking_config SET decay_interval = '0 seconds'$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "decay_interval_must_be_positive"',
                 'a zero decay_interval is rejected');
SELECT throws_ok($$UPDATE ranking_config SET decay_interval = '1 day -25 hours'$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "decay_interval_must_be_positive"',
                 'a negative decay_interval is rejected');
SELECT throws_ok($$INSERT INTO ranking_config (singleton) VALUES (false)$$, '23001',
                 'ranking_config holds exactly one row; INSERT is not allowed',
                 'a second config row is rejected');
SELECT throws_ok($$DELETE FROM ranking_config$$, '23001',
                 'ranking_config holds exactly one row; DELETE is not allowed', 'deleting the config row is rejected');
SELECT throws_ok($$TRUNCATE ranking_config$$, '23001',
                 'ranking_config holds exactly one row; TRUNCATE is not allowed', 'truncating the config is rejected');

SELECT throws_ok($$UPDATE ranking_config SET retention_epsilon = -0.1$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "retention_epsilon_between_0_and_1"',
                 'a negative retention_epsilon is rejected');
SELECT throws_ok($$UPDATE ranking_config SET retention_epsilon = 1.5$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "retention_epsilon_between_0_and_1"',
                 'a retention_epsilon above 1 is rejected');
SELECT throws_ok($$UPDATE ranking_config SET retention_epsilon = 'NaN'$$, '23514',
                 'new row for relation "ranking_config" violates check constraint "retention_epsilon_between_0_and_1"',
                 'a NaN retention_epsilon is rejected');
SELECT throws_ok($$UPDATE ranking_config SET retention_epsilon = NULL$$, '23502',
                 'null value in column "retention_epsilon" of relation "ranking_config" violates not-null constraint',
                 'a NULL retention_epsilon is rejected');
SELECT throws_ok($$UPDATE ranking_config SET decay_factor = NULL$$, '23502',
                 'null value in column "decay_factor" of relation "ranking_config" violates not-null constraint',
                 'a NULL decay_factor is rejected');

SELECT results_eq($$SELECT decay_interval, decay_factor, history_weight, retention_epsilon FROM ranking_config$$,
                  $$VALUES ('1 hour'::interval, 0.5::float8, 50::float8, 1e-6::float8)$$,
                  'after every rejected statement the one row still holds the defaults');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'and nothing else changed: no rebuild of the derived state');

SELECT lives_ok($$UPDATE ranking_config SET decay_factor = 1, history_weight = 0, decay_interval = '1 microsecond',
                                           retention_epsilon = 0$$,
                'the boundary values 1, 0, the shortest interval and epsilon 0 are accepted');
SELECT results_eq($$SELECT decay_interval, decay_factor, history_weight, retention_epsilon FROM ranking_config$$,
                  $$VALUES ('1 microsecond'::interval, 1::float8, 0::float8, 0::float8)$$, 'and stored');
SELECT throws_ok($$UPDATE ranking_config SET decay_factor = 0.5, history_weight = -0.5$$, '23514', NULL,
                 'an UPDATE with one valid and one invalid value is rejected whole');

SELECT * FROM finish();
ROLLBACK;
