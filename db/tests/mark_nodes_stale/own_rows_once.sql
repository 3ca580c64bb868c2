-- mark_nodes_stale() marks each node once per transaction (no unique key: it looks for its own row
-- first), skips NULLs (a column nineteen dropped reads as NULL), and stamps the rows with the
-- transaction; the settle deletes exactly them. The first mark also adds the one marker row
-- ('', -1) the deferred settle fires on.
BEGIN;
SELECT plan(8);

SELECT contender_rank.mark_nodes_stale(ARRAY['n1', 'n1', 'n2', NULL, 'n3'], ARRAY[19, 19, 19, 19, NULL]);
SELECT results_eq($$SELECT node_hotkey, netuid FROM contender_rank.stale_nodes ORDER BY 1$$,
                  $$VALUES ('', -1), ('n1', 19), ('n2', 19)$$, 'each node once, NULLs skipped, and the marker');
SELECT contender_rank.mark_nodes_stale(ARRAY['n2', 'n4'], ARRAY[19, 19]);
SELECT is((SELECT count(*)::int FROM contender_rank.stale_nodes), 4, 'a node marked before is not marked again');
SELECT is((SELECT count(*)::int FROM contender_rank.stale_nodes WHERE (node_hotkey, netuid) = ('', -1)), 1,
          'one marker for the transaction, however many marks');
SELECT is((SELECT count(DISTINCT xact)::int FROM contender_rank.stale_nodes WHERE xact = pg_current_xact_id()), 1,
          'every row carries this transaction');
SELECT lives_ok($$SELECT contender_rank.mark_nodes_stale(NULL, NULL)$$, 'no node: nothing to do');
SELECT lives_ok($$SELECT contender_rank.mark_nodes_stale(ARRAY['n5'], NULL)$$, 'arrays of unequal length: the extra is no node');
SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE;
SELECT is_empty($$SELECT * FROM contender_rank.stale_nodes$$, 'the settle deletes the transaction''s rows');
SELECT contender_rank.mark_nodes_stale(ARRAY['n6'], ARRAY[19]);
SELECT is_empty($$SELECT * FROM contender_rank.stale_nodes$$,
                'a mark after the settle adds a marker again: under IMMEDIATE it settles at once');

SELECT * FROM finish();
ROLLBACK;
