"""What the planner knows of contender_rank's own tables right after ``migrate``: a fresh adoption
would otherwise leave them without statistics until autovacuum comes by (and ranking_config, one
row, it never analyzes), and a query node's session keeps the plan it made at its first ranking.
migrate analyzes contender_rank's tables and never nineteen's."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row

from contender_rank.schema import migrate
from test_schema import nineteen_database

OWN_TABLES = ("contender_rank.contender_state", "public.ranking_config", "public.task_similarity")
NINETEENS = ("public.nodes", "public.contenders", "public.contenders_history")


def _analyzed(conn: psycopg.Connection, table: str) -> bool:
    """Analyzed by a command (autovacuum's own analyses are counted apart, in last_autoanalyze)."""
    row = conn.execute(
        "SELECT s.last_analyze IS NOT NULL AS analyzed"
        " FROM pg_stat_user_tables s WHERE s.relid = %s::regclass",
        (table,),
    ).fetchone()
    assert row is not None
    return bool(row["analyzed"])


def test_migrate_leaves_statistics_of_its_own_tables_only(empty_dsn: str) -> None:
    nineteen_database(empty_dsn, periods=3)
    migrate(empty_dsn)
    with psycopg.connect(empty_dsn, autocommit=True, row_factory=dict_row) as conn:
        state = conn.execute(
            "SELECT c.reltuples, (SELECT count(*) FROM contender_rank.contender_state) AS rows,"
            " EXISTS (SELECT FROM pg_stats s WHERE s.schemaname = 'contender_rank'"
            "         AND s.tablename = 'contender_state' AND s.attname = 'task') AS task_stats"
            " FROM pg_class c WHERE c.oid = 'contender_rank.contender_state'::regclass"
        ).fetchone()
        assert state is not None and state["rows"] > 0
        assert state["reltuples"] == state["rows"] and state["task_stats"], state
        config = conn.execute(
            "SELECT reltuples FROM pg_class WHERE oid = 'public.ranking_config'::regclass"
        ).fetchone()
        assert config == {"reltuples": 1}, "the planner knows ranking_config holds one row"
        assert all(_analyzed(conn, table) for table in OWN_TABLES)
        # nineteen's tables are autovacuum's business, never contender_rank's
        assert not any(_analyzed(conn, table) for table in NINETEENS)
