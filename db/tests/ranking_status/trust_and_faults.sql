-- ranking_status() says whether the derived state is trusted and why not: the maintenance faults
-- recorded since the last repair, and the last one (time, source, SQLSTATE, message).
BEGIN;
SELECT plan(5);

SELECT results_eq($$SELECT trusted, untrusted_reason, faults, last_fault_at, shape_drift FROM ranking_status()$$,
                  $$VALUES (true, NULL::text, 0::bigint, NULL::timestamptz, '{}'::text[])$$,
                  'as installed: trusted, no fault, no drift');
INSERT INTO contender_rank.state_faults (noticed_at, source, sqlstate, message)
VALUES ('2026-01-01 10:00+00', 'contenders_history_after_insert', '55P03', 'could not take the state lock within 50 ms'),
       ('2026-01-01 11:00+00', 'stale_nodes_settle', '23514', 'new row violates check constraint');
SELECT results_eq($$SELECT trusted, faults, last_fault_at, last_fault_source, last_fault_sqlstate, last_fault_message
                    FROM ranking_status()$$,
                  $$VALUES (false, 2::bigint, '2026-01-01 11:00+00'::timestamptz, 'stale_nodes_settle', '23514',
                            'new row violates check constraint')$$,
                  'two faults: untrusted, and the last one in full');
SELECT ok((SELECT untrusted_reason ~ '\m2\M' AND untrusted_reason LIKE '%new row violates check constraint%'
           FROM ranking_status()),
          'the reason says how many and the last message');
SET LOCAL ROLE ranking_reader;
SELECT is((SELECT faults FROM ranking_status()), 2::bigint, 'a query node (ranking_reader) sees it too');
RESET ROLE;
DELETE FROM contender_rank.state_faults;
SELECT is((SELECT trusted FROM ranking_status()), true, 'trusted again once the faults are gone');

SELECT * FROM finish();
ROLLBACK;
