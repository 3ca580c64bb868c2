-- The ranking call a query node makes for every request.
\set t random(0, :ntasks - 1)
SELECT * FROM rank_contenders('bench-task-' || :t, 5);
