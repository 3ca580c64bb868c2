-- The query rank_contenders replaces: fewest requests first over one task's contenders, no history.
\set t random(0, :ntasks - 1)
SELECT c.*
FROM contenders c
JOIN nodes n ON n.hotkey = c.node_hotkey AND n.netuid = c.netuid
WHERE c.task = 'bench-task-' || :t
  AND c.capacity > 0
  AND n.symmetric_key_uuid IS NOT NULL
ORDER BY c.total_requests_made
LIMIT 5;
