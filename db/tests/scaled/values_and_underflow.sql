-- scaled(amount, factor) = similarity * metric, 0 where the product would underflow float8 (the
-- guard zeroes products below e^-700, about 1e-304: no similar metric is that small and matters).
BEGIN;
SELECT plan(5);

SELECT is(contender_rank.scaled(0.5, 1.25), 0.625::float8, '0.5 * 1.25');
SELECT is(ARRAY[contender_rank.scaled(0, 0.7), contender_rank.scaled(0.7, 0)], ARRAY[0, 0]::float8[],
          'a zero factor or amount gives 0');
SELECT is(contender_rank.scaled(1e-300, 1e-300), 0::float8, '1e-300 * 1e-300 underflows: 0, no error');
SELECT is(contender_rank.scaled(1e-300, 1), 1e-300::float8, 'a tiny product still within range is kept');
SELECT is(ARRAY[contender_rank.scaled(NULL, 1), contender_rank.scaled(1, NULL)], ARRAY[NULL, NULL]::float8[],
          'a NULL argument gives NULL');

SELECT * FROM finish();
ROLLBACK;
