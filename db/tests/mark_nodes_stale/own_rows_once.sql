-- mark_nodes_stale() marks each node once per transaction (no unique key: it looks for its own row
-- first), skips NULLs (a column nineteen dropped reads as NULL), and stamps the rows with the
-- transaction; the settle deletes exactly them.
BEGIN;
SELECT plan(6);

SELECT contender_rank.mark_nodes_stale(ARRAY['n1', 'n1', 'n2', NULL, 'n3'], ARRAY[19, 19, 19, 19, NULL]);
SELECT results_eq($$SELECT node_hotkey, netuid FROM contender_rank.stale_nodes ORDER BY 1$$,
                  $$VALUES ('n1', 19), ('n2', 19)$$, 'each node once, NULLs skipped');
SELECT contender_rank.mark_nodes_stale(ARRAY['n2', 'n4'], ARRAY[19, 19]);
SELECT is((SELECT count(*)::int FROM contender_rank.stale_nodes), 3, 'a node marked before is not marked again');
SELECT is((SELECT count(DISTINCT xact)::int FROM contender_rank.stale_nodes WHERE xact = pg_current_xact_id()), 1,
          'every row carries this transaction');
SELECT lives_ok($$SELECT contender_rank.mark_nodes_stale(NULL, NULL)$$, 'no node: nothing to do');
SELECT lives_ok($$SELECT contender_rank.mark_nodes_stale(ARRAY['n5'], NULL)$$, 'arrays of unequal length: the extra is no node');
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT is_empty($$SELECT * FROM contender_rank.stale_nodes$$, 'the settle deletes the transaction''s rows');

SELECT * FROM finish();
ROLLBACK;
