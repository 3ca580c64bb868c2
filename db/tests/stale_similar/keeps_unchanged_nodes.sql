-- stale_similar() leaves out a node whose contenders are exactly those its stored similar metrics
-- were computed for (a validator deletes and re-inserts every contender each period), and computes
-- every other stale node: one whose contenders changed (one left, one came back, a task changed),
-- or one of whose contenders' own metric changed meanwhile, or after any change of task_similarity.
-- Whatever it leaves out, the stored state equals the definition.
BEGIN;
SELECT plan(18);
SET LOCAL jit = off;  -- the settle would JIT-compile for seconds: catalog/ranking_without_jit.sql

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT is((SELECT count(DISTINCT similar_basis) FROM contender_rank.contender_state WHERE contender_id LIKE 'a-%'),
          1::bigint, 'settled: the contenders of node a share one basis');
SELECT isnt((SELECT min(similar_basis) FROM contender_rank.contender_state WHERE contender_id LIKE 'a-%'),
            (SELECT min(similar_basis) FROM contender_rank.contender_state WHERE contender_id LIKE 'b-%'),
            'node b has another');
SELECT is(ARRAY(SELECT similar_members FROM contender_rank.contender_state ORDER BY contender_id),
          ARRAY[3, 3, 3, 2, 2], 'each row says how many contenders its node had');
SET CONSTRAINTS contender_rank.stale_nodes_settle DEFERRED;

CREATE FUNCTION pg_temp.recreate(hotkeys text[]) RETURNS void LANGUAGE sql AS $$
    SELECT tests.make_contender(c.hotkey, c.task, total_requests_made => c.requests)
    FROM (VALUES ('a', 'x', 5), ('a', 'y', 3), ('a', 'z', 8), ('b', 'x', 6), ('b', 'y', 2)) c (hotkey, task, requests)
    WHERE c.hotkey = ANY (hotkeys);
$$;
CREATE FUNCTION pg_temp.computed() RETURNS SETOF text LANGUAGE sql AS $$
    SELECT s.contender_id FROM contender_rank.stale_similar(pg_current_xact_id(), 'test') s ORDER BY 1;
$$;

-- ---------------------------------------------------------------- back as they were
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT * FROM contender_rank.contender_state;
DELETE FROM contenders;
SELECT pg_temp.recreate(ARRAY['a', 'b']);
SELECT is_empty($$SELECT pg_temp.computed()$$, 'every contender back as it was: no node is computed again');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'and what is stored equals the definition');
SELECT is_empty($$SELECT contender_id, similar_basis, similar_members, similar_interval, similar_metric, task
                  FROM contender_rank.contender_state
                  EXCEPT SELECT contender_id, similar_basis, similar_members, similar_interval, similar_metric, task
                  FROM before$$, 'nothing was rewritten');

-- ---------------------------------------------------------------- one leaves, then comes back
DELETE FROM contenders WHERE contender_id = 'a-z';
SELECT is(ARRAY(SELECT pg_temp.computed()), ARRAY['a-x', 'a-y'], 'a-z leaves: the rest of node a is computed again');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'without a-z: state equals the definition');
SELECT tests.make_contender('a', 'z', total_requests_made => 8);
SELECT is(ARRAY(SELECT pg_temp.computed()), ARRAY['a-x', 'a-y', 'a-z'],
          'a-z back: node a is computed again (the others were computed without it)');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'with a-z back: state equals the definition');

-- ---------------------------------------------------------------- an own metric changed while away
DELETE FROM contenders WHERE node_hotkey = 'a';
SELECT tests.add_history('a-z', 0.9, '2024-01-01 23:30:00+00');
SELECT pg_temp.recreate(ARRAY['a']);
SELECT is(ARRAY(SELECT pg_temp.computed()), ARRAY['a-x', 'a-y', 'a-z'],
          'a-z''s own metric changed while node a was empty: node a is computed again');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'state equals the definition');

-- ---------------------------------------------------------------- one does not come back
DELETE FROM contenders WHERE node_hotkey = 'b';
SELECT tests.make_contender('b', 'x', total_requests_made => 6);
SELECT is(ARRAY(SELECT pg_temp.computed()), ARRAY['b-x'], 'b-y stays away: node b is computed again');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'state equals the definition');

-- ---------------------------------------------------------------- a task changed
UPDATE contenders SET task = 'x' WHERE contender_id = 'a-y';
SELECT is(ARRAY(SELECT pg_temp.computed()), ARRAY['a-x', 'a-y', 'a-z'],
          'the same contenders, but a-y serves another task: node a is computed again');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'state equals the definition');

-- ---------------------------------------------------------------- task_similarity changed
UPDATE task_similarity SET similarity = 0.5 WHERE from_task = 'x';
SELECT is(ARRAY(SELECT pg_temp.computed()), ARRAY['a-x', 'a-y', 'a-z', 'b-x'],
          'after a change of task_similarity every node is computed again');
SELECT is(tests.check_both_paths('2024-01-02 00:00:00+00'), '{}'::text[], 'state equals the definition');

SELECT * FROM finish();
ROLLBACK;
