-- agrees(stored, expected, tolerance): equal, or within tolerance of the larger magnitude; never
-- for NULL or NaN against a number.
BEGIN;
SELECT plan(8);

SELECT ok(contender_rank.agrees(1, 1, 0), 'equal values agree with tolerance 0');
SELECT ok(contender_rank.agrees(1e6, 1e6 + 1e-4, 1e-9), 'a difference of 1e-10 of the magnitude passes 1e-9');
SELECT ok(NOT contender_rank.agrees(1e6, 1e6 + 1e-2, 1e-9), 'one of 1e-8 does not');
SELECT ok(NOT contender_rank.agrees(1e-300, 2e-300, 1e-9), 'tiny values are compared by their own magnitude');
SELECT ok(contender_rank.agrees(0, 0, 0) AND NOT contender_rank.agrees(0, 1e-300, 1e-9), 'zero against zero, and against tiny');
SELECT ok(NOT contender_rank.agrees('NaN', 0, 0.5) AND NOT contender_rank.agrees(1, 'NaN', 0.5),
          'NaN never agrees with a number');
SELECT ok(NOT contender_rank.agrees('Infinity', 1, 0.5) AND contender_rank.agrees('Infinity', 'Infinity', 0),
          'infinity agrees only with itself');
SELECT ok(NOT contender_rank.agrees(NULL, 0, 0.5) AND NOT contender_rank.agrees(0, NULL, 0.5), 'NULL never agrees');

SELECT * FROM finish();
ROLLBACK;
