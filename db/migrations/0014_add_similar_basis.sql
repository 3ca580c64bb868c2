-- Which computation of its node a contender's similar_* came from, and how many contenders that
-- computation had: what lets the settle skip a node whose contenders came back as they were (a
-- validator deletes and re-inserts every contender each period) instead of computing again what it
-- stored at the previous COMMIT (db/functions/contender_rank/30_state.sql says why that is exact).
-- NULL until a settle writes them; the migration changes the state's shape, so migrate rebuilds.
ALTER TABLE contender_rank.contender_state ADD COLUMN similar_basis text;
ALTER TABLE contender_rank.contender_state ADD COLUMN similar_members int;
COMMENT ON COLUMN contender_rank.contender_state.similar_basis IS
    'The computation of its node that wrote similar_* (the settling transaction, the settle''s number in it, the '
    'node''s number in that settle): shared by every contender settled together on that node. NULL when unknown, and cleared by every '
    'change of own_* and of task_similarity.';
COMMENT ON COLUMN contender_rank.contender_state.similar_members IS
    'How many current contenders the node had in the computation similar_basis names.';
-- stale_similar() takes the settle's basis and returns each node's basis and size: the old one goes
-- (30_state.sql creates the new one).
DROP FUNCTION IF EXISTS contender_rank.stale_similar(xid8);
