-- Who borrows from whom: one definition of "the other current contenders on the same node, with
-- the similarity of their task to mine", read by the similar metric (incremental and window),
-- by the search for the rows a history write affects, and by retention's bound.
CREATE VIEW public.similar_sources AS
SELECT target.contender_id AS target_id,
       other.contender_id AS source_id,
       ts.similarity
FROM public.contenders target
JOIN public.contenders other
  ON other.node_hotkey = target.node_hotkey
 AND other.netuid = target.netuid
 AND other.contender_id <> target.contender_id
JOIN public.task_similarity ts
  ON ts.from_task = other.task
 AND ts.to_task = target.task;

COMMENT ON VIEW public.similar_sources IS
    'For each current contender (target_id), the other current contenders on its node (source_id) and '
    'similarity(their task -> its task): the terms of its similar metric.';
