-- What migrate saw of the validator's tables (the columns contender_rank reads with their positions
-- and types, contender_rank's triggers on each), so that ranking_status() can say how they changed
-- since: contender_rank.shape_drift() compares. Written by every migrate.
ALTER TABLE contender_rank.installation ADD COLUMN host_shape jsonb;
COMMENT ON COLUMN contender_rank.installation.host_shape IS
    'The validator''s tables as the last migrate saw them: {table: {columns: {name: {attnum, type}}, '
    'triggers: [name]}}, from contender_rank.host_shape(); NULL until a migrate has recorded it.';

-- ranking_status() gains columns (trusted, the last fault, shape drift): a new return type, which
-- CREATE OR REPLACE cannot give it; its file creates it again in the same migrate
DROP FUNCTION IF EXISTS public.ranking_status();
