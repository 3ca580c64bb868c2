-- layout: standalone
-- More errors than requests (counters bumped by separate statements can disagree for a moment):
-- the period scores 0 — every request failed — instead of a value outside [0, 1] that the
-- history CHECK would reject, which would make close_period fail for every contender.
--   429s > total:  1 request, 3 429s, cap 10, used 0 -> good clamps to 0 -> 0
--   500s > total:  2 requests, 0 429s, 5 500s, cap 10, used 10 -> 0
--   consistent:    10, 2, 0, cap 10, used 4 -> 0.8 * (1 - 0.2 * 0.6) = 0.704 (unchanged by the clamps)
BEGIN;
SELECT plan(3);

SELECT tests.make_contender(c.hotkey, 'score', capacity => 10, total_requests_made => c.total,
                            consumed_capacity => c.consumed)
FROM (VALUES ('many-429', 1, 0), ('many-500', 2, 10), ('consistent', 10, 4)) c(hotkey, total, consumed);
UPDATE contenders c SET requests_429 = e.r429, requests_500 = e.r500
FROM (VALUES ('many-429-score', 3, 0), ('many-500-score', 0, 5), ('consistent-score', 2, 0)) e(id, r429, r500)
WHERE c.contender_id = e.id;

SELECT lives_ok($$SELECT close_period('2024-01-01 10:00:00+00')$$,
                'close_period succeeds although some counters contradict each other');
SELECT results_eq(
    $$SELECT contender_id, round(period_score::numeric, 12) FROM contenders_history ORDER BY contender_id$$,
    $$VALUES ('consistent-score', 0.704), ('many-429-score', 0::numeric), ('many-500-score', 0::numeric)$$,
    'more errors than requests scores 0; consistent counters keep nineteen''s value');
SELECT is((SELECT count(*)::int FROM contenders_history), 3, 'every contender was appended');

SELECT * FROM finish();
ROLLBACK;
