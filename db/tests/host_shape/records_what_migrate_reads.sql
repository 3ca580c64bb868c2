-- host_shape(columns) records the given columns of the given tables (attnum and type), each table's
-- contender_rank's triggers on it; a table that does not exist is left out; anything but an
-- object of arrays is refused, naming the argument.
BEGIN;
SELECT plan(6);

SELECT is(contender_rank.host_shape('{"contenders_history": ["period_score", "no_such_column"], "no_such_table": ["x"]}')
              -> 'contenders_history' -> 'columns',
          jsonb_build_object('period_score', jsonb_build_object(
              'attnum', (SELECT attnum FROM pg_attribute WHERE attrelid = 'public.contenders_history'::regclass
                                                          AND attname = 'period_score'),
              'type', 'double precision')),
          'the named columns that exist, with position and type');
SELECT ok(NOT contender_rank.host_shape('{"no_such_table": ["x"]}') ? 'no_such_table', 'a missing table is left out');
SELECT is(contender_rank.host_shape('{"contenders": []}') -> 'contenders' -> 'columns', '{}'::jsonb,
          'no column asked for, none recorded (and no oid: installation.host_tables records which table it was)');
SELECT is(contender_rank.host_shape('{"contenders_history": []}') -> 'contenders_history' -> 'triggers',
          '["contenders_history_after_delete", "contenders_history_after_insert", "contenders_history_after_truncate", '
          '"contenders_history_after_update"]'::jsonb,
          'contender_rank''s triggers on it, by name');
SELECT results_eq($$SELECT error_code, column_name FROM tests.error_of('SELECT contender_rank.host_shape(''["contenders"]'')')$$,
                  $$VALUES ('22023', 'columns')$$, 'an array instead of an object is refused');
SELECT results_eq($$SELECT error_code, column_name FROM tests.error_of('SELECT contender_rank.host_shape(NULL)')$$,
                  $$VALUES ('22023', 'columns')$$, 'NULL is refused');

SELECT * FROM finish();
ROLLBACK;
