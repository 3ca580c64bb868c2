-- shape_drift() compares the validator's tables with what migrate recorded (installation.host_shape):
-- a column renamed, a retyped column, a table replaced, renamed away, a trigger of contender_rank
-- dropped or disabled; ranking_status() shows each line and says the state is not trusted.
BEGIN;
SELECT plan(10);

SELECT is_empty($$SELECT * FROM contender_rank.shape_drift()$$, 'as migrated: no drift');
SELECT ok((SELECT host_shape ?& ARRAY['nodes', 'contenders', 'contenders_history'] FROM contender_rank.installation),
          'migrate recorded the three tables');
SELECT is((SELECT host_shape -> 'contenders_history' -> 'columns' -> 'period_score' ->> 'type' FROM contender_rank.installation),
          'double precision', 'with the type of each column contender_rank reads');

ALTER TABLE contenders RENAME COLUMN capacity TO capacity_now;
SELECT results_eq($$SELECT table_name, column_name, what, recorded, found FROM contender_rank.shape_drift()$$,
                  $$VALUES ('contenders', 'capacity', 'column renamed', 'capacity', 'capacity_now')$$,
                  'a renamed column, old and new name');
ALTER TABLE contenders RENAME COLUMN capacity_now TO capacity;

ALTER TABLE contenders_history DISABLE TRIGGER contenders_history_after_insert;
DROP TRIGGER contenders_after_move ON contenders;
SELECT set_eq($$SELECT table_name, what, recorded FROM contender_rank.shape_drift()$$,
              $$VALUES ('contenders_history', 'trigger disabled', 'contenders_history_after_insert'),
                       ('contenders', 'trigger missing', 'contenders_after_move')$$,
              'a disabled and a dropped trigger');
SELECT ok((SELECT NOT trusted AND untrusted_reason LIKE '%contenders_history_after_insert%' AND cardinality(shape_drift) = 2
           FROM ranking_status()),
          'ranking_status: not trusted, the reason (naming the trigger) and both lines');

-- what migrate recorded, edited to stand for a type change and a replaced table (nineteen's own
-- ALTER ... TYPE and DROP TABLE); which table it was is installation.host_tables' to record, where
-- the installation has it (added here for the test otherwise)
ALTER TABLE contender_rank.installation ADD COLUMN IF NOT EXISTS host_tables oid[];
UPDATE contender_rank.installation
SET host_shape = jsonb_set(host_shape, '{contenders_history,columns,period_score,type}', '"real"'),
    host_tables = ARRAY[1, 'public.contenders'::regclass, 'public.contenders_history'::regclass]::oid[];
SELECT set_eq($$SELECT table_name, coalesce(column_name, '-'), what, recorded, found FROM contender_rank.shape_drift()
                WHERE what NOT LIKE 'trigger%'$$,
              $$VALUES ('contenders_history', 'period_score', 'column type changed', 'real', 'double precision'),
                       ('nodes', '-', 'table replaced (dropped and created again)', 'oid 1',
                        'oid ' || 'public.nodes'::regclass::oid::bigint)$$,
              'a retyped column and a replaced table');
UPDATE contender_rank.installation
SET host_shape = jsonb_set(host_shape, '{contenders,columns,dropped_since}', '{"attnum": 999, "type": "integer"}');
SELECT ok(EXISTS (SELECT FROM contender_rank.shape_drift()
                  WHERE (table_name, column_name, what, recorded) = ('contenders', 'dropped_since', 'column dropped', 'integer')),
          'a column that is gone (nineteen''s DROP COLUMN, stood for by a recorded one that never was)');
ALTER TABLE nodes RENAME TO nodes_renamed;
SELECT ok(EXISTS (SELECT FROM contender_rank.shape_drift() WHERE table_name = 'nodes' AND what = 'table dropped or renamed'),
          'a table renamed away');
UPDATE contender_rank.installation SET host_shape = NULL;
SELECT is_empty($$SELECT * FROM contender_rank.shape_drift()$$, 'nothing recorded (before a migrate of this release): no drift claimed');

SELECT * FROM finish();
ROLLBACK;
