-- The state's maintenance never fails, waits on or blocks the validator (issue 17; the map at the
-- top of db/functions/contender_rank/30_state.sql says how). Two changes to the tables:
--
-- stale_nodes becomes private to each writing transaction: every row carries the transaction that
-- wrote it (its top-level id, also from inside a savepoint) and only that transaction reads or
-- deletes it. Without a unique key: two transactions that mark the same node would otherwise wait
-- for each other on the key (an INSERT that meets an uncommitted duplicate waits for its outcome),
-- and the per-row trigger on contenders must never wait. A transaction never marks a node twice
-- (it looks for its own row first) and the settle reads its rows with DISTINCT all the same.
--
-- installation.host_tables records the validator's three tables (by OID) as migrate adopted them: a
-- table dropped and created again has a new OID and none of contender_rank's triggers, so the state
-- no longer follows it, and rankings fall back to load balancing until migrate adopts it again.

ALTER TABLE contender_rank.stale_nodes DROP CONSTRAINT stale_nodes_pkey;
ALTER TABLE contender_rank.stale_nodes ADD COLUMN xact xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX stale_nodes_xact ON contender_rank.stale_nodes (xact, node_hotkey, netuid);
COMMENT ON TABLE contender_rank.stale_nodes IS
    'Derived, never edited by hand: nodes whose similar metrics the writing transaction xact has yet to recompute. '
    'Each transaction reads and deletes only its own rows (settled at its COMMIT); no unique key, so that two '
    'transactions marking the same node never wait for each other.';
COMMENT ON COLUMN contender_rank.stale_nodes.xact IS 'The (top-level) transaction that marked the node.';

ALTER TABLE contender_rank.installation ADD COLUMN host_tables oid[];
COMMENT ON COLUMN contender_rank.installation.host_tables IS
    'OIDs of public.nodes, contenders and contenders_history when migrate last ran: a table replaced since then '
    'is not followed by the derived state (see contender_rank.untrusted_reason()).';

-- stale_similar() takes the transaction whose stale nodes it settles now (30_state.sql): the old
-- overload, with its SQL-standard body bound to nineteen's columns, goes
DROP FUNCTION IF EXISTS contender_rank.stale_similar();

ALTER TABLE contender_rank.installation ADD COLUMN host_columns text;
COMMENT ON COLUMN contender_rank.installation.host_columns IS
    'The columns and types of public.nodes, contenders and contenders_history when migrate last ran: migrate '
    'rebuilds the derived state when nineteen changed them since.';
