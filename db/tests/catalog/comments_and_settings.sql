-- The catalog is the documentation: every function and table of the project carries a comment;
-- every function pins its search_path except the SQL-standard-body arithmetic helpers, whose
-- references are bound at creation; the ranking is read-only and runs as its caller.
BEGIN;
SELECT plan(9);

CREATE TEMP VIEW project_functions AS
SELECT p.oid, p.proname, p.provolatile, p.prosecdef, p.proconfig, p.prosqlbody IS NOT NULL AS standard_body
FROM pg_proc p
WHERE p.pronamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');

SELECT cmp_ok((SELECT count(*)::int FROM project_functions), '>=', 20, 'the project''s functions are found');
SELECT is(ARRAY(SELECT f.oid::regprocedure::text FROM project_functions f
                WHERE obj_description(f.oid, 'pg_proc') IS NULL ORDER BY 1),
          '{}'::text[], 'every function in public has a COMMENT');
SELECT is(ARRAY(SELECT f.oid::regprocedure::text FROM project_functions f
                WHERE f.proname NOT IN ('decayed', 'scaled', 'rank_value', 'interval_index', 'interval_mean', 'compute_period_score')
                  AND NOT EXISTS (SELECT FROM unnest(f.proconfig) c WHERE c LIKE 'search\_path=pg\_catalog, public%')
                ORDER BY 1),
          '{}'::text[], 'every other function pins search_path to pg_catalog, public');
SELECT is(ARRAY(SELECT f.proname::text FROM project_functions f
                WHERE f.proname IN ('decayed', 'scaled', 'rank_value', 'interval_index', 'interval_mean', 'compute_period_score')
                  AND f.standard_body ORDER BY 1),
          ARRAY['compute_period_score', 'decayed', 'interval_index', 'interval_mean', 'rank_value', 'scaled'],
          'the helpers without a pinned search_path have SQL-standard bodies (bound at creation)');
SELECT is((SELECT ARRAY[f.provolatile::text, f.prosecdef::text] FROM project_functions f WHERE f.proname = 'rank_contenders'),
          ARRAY['s', 'false'], 'rank_contenders is STABLE and not SECURITY DEFINER');
SELECT is((SELECT ARRAY[f.provolatile::text, f.prosecdef::text] FROM project_functions f
           WHERE f.proname = 'rank_contenders_window'),
          ARRAY['s', 'false'], 'rank_contenders_window is STABLE and not SECURITY DEFINER');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
                  AND c.relname NOT LIKE '\_yoyo%' AND c.relname <> 'yoyo_lock'
                  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                            AND d.deptype = 'e')
                  AND obj_description(c.oid, 'pg_class') IS NULL ORDER BY 1),
          '{}'::text[], 'every table in public has a COMMENT');
SELECT is(ARRAY(SELECT a.attname::text FROM pg_attribute a
                WHERE a.attrelid = 'ranking_config'::regclass
                  AND a.attname IN ('decay_interval', 'decay_factor', 'history_weight')
                  AND col_description(a.attrelid, a.attnum) IS NOT NULL ORDER BY 1),
          ARRAY['decay_factor', 'decay_interval', 'history_weight'], 'every tunable carries a comment');
SELECT isnt(obj_description('ranked_contender'::regtype, 'pg_type'), NULL, 'the ranking''s row type has a comment');

SELECT * FROM finish();
ROLLBACK;
