-- When contender_rank cannot keep its derived state exact (its maintenance failed, could not take
-- the state lock in time, or the validator's tables changed shape under it), it never fails the
-- validator's statement: it writes a row here instead and ranks by load balancing until the state
-- is rebuilt. Rows are only ever inserted by the maintenance (an insert with a generated key waits
-- for no other transaction) and deleted by the repair that rebuilt the state they describe.

CREATE TABLE contender_rank.state_faults (
    fault_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    noticed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    source     text        NOT NULL,
    sqlstate   text        NOT NULL,
    message    text        NOT NULL
);
COMMENT ON TABLE contender_rank.state_faults IS
    'Derived, never edited by hand: why the derived state may not be exact. While any row is here, rankings use '
    'load-balancing order; the next repair (a write that can take the state lock, or contender-rank verify '
    '--repair) rebuilds the state and removes the rows it has accounted for.';
COMMENT ON COLUMN contender_rank.state_faults.source IS 'The trigger or function that gave up.';
COMMENT ON COLUMN contender_rank.state_faults.sqlstate IS 'SQLSTATE of the error it caught.';
COMMENT ON COLUMN contender_rank.state_faults.message IS 'The error message it caught.';
