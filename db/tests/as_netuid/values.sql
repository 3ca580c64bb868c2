-- as_netuid() reads a netuid given as text (whatever type nineteen gave the column), never failing:
-- an integer as it is, anything else (not a number, out of int range, NULL) NULL.
BEGIN;
SELECT plan(6);
SELECT is(contender_rank.as_netuid('19'), 19, 'an integer');
SELECT is(contender_rank.as_netuid('-3'), -3, 'a negative one');
SELECT is(contender_rank.as_netuid('19.5'), NULL, 'a fraction: NULL');
SELECT is(contender_rank.as_netuid('nineteen'), NULL, 'not a number: NULL');
SELECT is(contender_rank.as_netuid('99999999999'), NULL, 'beyond int: NULL');
SELECT is(contender_rank.as_netuid(NULL), NULL, 'NULL: NULL');
SELECT * FROM finish();
ROLLBACK;
