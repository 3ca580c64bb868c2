-- rank_value(requests_made, history_weight, global_metric) = requests - w * global: lower ranks
-- first. An extreme (valid) weight gives -Infinity instead of an overflow error, and a product
-- below float8's range changes nothing instead of an underflow error.
BEGIN;
SELECT plan(6);

SELECT is(contender_rank.rank_value(10, 50, 0.2), 0::float8, '10 - 50 * 0.2');
SELECT ok(tests.close_to(contender_rank.rank_value(12, 50, 1.1), -43, 1e-15), 'the README''s alice: 12 - 50 * 1.1');
SELECT is(ARRAY[contender_rank.rank_value(3, 0, 5), contender_rank.rank_value(3, 50, 0)], ARRAY[3, 3]::float8[],
          'weight 0 or metric 0: the request count');
SELECT is(contender_rank.rank_value(7, 1.7e308, 1000), '-Infinity'::float8,
          'a product past float8''s range ranks at -Infinity, no overflow error');
SELECT is(contender_rank.rank_value(3, 1e-300, 1e-300), 3::float8,
          'a product below float8''s range subtracts nothing, no underflow error');
SELECT is(ARRAY[contender_rank.rank_value(NULL, 1, 1), contender_rank.rank_value(1, NULL, 1),
                contender_rank.rank_value(1, 1, NULL)], ARRAY[NULL, NULL, NULL]::float8[], 'a NULL argument gives NULL');

SELECT * FROM finish();
ROLLBACK;
