"""Comparing the database's rankings with the independent model (ranking_model.py), and reading what a
database holds into the model's World, so that any test can check a database against the model."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import psycopg
from psycopg.rows import class_row, dict_row

from ranking_model import Config, Contender, HistoryRow, Node, Ranked, World

TOLERANCE = 1e-9
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class RankedRow:
    contender_id: str
    node_hotkey: str
    node_id: int
    task: str
    total_requests_made: int
    own_metric: float
    similar_metric: float
    global_metric: float
    rank_value: float
    capacity_left: bool


# -- comparison ------------------------------------------------------------------------------


def close(actual: float, expected: Decimal) -> bool:
    return math.isclose(actual, float(expected), rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def tie_groups(model: list[Ranked]) -> list[list[Ranked]]:
    """Runs of the model's order whose rank_values agree to within the tolerance: float8 rounding may
    order those either way, so only their membership is compared."""
    groups: list[list[Ranked]] = []
    for entry in model:
        previous = groups[-1][-1] if groups else None
        if (
            previous is not None
            and previous.capacity_left == entry.capacity_left
            and abs(previous.rank_value - entry.rank_value)
            <= Decimal(TOLERANCE) * max(Decimal(1), abs(entry.rank_value))
        ):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups


def assert_matches_model(label: str, rows: list[RankedRow], model: list[Ranked], top_x: int) -> None:
    assert len(rows) == min(top_x, len(model)), f"{label}: {len(rows)} rows, model has {len(model)}"
    # the database's order is consistent with its own numbers: exact ties go by contender_id
    keys = [(not r.capacity_left, r.rank_value, r.contender_id) for r in rows]
    assert keys == sorted(keys), f"{label}: not in (capacity_left, rank_value, contender_id) order: {keys}"
    position = 0
    for group in tie_groups(model):
        if position >= len(rows):
            break
        taken = [r.contender_id for r in rows[position : position + len(group)]]
        expected = {m.contender_id for m in group}
        assert set(taken) <= expected, f"{label}: at {position} got {taken}, model has {sorted(expected)}"
        position += len(group)
    by_id = {m.contender_id: m for m in model}
    for row in rows:
        want = by_id[row.contender_id]
        assert (row.node_hotkey, row.node_id, row.task, row.total_requests_made, row.capacity_left) == (
            want.node_hotkey,
            want.node_id,
            want.task,
            want.total_requests_made,
            want.capacity_left,
        ), label
        for metric in ("own_metric", "similar_metric", "global_metric", "rank_value"):
            assert close(getattr(row, metric), getattr(want, metric)), (
                f"{label}: {row.contender_id} {metric} = {getattr(row, metric)!r},"
                f" model {getattr(want, metric)}"
            )


def micros(at: datetime) -> int:
    """Microseconds since the epoch; a naive time is UTC (nineteen's convention), read here, in Python,
    independently of contender_rank's own as_utc()."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    delta = at - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def world_of(conn: psycopg.Connection) -> World:
    """What the database behind ``conn`` holds, as the model's World (either layout)."""
    with conn.cursor(row_factory=dict_row) as cur:
        nodes = tuple(
            Node(
                hotkey=r["hotkey"],
                netuid=r["netuid"],
                node_id=r["node_id"],
                handshaken=r["symmetric_key_uuid"] is not None,
            )
            for r in cur.execute("SELECT hotkey, netuid, node_id, symmetric_key_uuid FROM nodes")
        )
        contenders = tuple(
            Contender(
                contender_id=r["contender_id"],
                node_hotkey=r["node_hotkey"],
                node_id=r["node_id"],
                netuid=r["netuid"],
                task=r["task"],
                capacity=r["capacity"],
                consumed_capacity=r["consumed_capacity"],
                total_requests_made=r["total_requests_made"],
                requests_429=r["requests_429"],
                requests_500=r["requests_500"],
            )
            for r in cur.execute(
                "SELECT contender_id, node_hotkey, node_id, netuid, task, capacity,"
                " consumed_capacity, total_requests_made, requests_429, requests_500 FROM contenders"
            )
        )
        # a row without a finite expired_at is in no interval: the model never sees it
        history = tuple(
            HistoryRow(
                contender_id=r["contender_id"],
                node_hotkey=r["node_hotkey"],
                netuid=r["netuid"],
                task=r["task"],
                period_score=r["period_score"],
                expired_at=micros(r["expired_at"]),
            )
            for r in cur.execute(
                "SELECT contender_id, node_hotkey, netuid, task, period_score,"
                " expired_at FROM contenders_history WHERE isfinite(expired_at)"
            )
        )
        similarity = {
            (r["from_task"], r["to_task"]): r["similarity"]
            for r in cur.execute("SELECT from_task, to_task, similarity FROM task_similarity")
        }
        config = cur.execute(
            "SELECT decay_interval, decay_factor, history_weight, failure_weight FROM ranking_config"
        ).fetchone()
    assert config is not None
    length = config["decay_interval"]
    return World(
        nodes=nodes,
        contenders=contenders,
        history=history,
        similarity=similarity,
        config=Config(
            decay_interval=(length.days * 86_400 + length.seconds) * 1_000_000 + length.microseconds,
            decay_factor=config["decay_factor"],
            history_weight=config["history_weight"],
            failure_weight=config["failure_weight"],
        ),
    )


RANKINGS = {
    "rank_contenders": "SELECT * FROM rank_contenders(%(task)s, %(top_x)s, %(as_of)s)",
    "rank_contenders_window": (
        "SELECT * FROM contender_rank.rank_contenders_window(%(task)s, %(top_x)s, %(as_of)s)"
    ),
}


def fetch(conn: psycopg.Connection, function: str, task: str, top_x: int, as_of: datetime) -> list[RankedRow]:
    with conn.cursor(row_factory=class_row(RankedRow)) as cur:
        cur.execute(RANKINGS[function], {"task": task, "top_x": top_x, "as_of": as_of})
        return cur.fetchall()
