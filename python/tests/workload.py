"""The validator's traffic, for the load and fault tests: a seeded set of nodes and contenders,
and the query node's two statements (rank, then bump the chosen contender's counters)."""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import scalar_row

TASKS = ("llama-70b", "llama-8b", "flux")
HOTKEYS = ("hk-alpha", "hk-beta", "hk-gamma", "hk-delta")
# every time the tests write lies before NOW, so the rankers' as_of (NOW) sees all of it
NOW = datetime(2026, 11, 1, tzinfo=UTC)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

RANK = "SELECT contender_id FROM rank_contenders(%(task)s, 3, %(as_of)s)"
BUMP = (
    "UPDATE contenders SET total_requests_made = total_requests_made + 1,"
    " consumed_capacity = consumed_capacity + 1 WHERE contender_id = %(contender_id)s"
)


def scalar(conn: psycopg.Connection, query: str, params: dict[str, object] | None = None) -> Any:
    """The first column of the first row, or None when there is no row."""
    with conn.cursor(row_factory=scalar_row) as cur:
        return cur.execute(query, params).fetchone()


def load_seconds(ci_default: float, local_default: float) -> float:
    """Run length: $CONTENDER_RANK_LOAD_SECONDS, else short in CI and longer locally."""
    configured = os.environ.get("CONTENDER_RANK_LOAD_SECONDS")
    if configured:
        return float(configured)
    return ci_default if IN_CI else local_default


def seed(conn: psycopg.Connection) -> list[str]:
    """Handshaken nodes serving every task, some similarity and a day of history; returns the contender ids.

    requests_429 starts at 1 and no client touches it, so a 0 there means close_period reset the row.
    """
    with conn.transaction():
        conn.execute(
            "INSERT INTO nodes (hotkey, netuid, node_id, symmetric_key_uuid)"
            " SELECT u.hotkey, 19, u.position, 'key-' || u.hotkey"
            " FROM unnest(%(hotkeys)s::text[]) WITH ORDINALITY AS u(hotkey, position)",
            {"hotkeys": list(HOTKEYS)},
        )
        conn.execute(
            "INSERT INTO contenders"
            " (contender_id, node_hotkey, node_id, netuid, task, capacity, requests_429)"
            " SELECT n.hotkey || '-' || t.task, n.hotkey, n.node_id, n.netuid, t.task, 1e9, 1"
            " FROM nodes n CROSS JOIN unnest(%(tasks)s::text[]) t(task)",
            {"tasks": list(TASKS)},
        )
        conn.execute(
            "INSERT INTO task_similarity (from_task, to_task, similarity)"
            " VALUES ('llama-70b', 'llama-8b', 0.8), ('llama-8b', 'llama-70b', 0.3)"
        )
        append_history(conn, NOW - timedelta(hours=24), random.Random(1))
        with conn.cursor(row_factory=scalar_row) as cur:
            return cur.execute("SELECT contender_id FROM contenders ORDER BY contender_id").fetchall()


def append_history(conn: psycopg.Connection, expired_at: datetime, rng: random.Random) -> None:
    """The control node's write: one history row per current contender of some tasks (INSERT ... SELECT)."""
    conn.execute(
        "INSERT INTO contenders_history"
        " (contender_id, node_hotkey, node_id, netuid, task, period_score, expired_at)"
        " SELECT contender_id, node_hotkey, node_id, netuid, task, %(score)s, %(expired_at)s"
        " FROM contenders WHERE task = ANY(%(tasks)s)",
        {
            "score": rng.choice((None, 0.0, 1.0, rng.random())),
            "expired_at": expired_at,
            "tasks": rng.sample(TASKS, rng.randint(1, len(TASKS))),
        },
    )


def random_past(rng: random.Random) -> datetime:
    """A whole-second instant in the two days before NOW, in no particular order: late rows included."""
    return NOW - timedelta(seconds=rng.randint(1, 48 * 3600))
