-- The per-request write: bump one contender's counters (no index covers them, so HOT applies).
\set n random(0, :nnodes - 1)
\set t random(0, :ntasks - 1)
UPDATE contenders
SET total_requests_made = total_requests_made + 1,
    consumed_capacity = consumed_capacity + 1
WHERE contender_id = 'bench-node-' || :n || '-bench-task-' || :t;
