-- The string bodies that read the validator's tables (no SQL-standard body may name them) are still
-- inlined by the planner: the plan of each reads the tables themselves, with no Function Scan of the
-- function, so a ranking is planned as one query (a SQL function that is not inlined is planned again
-- at every call). Checked with EXPLAIN.
BEGIN;
SELECT plan(6);

SELECT tests.make_two_node_fixture();
CREATE TEMP TABLE plans (name text, plan text) ON COMMIT DROP;
DO $$
DECLARE
    v_query record;
    v_line  text;
    v_plan  text;
BEGIN
    FOR v_query IN
        SELECT * FROM (VALUES
            ('rank_task', 'SELECT * FROM contender_rank.rank_task(''x'', 5, now())'),
            ('task_contenders', 'SELECT * FROM contender_rank.task_contenders(''x'', now())'),
            ('rank_balanced', 'SELECT * FROM contender_rank.rank_balanced(''x'', 5)'),
            ('task_contenders_balanced', 'SELECT * FROM contender_rank.task_contenders_balanced(''x'')'),
            ('stale_similar', 'SELECT * FROM contender_rank.stale_similar(pg_current_xact_id(), ''0/1'')')) q (name, query)
    LOOP
        v_plan := '';
        FOR v_line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || v_query.query LOOP
            v_plan := v_plan || v_line || E'\n';
        END LOOP;
        INSERT INTO plans VALUES (v_query.name, v_plan);
    END LOOP;
END;
$$;

-- (task_contenders keeps two Function Scans, of own_metrics_window and similar_metrics_window: the
-- definition it falls back to for a ranking as of a time before the state's newest history)
SELECT ok(plan !~ 'Function Scan on (contender_rank\.)?(rank_task|task_contenders|rank_balanced|task_contenders_balanced|stale_similar)\M'
          AND plan ~ ' on (public\.)?contenders\M',
          name || ' is inlined: its plan reads the tables')
FROM plans ORDER BY name;

-- and the ranking's arithmetic with it: rank_value() left as a call (the planner will not inline it
-- over an argument too costly to evaluate twice) is a SQL function run once per contender
SELECT ok(plan !~ 'contender_rank\.(rank_value|requests_load|decayed)\(',
          'rank_task inlines rank_value(), requests_load() and decayed(): no call is left in its plan')
FROM plans WHERE name = 'rank_task';

SELECT * FROM finish();
ROLLBACK;
