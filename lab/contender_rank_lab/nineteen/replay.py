"""nineteen's writes, replayed through asyncpg as nineteen sends them.

A ``Validator`` holds one asyncpg connection, like nineteen's control node, and sends the statements
of ``statements.sql``: each step its own transaction, the per-row inserts through ``executemany``
(one statement execution per row, all in one implicit transaction). ``period()`` runs a whole
period of the control node in nineteen's order. The period score is computed in Python, as nineteen
computes it. Used by ``demo --nineteen``, ``bench --nineteen`` and the tests that play nineteen's side.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from psycopg.conninfo import conninfo_to_dict

from contender_rank.queries import read_named

STATEMENTS_FILE = Path(__file__).with_name("statements.sql")


async def connect(dsn: str, timezone: str | None = None) -> Any:
    """An asyncpg connection to the database at ``dsn`` (a URL or libpq key=value string), its
    session in ``timezone`` when given, as nineteen's processes connect."""
    import asyncpg

    info = conninfo_to_dict(dsn)
    settings = {"timezone": timezone} if timezone else None
    return await asyncpg.connect(
        host=info.get("host"),
        port=int(info["port"]) if info.get("port") else None,
        user=info.get("user"),
        password=info.get("password"),
        database=info.get("dbname"),
        server_settings=settings,
    )


def statement(name: str) -> str:
    """The statement called ``name`` in statements.sql."""
    return read_named(STATEMENTS_FILE)[name]


def period_score(
    total_requests_made: int, requests_429: int, requests_500: int, capacity: float, consumed_capacity: float
) -> float | None:
    """nineteen's score of a period: the share of good requests, discounted for 429s and 500s in
    proportion to the capacity left unused; None when the contender made no requests or had none."""
    if total_requests_made == 0 or capacity == 0:
        return None
    unused = max(max(capacity, 1) - consumed_capacity, 0) / max(capacity, 1)
    good = max((total_requests_made - requests_429 - requests_500) / total_requests_made, 0)
    score = (
        good
        * (1 - min(requests_429 / total_requests_made, 1) * unused)
        * (1 - min(requests_500 / total_requests_made, 1) * unused)
    )
    return max(score, 0.0)


@dataclass(frozen=True)
class Node:
    """A miner node as the metagraph gives it."""

    hotkey: str
    node_id: int
    netuid: int = 19


@dataclass(frozen=True)
class Contender:
    """A contender of a period: a node serving a task, with the capacity nineteen gives it."""

    node: Node
    task: str
    capacity: float = 100.0

    @property
    def contender_id(self) -> str:
        return f"{self.node.hotkey}-{self.task}"


class Validator:
    """nineteen's control node and query node, on one asyncpg connection."""

    def __init__(self, conn: Any, validator_hotkey: str = "validator-hotkey") -> None:
        self.conn = conn
        self.validator_hotkey = validator_hotkey

    # -- control node ------------------------------------------------------------------------------

    async def refresh_nodes(self, nodes: Sequence[Node]) -> None:
        """Nodes to nodes_history, delete them all, insert the metagraph's, one statement per node."""
        await self.conn.execute(statement("nodes_to_history"))
        await self.conn.execute(statement("delete_nodes"))
        await self.conn.executemany(
            statement("insert_node"),
            [
                (
                    node.hotkey,
                    f"coldkey-{node.hotkey}",
                    node.node_id,
                    0.0,
                    node.netuid,
                    1.0,
                    1.0,
                    1.0,
                    None,
                    "10.0.0.1",
                    4,
                    8091,
                    4,
                    "finney",
                    False,
                )
                for node in nodes
            ],
        )

    async def handshake(self, nodes: Iterable[Node]) -> None:
        """One UPDATE per node that answered the handshake."""
        for node in nodes:
            key = hashlib.sha256(node.hotkey.encode()).hexdigest()
            await self.conn.execute(
                statement("handshake"), f"key-{key[:16]}", f"uuid-{key[16:32]}", node.hotkey, node.netuid
            )

    async def score_period(self, netuid: int = 19) -> int:
        """Read the counters, score in Python, one UPDATE per contender with a score; returns how many."""
        rows = await self.conn.fetch(statement("period_counters"), netuid)
        scores = [
            (score, row["contender_id"])
            for row in rows
            if (
                score := period_score(
                    row["total_requests_made"],
                    row["requests_429"],
                    row["requests_500"],
                    row["capacity"],
                    row["consumed_capacity"],
                )
            )
            is not None
        ]
        if scores:
            await self.conn.executemany(statement("set_period_score"), scores)
        return len(scores)

    async def move_to_history(self, expired_at: datetime | None = None) -> None:
        """Every contender to contenders_history: expired_at by its default (the time of the move), or,
        for demos and benchmarks, the naive UTC time given."""
        if expired_at is None:
            await self.conn.execute(statement("contenders_to_history"))
        else:
            await self.conn.execute(statement("contenders_to_history_at"), expired_at)

    async def delete_contenders(self) -> None:
        await self.conn.execute(statement("delete_contenders"))

    async def insert_contenders(self, contenders: Sequence[Contender]) -> None:
        """The new period's contenders, one statement execution per row."""
        await self.conn.executemany(
            statement("insert_contender"),
            [
                (
                    contender.contender_id,
                    contender.node.hotkey,
                    contender.node.node_id,
                    contender.node.netuid,
                    contender.task,
                    self.validator_hotkey,
                    contender.capacity,
                    contender.capacity,
                    contender.capacity,
                    0.0,
                    0,
                    0,
                    0,
                )
                for contender in contenders
            ],
        )

    async def delete_old_history(self, cutoff: datetime) -> str:
        """Retention: history created before ``cutoff`` (naive UTC) goes; returns the command tag."""
        return await self.conn.execute(statement("delete_old_history"), cutoff)

    async def period(self, contenders: Sequence[Contender], expired_at: datetime | None = None) -> None:
        """The end of a period and the start of the next, in nineteen's order: period scores, the move to
        history, every contender deleted, the new ones inserted."""
        await self.score_period()
        await self.move_to_history(expired_at)
        await self.delete_contenders()
        await self.insert_contenders(contenders)

    # -- query node --------------------------------------------------------------------------------

    async def serve(self, contender_id: str, consumed_capacity: float = 1.0, status: int = 200) -> None:
        """What the query node writes for one try: a request made, capacity consumed, and a 429 or a
        500 when the miner answered so; each its own statement."""
        await self.conn.execute(statement("bump_requests"), contender_id)
        await self.conn.execute(statement("bump_consumed_capacity"), consumed_capacity, contender_id)
        if status == 429:
            await self.conn.execute(statement("bump_429"), contender_id)
        elif status == 500:
            await self.conn.execute(statement("bump_500"), contender_id)

    async def select_synthetic(self, task: str, top_x: int = 5) -> list[Any]:
        """nineteen's own selection: fewest requests first, topped up when fewer than ``top_x``."""
        rows = await self.conn.fetch(statement("synthetic_selection"), task, top_x)
        if len(rows) < top_x:
            chosen = {row["contender_id"] for row in rows}
            rows += [
                row
                for row in await self.conn.fetch(statement("synthetic_top_up"), task, top_x)
                if row["contender_id"] not in chosen
            ][: top_x - len(rows)]
        return list(rows)

    async def select_ranked(self, task: str, top_x: int = 5) -> list[Any]:
        """The drop-in: the same columns, in contender_rank's order."""
        return list(await self.conn.fetch(statement("ranked_selection"), task, top_x))
