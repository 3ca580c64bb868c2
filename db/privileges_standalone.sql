-- The standalone layout's grants on the tables contender_rank created for the validator (on an
-- adopted nineteen database those tables and their grants are nineteen's, and left alone).
--   ranking_reader  reads them; UPDATE of the four per-request counters (the column grant keeps
--                   capacity, task, period_score... read-only for it)
--   ranking_writer  writes nodes (handshakes); inserts and deletes contenders, sets period_score;
--                   appends to contenders_history (append-only for it: no UPDATE or DELETE)
--   ranking_admin   corrects and deletes contenders_history (retention)
GRANT USAGE ON SCHEMA public TO ranking_reader;
GRANT SELECT ON public.nodes, public.contenders, public.contenders_history TO ranking_reader;
GRANT UPDATE (total_requests_made, consumed_capacity, requests_429, requests_500) ON public.contenders
    TO ranking_reader;

GRANT INSERT, UPDATE, DELETE ON public.nodes TO ranking_writer;
GRANT INSERT (contender_id, node_hotkey, node_id, netuid, task, capacity, consumed_capacity, total_requests_made,
              requests_429, requests_500, period_score)
    ON public.contenders TO ranking_writer;
GRANT DELETE ON public.contenders TO ranking_writer;
GRANT UPDATE (period_score) ON public.contenders TO ranking_writer;
GRANT INSERT ON public.contenders_history TO ranking_writer;

GRANT UPDATE, DELETE ON public.contenders_history TO ranking_admin;
