ALTER TABLE public.contender_state
    ADD COLUMN similar_interval  bigint,
    ADD COLUMN similar_metric    float8,
    ADD COLUMN similar_newest_at timestamptz;
ALTER TABLE public.contenders
    DROP COLUMN own_interval,
    DROP COLUMN own_value,
    DROP COLUMN own_newest_at,
    DROP COLUMN similar_interval,
    DROP COLUMN similar_value,
    DROP COLUMN similar_newest_at;
