"""Retention against the independent model (ranking_model.py): DELETEs of old history, which keep
the derived state as it is when they cannot move a metric by more than 1e-12 (1 - f) of it
(db/functions/contender_rank/35_retention.sql), and recompute it otherwise.

Hypothesis builds long histories (up to 90 one-hour intervals, one to three rows each, NULL scores,
gaps) under decay factors from 0.3 to 1, then deletes old rows the way nineteen's retention does
(everything before a cutoff, which may cut an interval in two), per contender, or one row at a time.
After the deletions the ranking must equal the model computed from the rows left (at 1e-9, as every
ranking test), and each stored own metric must be within the bound 35_retention.sql promises: 1e-12
of the model's per deletion.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contender_rank_lab.databases import create_database, drop_database, new_database_name
from model_checks import assert_matches_model, fetch, world_of
from ranking_model import own_metric, rank, to_datetime

HOUR = 3_600_000_000  # microseconds
ANCHOR = 1_790_035_200_000_000  # a whole number of hours since the epoch, in 2026
NODES = ("n1", "n2")
TASKS = ("big", "small")
EXAMPLES = int(os.environ.get("CONTENDER_RANK_PROPERTY_EXAMPLES", "300")) // 3


@dataclass(frozen=True)
class Row:
    contender_id: str
    score: float | None
    at: int  # microseconds since the epoch


@dataclass(frozen=True)
class Deletion:
    cutoff: int  # rows before it go
    contender_id: str | None  # None: every contender's


@dataclass(frozen=True)
class Case:
    decay_factor: float
    similarity: float
    rows: tuple[Row, ...]
    deletions: tuple[Deletion, ...]
    as_of: int


@st.composite
def cases(draw: st.DrawFn) -> Case:
    contender_ids = [f"{node}-{task}" for node in NODES for task in TASKS]
    rows: list[Row] = []
    for contender_id in contender_ids:
        intervals = draw(st.integers(0, 90))
        for age in range(intervals):
            if draw(st.integers(0, 9)) == 0:  # an interval without rows
                continue
            for _ in range(draw(st.integers(1, 3))):
                score = draw(st.one_of(st.none(), st.sampled_from((0.0, 1.0)), st.floats(0.0, 1.0)))
                offset = draw(st.integers(0, HOUR - 1))
                rows.append(Row(contender_id, score, ANCHOR - age * HOUR + offset))
    newest = max((row.at for row in rows), default=ANCHOR)
    oldest = min((row.at for row in rows), default=ANCHOR)
    deletions = tuple(
        Deletion(
            cutoff=draw(st.integers(oldest, newest + 1)),
            contender_id=draw(st.one_of(st.none(), st.sampled_from(contender_ids))),
        )
        for _ in range(draw(st.integers(1, 3)))
    )
    return Case(
        decay_factor=draw(st.sampled_from((0.5, 0.5, 0.3, 0.6, 0.9, 1.0))),
        similarity=draw(st.sampled_from((0.0, 0.5))),
        rows=tuple(rows),
        deletions=deletions,
        as_of=newest + draw(st.sampled_from((0, 1, HOUR, 5 * HOUR))),
    )


@pytest.fixture(scope="module", params=["standalone", "adopted"])
def retention_conn(request: pytest.FixtureRequest, admin_dsn: str) -> Iterator[psycopg.Connection]:
    """One database per layout; each example's writes are rolled back."""
    template = request.getfixturevalue(
        "template_db" if request.param == "standalone" else "adopted_template_db"
    )
    name = new_database_name("retention")
    dsn = create_database(admin_dsn, name, template=template)
    try:
        with psycopg.connect(dsn) as conn:
            yield conn
    finally:
        drop_database(admin_dsn, name)


def _adopted(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT contender_rank.layout() = 'adopted'").fetchone()
    return bool(row and row[0])


def _load(conn: psycopg.Connection, case: Case) -> None:
    # every write settled at its statement: the examples are rolled back, never committed
    conn.execute("SET CONSTRAINTS contender_rank.stale_nodes_settle IMMEDIATE")
    conn.execute(
        "UPDATE ranking_config SET decay_factor = %s, decay_interval = '1 hour'", (case.decay_factor,)
    )
    adopted = _adopted(conn)
    for index, node in enumerate(NODES):
        if adopted:
            conn.execute(
                "INSERT INTO nodes (hotkey, coldkey, node_id, incentive, netuid, stake, trust, vtrust, ip,"
                " ip_type, port, network, symmetric_key_uuid)"
                " VALUES (%s, 'c', %s, 0, 19, 1, 1, 1, 'ip', 4, 1, 'n', 'k')",
                (node, index),
            )
        else:
            conn.execute(
                "INSERT INTO nodes (hotkey, netuid, node_id, symmetric_key_uuid) VALUES (%s, 19, %s, 'k')",
                (node, index),
            )
        for task in TASKS:
            extra = ", validator_hotkey, raw_capacity, capacity_to_score" if adopted else ""
            values = ", 'v', 10, 10" if adopted else ""
            conn.execute(
                f"INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, capacity,"
                f" consumed_capacity, total_requests_made{extra})"
                f" VALUES (%s, %s, %s, 19, %s, 10, 0, %s{values})",
                (f"{node}-{task}", node, index, task, 3 * index + len(task)),
            )
    if case.similarity:
        conn.execute(
            "INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('big', 'small', %s)",
            (case.similarity,),
        )
    if not case.rows:
        return
    stamp = "a AT TIME ZONE 'UTC'" if adopted else "a"
    extra = (
        ", node_id, validator_hotkey, raw_capacity, capacity, capacity_to_score, consumed_capacity,"
        " created_at, updated_at"
    )
    conn.execute(
        "INSERT INTO contenders_history (contender_id, node_hotkey, netuid, task, period_score, expired_at"
        + (extra if adopted else "")
        + f") SELECT i, split_part(i, '-', 1), 19, split_part(i, '-', 2), s, {stamp}"
        + (f", 0, 'v', 10, 10, 10, 0, {stamp}, {stamp}" if adopted else "")
        + " FROM unnest(%(ids)s::text[], %(scores)s::float8[], %(at)s::timestamptz[]) AS u(i, s, a)",
        {
            "ids": [row.contender_id for row in case.rows],
            "scores": [row.score for row in case.rows],
            "at": [to_datetime(row.at) for row in case.rows],
        },
    )


def _delete(conn: psycopg.Connection, deletion: Deletion) -> None:
    conn.execute(
        "DELETE FROM contenders_history"
        " WHERE contender_rank.as_utc(expired_at) < %(cutoff)s"
        " AND (%(contender_id)s::text IS NULL OR contender_id = %(contender_id)s)",
        {"cutoff": to_datetime(deletion.cutoff), "contender_id": deletion.contender_id},
    )


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_retention_keeps_the_ranking_of_the_rows_left(retention_conn: psycopg.Connection, case: Case) -> None:
    conn = retention_conn
    try:
        _load(conn, case)
        for deletion in case.deletions:
            _delete(conn, deletion)
        world = world_of(conn)
        as_of = to_datetime(case.as_of)
        bound = 1e-12 * len(case.deletions)
        for task in TASKS:
            model = rank(world, task, case.as_of)
            assert_matches_model(
                f"rank_contenders({task})", fetch(conn, "rank_contenders", task, 100, as_of), model, 100
            )
            for contender_id, stored in conn.execute(
                "SELECT contender_id, own_metric FROM explain_ranking(%s, %s)", (task, as_of)
            ).fetchall():
                expected = float(own_metric(world, contender_id, case.as_of))
                assert math.isclose(stored, expected, rel_tol=bound, abs_tol=1e-300), (
                    f"{contender_id}: stored own metric {stored!r}, model {expected!r}"
                )
    finally:
        conn.rollback()


def test_the_oldest_hour_goes_without_a_recompute(adopted_dsn: str) -> None:
    """nineteen's hourly retention on a three-day history: the state rows stay where they were."""
    case = Case(
        decay_factor=0.5,
        similarity=0.5,
        rows=tuple(
            Row(f"{node}-{task}", 0.25 + 0.5 * ((age + len(task)) % 2), ANCHOR - age * HOUR + 60_000_000)
            for node in NODES
            for task in TASKS
            for age in range(72)
        ),
        deletions=(),
        as_of=ANCHOR + HOUR,
    )
    with psycopg.connect(adopted_dsn) as conn:
        _load(conn, case)
        places = dict(
            conn.execute("SELECT contender_id, ctid::text FROM contender_rank.contender_state").fetchall()
        )
        _delete(conn, Deletion(cutoff=ANCHOR - 71 * HOUR + HOUR, contender_id=None))
        assert (
            dict(
                conn.execute("SELECT contender_id, ctid::text FROM contender_rank.contender_state").fetchall()
            )
            == places
        )
        world = world_of(conn)
        assert len(world.history) == 4 * 71
        for task in TASKS:
            model = rank(world, task, case.as_of)
            assert_matches_model(
                task, fetch(conn, "rank_contenders", task, 100, to_datetime(case.as_of)), model, 100
            )
        conn.rollback()


def test_a_deletion_that_matters_recomputes(adopted_dsn: str) -> None:
    """The rows of the newest intervals going: the contenders are recomputed, the ranking follows."""
    rows = tuple(
        Row(f"{node}-big", 1.0 if node == "n1" else 0.1, ANCHOR - age * HOUR)
        for node in NODES
        for age in range(3)
    )
    case = Case(decay_factor=0.5, similarity=0.0, rows=rows, deletions=(), as_of=ANCHOR + HOUR)
    with psycopg.connect(adopted_dsn) as conn:
        _load(conn, case)
        before = [
            row.contender_id for row in fetch(conn, "rank_contenders", "big", 5, to_datetime(case.as_of))
        ]
        assert before[0] == "n1-big"
        conn.execute("DELETE FROM contenders_history WHERE contender_id = 'n1-big'")
        after = fetch(conn, "rank_contenders", "big", 5, to_datetime(case.as_of))
        assert [row.own_metric for row in after if row.contender_id == "n1-big"] == [0.0]
        assert_matches_model("big", after, rank(world_of(conn), "big", case.as_of), 5)
        conn.rollback()
