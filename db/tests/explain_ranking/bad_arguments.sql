-- Bad arguments and proposed settings that ranking_config would refuse are refused before
-- anything is read, naming the argument and what it accepts (in the message and in the error's
-- column field), and nothing changes. NULL proposals mean "as configured".
BEGIN;
SELECT plan(17);

SELECT tests.make_contender('q', 't');
SELECT tests.add_history('q-t', 0.5, '2024-01-01 10:00:00+00');
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT tests.snapshot() AS digest;

SELECT throws_ok($$SELECT * FROM explain_ranking(NULL)$$, '22004', 'task must not be NULL', 'a NULL task');
SELECT throws_ok($$SELECT * FROM explain_ranking('t', NULL)$$, '22023', 'as_of must be a finite timestamptz, got NULL',
                 'a NULL as_of');
SELECT throws_ok($$SELECT * FROM explain_ranking('t', 'infinity')$$, '22023',
                 'as_of must be a finite timestamptz, got infinity', 'an infinite as_of');
SELECT throws_ok($$SELECT * FROM explain_ranking('t', now(), history_weight => -1)$$, '22023',
                 'history_weight must be a finite number >= 0, got -1', 'a negative history_weight');
SELECT throws_ok($$SELECT * FROM explain_ranking('t', now(), history_weight => 'Infinity')$$, '22023',
                 'history_weight must be a finite number >= 0, got Infinity', 'an infinite history_weight');
SELECT throws_ok($$SELECT * FROM explain_ranking('t', now(), history_weight => 'NaN')$$, '22023',
                 'history_weight must be a finite number >= 0, got NaN', 'a NaN history_weight');
SELECT throws_ok($$SELECT * FROM explain_ranking('t', now(), decay_factor => 0)$$, '22023',
                 'decay_factor must be greater than 0 and at most 1, got 0', 'decay_factor 0');
SELECT throws_ok($$SELECT * FROM explain_ranking('t', now(), decay_factor => 1.5)$$, '22023',
                 'decay_factor must be greater than 0 and at most 1, got 1.5', 'decay_factor above 1');
SELECT throws_ok($$SELECT * FROM explain_ranking('t', now(), decay_factor => 'NaN')$$, '22023',
                 'decay_factor must be greater than 0 and at most 1, got NaN', 'a NaN decay_factor');
SELECT throws_ok($$SELECT * FROM explain_ranking('t', now(), decay_interval => '0 seconds')$$, '22023',
                 'decay_interval must be longer than zero, got 00:00:00', 'a zero decay_interval');
SELECT throws_ok($$SELECT * FROM explain_ranking('t', now(), decay_interval => '1 day -25 hours')$$, '22023',
                 'decay_interval must be longer than zero, got 1 day -25:00:00', 'a negative decay_interval');
SELECT is(ARRAY(SELECT e.column_name
                FROM unnest(ARRAY[$$SELECT * FROM explain_ranking(NULL)$$, $$SELECT * FROM explain_ranking('t', NULL)$$,
                                  $$SELECT * FROM explain_ranking('t', now(), -1)$$,
                                  $$SELECT * FROM explain_ranking('t', now(), NULL, 2)$$,
                                  $$SELECT * FROM explain_ranking('t', now(), NULL, NULL, '-1 hour')$$]) s(statement),
                     tests.error_of(s.statement) e),
          ARRAY['task', 'as_of', 'history_weight', 'decay_factor', 'decay_interval'],
          'the error''s column field names the argument');
SELECT is((SELECT hint FROM tests.error_of($$SELECT * FROM explain_ranking('t', now(), decay_factor => 0)$$)),
          '1 means no decay.', 'with a hint');
SELECT is(tests.snapshot(), (SELECT digest FROM before), 'the refused calls changed nothing');
-- the same rules guard the definition's proposals
SELECT throws_ok($$SELECT * FROM contender_rank.rank_contenders_window('t', 5, now(), '0 seconds')$$, '22023',
                 'decay_interval must be longer than zero, got 00:00:00', 'rank_contenders_window refuses the same');

-- (as of a millisecond after the only row: f 1 with microsecond intervals costs a row per interval
-- since the first history row, see hostile/explain_proposal_cost.sql)
SELECT lives_ok($$SELECT * FROM explain_ranking('t', '2024-01-01 10:00:00.001+00', 0, 1, '1 microsecond')$$,
                'the boundary values w 0, f 1 and the shortest interval are accepted');
SELECT is((SELECT count(*)::int FROM explain_ranking('t', now(), NULL, NULL, NULL) WHERE proposed_place IS NULL), 1,
          'NULL proposals mean "as configured": nothing proposed');

SELECT * FROM finish();
ROLLBACK;
