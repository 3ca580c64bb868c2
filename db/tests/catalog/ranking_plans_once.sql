-- rank_contenders plans its query once per session (plan_cache_mode = force_generic_plan): left to
-- the plan cache, the query was planned again at every call, which cost about as much as running
-- it. One plan must then serve every task, top_x and as_of: the same calls, one after another in
-- one session, agree with the definition from history whatever the arguments.
BEGIN;
SELECT plan(4);

SELECT ok(coalesce((SELECT p.proconfig @> ARRAY['plan_cache_mode=force_generic_plan'] FROM pg_proc p
                    WHERE p.oid = 'public.rank_contenders'::regproc), false),
          'rank_contenders keeps one plan for the session');

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT tests.make_contender('c', 'x', total_requests_made => 2);
SET CONSTRAINTS contender_rank.stale_nodes_settle DEFERRED;

CREATE TEMP TABLE calls (task text, top_x int, as_of timestamptz);
INSERT INTO calls VALUES
    ('x', 5, '2024-01-02 00:00:00+00'), ('y', 1, '2024-01-02 00:00:00+00'), ('z', 100, '2024-01-02 00:00:00+00'),
    ('x', 2, '2024-01-05 00:00:00+00'), ('no-such-task', 5, '2024-01-02 00:00:00+00'),
    -- before the newest history: the definition's fallback inside the same plan
    ('x', 5, '2024-01-01 12:00:00+00'), ('y', 3, '2024-01-01 06:30:00+00'), ('x', 1, '2024-01-02 00:00:00+00');

SELECT is((SELECT count(*) FROM contender_rank.stale_nodes), 0::bigint, 'the state is settled');
SELECT is(ARRAY(SELECT format('%s/%s/%s', c.task, c.top_x, c.as_of)
                FROM calls c
                WHERE ARRAY(SELECT r.contender_id FROM rank_contenders(c.task, c.top_x, c.as_of) r)
                      IS DISTINCT FROM
                      ARRAY(SELECT w.contender_id FROM contender_rank.rank_contenders_window(c.task, c.top_x, c.as_of) w)
                   OR EXISTS (SELECT FROM tests.ranking_disagreements(c.task, c.as_of))),
          '{}'::text[], 'eight calls in one session, every task, top_x and as_of: the same ranking as the definition');
SELECT is(ARRAY(SELECT array_length(ARRAY(SELECT 1 FROM rank_contenders(c.task, c.top_x, c.as_of)), 1) FROM calls c),
          ARRAY(SELECT array_length(ARRAY(SELECT 1 FROM contender_rank.rank_contenders_window(c.task, c.top_x, c.as_of)), 1)
                FROM calls c),
          'and as many rows, top_x honoured by the one plan');

SELECT * FROM finish();
ROLLBACK;
