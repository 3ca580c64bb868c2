-- The catalog is the documentation: every function of schema contender_rank and every API function
-- in public carries a COMMENT and either pins its search_path or has a SQL-standard body (whose
-- references are bound when it is created); so do contender_rank's tables, their columns, the
-- settings and the ranking's row type.
BEGIN;
SELECT plan(8);

CREATE TEMP VIEW project_functions AS
SELECT p.oid, p.oid::regprocedure::text AS signature, p.proconfig, p.prosqlbody IS NOT NULL AS standard_body
FROM pg_proc p
WHERE p.pronamespace IN ('contender_rank'::regnamespace, 'public'::regnamespace)
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');

SELECT cmp_ok((SELECT count(*)::int FROM project_functions), '>=', 35, 'the project''s functions are found');
SELECT is(ARRAY(SELECT f.signature FROM project_functions f WHERE obj_description(f.oid, 'pg_proc') IS NULL ORDER BY 1),
          '{}'::text[], 'every function has a COMMENT');
-- three exceptions: string bodies that read the validator's tables (a SQL-standard body would bind
-- them to its columns) and that the planner must inline into their callers (a SET clause stops it).
-- Nobody but the owner may run them, every name in them is qualified, and they are only ever inlined
-- into callers that pin search_path (rank_contenders, explain_ranking, stale_nodes_settle).
SELECT is(ARRAY(SELECT f.signature FROM project_functions f
                WHERE NOT f.standard_body
                  AND NOT EXISTS (SELECT FROM unnest(f.proconfig) c WHERE c LIKE 'search\_path=pg\_catalog%')
                ORDER BY 1),
          ARRAY['contender_rank.stale_similar(xid8)', 'contender_rank.task_contenders(text,timestamp with time zone)',
                'contender_rank.task_contenders_balanced(text)'],
          'every function without a SQL-standard body pins search_path, pg_catalog first (but three inlined ones)');
SELECT is(ARRAY(SELECT f.signature FROM project_functions f
                WHERE EXISTS (SELECT FROM unnest(f.proconfig) c WHERE c LIKE 'search\_path=%' AND c LIKE '%public%')
                ORDER BY 1),
          '{}'::text[], 'none puts public on its search_path: every name is qualified');
SELECT is(ARRAY(SELECT c.oid::regclass::text FROM pg_class c
                WHERE (c.relnamespace = 'contender_rank'::regnamespace
                       OR c.oid IN ('public.task_similarity'::regclass, 'public.ranking_config'::regclass)
                       OR (contender_rank.layout() = 'standalone'
                           AND c.oid IN ('public.nodes'::regclass, 'public.contenders'::regclass,
                                         'public.contenders_history'::regclass)))
                  AND c.relkind IN ('r', 'p', 'v', 'm')
                  AND c.relname NOT LIKE '\_yoyo%' AND c.relname NOT IN ('yoyo_lock')
                  AND obj_description(c.oid, 'pg_class') IS NULL ORDER BY 1),
          '{}'::text[], 'every table contender_rank created has a COMMENT');
SELECT is(ARRAY(SELECT a.attname::text FROM pg_attribute a
                WHERE a.attrelid = 'contender_rank.contender_state'::regclass AND a.attnum > 0 AND NOT a.attisdropped
                  AND a.attname <> 'contender_id'
                  AND col_description(a.attrelid, a.attnum) IS NULL ORDER BY 1),
          '{}'::text[], 'every column of the derived state says what it holds');
SELECT is(ARRAY(SELECT a.attname::text FROM pg_attribute a
                WHERE a.attrelid = 'public.ranking_config'::regclass
                  AND a.attname IN ('decay_interval', 'decay_factor', 'history_weight', 'retention_epsilon')
                  AND col_description(a.attrelid, a.attnum) IS NOT NULL ORDER BY 1),
          ARRAY['decay_factor', 'decay_interval', 'history_weight', 'retention_epsilon'], 'every tunable carries a comment');
SELECT isnt(obj_description('public.ranked_contender'::regtype, 'pg_type'), NULL, 'the ranking''s row type has a comment');

SELECT * FROM finish();
ROLLBACK;
