"""A long-running asyncio query node: one connection pool, one ``rank_contenders_async`` per query.

    DATABASE_URL=postgresql://... python -m contender_rank.examples.pooled_query_node chat-llama-3-1-8b

The pool keeps a few open autocommit connections, so a query costs one round trip (no connect, no
transaction to commit), and ``rank_contenders`` is read-only, so the DSN may point at a hot standby.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence

from psycopg_pool import AsyncConnectionPool

from contender_rank import RankedContender, rank_contenders_async


def open_pool(dsn: str) -> AsyncConnectionPool:
    """Create the pool once at start-up; enter it with ``async with`` (or ``await pool.open()``)."""
    return AsyncConnectionPool(dsn, min_size=1, max_size=8, kwargs={"autocommit": True}, open=False)


async def pick_contenders(pool: AsyncConnectionPool, task: str, top_x: int = 5) -> list[RankedContender]:
    """What the query node calls for every incoming query: the contenders to try, best first."""
    async with pool.connection() as conn:
        return await rank_contenders_async(conn, task, top_x)


async def serve(dsn: str, tasks: Sequence[str], top_x: int = 5) -> dict[str, list[RankedContender]]:
    """Answer one query per task, concurrently, over a shared pool."""
    async with open_pool(dsn) as pool:
        rankings = await asyncio.gather(*(pick_contenders(pool, task, top_x) for task in tasks))
    return dict(zip(tasks, rankings, strict=True))


def main(argv: Sequence[str] | None = None) -> int:
    tasks = list(sys.argv[1:] if argv is None else argv)
    dsn = os.environ.get("DATABASE_URL")
    if not dsn or not tasks:
        print(
            "usage: DATABASE_URL=... python -m contender_rank.examples.pooled_query_node TASK [TASK ...]",
            file=sys.stderr,
        )
        return 2
    for task, ranked in asyncio.run(serve(dsn, tasks)).items():
        order = ", ".join(contender.contender_id for contender in ranked) or "(no eligible contender)"
        print(f"{task}: {order}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
