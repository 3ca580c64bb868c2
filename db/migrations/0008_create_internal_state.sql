-- The derived state, in contender_rank's own schema (created by migrate before any migration,
-- since yoyo keeps its log there too), stored once and keyed by contender_id: contender_rank
-- owns no column of the tables a validator writes, so it installs beside nineteen's tables and
-- leaves them exactly as they were when it is uninstalled. Which contenders are current is never
-- copied: contenders itself says. Only the triggers and functions in
-- db/functions/contender_rank/30_state.sql write these tables; its opening comment is the map.

CREATE TABLE contender_rank.contender_state (
    contender_id      text PRIMARY KEY,
    -- its own history, as a running decayed sum (NULL: no history)
    own_interval      bigint,
    own_base          float8,
    own_interval_sum  float8,
    own_interval_rows bigint,
    own_newest_at     timestamptz,
    -- the own metric at own_interval: own_base + interval_mean(own_interval_sum, own_interval_rows),
    -- spelled out (this table exists before the function files are applied), kept by PostgreSQL
    own_value         float8 GENERATED ALWAYS AS (
        own_base + CASE
            WHEN own_interval_sum IS NULL OR own_interval_rows IS NULL THEN NULL::float8
            WHEN abs(own_interval_sum) < own_interval_rows::float8 * 4.9406564584124654e-324::float8 THEN 0::float8
            ELSE own_interval_sum / own_interval_rows::float8
        END) STORED,
    -- what it borrows on its node from similar tasks, as of the last settle of that node (NULL:
    -- nothing); read only while the contender is in contenders and its node is not stale
    similar_interval  bigint,
    similar_metric    float8,
    similar_newest_at timestamptz,
    -- the contender's task as of the last settle of its node (NULL until then)
    task              text,
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
CREATE INDEX contender_state_task ON contender_rank.contender_state (task);

CREATE TABLE contender_rank.stale_nodes (
    node_hotkey text NOT NULL,
    netuid      int  NOT NULL,
    PRIMARY KEY (node_hotkey, netuid)
);
COMMENT ON TABLE contender_rank.stale_nodes IS
    'Derived, never edited by hand: nodes whose similar metrics the writing transaction has yet to recompute. '
    'Filled by the writes that change what a node''s contenders borrow, emptied at their COMMIT; other sessions '
    'never see a row here.';

CREATE TABLE contender_rank.installation (
    singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    layout          text        NOT NULL CHECK (layout IN ('standalone', 'adopted')),
    version         text        NOT NULL,
    state_shape     text        NOT NULL,
    api_functions   text[]      NOT NULL DEFAULT '{}',
    installed_at    timestamptz NOT NULL DEFAULT now(),
    migrated_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE contender_rank.installation IS
    'What migrate installed: the layout (standalone: contender_rank created nodes, contenders and '
    'contenders_history; adopted: it found nineteen''s and installed beside them), the package version, a digest '
    'of the definitions that shape the derived state (a change rebuilds it), and the API functions it created in '
    'public (by signature, for uninstall).';
