-- explain_ranking only reads: whatever it is asked, including settings it previews by recomputing
-- history, no table, setting or derived state changes, and it runs in a read-only transaction
-- (so on a hot standby too).
BEGIN;
SELECT plan(4);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SELECT tests.make_contender('c', 'x', capacity => 0);
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;

SELECT cmp_ok((SELECT count(*) FROM (
                   SELECT * FROM explain_ranking('x', '2024-01-02 00:00:00+00')
                   UNION ALL SELECT * FROM explain_ranking('x', '2024-01-02 00:00:00+00', 0, 1, '1 day')
                   UNION ALL SELECT * FROM explain_ranking('y', '2024-01-01 12:00:00+00', 1e6, 0.01, '1 second')
                   UNION ALL SELECT * FROM explain_ranking('z')) calls),
              '>', 0::bigint, 'explain_ranking answers now, as of the past and with every kind of proposal');
SELECT is(tests.snapshot(), (SELECT digest FROM before),
          'and changed no table, setting or derived state (stale nodes included)');
SELECT results_eq($$SELECT decay_interval, decay_factor, history_weight FROM ranking_config$$,
                  $$VALUES ('1 hour'::interval, 0.5::float8, 50::float8)$$, 'ranking_config holds its own settings');

SET TRANSACTION READ ONLY;
SELECT lives_ok($$SELECT * FROM explain_ranking('x', '2024-01-02 00:00:00+00', 0, 0.9, '2 hours')$$,
                'in a read-only transaction, proposals included');

SELECT * FROM finish();
ROLLBACK;
