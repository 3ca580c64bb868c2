-- layout: adopted
-- On an adopted nineteen database the history is nineteen's: its control node scores every node
-- from all of its period scores, and it keeps (and deletes) its rows as it sees fit. prune_history
-- refuses with one line saying so, whatever the settings and the age of the rows, and deletes
-- nothing (rows without expired_at included); the state is left as it was.
BEGIN;
SELECT plan(6);

SELECT tests.make_contender('n1', 'a');
SELECT tests.insert_history($$SELECT 'n1-a', 0.5, timestamptz '2026-01-10 12:00:00+00' - interval '1 hour' * p
                               FROM generate_series(0, 24 * 30) p$$);
SELECT tests.add_history('n1-a', 0.9, NULL);
SELECT tests.add_history('n1-gone', NULL, NULL);
UPDATE ranking_config SET decay_factor = 0.5, retention_epsilon = 0.01;
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
CREATE TEMP TABLE before ON COMMIT DROP AS
SELECT tests.snapshot() AS digest, (SELECT count(*) FROM contenders_history) AS history_rows;

SELECT throws_ok($$SELECT prune_history('2026-01-10 12:30:00+00')$$, '0A000',
                 'prune_history is for the standalone layout; this database is an adopted nineteen database, '
                 'and nineteen owns the retention of contenders_history',
                 'prune_history refuses (feature_not_supported), saying nineteen owns the retention');
SELECT throws_ok($$SELECT prune_history()$$, '0A000', NULL, 'with the default as_of too');
SELECT is((SELECT hint FROM tests.error_of($$SELECT prune_history()$$)),
          'nineteen deletes its own old history; contender_rank''s state follows every row it deletes.',
          'the hint says who keeps the history');
SELECT is((SELECT count(*) FROM contenders_history), (SELECT history_rows FROM before),
          'no history row was deleted');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'nothing changed: history and state as they were');
SELECT is(tests.check_both_paths('2026-01-10 12:30:00+00'), '{}'::text[], 'the ranking is exact as before');

SELECT * FROM finish();
ROLLBACK;
