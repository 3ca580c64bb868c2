-- decayed(amount, factor, steps) = amount * factor^steps, valued steps intervals later: exact in
-- the common case, 0 where the product would underflow float8 (PostgreSQL raises on underflow, so
-- a plain multiplication would make an old contender's ranking fail), NULL for a NULL argument.
BEGIN;
SELECT plan(10);

SELECT is(contender_rank.decayed(1, 0.5, 2), 0.25::float8, '1 * 0.5^2');
SELECT is(contender_rank.decayed(0.8, 0.9, 0), 0.8::float8, 'no steps: the amount as it is');
SELECT is(contender_rank.decayed(0.8, 1, 1e9), 0.8::float8, 'factor 1: nothing decays, however many steps');
SELECT is(contender_rank.decayed(0, 0.5, 3), 0::float8, 'nothing decays to nothing');
SELECT ok(tests.close_to(contender_rank.decayed(1.564025, 0.9, 3), 1.140174225, 1e-15), '1.564025 * 0.9^3');
SELECT is(contender_rank.decayed(1, 0.5, 10000), 0::float8, '0.5^10000 underflows float8: 0, no error');
SELECT is(contender_rank.decayed(1e-300, 0.5, 100), 0::float8, 'a tiny amount decayed below float8''s range: 0');
SELECT is(contender_rank.decayed(5e-324, 0.5, 1), 0::float8, 'the smallest float8 halved: 0, no error');
SELECT ok(tests.close_to(contender_rank.decayed(1e-300, 0.5, 10), 1e-300 / 1024, 1e-15),
          'a tiny amount that stays in range is still exact');
SELECT is(ARRAY[contender_rank.decayed(NULL, 0.5, 1), contender_rank.decayed(1, NULL, 1), contender_rank.decayed(1, 0.5, NULL)],
          ARRAY[NULL, NULL, NULL]::float8[], 'a NULL argument gives NULL');

SELECT * FROM finish();
ROLLBACK;
