-- Eligible: the task matches, capacity > 0, the node exists and finished its handshake.
BEGIN;
SELECT plan(5);

SELECT tests.make_contender('ok1', 'elig', total_requests_made => 2);
SELECT tests.make_contender('ok2', 'elig', total_requests_made => 1);
SELECT tests.make_contender('ok1', 'elig-other');
SELECT tests.make_contender('zero', 'elig', capacity => 0);
SELECT tests.make_contender('negative', 'elig', capacity => -1);
SELECT tests.make_node('nokey', handshaken => false);
SELECT tests.make_contender('nokey', 'elig');
-- a contender whose node is not in nodes at all
SELECT tests.make_contender('ghost', 'elig', with_node => false);
-- the same hotkey handshaken on another netuid does not make this node handshaken
SELECT tests.make_node('nokey', 20);

SELECT results_eq($$SELECT contender_id FROM rank_contenders('elig', 10)$$,
                  ARRAY['ok2-elig', 'ok1-elig'],
                  'only contenders of the task with capacity > 0 on a handshaken node are ranked');
SELECT results_eq($$SELECT contender_id FROM contender_rank.rank_contenders_window('elig', 10)$$,
                  ARRAY['ok2-elig', 'ok1-elig'], 'the window definition applies the same rules');
SELECT is_empty($$SELECT * FROM rank_contenders('no-such-task')$$, 'an unknown task ranks nobody');

UPDATE nodes SET symmetric_key_uuid = 'key-now' WHERE hotkey = 'nokey' AND netuid = 19;
SELECT results_eq($$SELECT contender_id FROM rank_contenders('elig', 10)$$,
                  ARRAY['nokey-elig', 'ok2-elig', 'ok1-elig'], 'once the handshake completes the node is ranked');
UPDATE contenders SET capacity = 0.5 WHERE contender_id = 'zero-elig';
SELECT results_eq($$SELECT contender_id FROM rank_contenders('elig', 10)$$,
                  ARRAY['nokey-elig', 'zero-elig', 'ok2-elig', 'ok1-elig'], 'any capacity above 0 is eligible');

SELECT * FROM finish();
ROLLBACK;
