-- The retention test of 35_retention.sql: deleting rows with |score| <= M, all at least `age`
-- intervals older than a metric V's newest interval, may be skipped when 2 M f^age / (1 - f) is at
-- most 1e-12 (1 - f) |V|. By hand, M = 1, V = 1, f = 0.5: age * ln 0.5 <= ln 1e-12 - ln 2 + 2 ln 0.5,
-- age >= 42.86: 43 is negligible, 42 is not. Whatever it cannot judge is not negligible.
BEGIN;
SELECT plan(14);

SELECT is(contender_rank.negligible_deletion(1, 1, 0.5, 43), true, 'M = 1, V = 1, f = 0.5: 43 intervals back is negligible');
SELECT is(contender_rank.negligible_deletion(1, 1, 0.5, 42), false, '42 intervals back is not');
SELECT is(contender_rank.negligible_deletion(1, -1, 0.5, 43), true, 'a negative metric counts by its size');
SELECT is(contender_rank.negligible_deletion(1, 1e-3, 0.5, 43), false, 'a smaller metric needs older rows');
SELECT is(contender_rank.negligible_deletion(0, 0, 0.5, 1), true, 'rows that all counted 0 move nothing');
SELECT is(contender_rank.negligible_deletion(1, 0, 0.5, 1000), false, 'a metric of 0 is moved by any score');
SELECT is(contender_rank.negligible_deletion(1, 1, 1, 1e6), false, 'f = 1: nothing fades');
SELECT is(contender_rank.negligible_deletion(1, 1, 0.5, 0), false, 'rows of the newest interval are never negligible');
SELECT is(contender_rank.negligible_deletion(1.7e308, 1e-300, 0.01, 1e9), true,
          'extreme magnitudes, no overflow or underflow error');
SELECT is(contender_rank.negligible_deletion(NULL, 1, 0.5, 100), false, 'NULL bound: not negligible');
SELECT is(contender_rank.negligible_deletion(1, NULL, 0.5, 100), false, 'NULL metric: not negligible');
SELECT is(contender_rank.negligible_deletion(1, 'NaN', 0.5, 100), false, 'NaN metric: not negligible');
SELECT is(contender_rank.negligible_deletion('Infinity', 1, 0.5, 100), false, 'infinite bound: not negligible');
SELECT is(contender_rank.negligible_deletion(1, 1, 0.5, 'Infinity'), false, 'infinite age: not negligible');

SELECT * FROM finish();
ROLLBACK;
