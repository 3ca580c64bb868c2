-- contender-rank verify is the admin's: ranking_admin may check the state and repair it (both run as
-- their owner, since the tables they read are nineteen's); the reader and the writer may do neither,
-- and nobody reaches the parts they are built from.
BEGIN;
SELECT plan(7);

SELECT tests.make_two_node_fixture();
SELECT tests.add_fixture_history();

SET LOCAL ROLE ranking_admin;
SELECT lives_ok($$SELECT * FROM contender_rank.verification_scope(); SELECT * FROM contender_rank.state_differences()$$,
                'admin can check the state');
SELECT lives_ok($$SELECT * FROM contender_rank.verify_repair()$$, 'admin can repair it');
SELECT lives_ok($$SELECT count(*) FROM contender_rank.state_faults$$, 'admin can read the faults');
SELECT throws_ok($$DELETE FROM contender_rank.state_faults$$, '42501', NULL, 'but not delete them by hand');
SELECT throws_ok($$SELECT * FROM contender_rank.shape_drift()$$, '42501', NULL,
                 'nor call the parts (shape_drift: through ranking_status)');
RESET ROLE;
SET LOCAL ROLE ranking_writer;
SELECT throws_ok($$SELECT * FROM contender_rank.state_differences()$$, '42501', NULL, 'the writer cannot check');
RESET ROLE;
SET LOCAL ROLE ranking_reader;
SELECT throws_ok($$SELECT * FROM contender_rank.verify_repair()$$, '42501', NULL, 'the reader cannot repair');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
