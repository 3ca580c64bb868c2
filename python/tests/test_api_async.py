"""The asyncio API (psycopg.AsyncConnection) and the pooled query-node example."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

import contender_rank
from contender_rank import (
    InvalidValueError,
    Similarity,
    UnknownSettingError,
    close_period_async,
    delete_similarity_async,
    get_config,
    get_config_async,
    list_similarities_async,
    rank_contenders,
    rank_contenders_async,
    set_similarity_async,
    update_config_async,
)
from contender_rank.examples import pooled_query_node
from contender_rank_lab.scenario import BASE_TASKS, NEW_TASK, SIMILAR_TASK, Scenario, seed_scenario


@pytest.fixture
def scenario(conn: psycopg.Connection) -> Scenario:
    return seed_scenario(conn)


@pytest.fixture
async def aconn(dsn: str) -> AsyncIterator[psycopg.AsyncConnection]:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as connection:
        yield connection


async def test_async_ranking_equals_the_sync_ranking(
    conn: psycopg.Connection, aconn: psycopg.AsyncConnection, scenario: Scenario
) -> None:
    for task in (SIMILAR_TASK, NEW_TASK):
        expected = rank_contenders(conn, task, top_x=10, as_of=scenario.ranked_at)
        assert await rank_contenders_async(aconn, task, top_x=10, as_of=scenario.ranked_at) == expected
        assert len(expected) == len(scenario.nodes)


async def test_concurrent_rankings_on_separate_connections(
    dsn: str, scenario: Scenario, conn: psycopg.Connection
) -> None:
    tasks = [*BASE_TASKS, NEW_TASK] * 3

    async def one(task: str) -> list:
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as connection:
            return await rank_contenders_async(connection, task, top_x=3, as_of=scenario.ranked_at)

    results = await asyncio.gather(*(one(task) for task in tasks))
    for task, ranked in zip(tasks, results, strict=True):
        assert ranked == rank_contenders(conn, task, top_x=3, as_of=scenario.ranked_at)


async def test_async_bad_arguments(aconn: psycopg.AsyncConnection) -> None:
    with pytest.raises(InvalidValueError, match="top_x"):
        await rank_contenders_async(aconn, "t", top_x=0)
    with pytest.raises(InvalidValueError, match="time zone"):
        await rank_contenders_async(aconn, "t", as_of=datetime(2025, 1, 1))
    assert await rank_contenders_async(aconn, "t") == []


async def test_async_close_period(conn: psycopg.Connection, aconn: psycopg.AsyncConnection) -> None:
    conn.execute(
        "INSERT INTO contenders (contender_id, node_hotkey, netuid, task, capacity, total_requests_made, "
        "consumed_capacity) VALUES ('n-a', 'n', 19, 'a', 10, 4, 4)"
    )
    stamp = datetime(2025, 6, 1, tzinfo=UTC)
    assert await close_period_async(aconn, as_of=stamp) == 1
    assert conn.execute("SELECT expired_at, period_score FROM contenders_history").fetchall() == [
        (stamp, 1.0)
    ]
    assert conn.execute("SELECT total_requests_made FROM contenders").fetchone() == (0,)


async def test_async_similarity_round_trip(aconn: psycopg.AsyncConnection) -> None:
    assert await set_similarity_async(aconn, "a", "b", 0.5) == Similarity("a", "b", 0.5)
    with pytest.raises(InvalidValueError, match="0 to 1"):
        await set_similarity_async(aconn, "a", "b", 2.0)
    assert await list_similarities_async(aconn) == [Similarity("a", "b", 0.5)]
    assert await delete_similarity_async(aconn, "a", "b") is True
    assert await delete_similarity_async(aconn, "a", "b") is False
    assert await list_similarities_async(aconn) == []


async def test_async_config(conn: psycopg.Connection, aconn: psycopg.AsyncConnection) -> None:
    assert await get_config_async(aconn) == get_config(conn)
    changed = await update_config_async(aconn, decay_factor=0.8, decay_interval=timedelta(minutes=10))
    assert (changed.decay_factor, changed.decay_interval) == (0.8, timedelta(minutes=10))
    assert get_config(conn) == changed
    with pytest.raises(UnknownSettingError, match="allowed: decay_interval, decay_factor, history_weight"):
        await update_config_async(aconn, weight=1)
    with pytest.raises(InvalidValueError, match="finite number >= 0"):
        await update_config_async(aconn, history_weight=-5)
    assert get_config(conn) == changed


async def test_async_rejected_write_inside_a_transaction_keeps_the_connection_usable(dsn: str) -> None:
    async with await psycopg.AsyncConnection.connect(dsn) as connection, connection.transaction():
        await set_similarity_async(connection, "a", "b", 0.5)
        with pytest.raises(InvalidValueError):
            await set_similarity_async(connection, "a", "b", 7.0)
        # the savepoint rolled back only the rejected write
        assert await list_similarities_async(connection) == [Similarity("a", "b", 0.5)]


async def test_pooled_example_serves_the_same_ranking(conn: psycopg.Connection, dsn: str) -> None:
    seed_scenario(conn)
    # no decay, so ranking "now" does not depend on which interval the calls fall in
    conn.execute("UPDATE ranking_config SET decay_factor = 1")
    tasks = [SIMILAR_TASK, NEW_TASK]
    served = await pooled_query_node.serve(dsn, tasks, top_x=4)
    assert served == {task: rank_contenders(conn, task, top_x=4) for task in tasks}
    assert all(len(ranked) == 4 for ranked in served.values())
    assert all(row.global_metric > 0 for row in served[NEW_TASK])


def test_pooled_example_runs_as_a_script(conn: psycopg.Connection, dsn: str) -> None:
    seed_scenario(conn)
    conn.execute("UPDATE ranking_config SET decay_factor = 1")
    result = subprocess.run(
        [sys.executable, "-m", "contender_rank.examples.pooled_query_node", SIMILAR_TASK],
        env={**os.environ, "DATABASE_URL": dsn},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    expected = ", ".join(row.contender_id for row in rank_contenders(conn, SIMILAR_TASK))
    assert result.stdout.strip() == f"{SIMILAR_TASK}: {expected}"


async def test_the_new_calls_have_async_twins(dsn: str) -> None:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as aconn:
        with psycopg.connect(dsn, autocommit=True) as conn:
            scenario = seed_scenario(conn)
        target = f"node-1-{SIMILAR_TASK}"
        assert (
            await contender_rank.record_requests_async(aconn, target, requests=2, consumed_capacity=1.0)
            is True
        )
        assert await contender_rank.record_requests_async(aconn, "nobody") is False
        explained = await contender_rank.explain_ranking_async(
            aconn, SIMILAR_TASK, as_of=scenario.ranked_at, history_weight=0
        )
        assert {row.contender_id for row in explained} == {
            f"{node}-{SIMILAR_TASK}" for node in scenario.nodes
        }
        assert all(row.proposed_place is not None for row in explained)
        status = await contender_rank.ranking_status_async(aconn)
        assert status.layout == "standalone" and status.contenders == len(scenario.nodes) * 4
        assert await contender_rank.prune_history_async(aconn, as_of=scenario.ranked_at) == 0
        with pytest.raises(contender_rank.InvalidValueError) as raised:
            await contender_rank.record_requests_async(aconn, target, requests=-1)
        assert raised.value.field == "requests"
