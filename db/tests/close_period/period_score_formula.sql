-- layout: standalone
-- nineteen's period score, by hand. cap = max(capacity, 1), unqueried = max(cap - consumed, 0) / cap,
-- good = (total - 429s - 500s) / total, score = max(good * (1 - 429s/total * unqueried)
-- * (1 - 500s/total * unqueried), 0); NULL when total = 0 or capacity = 0.
--   no-requests    total 0                                    -> NULL
--   no-capacity    total 5, capacity 0                        -> NULL
--   clean          10, 0, 0, cap 10, used 10                  -> 1
--   some-429       10, 2, 0, cap 10, used 4:  0.8 * (1 - 0.2 * 0.6)                  = 0.704
--   mixed          10, 1, 3, cap 20, used 5:  0.6 * (1 - 0.1 * 0.75) * (1 - 0.3 * 0.75) = 0.430125
--   small-cap      4, 1, 1, cap 0.5 -> 1, used 0: 0.5 * 0.75 * 0.75                    = 0.28125
--   busy-errors    10, 2, 2, cap 10, used 15: unqueried 0, so only good = 0.6          -> 0.6
--   all-429        10, 10, 0, cap 10, used 0: good 0                                  -> 0
BEGIN;
SELECT plan(2);

SELECT tests.make_contender(c.hotkey, 'score', capacity => c.capacity, total_requests_made => c.total,
                            consumed_capacity => c.consumed)
FROM (VALUES ('no-requests', 10, 0, 0), ('no-capacity', 0, 5, 0), ('clean', 10, 10, 10), ('some-429', 10, 10, 4),
             ('mixed', 20, 10, 5), ('small-cap', 0.5, 4, 0), ('busy-errors', 10, 10, 15), ('all-429', 10, 10, 0))
     c(hotkey, capacity, total, consumed);
UPDATE contenders c SET requests_429 = e.r429, requests_500 = e.r500
FROM (VALUES ('some-429-score', 2, 0), ('mixed-score', 1, 3), ('small-cap-score', 1, 1), ('busy-errors-score', 2, 2),
             ('all-429-score', 10, 0)) e(id, r429, r500)
WHERE c.contender_id = e.id;

SELECT close_period('2024-01-01 10:00:00+00');

SELECT results_eq(
    $$SELECT contender_id, round(period_score::numeric, 12) FROM contenders_history ORDER BY contender_id$$,
    $$VALUES ('all-429-score', 0::numeric), ('busy-errors-score', 0.6), ('clean-score', 1), ('mixed-score', 0.430125),
             ('no-capacity-score', NULL), ('no-requests-score', NULL), ('small-cap-score', 0.28125),
             ('some-429-score', 0.704)$$,
    'close_period scores each contender with nineteen''s formula');
SELECT results_eq(
    $$SELECT contender_id, round(period_score::numeric, 12) FROM contenders ORDER BY contender_id$$,
    $$SELECT contender_id, round(period_score::numeric, 12) FROM contenders_history ORDER BY contender_id$$,
    'the score is also left on the contender');

SELECT * FROM finish();
ROLLBACK;
