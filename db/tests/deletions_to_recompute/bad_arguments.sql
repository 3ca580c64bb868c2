-- deletions_to_recompute takes three arrays of one length (one element per contender that lost
-- rows); anything else is refused with what is allowed, and NULL arrays mean no deletion.
BEGIN;
SELECT plan(5);

SELECT throws_ok($$SELECT contender_rank.deletions_to_recompute(ARRAY['a'], ARRAY[now(), now()], ARRAY[1::float8])$$,
                 '22023', 'contender_ids, newest_deleted_at and score_bounds must have the same length, got 1, 2 and 1',
                 'arrays of different lengths are refused, naming the lengths');
SELECT throws_ok($$SELECT contender_rank.deletions_to_recompute(ARRAY['a'], NULL, NULL)$$,
                 '22023', 'contender_ids, newest_deleted_at and score_bounds must have the same length, got 1, NULL and NULL',
                 'a NULL array beside a non-NULL one is refused');
SELECT is(contender_rank.deletions_to_recompute(NULL, NULL, NULL), '{}'::text[], 'no deletion: nothing to recompute');
SELECT is(contender_rank.deletions_to_recompute('{}', '{}', '{}'), '{}'::text[], 'empty arrays: nothing to recompute');
SELECT is(contender_rank.deletions_to_recompute(ARRAY['no-such-contender'], ARRAY[now()], ARRAY[0.5::float8]),
          ARRAY['no-such-contender'], 'a contender without a state row is recomputed: it cannot be judged');

SELECT * FROM finish();
ROLLBACK;
