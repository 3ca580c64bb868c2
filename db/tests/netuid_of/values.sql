-- netuid_of() reads a netuid from a contenders row given as jsonb, never failing: an integer as it
-- is, anything else (missing, text, out of int range) NULL.
BEGIN;
SELECT plan(6);
SELECT is(contender_rank.netuid_of('{"netuid": 19}'), 19, 'an integer');
SELECT is(contender_rank.netuid_of('{"netuid": -3}'), -3, 'a negative one');
SELECT is(contender_rank.netuid_of('{"node_hotkey": "a"}'), NULL, 'missing: NULL');
SELECT is(contender_rank.netuid_of('{"netuid": "nineteen"}'), NULL, 'not a number: NULL');
SELECT is(contender_rank.netuid_of('{"netuid": 99999999999}'), NULL, 'beyond int: NULL');
SELECT is(contender_rank.netuid_of(NULL), NULL, 'NULL: NULL');
SELECT * FROM finish();
ROLLBACK;
