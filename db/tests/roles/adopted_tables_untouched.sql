-- layout: adopted
-- On an adopted nineteen database the validator's tables and their grants are nineteen's:
-- contender_rank grants nothing on them (privileges_standalone.sql is not applied). The ranking
-- roles reach them only through the API functions, which run as their owner.
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('n1', 'task-a', total_requests_made => 2);

SELECT is(ARRAY(SELECT r.rolname || ':' || t.tbl || ':' || p.priv
                FROM unnest(ARRAY['ranking_reader', 'ranking_writer', 'ranking_admin']) r(rolname),
                     unnest(ARRAY['nodes', 'contenders', 'contenders_history', 'nodes_history', 'tasks',
                                  'contenders_weights_stats']) t(tbl),
                     unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p(priv)
                WHERE has_table_privilege(r.rolname, 'public.' || t.tbl, p.priv)),
          '{}'::text[], 'no ranking role holds a privilege on nineteen''s tables');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                WHERE c.relnamespace = 'public'::regnamespace
                  AND c.relname IN ('nodes', 'contenders', 'contenders_history')
                  AND c.relacl IS NOT NULL),
          '{}'::text[], 'their ACLs are as nineteen left them (here: never granted)');

SET LOCAL ROLE ranking_reader;
SELECT throws_ok($$SELECT * FROM contenders$$, '42501', NULL, 'the reader cannot read contenders directly');
SELECT is((SELECT count(*) FROM rank_contenders('task-a')), 1::bigint, 'but ranks them through rank_contenders');
SELECT is(record_requests('n1-task-a', 3), true, 'and bumps their counters through record_requests');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
