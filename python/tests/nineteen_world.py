"""A small nineteen world for the tests that play nineteen's side: three nodes (two handshaken), two
similar tasks, periods stamped an hour apart, written by nineteen's own statements through asyncpg."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import psycopg

from contender_rank_lab.nineteen.replay import Contender, Node, Validator, connect

NODES = tuple(Node(f"hotkey-{k}", node_id=k) for k in range(1, 4))
TASKS = ("chat-llama-3-2-3b", "chat-llama-3-1-8b")
CONTENDERS = [Contender(node, task) for node in NODES for task in TASKS]
START = datetime(2025, 1, 1)  # naive UTC, as nineteen stores it


async def nineteen_periods(dsn: str, first_period: int, periods: int, *, triggers_off: bool = False) -> None:
    """nineteen's control node over some periods (stamped an hour apart), the query node serving in
    between; with ``triggers_off`` as a restore or a careless DBA would, in replica mode (no trigger
    fires)."""
    conn = await connect(dsn)
    if triggers_off:
        await conn.execute("SET session_replication_role = replica")
    validator = Validator(conn)
    if first_period == 0:
        await validator.refresh_nodes(NODES)
        await validator.handshake(NODES[:2])
        await validator.insert_contenders(CONTENDERS)
    for period in range(first_period, first_period + periods):
        for task in TASKS:
            for row in await validator.select_synthetic(task, 3):
                status = 500 if (row["node_id"] + period) % 3 == 0 else 200
                await validator.serve(row["contender_id"], status=status)
        await validator.period(CONTENDERS, expired_at=START + timedelta(hours=period))
    await conn.close()


def nineteen_world(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO task_similarity (from_task, to_task, similarity) VALUES (%s, %s, 0.8)", TASKS
        )
    asyncio.run(nineteen_periods(dsn, 0, 4))
