"""The nineteen demo's scenario (``demo --nineteen``): a validator that already has history adopts
contender_rank, keeps writing its database as nineteen does, and a new model arrives.

Six nodes serve three chat models; node-k answers with a 500 on every k-th try, so their period
scores differ; node-6 never completed its handshake. Each period the query node answers ten queries
per task (trying up to five contenders each) and the control node ends the period as nineteen does:
period scores, the move to history, every contender deleted, the new ones inserted, one statement
per row. The moves are stamped one decay interval apart (nineteen would stamp the time of the move;
waiting an hour between periods would make a slow demo). Periods 1-3 run on nineteen alone; then
``migrate`` adopts the database and folds those three periods into its state; periods 4 and 5 run
with contender_rank's triggers in place, the query node choosing with the drop-in selection. At the
start of period 5 chat-llama-3-1-405b appears on every node with no history, and an admin registers
task_similarity(chat-llama-3-2-3b -> chat-llama-3-1-405b) = 0.5. Both tasks are ranked at the end of
period 5, before it is closed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg

from contender_rank import api
from contender_rank.models import ExplainedContender, RankedContender, RankingConfig
from contender_rank.schema import migrate
from contender_rank_lab.databases import scratch_database
from contender_rank_lab.nineteen.replay import Contender, Node, Validator, connect
from contender_rank_lab.scenario import Scenario, ScenarioResult

NODES: tuple[Node, ...] = tuple(Node(f"node-{k}", node_id=k) for k in range(1, 7))
HANDSHAKEN: tuple[Node, ...] = NODES[:-1]
SIMILAR_TASK = "chat-llama-3-2-3b"
BASE_TASKS: tuple[str, ...] = (SIMILAR_TASK, "chat-llama-3-1-8b", "chat-llama-3-1-70b")
NEW_TASK = "chat-llama-3-1-405b"
SIMILARITY = 0.5
PERIODS = 5
ADOPTED_AFTER = 3
QUERIES_PER_TASK = 10
TOP_X = 5
START = datetime(2025, 1, 1)  # naive UTC, as nineteen stores it


@dataclass(frozen=True)
class NineteenResult(ScenarioResult):
    adoption: tuple[str, ...] = ()
    explained: tuple[ExplainedContender, ...] = ()


def _contenders(tasks: tuple[str, ...]) -> list[Contender]:
    return [Contender(node, task) for node in NODES for task in tasks]


async def _serve_period(
    validator: Validator, tasks: tuple[str, ...], ranked: bool, tries: dict[str, int]
) -> None:
    """The query node's period: per task, QUERIES_PER_TASK queries, each trying contenders in the
    selection's order until one answers."""
    for _query in range(QUERIES_PER_TASK):
        for task in tasks:
            chosen = await (
                validator.select_ranked(task, TOP_X) if ranked else validator.select_synthetic(task, TOP_X)
            )
            for row in chosen:
                node = int(row["node_hotkey"].removeprefix("node-"))
                tries[row["contender_id"]] = tries.get(row["contender_id"], 0) + 1
                failed = tries[row["contender_id"]] % node == 0
                await validator.serve(row["contender_id"], status=500 if failed else 200)
                if not failed:
                    break


async def _replay(dsn: str, adoption: list[str]) -> datetime:
    conn = await connect(dsn)
    try:
        validator = Validator(conn)
        await validator.refresh_nodes(NODES)
        await validator.handshake(HANDSHAKEN)
        await validator.insert_contenders(_contenders(BASE_TASKS))
        tries: dict[str, int] = {}
        tasks = BASE_TASKS
        for period in range(1, PERIODS + 1):
            if period == ADOPTED_AFTER + 1:
                # the validator installs contender_rank beside its tables, mid-stream
                await conn.close()
                result = migrate(dsn, progress=adoption.append)
                adoption.append(
                    f"adopted: schema {', '.join(result.schema_applied)}; state folded from "
                    f"{result.history_rows_folded} history rows"
                )
                conn = await connect(dsn)
                validator = Validator(conn)
            await _serve_period(validator, tasks, ranked=period > ADOPTED_AFTER, tries=tries)
            ends_at = START + timedelta(hours=period)
            if period == PERIODS:
                return ends_at
            if period + 1 == PERIODS:
                # a new model: every node serves it from the next period on, and an admin says it is
                # like the 3B model
                tasks = (*BASE_TASKS, NEW_TASK)
                with psycopg.connect(dsn, autocommit=True) as admin:
                    api.set_similarity(admin, SIMILAR_TASK, NEW_TASK, SIMILARITY)
            await validator.period(_contenders(tasks), expired_at=ends_at)
        raise AssertionError("unreachable: the last period returns")
    finally:
        await conn.close()


def run_nineteen_scenario(admin_dsn: str) -> NineteenResult:
    """The nineteen scenario in a scratch nineteen-shaped database of its own, dropped afterwards."""
    adoption: list[str] = []
    with scratch_database(admin_dsn, "demo", layout=None) as dsn:
        from contender_rank_lab import nineteen

        nineteen.create_tables(dsn)
        ranked_at = asyncio.run(_replay(dsn, adoption)).replace(tzinfo=UTC)
        with psycopg.connect(dsn, autocommit=True) as conn:
            rankings: dict[str, list[RankedContender]] = {
                task: api.rank_contenders(conn, task, top_x=len(NODES), as_of=ranked_at)
                for task in (SIMILAR_TASK, NEW_TASK)
            }
            config: RankingConfig = api.get_config(conn)
            explained = api.explain_ranking(conn, NEW_TASK, as_of=ranked_at)
    epoch_ends = tuple((START + timedelta(hours=p)).replace(tzinfo=UTC) for p in range(1, PERIODS + 1))
    scenario = Scenario(
        nodes=tuple(node.hotkey for node in NODES),
        epoch_ends=epoch_ends,
        new_task=NEW_TASK,
        similar_task=SIMILAR_TASK,
        similarity=SIMILARITY,
    )
    return NineteenResult(
        scenario=scenario,
        config=config,
        rankings=rankings,
        adoption=tuple(adoption),
        explained=tuple(explained),
    )
