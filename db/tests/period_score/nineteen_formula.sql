-- nineteen's period score, by hand. cap = max(capacity, 1), unqueried = max(cap - consumed, 0) / cap,
-- good = (total - 429s - 500s) / total, score = max(good * (1 - 429s/total * unqueried)
-- * (1 - 500s/total * unqueried), 0); NULL when total = 0 or capacity = 0.
--   no-requests    total 0                                    -> NULL
--   no-capacity    total 5, capacity 0                        -> NULL
--   clean          10, 0, 0, cap 10, used 10                  -> 1
--   some-429       10, 2, 0, cap 10, used 4:  0.8 * (1 - 0.2 * 0.6)                   = 0.704
--   mixed          10, 1, 3, cap 20, used 5:  0.6 * (1 - 0.1 * 0.75) * (1 - 0.3 * 0.75) = 0.430125
--   small-cap      4, 1, 1, cap 0.5 -> 1, used 0: 0.5 * 0.75 * 0.75                    = 0.28125
--   busy-errors    10, 2, 2, cap 10, used 15: unqueried 0, so only good = 0.6          -> 0.6
--   all-429        10, 10, 0, cap 10, used 0: good 0                                  -> 0
-- Counters that contradict each other (bumped by separate statements) score 0, never outside [0, 1]:
--   many-429       1 request, 3 429s, cap 10, used 0          -> 0
--   many-500       2 requests, 5 500s, cap 10, used 10        -> 0
BEGIN;
SELECT plan(3);

SELECT results_eq(
    $$SELECT label, round(contender_rank.period_score(total, r429, r500, capacity, consumed)::numeric, 12)
      FROM (VALUES ('no-requests', 0, 0, 0, 10, 0), ('no-capacity', 5, 0, 0, 0, 0), ('clean', 10, 0, 0, 10, 10),
                   ('some-429', 10, 2, 0, 10, 4), ('mixed', 10, 1, 3, 20, 5), ('small-cap', 4, 1, 1, 0.5, 0),
                   ('busy-errors', 10, 2, 2, 10, 15), ('all-429', 10, 10, 0, 10, 0))
           c(label, total, r429, r500, capacity, consumed)$$,
    $$VALUES ('no-requests', NULL::numeric), ('no-capacity', NULL), ('clean', 1), ('some-429', 0.704),
             ('mixed', 0.430125), ('small-cap', 0.28125), ('busy-errors', 0.6), ('all-429', 0)$$,
    'each contender scores nineteen''s formula');
SELECT results_eq(
    $$SELECT contender_rank.period_score(1, 3, 0, 10, 0) UNION ALL SELECT contender_rank.period_score(2, 0, 5, 10, 10)$$,
    $$VALUES (0::float8), (0::float8)$$,
    'more errors than requests scores 0');
SELECT is(contender_rank.period_score(NULL, 0, 0, 10, 0), NULL, 'NULL requests: no score');

SELECT * FROM finish();
ROLLBACK;
