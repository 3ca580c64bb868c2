-- Every statement the contender_rank package sends, by name (see queries.py). The ranking's
-- logic lives in the SQL functions of db/functions/; these only call them, read the catalog to
-- install, and read or write the settings.

-- ================================================================ install (schema.py)

-- name: lock_migrations
-- one migrate or uninstall at a time per database
SELECT pg_advisory_xact_lock(8243061957233154050)

-- name: probe_database
SELECT to_regclass('contender_rank.installation') IS NOT NULL AS installed,
       to_regclass('public.nodes') IS NOT NULL AS nodes,
       to_regclass('public.contenders') IS NOT NULL AS contenders,
       to_regclass('public.contenders_history') IS NOT NULL AS contenders_history,
       -- release 0.1 kept yoyo's log in public
       to_regclass('contender_rank.installation') IS NULL
           AND to_regclass('public._yoyo_migration') IS NOT NULL
           AND EXISTS (SELECT FROM pg_catalog.pg_class c
                       WHERE c.relnamespace = 'public'::regnamespace AND c.relname = 'contender_state') AS release_01

-- name: installation
SELECT layout, version, state_shape, api_functions FROM contender_rank.installation

-- name: host_table_columns
SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, NULL) AS column_type
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'public'::regnamespace
  AND c.relkind IN ('r', 'p')
  AND c.relname = ANY (%(tables)s::text[])

-- name: host_table_unique_keys
SELECT c.relname AS table_name,
       (SELECT array_agg(a.attname::text ORDER BY a.attname)
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) AS key_columns
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
WHERE c.relnamespace = 'public'::regnamespace
  AND c.relname = ANY (%(tables)s::text[])
  AND i.indisunique
  AND i.indpred IS NULL

-- name: host_table_rows
SELECT (SELECT count(*) FROM public.nodes) AS nodes,
       (SELECT count(*) FROM public.contenders) AS contenders,
       (SELECT count(*) FROM public.contenders_history) AS contenders_history,
       (SELECT count(*) FROM public.contenders_history WHERE NOT coalesce(isfinite(expired_at), false))
           AS history_ignored

-- name: create_schema
CREATE SCHEMA IF NOT EXISTS contender_rank;
COMMENT ON SCHEMA contender_rank IS
    'contender_rank''s internals: the derived state, the functions that keep and read it, yoyo''s migration log. '
    'The API is in public: rank_contenders, explain_ranking, record_requests, close_period, prune_history, '
    'ranking_status, and the tables task_similarity and ranking_config.'

-- name: move_release_01_log
-- release 0.1 kept yoyo's tables in public, beside the validator's
ALTER TABLE public._yoyo_migration SET SCHEMA contender_rank;
ALTER TABLE public._yoyo_log SET SCHEMA contender_rank;
ALTER TABLE public._yoyo_version SET SCHEMA contender_rank;
DROP TABLE IF EXISTS public.yoyo_lock

-- name: functions_in_schema
SELECT p.oid::regprocedure::text AS signature, p.proname::text AS name
FROM pg_catalog.pg_proc p
WHERE p.pronamespace = %(schema)s::regnamespace

-- name: drop_function
DROP FUNCTION IF EXISTS {signature} CASCADE

-- name: contender_rank_triggers
-- every trigger bound to one of contender_rank's functions, on any table
SELECT t.tgname::text AS trigger_name, n.nspname::text AS table_schema, c.relname::text AS table_name
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE p.pronamespace = 'contender_rank'::regnamespace
  AND NOT t.tgisinternal
ORDER BY 3, 1

-- name: drop_trigger
DROP TRIGGER {trigger} ON {table}

-- name: api_signatures
SELECT p.oid::regprocedure::text AS signature
FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'public'::regnamespace
  AND p.proname = ANY (%(names)s::text[])

-- name: roles
SELECT coalesce(array_agg(r.rolname::text) FILTER (WHERE r.rolname = ANY (%(roles)s::text[])), '{}') AS existing,
       (SELECT me.rolsuper OR me.rolcreaterole FROM pg_catalog.pg_roles me WHERE me.rolname = current_user)
           AS may_create_roles
FROM pg_catalog.pg_roles r

-- name: role_chain_gaps
-- the links of the chain ranking_reader <- ranking_writer <- ranking_admin (each role a member of the
-- one below it, inheriting its privileges) that are missing, as 'GRANT lower TO upper' statements;
-- only between roles that exist
SELECT coalesce(array_agg('GRANT ' || link.lower || ' TO ' || link.upper ORDER BY link.position), '{}') AS gaps
FROM (VALUES (1, 'ranking_reader', 'ranking_writer'), (2, 'ranking_writer', 'ranking_admin')) link(position, lower, upper)
-- (CASE: pg_has_role raises for a role that does not exist)
WHERE CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = link.lower)
            AND EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = link.upper)
           THEN NOT pg_catalog.pg_has_role(link.upper, link.lower, 'USAGE')
           ELSE false END

-- name: record_host_shape
UPDATE contender_rank.installation SET host_shape = contender_rank.host_shape(%(columns)s::jsonb)

-- name: record_installation
INSERT INTO contender_rank.installation (layout, version, state_shape, api_functions)
VALUES (%(layout)s, %(version)s, %(state_shape)s, %(api_functions)s::text[])
ON CONFLICT (singleton) DO UPDATE
SET version = EXCLUDED.version, state_shape = EXCLUDED.state_shape, api_functions = EXCLUDED.api_functions,
    migrated_at = now()

-- name: state_trust
-- why the state cannot be trusted now (NULL: it can), and the types of the validator's columns, as
-- recorded by record_host_tables
SELECT contender_rank.untrusted_reason() AS untrusted_reason,
       (SELECT string_agg(format('%s.%s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod)), ', '
                          ORDER BY c.relname, a.attname)
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relnamespace = 'public'::regnamespace
          AND c.relname IN ('nodes', 'contenders', 'contenders_history')) AS host_columns

-- name: knows_trust
-- whether the installed release can say if its state is trusted (migration 0010 on)
SELECT to_regprocedure('contender_rank.untrusted_reason()') IS NOT NULL AS knows

-- name: untrusted_reason
SELECT contender_rank.untrusted_reason() AS untrusted_reason

-- name: recorded_host_columns
SELECT host_columns FROM contender_rank.installation

-- name: record_host_tables
UPDATE contender_rank.installation
SET host_tables = contender_rank.host_tables(), host_columns = %(host_columns)s

-- name: faults_seen
SELECT coalesce(array_agg(f.fault_id), '{}') FROM contender_rank.state_faults f

-- name: forget_faults
DELETE FROM contender_rank.state_faults f WHERE f.fault_id = ANY (%(fault_ids)s::bigint[])

-- name: history_rows_per_contender
SELECT h.contender_id, count(*) AS rows
FROM public.contenders_history h
WHERE h.expired_at IS NOT NULL
GROUP BY h.contender_id
ORDER BY h.contender_id

-- name: start_rebuild
SELECT contender_rank.start_rebuild()

-- name: finish_rebuild
SELECT contender_rank.finish_rebuild()

-- name: recompute_own_state
SELECT contender_rank.recompute_own_state(%(contender_ids)s::text[])

-- name: analyze_own_tables
-- the planner's view of contender_rank's own tables from the first ranking on: a fresh adoption
-- leaves them without statistics until autovacuum comes by, and a session's plans made before then
-- would be kept for its lifetime (ranking_config, one row, autovacuum never analyzes at all)
ANALYZE contender_rank.contender_state, contender_rank.stale_nodes, public.ranking_config, public.task_similarity

-- name: count_similarities
SELECT count(*) AS rows FROM public.task_similarity

-- name: drop_adopted_installation
-- after the triggers and the API functions: what is left of contender_rank on an adopted database,
-- its schema first (its functions depend on the tables and the type beside nineteen's)
DROP SCHEMA contender_rank CASCADE;
DROP TABLE public.task_similarity;
DROP TABLE public.ranking_config;
DROP TYPE public.ranked_contender

-- ================================================================ the API (api.py)

-- name: rank_contenders
SELECT * FROM public.rank_contenders(%(task)s::text, %(top_x)s::int, coalesce(%(as_of)s::timestamptz, now()))

-- name: explain_ranking
SELECT * FROM public.explain_ranking(%(task)s::text, coalesce(%(as_of)s::timestamptz, now()),
                                     %(history_weight)s::float8, %(decay_factor)s::float8,
                                     %(decay_interval)s::interval, %(failure_weight)s::float8)

-- name: record_requests
SELECT public.record_requests(%(contender_id)s::text, %(requests)s::int, %(consumed_capacity)s::float8,
                              %(requests_429)s::int, %(requests_500)s::int) AS found

-- name: close_period
SELECT public.close_period(coalesce(%(as_of)s::timestamptz, now())) AS closed

-- name: prune_history
SELECT public.prune_history(coalesce(%(as_of)s::timestamptz, now())) AS removed

-- name: ranking_status
SELECT * FROM public.ranking_status()

-- name: verify_state
-- one statement, so one snapshot: the scope and the differences describe the same state
SELECT v.valued_at, v.contenders, v.history_rows,
       (SELECT count(*) FROM contender_rank.state_faults) AS faults,
       (SELECT coalesce(jsonb_agg(to_jsonb(d) - 'n' ORDER BY d.n), '[]')
        FROM contender_rank.state_differences(v.valued_at, %(tolerance)s::float8)
             WITH ORDINALITY d(contender_id, task, what, stored, expected, n)) AS differences
FROM contender_rank.verification_scope(%(as_of)s::timestamptz) v

-- name: repair_state
SELECT faults_cleared, contenders_in_state FROM contender_rank.verify_repair(%(lock_wait)s::interval)

-- name: waiting_for_session
-- a session waiting for a table lock that %(pid)s holds: nineteen's ALTER TABLE, TRUNCATE or DROP
-- (a wait for the state lock, an advisory lock, is not one: the repair holds that one on purpose)
SELECT a.pid, a.usename::text AS usename, left(regexp_replace(a.query, '\s+', ' ', 'g'), 100) AS query
FROM pg_catalog.pg_locks l
JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted
  AND l.locktype = 'relation'
  AND %(pid)s = ANY (pg_catalog.pg_blocking_pids(l.pid))
LIMIT 1

-- name: cancel_session
SELECT pg_catalog.pg_cancel_backend(%(pid)s)

-- name: installed
-- from the catalog: to_regclass would need USAGE on schema contender_rank, which only the admin has
SELECT EXISTS (SELECT FROM pg_catalog.pg_class c
               WHERE c.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = 'contender_rank')
                 AND c.relname = 'installation') AS installed

-- name: get_config
SELECT decay_interval, decay_factor, history_weight, failure_weight, retention_epsilon, updated_at
FROM public.ranking_config

-- name: update_config
-- a setting left NULL keeps its value (the API refuses an explicit None before it gets here)
UPDATE public.ranking_config
SET decay_interval = coalesce(%(decay_interval)s::interval, decay_interval),
    decay_factor = coalesce(%(decay_factor)s::float8, decay_factor),
    history_weight = coalesce(%(history_weight)s::float8, history_weight),
    failure_weight = coalesce(%(failure_weight)s::float8, failure_weight),
    retention_epsilon = coalesce(%(retention_epsilon)s::float8, retention_epsilon)
RETURNING decay_interval, decay_factor, history_weight, failure_weight, retention_epsilon, updated_at

-- name: set_similarity
INSERT INTO public.task_similarity (from_task, to_task, similarity)
VALUES (%(from_task)s::text, %(to_task)s::text, %(similarity)s::float8)
ON CONFLICT (from_task, to_task) DO UPDATE SET similarity = EXCLUDED.similarity
RETURNING from_task, to_task, similarity

-- name: delete_similarity
DELETE FROM public.task_similarity WHERE from_task = %(from_task)s::text AND to_task = %(to_task)s::text
RETURNING true AS deleted

-- name: may_read_tasks
-- whether this role may read the two tables task_seen reads (an admin role may not, in nineteen's
-- database)
SELECT pg_catalog.has_table_privilege('public.contenders', 'SELECT')
       AND pg_catalog.has_table_privilege('public.contenders_history', 'SELECT') AS may_read

-- name: task_seen
-- whether a task has a contender or a history row: a similarity naming neither is likely a typo
SELECT EXISTS (SELECT FROM public.contenders WHERE task = %(task)s)
       OR EXISTS (SELECT FROM public.contenders_history WHERE task = %(task)s) AS seen

-- name: list_similarities
SELECT from_task, to_task, similarity FROM public.task_similarity ORDER BY from_task COLLATE "C", to_task COLLATE "C"
