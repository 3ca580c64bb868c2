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

-- The interval mean is defined once, contender_rank.interval_mean() (10_arithmetic.sql), and the
-- generated own_value uses it instead of spelling it out. The function is created here as the
-- function file defines it, since migrations run before the function files (which then replace it
-- with the same body).
CREATE OR REPLACE FUNCTION contender_rank.interval_mean(total float8, row_count float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN total IS NULL OR row_count IS NULL THEN NULL::float8
    WHEN abs(total) < row_count * 4.9406564584124654e-324::float8 THEN 0::float8
    ELSE total / row_count
END;
ALTER TABLE contender_rank.contender_state DROP COLUMN own_value;
ALTER TABLE contender_rank.contender_state ADD COLUMN own_value float8
    GENERATED ALWAYS AS (own_base + contender_rank.interval_mean(own_interval_sum, own_interval_rows::float8)) STORED;
COMMENT ON COLUMN contender_rank.contender_state.own_value IS
    'The own metric valued at own_interval: own_base + interval_mean(own_interval_sum, own_interval_rows), '
    'generated.';
