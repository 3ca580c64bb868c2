-- interval_mean(total, row_count) = total / row_count, the mean score of one interval; 0 where
-- the quotient would underflow float8 (a sum of denormal scores over two rows), NULL for NULL.
BEGIN;
SELECT plan(6);

SELECT is(contender_rank.interval_mean(1.5, 3), 0.5::float8, '1.5 / 3');
SELECT is(contender_rank.interval_mean(0, 2), 0::float8, 'an interval of zero (or NULL) scores has mean 0');
SELECT is(contender_rank.interval_mean(0.9, 1), 0.9::float8, 'one row: its score');
SELECT is(contender_rank.interval_mean(5e-324, 2), 0::float8,
          'the smallest float8 over two rows underflows: 0, no error');
SELECT is(contender_rank.interval_mean(1e-323, 2), 5e-324::float8,
          'two of the smallest float8 over two rows: the smallest float8, exactly');
SELECT is(ARRAY[contender_rank.interval_mean(NULL, 1), contender_rank.interval_mean(1, NULL)],
          ARRAY[NULL, NULL]::float8[], 'a NULL argument gives NULL');

SELECT * FROM finish();
ROLLBACK;
