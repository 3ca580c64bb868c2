-- The statements a nineteen validator sends to its database, as its control node and query node
-- send them (asyncpg, $n parameters, each step its own transaction), by name (read by replay.py).
-- Written from the description of nineteen's code. The last one, ranked_selection, is the one
-- change contender_rank asks of nineteen's query node (README, "Using contender_rank from nineteen").

-- ================================================================ control node, every period

-- name: nodes_to_history
INSERT INTO nodes_history (hotkey, coldkey, node_id, incentive, netuid, stake, trust, vtrust, last_updated, ip,
                           ip_type, port, protocol, network, symmetric_key, symmetric_key_uuid, our_validator,
                           created_at)
SELECT hotkey, coldkey, node_id, incentive, netuid, stake, trust, vtrust, last_updated, ip, ip_type, port, protocol,
       network, symmetric_key, symmetric_key_uuid, our_validator, created_at
FROM nodes

-- name: delete_nodes
DELETE FROM nodes

-- name: insert_node
-- one execution per node (executemany); symmetric_key NULL, no symmetric_key_uuid yet
INSERT INTO nodes (hotkey, coldkey, node_id, incentive, netuid, stake, trust, vtrust, last_updated, ip, ip_type,
                   port, protocol, network, our_validator)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)

-- name: handshake
UPDATE nodes SET symmetric_key = $1, symmetric_key_uuid = $2 WHERE hotkey = $3 AND netuid = $4

-- name: period_counters
SELECT contender_id, total_requests_made, capacity, consumed_capacity, requests_429, requests_500
FROM contenders
WHERE netuid = $1

-- name: set_period_score
UPDATE contenders SET period_score = $1, updated_at = now() AT TIME ZONE 'UTC' WHERE contender_id = $2

-- name: contenders_to_history
-- expired_at is not named: it takes its default, the time of the move in naive UTC
INSERT INTO contenders_history (contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, raw_capacity,
                                capacity, capacity_to_score, consumed_capacity, total_requests_made, requests_429,
                                requests_500, period_score, created_at, updated_at)
SELECT contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, raw_capacity, capacity, capacity_to_score,
       consumed_capacity, total_requests_made, requests_429, requests_500, period_score, created_at, updated_at
FROM contenders

-- name: contenders_to_history_at
-- the same move stamped with an explicit expired_at ($1, naive UTC): for demos and benchmarks that
-- lay periods an hour apart without waiting an hour
INSERT INTO contenders_history (contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, raw_capacity,
                                capacity, capacity_to_score, consumed_capacity, total_requests_made, requests_429,
                                requests_500, period_score, created_at, updated_at, expired_at)
SELECT contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, raw_capacity, capacity, capacity_to_score,
       consumed_capacity, total_requests_made, requests_429, requests_500, period_score, created_at, updated_at, $1
FROM contenders

-- name: delete_contenders
DELETE FROM contenders

-- name: insert_contender
-- one execution per contender (executemany); created_at and updated_at in the session's zone
INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, validator_hotkey, capacity, raw_capacity,
                        capacity_to_score, consumed_capacity, total_requests_made, requests_429, requests_500,
                        created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NOW(), NOW())

-- name: delete_old_history
-- retention, once a period: three days back
DELETE FROM contenders_history WHERE created_at < $1

-- ================================================================ query node, every query

-- name: synthetic_selection
-- nineteen's own choice of contenders: fewest requests first
SELECT c.contender_id, c.node_hotkey, c.node_id, c.task, c.raw_capacity, c.capacity_to_score, c.consumed_capacity,
       c.total_requests_made, c.requests_429, c.requests_500, c.capacity, c.period_score, c.netuid
FROM contenders c
JOIN nodes n ON c.node_id = n.node_id AND c.netuid = n.netuid
WHERE c.task = $1
  AND c.consumed_capacity < c.capacity
  AND n.symmetric_key_uuid IS NOT NULL
ORDER BY c.total_requests_made ASC
LIMIT $2

-- name: synthetic_top_up
-- when the selection above returns fewer than top_x
SELECT c.contender_id, c.node_hotkey, c.node_id, c.task, c.raw_capacity, c.capacity_to_score, c.consumed_capacity,
       c.total_requests_made, c.requests_429, c.requests_500, c.capacity, c.period_score, c.netuid
FROM contenders c
WHERE c.task = $1
  AND c.capacity > 0
ORDER BY c.total_requests_made ASC
LIMIT $2

-- name: bump_requests
UPDATE contenders SET total_requests_made = total_requests_made + 1 WHERE contender_id = $1

-- name: bump_consumed_capacity
UPDATE contenders SET consumed_capacity = consumed_capacity + $1 WHERE contender_id = $2

-- name: bump_429
UPDATE contenders SET requests_429 = requests_429 + 1 WHERE contender_id = $1

-- name: bump_500
UPDATE contenders SET requests_500 = requests_500 + 1 WHERE contender_id = $1

-- name: ranked_selection
-- the drop-in: the same thirteen columns, in contender_rank's order
SELECT c.contender_id, c.node_hotkey, c.node_id, c.task, c.raw_capacity, c.capacity_to_score, c.consumed_capacity,
       c.total_requests_made, c.requests_429, c.requests_500, c.capacity, c.period_score, c.netuid
FROM rank_contenders($1, $2) WITH ORDINALITY AS r
JOIN contenders c ON c.contender_id = r.contender_id
ORDER BY r.ordinality
