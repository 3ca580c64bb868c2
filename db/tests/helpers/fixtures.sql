-- Factories shared by the pgTAP suite, loaded once into the test database before pg_prove.
-- Every test file runs in a transaction that it rolls back, so what they create disappears.
CREATE SCHEMA IF NOT EXISTS tests;

CREATE OR REPLACE FUNCTION tests.make_node(hotkey text, netuid int DEFAULT 19, handshaken boolean DEFAULT true)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, public
BEGIN ATOMIC
    INSERT INTO public.nodes (hotkey, netuid, node_id, symmetric_key_uuid)
    VALUES (make_node.hotkey, make_node.netuid, abs(hashtext(make_node.hotkey)) % 1000,
            CASE WHEN make_node.handshaken THEN 'key-' || make_node.hotkey END)
    ON CONFLICT (hotkey, netuid) DO NOTHING;
END;

-- A contender on a (handshaken, unless already created otherwise) node; id is hotkey-task.
CREATE OR REPLACE FUNCTION tests.make_contender(
    node_hotkey text, task text, capacity float8 DEFAULT 10, total_requests_made int DEFAULT 0,
    consumed_capacity float8 DEFAULT 0, netuid int DEFAULT 19)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM tests.make_node(make_contender.node_hotkey, make_contender.netuid);
    INSERT INTO public.contenders (contender_id, node_hotkey, node_id, netuid, task, capacity,
                                   consumed_capacity, total_requests_made)
    VALUES (make_contender.node_hotkey || '-' || make_contender.task, make_contender.node_hotkey, 1,
            make_contender.netuid, make_contender.task, make_contender.capacity,
            make_contender.consumed_capacity, make_contender.total_requests_made);
    RETURN make_contender.node_hotkey || '-' || make_contender.task;
END;
$$;

CREATE OR REPLACE FUNCTION tests.add_history(contender_id text, period_score float8, expired_at timestamptz)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, public
BEGIN ATOMIC
    INSERT INTO public.contenders_history (contender_id, period_score, expired_at)
    VALUES (add_history.contender_id, add_history.period_score, add_history.expired_at);
END;
