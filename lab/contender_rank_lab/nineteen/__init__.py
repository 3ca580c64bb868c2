"""nineteen's side of a validator's database, for the demo, the benchmark and the tests that play it:
its schema (``schema.sql``, written from the description of nineteen's migrations) and its writes
(``replay.py``, through asyncpg as nineteen sends them). contender_rank never runs these on a real
validator's database."""

from __future__ import annotations

from pathlib import Path

import psycopg

SCHEMA_FILE = Path(__file__).with_name("schema.sql")


def create_tables(dsn: str) -> None:
    """Create nineteen's tables (``schema.sql``) in the empty database at ``dsn``."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SCHEMA_FILE.read_text())  # type: ignore[arg-type]
