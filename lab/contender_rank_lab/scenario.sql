-- The demo's scenario (scenario.py): the statements it sends besides the product's API, each under
-- a `-- name: NAME` line like the product's queries.sql.

-- name: scenario_table_rows
SELECT (SELECT count(*) FROM public.nodes) AS nodes,
       (SELECT count(*) FROM public.contenders) AS contenders,
       (SELECT count(*) FROM public.contenders_history) AS history_rows

-- name: scenario_add_node
INSERT INTO public.nodes (hotkey, netuid, node_id, symmetric_key_uuid)
VALUES (%(hotkey)s, %(netuid)s, %(node_id)s, %(key)s)
ON CONFLICT DO NOTHING

-- name: scenario_add_contender
INSERT INTO public.contenders (contender_id, node_hotkey, node_id, netuid, task, capacity)
VALUES (%(contender_id)s, %(hotkey)s, %(node_id)s, %(netuid)s, %(task)s, %(capacity)s)
ON CONFLICT (contender_id) DO NOTHING

-- name: scenario_serve_epoch
-- what the query node does during a period: requests, all of them good
UPDATE public.contenders
SET total_requests_made = total_requests_made + %(requests)s,
    consumed_capacity = consumed_capacity + %(requests)s
