-- contender_rank's only functions in schema public are its API, one function a file under
-- db/functions/public/; everything internal lives in schema contender_rank. (Extension members, such
-- as pgTAP's, are not contender_rank's.) The installation record lists the same API, for uninstall.
BEGIN;
SELECT plan(4);

SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace = 'public'::regnamespace
                  AND NOT EXISTS (SELECT FROM pg_depend d
                                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')$$,
              ARRAY['close_period(timestamp with time zone)',
                    'explain_ranking(text,timestamp with time zone,double precision,double precision,interval,double precision)',
                    'prune_history(timestamp with time zone)',
                    'rank_contenders(text,integer,timestamp with time zone)',
                    'ranking_status()',
                    'record_requests(text,integer,double precision,integer,integer)'],
              'public holds exactly the six API functions');
SELECT is_empty($$SELECT c.relname FROM pg_class c
                  WHERE c.relnamespace = 'public'::regnamespace AND c.relname IN ('contender_state', 'similar_sources')$$,
                'no derived state is left in public (0.1''s contender_state and similar_sources)');
SELECT is(ARRAY(SELECT a.attname::text FROM pg_attribute a
                WHERE a.attrelid = 'public.contenders'::regclass AND NOT a.attisdropped
                  AND a.attname IN ('own_interval', 'own_value', 'own_newest_at', 'similar_interval', 'similar_value',
                                    'similar_newest_at')),
          '{}'::text[], 'contender_rank owns no column of contenders (0.1''s derived columns are gone)');
SELECT set_eq($$SELECT unnest(api_functions) FROM contender_rank.installation$$,
              $$SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace = 'public'::regnamespace
                  AND NOT EXISTS (SELECT FROM pg_depend d
                                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')$$,
              'the installation record lists the same API functions');

SELECT * FROM finish();
ROLLBACK;
