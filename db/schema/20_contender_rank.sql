-- The current schema, part two of two: what every installation gets, in either layout (after
-- 10_validator_tables.sql in the standalone layout; beside nineteen's tables in the adopted one).
-- The contender_rank schema itself is created by migrate before this file, with yoyo's log in it.
--
-- This file and 10_validator_tables.sql must equal what the migrations build: a change to a table
-- is a new migration AND the same change here (docs/contributing.md, "Changing a table").
-- python/tests/test_schema.py compares the two catalogs and names every line that differs.

-- ================================================================ beside the validator's tables

-- What DBAs tune: the similarity between tasks, and the one row of settings.
CREATE TABLE public.task_similarity (
    from_task  text   NOT NULL,
    to_task    text   NOT NULL,
    similarity float8 NOT NULL
        CONSTRAINT similarity_between_0_and_1 CHECK (similarity >= 0 AND similarity <= 1),
    PRIMARY KEY (from_task, to_task),
    CONSTRAINT similarity_needs_two_different_tasks CHECK (from_task <> to_task)
);
CREATE INDEX task_similarity_to_task_idx ON public.task_similarity (to_task);
COMMENT ON TABLE public.task_similarity IS
    'Directed task similarity set by admins: a node''s metric on from_task counts towards its contender for to_task '
    'with this factor. A missing pair means 0.';
COMMENT ON COLUMN public.task_similarity.similarity IS 'Factor in [0, 1] applied to the from_task metric.';

CREATE TABLE public.ranking_config (
    singleton      boolean PRIMARY KEY DEFAULT true
        CONSTRAINT ranking_config_has_exactly_one_row CHECK (singleton),
    decay_interval interval NOT NULL DEFAULT interval '1 hour'
        CONSTRAINT decay_interval_must_be_positive CHECK (extract(epoch FROM decay_interval) > 0),
    decay_factor   float8 NOT NULL DEFAULT 0.5
        CONSTRAINT decay_factor_must_be_above_0_and_at_most_1 CHECK (decay_factor > 0 AND decay_factor <= 1),
    history_weight float8 NOT NULL DEFAULT 50
        CONSTRAINT history_weight_must_be_finite_and_not_negative
            CHECK (history_weight >= 0 AND history_weight < 'Infinity'::float8),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    -- then the columns later migrations added, in their order: 0003 to release 0.1's table, 0013
    retention_epsilon float8 NOT NULL DEFAULT 1e-6
        CONSTRAINT retention_epsilon_between_0_and_1 CHECK (retention_epsilon >= 0 AND retention_epsilon <= 1),
    failure_weight float8 NOT NULL DEFAULT 2
        CONSTRAINT failure_weight_must_be_finite_and_not_negative
            CHECK (failure_weight >= 0 AND failure_weight < 'Infinity'::float8)
);
INSERT INTO public.ranking_config DEFAULT VALUES;
COMMENT ON TABLE public.ranking_config IS
    'The ranking''s tunables: exactly one row, changed with UPDATE. A change applies to the next ranking call.';
COMMENT ON COLUMN public.ranking_config.decay_interval IS
    'Length of one decay interval (> 0). Intervals are aligned to the Unix epoch; its length in seconds is '
    'extract(epoch from decay_interval), which counts a month as 30 days and a day as 24 hours.';
COMMENT ON COLUMN public.ranking_config.decay_factor IS
    'Weight lost per interval of age, 0 < f <= 1: an interval k steps old counts f^k. 1 means no decay.';
COMMENT ON COLUMN public.ranking_config.history_weight IS
    'w in rank_value = total_requests_made - w * global_metric; finite and >= 0. 0 is pure load balancing.';
COMMENT ON COLUMN public.ranking_config.failure_weight IS
    'f in rank_value = total_requests_made + f * (requests_429 + requests_500) - history_weight * global_metric; '
    'finite and >= 0. 0 ignores failures; with history_weight 0 too the ranking is pure load balancing.';
COMMENT ON COLUMN public.ranking_config.retention_epsilon IS
    'Retention tolerance in [0, 1]: prune_history() drops only history whose whole remaining weight moves the own, '
    'similar and global metric of any contender by less than this. 0 keeps all history; with decay_factor = 1 '
    'nothing is ever dropped.';

-- The row type of rank_contenders: a named type, so that the function's parameter `task` and its
-- output column `task` can share a name.
CREATE TYPE public.ranked_contender AS (
    contender_id        text,
    node_hotkey         text,
    node_id             int,
    task                text,
    total_requests_made int,
    own_metric          float8,
    similar_metric      float8,
    global_metric       float8,
    rank_value          float8,
    capacity_left       boolean
);
COMMENT ON TYPE public.ranked_contender IS
    'One ranked contender with the explanation a DBA reads: own, similar and global metric, and rank_value.';

-- ================================================================ the derived state

-- Stored once, keyed by contender_id: contender_rank owns no column of the tables a validator
-- writes. Only the triggers and functions of db/functions/contender_rank/30_state.sql write these
-- tables; its opening comment is the map.
-- The interval mean, defined once (10_arithmetic.sql defines it again, the same): the generated
-- own_value calls it, and this file is applied before the function files (migration 0010).
CREATE OR REPLACE FUNCTION contender_rank.interval_mean(total float8, row_count float8)
RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN total IS NULL OR row_count IS NULL THEN NULL::float8
    WHEN abs(total) < row_count * 4.9406564584124654e-324::float8 THEN 0::float8
    ELSE total / row_count
END;

CREATE TABLE contender_rank.contender_state (
    contender_id      text PRIMARY KEY,
    -- its own history, as a running decayed sum (NULL: no history)
    own_interval      bigint,
    own_base          float8,
    own_interval_sum  float8,
    own_interval_rows bigint,
    own_newest_at     timestamptz,
    -- what it borrows on its node from similar tasks, as of the last settle of that node (NULL:
    -- nothing); read only while the contender is in contenders and its node is not stale
    similar_interval  bigint,
    similar_metric    float8,
    similar_newest_at timestamptz,
    -- the contender's task as of the last settle of its node (NULL until then)
    task              text,
    -- the own metric at own_interval, kept by PostgreSQL (migration 0010)
    own_value         float8 GENERATED ALWAYS AS (
        own_base + contender_rank.interval_mean(own_interval_sum, own_interval_rows::float8)) STORED,
    -- a bound on |score| of the rows behind own_* (migration 0012; 35_retention.sql reads it)
    own_score_bound   float8,
    -- the computation of its node that wrote similar_*, and how many contenders it had (migration
    -- 0014; the settle skips a node whose contenders are those of its last computation)
    similar_basis     text,
    similar_members   int,
    CONSTRAINT own_state_complete CHECK (
        (own_interval IS NULL) = (own_base IS NULL) AND (own_interval IS NULL) = (own_interval_sum IS NULL)
        AND (own_interval IS NULL) = (own_interval_rows IS NULL) AND (own_interval IS NULL) = (own_newest_at IS NULL))
)
-- A period rewrites every row twice in one transaction (the fold of the moved history, then the settle
-- at COMMIT), so a page holds three versions of each of its rows until the next access prunes it.
-- With three quarters of each page free they all fit: the updates stay on the row's page (HOT), the
-- index is not touched, and a row never moves from where it was placed, next to the rows of its task
-- (rebuilds and settles insert in task order), so a ranking reads a few pages, not the whole table.
WITH (fillfactor = 25);
COMMENT ON TABLE contender_rank.contender_state IS
    'Derived, never edited by hand: one row per contender id with history or a settled similar metric. The own '
    'metric, as a running decayed sum, outlives the contender (a validator re-creates contenders every period; '
    'their history stays), and so does the row: the table''s size stays steady from period to period. The own '
    'metric at interval K >= own_interval is (own_base + own_interval_sum / own_interval_rows) * f^(K - own_interval).';
COMMENT ON COLUMN contender_rank.contender_state.own_interval IS
    'Newest decay interval that holds a history row of the contender; NULL when it has no history.';
COMMENT ON COLUMN contender_rank.contender_state.own_base IS
    'Decayed sum of the interval means before own_interval, valued at own_interval.';
COMMENT ON COLUMN contender_rank.contender_state.own_interval_sum IS
    'Sum of period_score (NULL and non-finite as 0) over the rows in own_interval.';
COMMENT ON COLUMN contender_rank.contender_state.own_interval_rows IS 'Number of history rows in own_interval.';
COMMENT ON COLUMN contender_rank.contender_state.own_value IS
    'The own metric valued at own_interval: own_base + interval_mean(own_interval_sum, own_interval_rows), '
    'generated.';
COMMENT ON COLUMN contender_rank.contender_state.own_newest_at IS
    'Newest expired_at folded in; a ranking as of an earlier time uses the definition from history instead.';
COMMENT ON COLUMN contender_rank.contender_state.similar_interval IS
    'Interval index at which similar_metric is valued; NULL when nothing is borrowed.';
COMMENT ON COLUMN contender_rank.contender_state.similar_metric IS
    'Sum over the other current contenders of the same node of similarity(their task -> this task) * their own '
    'metric, valued at similar_interval; as of the last settle of the node.';
COMMENT ON COLUMN contender_rank.contender_state.similar_newest_at IS
    'Newest expired_at among the history behind similar_metric.';
COMMENT ON COLUMN contender_rank.contender_state.task IS
    'The contender''s task as of the last settle of its node; once settled, equal to contenders.task for every '
    'current contender, so a ranking reads its task''s rows through contender_state_task.';
COMMENT ON COLUMN contender_rank.contender_state.own_score_bound IS
    'At least the largest |period_score| (NULL and non-finite as 0) of the contender''s history rows behind '
    'own_*: raised by every fold, set by every recompute; NULL when unknown.';
COMMENT ON COLUMN contender_rank.contender_state.similar_basis IS
    'The computation of its node that wrote similar_* (the settling transaction, the settle''s number in it, the '
    'node''s number in that settle): shared by every contender settled together on that node. NULL when unknown, and cleared by every '
    'change of own_* and of task_similarity.';
COMMENT ON COLUMN contender_rank.contender_state.similar_members IS
    'How many current contenders the node had in the computation similar_basis names.';
CREATE INDEX contender_state_task ON contender_rank.contender_state (task);

CREATE TABLE contender_rank.stale_nodes (
    node_hotkey text NOT NULL,
    netuid      int  NOT NULL,
    xact        xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX stale_nodes_xact ON contender_rank.stale_nodes (xact, node_hotkey, netuid);
COMMENT ON TABLE contender_rank.stale_nodes IS
    'Derived, never edited by hand: nodes whose similar metrics the writing transaction xact has yet to recompute. '
    'Each transaction reads and deletes only its own rows (settled at its COMMIT); no unique key, so that two '
    'transactions marking the same node never wait for each other.';
COMMENT ON COLUMN contender_rank.stale_nodes.xact IS 'The (top-level) transaction that marked the node.';

CREATE TABLE contender_rank.installation (
    singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    layout          text        NOT NULL CHECK (layout IN ('standalone', 'adopted')),
    version         text        NOT NULL,
    state_shape     text        NOT NULL,
    api_functions   text[]      NOT NULL DEFAULT '{}',
    installed_at    timestamptz NOT NULL DEFAULT now(),
    migrated_at     timestamptz NOT NULL DEFAULT now(),
    host_tables     oid[],
    host_columns    text,
    host_shape      jsonb
);
COMMENT ON TABLE contender_rank.installation IS
    'What migrate installed: the layout (standalone: contender_rank created nodes, contenders and '
    'contenders_history; adopted: it found nineteen''s and installed beside them), the package version, a digest '
    'of the definitions that shape the derived state (a change rebuilds it), and the API functions it created in '
    'public (by signature, for uninstall).';
COMMENT ON COLUMN contender_rank.installation.host_tables IS
    'OIDs of public.nodes, contenders and contenders_history when migrate last ran: a table replaced since then '
    'is not followed by the derived state (see contender_rank.untrusted_reason()).';
COMMENT ON COLUMN contender_rank.installation.host_columns IS
    'The columns and types of public.nodes, contenders and contenders_history when migrate last ran: migrate '
    'rebuilds the derived state when nineteen changed them since.';
COMMENT ON COLUMN contender_rank.installation.host_shape IS
    'The validator''s tables as the last migrate saw them: {table: {columns: {name: {attnum, type}}, '
    'triggers: [name]}}, from contender_rank.host_shape(); NULL until a migrate has recorded it.';

-- ================================================================ when the state may not be exact

-- The maintenance never fails the validator's statement: when it cannot keep the state exact it
-- inserts a row here instead (an insert with a generated key waits for no other transaction), and
-- the repair that rebuilt the state deletes the rows it accounted for.
CREATE TABLE contender_rank.state_faults (
    fault_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    noticed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    source     text        NOT NULL,
    sqlstate   text        NOT NULL,
    message    text        NOT NULL
);
COMMENT ON TABLE contender_rank.state_faults IS
    'Derived, never edited by hand: why the derived state may not be exact. While any row is here, rankings use '
    'load-balancing order; the next repair (a write that can take the state lock, or contender-rank verify '
    '--repair) rebuilds the state and removes the rows it has accounted for.';
COMMENT ON COLUMN contender_rank.state_faults.source IS 'The trigger or function that gave up.';
COMMENT ON COLUMN contender_rank.state_faults.sqlstate IS 'SQLSTATE of the error it caught.';
COMMENT ON COLUMN contender_rank.state_faults.message IS 'The error message it caught.';
