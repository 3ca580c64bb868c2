-- layout: adopted
-- nineteen's contenders_history.expired_at is nullable: a row without it is in no decay interval.
-- The ranking ignores it, and ranking_status() counts it so that the operator sees it.
BEGIN;
SELECT plan(4);

SELECT tests.make_contender('s1', 'task-a', total_requests_made => 3);
SELECT tests.add_history('s1-task-a', 0.5, '2024-01-01 10:00:00+00');
CREATE TEMP TABLE before ON COMMIT DROP AS
SELECT s.*, (SELECT array_agg(r::text) FROM rank_contenders('task-a', 5, '2024-01-01 10:30:00+00') r) AS ranking
FROM ranking_status() s;

SELECT tests.add_history('s1-task-a', 1, NULL);
SELECT tests.add_history('s1-task-a', NULL, NULL);
SELECT tests.add_history('unknown-task-a', 1, NULL);

SELECT is((SELECT history_rows_ignored FROM ranking_status()), 3::bigint, 'the three rows are counted');
SELECT is((SELECT history_rows FROM ranking_status()), (SELECT history_rows + 3 FROM before),
          'among the history rows');
SELECT is((SELECT ARRAY[contenders_with_history::text, newest_expired_at::text] FROM ranking_status()),
          (SELECT ARRAY[contenders_with_history::text, newest_expired_at::text] FROM before),
          'but they give no contender history and no newest time');
SELECT is((SELECT array_agg(r::text) FROM rank_contenders('task-a', 5, '2024-01-01 10:30:00+00') r),
          (SELECT ranking FROM before), 'and the ranking is unchanged');

SELECT * FROM finish();
ROLLBACK;
