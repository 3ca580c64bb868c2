-- ranking_config holds exactly one row: changed with UPDATE, which stamps updated_at; never added
-- to, deleted or emptied (rejects_invalid_values.sql), except that the one row may be restored into
-- an empty table (what pg_restore does).
BEGIN;
SELECT plan(4);

UPDATE ranking_config SET updated_at = '2000-01-01 00:00:00+00';
SELECT is((SELECT updated_at FROM ranking_config), now(), 'an UPDATE stamps updated_at with the time of the change');
SELECT is((SELECT count(*)::int FROM ranking_config), 1, 'one row');

ALTER TABLE ranking_config DISABLE TRIGGER ranking_config_guard_rows;
DELETE FROM ranking_config;
ALTER TABLE ranking_config ENABLE TRIGGER ranking_config_guard_rows;
SELECT lives_ok($$INSERT INTO ranking_config (decay_interval, decay_factor, history_weight, retention_epsilon)
                  VALUES ('2 hours', 0.75, 20, 1e-4)$$,
                'into an empty table the one row can be restored');
SELECT throws_ok($$INSERT INTO ranking_config (singleton) VALUES (true)$$, '23001',
                 'ranking_config holds exactly one row; INSERT is not allowed', 'but not a second time');

SELECT * FROM finish();
ROLLBACK;
