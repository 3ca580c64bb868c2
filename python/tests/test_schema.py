import psycopg

from contender_rank.schema import migrate


def test_migrate_twice_changes_nothing(dsn: str) -> None:
    second = migrate(dsn)
    assert second.migrations_applied == []
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT count(*) FROM ranking_config").fetchone()[0] == 1
