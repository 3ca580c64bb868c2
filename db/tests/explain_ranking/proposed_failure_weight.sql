-- explain_ranking previews a failure_weight: the proposed places and rank values are those the
-- definition gives under it (today's metrics reused, today's columns unchanged), and a
-- failure_weight ranking_config would refuse is refused, naming it.
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('a', 'pf', total_requests_made => 3);
SELECT tests.make_contender('b', 'pf', total_requests_made => 5);
UPDATE contenders SET requests_500 = 2 WHERE contender_id = 'a-pf';
UPDATE ranking_config SET history_weight = 0, failure_weight = 0;

SELECT results_eq($$SELECT contender_id, place, rank_value, proposed_place, proposed_rank_value
                    FROM explain_ranking('pf', '2024-01-01 10:30:00+00', failure_weight => 2)$$,
                  $$VALUES ('a-pf', 1, 3::float8, 2, 7::float8), ('b-pf', 2, 5::float8, 1, 5::float8)$$,
                  'proposed failure_weight 2: a (3 + 2 * 2 = 7) falls behind b (5); today unchanged');
SELECT results_eq($$SELECT contender_id, proposed_place
                    FROM explain_ranking('pf', '2024-01-01 10:30:00+00', failure_weight => 2) ORDER BY proposed_place$$,
                  $$SELECT contender_id, ordinality::int
                    FROM ROWS FROM (contender_rank.rank_contenders_window('pf', 5, '2024-01-01 10:30:00+00',
                                                                         failure_weight => 2)) WITH ORDINALITY$$,
                  'the proposed places are the definition''s under that failure_weight');
SELECT is((SELECT failure_weight FROM ranking_config), 0::float8, 'nothing changed');
SELECT throws_ok($$SELECT * FROM explain_ranking('pf', now(), failure_weight => -1)$$, '22023',
                 'failure_weight must be a finite number >= 0, got -1', 'a negative failure_weight is refused');
SELECT throws_ok($$SELECT * FROM explain_ranking('pf', now(), failure_weight => 'NaN')$$, '22023',
                 'failure_weight must be a finite number >= 0, got NaN', 'failure_weight NaN is refused');

SELECT * FROM finish();
ROLLBACK;
