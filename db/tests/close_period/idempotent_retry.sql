-- layout: standalone
-- A retry of close_period in the same decay interval (a cron job run twice) closes only the
-- contenders that made requests since: one already closed in this interval with nothing since is
-- left as it was (close_period raises a NOTICE saying how many; pgTAP cannot capture a NOTICE, the
-- skip itself is checked here), instead of appending an empty row that would halve its interval's
-- mean. A close in a new interval appends for every contender again.
-- By hand (f = 0.5): a has 4 good requests of 4 -> score 1; b made none -> NULL (counts 0).
BEGIN;
SELECT plan(17);

SELECT tests.make_contender('a', 'cp', total_requests_made => 4, consumed_capacity => 4);
SELECT tests.make_contender('b', 'cp');
SELECT is(close_period('2024-01-01 10:00:00+00'), 2, 'the first close closes both');

CREATE TEMP TABLE after_first ON COMMIT DROP AS
SELECT (SELECT count(*) FROM contenders_history) AS history_rows,
       (SELECT array_agg(ROW(contender_id, own_metric, rank_value)::text ORDER BY contender_id)
        FROM rank_contenders('cp', 5, '2024-01-01 10:30:00+00')) AS ranking,
       (SELECT array_agg(ROW(c.*)::text ORDER BY contender_id) FROM contenders c) AS contender_rows;

SELECT is(close_period('2024-01-01 10:20:00+00'), 0, 'a retry in the same interval with no requests since closes none');
SELECT is((SELECT count(*) FROM contenders_history), (SELECT history_rows FROM after_first),
          'and appends no row');
SELECT is((SELECT array_agg(ROW(contender_id, own_metric, rank_value)::text ORDER BY contender_id)
           FROM rank_contenders('cp', 5, '2024-01-01 10:30:00+00')),
          (SELECT ranking FROM after_first), 'so no metric moves: a''s interval mean is still 1, not 1/2');
SELECT is((SELECT array_agg(ROW(c.*)::text ORDER BY contender_id) FROM contenders c),
          (SELECT contender_rows FROM after_first), 'and no contender row changes (period_score included)');

-- requests since the first close: that contender is closed again, the other is not
SELECT record_requests('a-cp', 2, 1, 1, 0);
SELECT is(close_period('2024-01-01 10:40:00+00'), 1, 'with requests since, the retry closes that contender');
SELECT results_eq($$SELECT contender_id, round(period_score::numeric, 12) FROM tests.history
                    WHERE expired_at = '2024-01-01 10:40:00+00'$$,
                  $$VALUES ('a-cp', 0.275)$$,
                  'one row, scored from what came since: 1 good of 2, one 429 with 9 of 10 unqueried: 0.5 * (1 - 0.5 * 0.9)');
SELECT ok(tests.close_to((tests.ranked('a-cp', '2024-01-01 10:45:00+00')).own_metric, (1 + 0.275) / 2, 1e-12),
          'averaged into its interval with the first close');
SELECT is((tests.ranked('b-cp', '2024-01-01 10:45:00+00')).own_metric, 0::float8, 'b is left as it was');

-- only consumed_capacity moved: that is activity too
UPDATE contenders SET consumed_capacity = 0.5 WHERE contender_id = 'b-cp';
SELECT is(close_period('2024-01-01 10:50:00+00'), 1, 'any counter above zero closes the contender again');
-- a contender that arrived after the first close has never been closed in this interval
SELECT tests.make_contender('c', 'cp');
SELECT is(close_period('2024-01-01 10:55:00+00'), 1, 'a contender not yet closed in this interval is closed');

-- the next interval: every contender is closed again, requests or not
SELECT is(close_period('2024-01-01 11:05:00+00'), 3, 'a close in the next interval closes every contender');
SELECT is(close_period('2024-01-01 11:06:00+00'), 0, 'and its retry none');
-- a late close, stamped in an interval before the newest: history tells what was closed there
SELECT is(close_period('2024-01-01 10:58:00+00'), 0,
          'a late close in an earlier interval where every contender was closed closes none');
SELECT is(close_period('2024-01-01 09:30:00+00'), 3, 'a late close in an interval nobody was closed in closes all');
SELECT is(close_period('2024-01-01 09:31:00+00'), 0, 'and its retry none');
SELECT is(tests.check_both_paths('2024-01-01 11:30:00+00'), '{}'::text[], 'the state followed every close');

SELECT * FROM finish();
ROLLBACK;
