-- requests_load(requests_made, requests_429, requests_500, failure_weight): the load term of
-- rank_value, requests_made + failure_weight * (requests_429 + requests_500). Weight 0 or no
-- failure gives the request count itself (load balancing); a negative counter (nineteen's tables
-- have no CHECK) counts no failure; a product past float8 is Infinity, not an overflow error; a
-- counter sum past int's range is no error either.
BEGIN;
SELECT plan(7);

SELECT is(contender_rank.requests_load(10, 1, 2, 2), 16::float8, '10 + 2 * (1 + 2)');
SELECT is(ARRAY[contender_rank.requests_load(10, 1, 2, 0), contender_rank.requests_load(10, 0, 0, 5)],
          ARRAY[10, 10]::float8[], 'weight 0 or no failure: the request count');
SELECT is(contender_rank.requests_load(10, -4, 3, 1), 13::float8, 'a negative counter counts no failure');
SELECT is(contender_rank.requests_load(10, -4, -3, 1), 10::float8, 'two negative counters: no failure');
SELECT is(contender_rank.requests_load(7, 1, 1, 1.7e308), 'Infinity'::float8,
          'a product past float8''s range is Infinity, no overflow error');
SELECT is(contender_rank.requests_load(0, 2147483647, 2147483647, 1), 4294967294::float8,
          'counters whose int sum would overflow are added as float8');
SELECT is(ARRAY[contender_rank.requests_load(NULL, 0, 0, 1), contender_rank.requests_load(1, NULL, 0, 1),
                contender_rank.requests_load(1, 0, NULL, 1), contender_rank.requests_load(1, 0, 0, NULL)],
          ARRAY[NULL, NULL, NULL, NULL]::float8[], 'a NULL argument gives NULL');

SELECT * FROM finish();
ROLLBACK;
