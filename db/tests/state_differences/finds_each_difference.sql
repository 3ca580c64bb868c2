-- Each way the state can go wrong is listed with the contender, its task, what differs, the stored
-- and the expected value: history written while the triggers were off, hand edits of each column, a
-- missing and an extra row. Nothing is changed by looking.
BEGIN;
SELECT plan(12);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT is_empty($$SELECT * FROM contender_rank.state_differences()$$, 'exact to begin with');

-- history the triggers never saw (a restore, a DBA with triggers off)
ALTER TABLE contenders_history DISABLE TRIGGER USER;
SELECT tests.add_history('b-x', 0.9, '2024-01-02 00:30+00');
ALTER TABLE contenders_history ENABLE TRIGGER USER;
SELECT set_eq($$SELECT contender_id, task, what FROM contender_rank.state_differences()$$,
              $$VALUES ('b-x', 'x', 'own_interval'), ('b-x', 'x', 'own_newest_at'),
                       ('b-x', 'x', 'own_metric'),
                       -- b-y borrows from b-x (x -> y 0.7): its similar metric is behind too
                       ('b-y', 'y', 'similar_interval'), ('b-y', 'y', 'similar_newest_at'),
                       ('b-y', 'y', 'similar_metric')$$,
              'history written with the triggers disabled: the contender''s own state and what its node borrows from it');
SELECT is((SELECT ARRAY[stored, expected] FROM contender_rank.state_differences() WHERE contender_id = 'b-x' AND what = 'own_newest_at'),
          ARRAY['2024-01-01 23:00:00+00', '2024-01-02 00:30:00+00'], 'stored and expected, as text');
SELECT ok((SELECT expected::float8 > stored::float8 FROM contender_rank.state_differences()
           WHERE contender_id = 'b-x' AND what = 'own_metric'),
          'the expected own metric includes the unseen 0.9');
SELECT contender_rank.rebuild_state();
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SET CONSTRAINTS contender_rank.stale_nodes_settle DEFERRED;
SELECT is_empty($$SELECT * FROM contender_rank.state_differences()$$, 'exact again once rebuilt');

-- hand edits (the owner may; nobody else can)
CREATE TEMP TABLE before_edits ON COMMIT DROP AS SELECT tests.snapshot() AS digest;
UPDATE contender_rank.contender_state SET own_base = own_base + 0.001 WHERE contender_id = 'a-x';
SELECT is((SELECT array_agg(what ORDER BY what) FROM contender_rank.state_differences() WHERE contender_id = 'a-x'),
          ARRAY['own_metric'], 'an edited own_base: the own metric differs, nothing else of a-x');
SELECT is_empty($$SELECT * FROM contender_rank.state_differences() WHERE contender_id <> 'a-x'$$,
                'nothing of a-y, which borrows from a-x (x -> y): its stored similar metric was settled from the true one');
UPDATE contender_rank.contender_state SET own_base = own_base - 0.001 WHERE contender_id = 'a-x';
UPDATE contender_rank.contender_state SET task = 'q' WHERE contender_id = 'b-y';
UPDATE contender_rank.contender_state SET similar_metric = similar_metric * 2 WHERE contender_id = 'a-x';
UPDATE contender_rank.contender_state SET own_interval_rows = own_interval_rows + 1 WHERE contender_id = 'a-z';
SELECT set_eq($$SELECT contender_id, task, what, stored FROM contender_rank.state_differences()
                WHERE what IN ('task', 'own_interval_rows')$$,
              $$VALUES ('b-y', 'y', 'task', 'q'), ('a-z', 'z', 'own_interval_rows', '2')$$,
              'a wrong task (the ranking would not find the row) and a wrong row count, exactly');
SELECT ok(EXISTS (SELECT FROM contender_rank.state_differences() WHERE contender_id = 'a-x' AND what = 'similar_metric'),
          'a doubled similar metric');
DELETE FROM contender_rank.contender_state WHERE contender_id = 'b-x';
INSERT INTO contender_rank.contender_state (contender_id, task, own_interval, own_base, own_interval_sum, own_interval_rows,
                                           own_newest_at)
VALUES ('ghost', 'x', 473000, 0, 1, 1, '2024-01-01 00:00+00');
SELECT set_eq($$SELECT contender_id, what FROM contender_rank.state_differences() WHERE what LIKE '% row'$$,
              $$VALUES ('b-x', 'missing row'), ('ghost', 'extra row')$$,
              'a current contender with history but no row; a row for a contender with neither');
SELECT is((SELECT count(*)::int FROM contender_rank.state_differences(NULL, 0.999)
           WHERE what IN ('own_metric', 'similar_metric')),
          0, 'a tolerance close to 1 lets every metric pass, but not the rest');
SELECT is((SELECT digest FROM before_edits) <> tests.snapshot()
          AND tests.snapshot() = (SELECT tests.snapshot() FROM contender_rank.state_differences() LIMIT 1),
          true, 'looking changes nothing');

SELECT * FROM finish();
ROLLBACK;
