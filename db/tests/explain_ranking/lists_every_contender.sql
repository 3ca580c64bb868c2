-- explain_ranking answers "why is my contender not getting requests?": every contender of the
-- task is listed, eligible or not. An eligible one has a place (exhausted ones too, after those with
-- capacity left); an excluded one has no place and says why: no capacity, its node missing from
-- nodes, or its node not handshaken (the reasons are checked in that order).
BEGIN;
SELECT plan(8);

SELECT tests.make_contender('fine', 't', total_requests_made => 3);
SELECT tests.make_contender('tired', 't', total_requests_made => 1, consumed_capacity => 10);
SELECT tests.make_contender('zero', 't', capacity => 0);
SELECT tests.make_contender('negative', 't', capacity => -1);
SELECT tests.make_contender('ghost', 't', with_node => false);
SELECT tests.make_contender('ghost-empty', 't', capacity => 0, with_node => false);
SELECT tests.make_node('nokey', handshaken => false);
SELECT tests.make_contender('nokey', 't');
-- handshaken on netuid 20 does not make the netuid 19 node handshaken
SELECT tests.make_node('nokey', 20);
SELECT tests.make_contender('other', 'u');
SELECT tests.add_history('fine-t', 0.5, '2024-01-01 10:00:00+00');
SELECT tests.add_history('zero-t', 0.9, '2024-01-01 10:00:00+00');

CREATE TEMP TABLE explained ON COMMIT DROP AS
SELECT * FROM explain_ranking('t', '2024-01-01 10:30:00+00');

SELECT set_eq($$SELECT contender_id FROM explained$$, $$SELECT contender_id FROM contenders WHERE task = 't'$$,
              'every contender of the task is listed, and no other');
SELECT results_eq($$SELECT place, contender_id, capacity_left, excluded_because FROM explained WHERE place IS NOT NULL$$,
                  $$VALUES (1, 'fine-t', true, NULL::text), (2, 'tired-t', false, NULL)$$,
                  'the eligible ones have places: capacity left first, the exhausted one after (fail open)');
SELECT set_eq($$SELECT contender_id, excluded_because FROM explained WHERE place IS NULL$$,
              $$VALUES ('zero-t', 'no capacity (capacity is not above 0)'),
                       ('negative-t', 'no capacity (capacity is not above 0)'),
                       ('ghost-empty-t', 'no capacity (capacity is not above 0)'),
                       ('ghost-t', 'node missing (no row in nodes for its node_hotkey and netuid)'),
                       ('nokey-t', 'node not handshaken (symmetric_key_uuid is NULL)')$$,
              'each excluded one says why');
SELECT is((SELECT array_agg(contender_id ORDER BY ordinality)
           FROM ROWS FROM (explain_ranking('t', '2024-01-01 10:30:00+00')) WITH ORDINALITY
           WHERE place IS NOT NULL),
          ARRAY['fine-t', 'tired-t'], 'the eligible ones come first, in place order');
SELECT ok(tests.close_to((SELECT own_metric FROM explained WHERE contender_id = 'zero-t'), 0.9),
          'an excluded contender still shows its metrics');
SELECT is((SELECT ARRAY[own_metric, global_metric, rank_value] FROM explained WHERE contender_id = 'fine-t'),
          ARRAY[0.5, 0.5, 3 - 50 * 0.5]::float8[], 'metrics and rank_value as rank_contenders gives them');
UPDATE nodes SET symmetric_key_uuid = 'key-now' WHERE hotkey = 'nokey' AND netuid = 19;
SELECT is((SELECT place FROM explain_ranking('t', '2024-01-01 10:30:00+00') WHERE contender_id = 'nokey-t'), 2,
          'once its handshake completes the node''s contender has a place');
SELECT is_empty($$SELECT * FROM explain_ranking('no-such-task')$$, 'an unknown task lists nobody');

SELECT * FROM finish();
ROLLBACK;
