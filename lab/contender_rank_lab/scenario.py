"""The seeded epoch scenario behind ``demo``: history builds up over five epochs, then a brand-new
task with no history borrows half the metric of a 50% similar task on the same node.

Epoch e (1..5) has nodes 1..e+1, each with a contender for the three base tasks. Every request
is good, so every closed period scores 1.0. Epochs end one decay interval apart at explicit
timestamps; epochs 1..4 are closed with ``close_period``. In epoch 5 a new task appears on every
node, with ``task_similarity(chat-llama-3-2-3b -> new task) = 0.5``, and the ranking is taken at the
end of epoch 5 before it is closed, so the new task has no history of its own.

``seed_scenario`` and ``rank_scenario`` work on any connection to an empty, migrated standalone
database (the pytest suite uses them on its per-test clone); ``run_scenario`` makes such a database
on a server and drops it afterwards, and never touches any other database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from contender_rank.api import close_period, get_config, rank_contenders, set_similarity
from contender_rank.models import RankedContender, RankingConfig
from contender_rank.queries import read_named
from contender_rank_lab.databases import scratch_database

STATEMENTS_FILE = Path(__file__).with_name("scenario.sql")


def _statement(name: str) -> sql.SQL:
    return sql.SQL(read_named(STATEMENTS_FILE)[name])  # type: ignore[arg-type]


SIMILAR_TASK = "chat-llama-3-2-3b"
BASE_TASKS: tuple[str, ...] = (SIMILAR_TASK, "chat-llama-3-1-8b", "chat-llama-3-1-70b")
NEW_TASK = "chat-llama-3-1-405b"
SIMILARITY = 0.5
EPOCHS = 5
NETUID = 19
CAPACITY = 100.0
REQUESTS_PER_EPOCH = 10
# A fixed start makes every run print the same numbers.
START = datetime(2025, 1, 1, tzinfo=UTC)


class ScenarioError(RuntimeError):
    """The scenario cannot run here (e.g. the database already holds contenders)."""


@dataclass(frozen=True)
class Scenario:
    """What ``seed_scenario`` wrote: the nodes and the end of each epoch."""

    nodes: tuple[str, ...]
    epoch_ends: tuple[datetime, ...]
    new_task: str = NEW_TASK
    similar_task: str = SIMILAR_TASK
    similarity: float = SIMILARITY

    @property
    def ranked_at(self) -> datetime:
        """End of the last epoch, which is ranked but not closed."""
        return self.epoch_ends[-1]


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    config: RankingConfig
    rankings: dict[str, list[RankedContender]]


@dataclass(frozen=True)
class ColdStartCheck:
    """On one node: the new task's global metric against similarity x the similar task's own metric."""

    node_hotkey: str
    similar_own_metric: float
    new_global_metric: float
    expected: float

    @property
    def difference(self) -> float:
        return abs(self.new_global_metric - self.expected)


def node_hotkey(node: int) -> str:
    return f"node-{node}"


def contender_id(hotkey: str, task: str) -> str:
    """Nineteen's contender id: ``node_hotkey-task``."""
    return f"{hotkey}-{task}"


def _ensure_empty(conn: psycopg.Connection[Any]) -> None:
    with conn.cursor(row_factory=dict_row) as cur:
        counts = cur.execute(_statement("scenario_table_rows")).fetchone()
    assert counts is not None
    if any(counts.values()):
        found = ", ".join(f"{count} {name}" for name, count in counts.items() if count)
        raise ScenarioError(f"the scenario needs an empty database, this one holds {found}")


def _add_node(conn: psycopg.Connection[Any], node: int) -> str:
    hotkey = node_hotkey(node)
    conn.execute(
        _statement("scenario_add_node"),
        {
            "hotkey": hotkey,
            "netuid": NETUID,
            "node_id": node,
            "key": str(uuid.uuid5(uuid.NAMESPACE_URL, hotkey)),
        },
    )
    return hotkey


def _add_contender(conn: psycopg.Connection[Any], node: int, task: str) -> None:
    hotkey = node_hotkey(node)
    conn.execute(
        _statement("scenario_add_contender"),
        {
            "contender_id": contender_id(hotkey, task),
            "hotkey": hotkey,
            "node_id": node,
            "netuid": NETUID,
            "task": task,
            "capacity": CAPACITY,
        },
    )


def _serve_epoch(conn: psycopg.Connection[Any]) -> None:
    """What the query node does during a period: count requests, all of them good (no 429, no 500)."""
    conn.execute(_statement("scenario_serve_epoch"), {"requests": REQUESTS_PER_EPOCH})


def seed_scenario(conn: psycopg.Connection[Any]) -> Scenario:
    """Write the five epochs into the (empty, migrated) database behind ``conn``."""
    _ensure_empty(conn)
    decay_interval = get_config(conn).decay_interval
    epoch_ends = tuple(START + epoch * decay_interval for epoch in range(1, EPOCHS + 1))
    with conn.transaction():
        for epoch in range(1, EPOCHS + 1):
            nodes = range(1, epoch + 2)
            for node in nodes:
                _add_node(conn, node)
                for task in BASE_TASKS:
                    _add_contender(conn, node, task)
            if epoch == EPOCHS:
                for node in nodes:
                    _add_contender(conn, node, NEW_TASK)
                set_similarity(conn, SIMILAR_TASK, NEW_TASK, SIMILARITY)
            _serve_epoch(conn)
            if epoch < EPOCHS:
                close_period(conn, as_of=epoch_ends[epoch - 1])
    return Scenario(nodes=tuple(node_hotkey(node) for node in range(1, EPOCHS + 2)), epoch_ends=epoch_ends)


def rank_scenario(conn: psycopg.Connection[Any], scenario: Scenario) -> ScenarioResult:
    """Every contender of the similar task and of the new task, ranked at the end of the last epoch."""
    rankings = {
        task: rank_contenders(conn, task, top_x=len(scenario.nodes), as_of=scenario.ranked_at)
        for task in (scenario.similar_task, scenario.new_task)
    }
    return ScenarioResult(scenario=scenario, config=get_config(conn), rankings=rankings)


def cold_start_checks(result: ScenarioResult) -> list[ColdStartCheck]:
    """Per node, the demo's claim: new task's global metric = similarity x similar task's own metric."""
    scenario = result.scenario
    similar_own = {row.node_hotkey: row.own_metric for row in result.rankings[scenario.similar_task]}
    checks = []
    for row in result.rankings[scenario.new_task]:
        own = similar_own[row.node_hotkey]
        checks.append(ColdStartCheck(row.node_hotkey, own, row.global_metric, scenario.similarity * own))
    return checks


def run_scenario(admin_dsn: str) -> ScenarioResult:
    """Seed and rank the scenario in a scratch database of its own, then drop that database."""
    with scratch_database(admin_dsn, "demo") as dsn, psycopg.connect(dsn, autocommit=True) as conn:
        return rank_scenario(conn, seed_scenario(conn))
