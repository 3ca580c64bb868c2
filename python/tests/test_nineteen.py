"""contender_rank on a nineteen database, under nineteen's own writes.

nineteen's side is played through asyncpg, the driver nineteen uses, with its own statements
(contender_rank_lab/nineteen/statements.sql): nodes refresh and handshakes, period scores computed in
Python, the move to history with the default expired_at, DELETE FROM contenders, one INSERT per new
contender (executemany), the per-request counter UPDATEs and the retention DELETE, each its own
transaction, from sessions in several time zones. After every step rank_contenders must equal the
definition from history and the independent model (ranking_model.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import psycopg
import pytest

from contender_rank import api
from contender_rank_lab.nineteen.replay import Contender, Node, Validator, connect, period_score
from model_checks import assert_matches_model, fetch, micros, world_of
from ranking_model import rank

TIMEZONES = ("UTC", "Asia/Tokyo", "America/Los_Angeles")
NODES = tuple(Node(f"hotkey-{k}", node_id=k) for k in range(1, 5))
BASE_TASKS = ("chat-llama-3-2-3b", "chat-llama-3-1-8b", "chat-llama-3-1-70b")
NEW_TASK = "chat-llama-3-1-405b"
SIMILARITIES = (
    ("chat-llama-3-2-3b", NEW_TASK, 0.5),
    ("chat-llama-3-1-70b", "chat-llama-3-1-8b", 0.8),
    ("chat-llama-3-1-8b", "chat-llama-3-1-70b", 0.2),
)
THIRTEEN_COLUMNS = [
    "contender_id",
    "node_hotkey",
    "node_id",
    "task",
    "raw_capacity",
    "capacity_to_score",
    "consumed_capacity",
    "total_requests_made",
    "requests_429",
    "requests_500",
    "capacity",
    "period_score",
    "netuid",
]


def contenders_for(tasks: Sequence[str], nodes: Sequence[Node] = NODES) -> list[Contender]:
    return [
        Contender(node, task, capacity=20.0 if node.node_id != 4 else 0.0) for node in nodes for task in tasks
    ]


def assert_exact(check: psycopg.Connection, label: str) -> int:
    """rank_contenders = the definition from history = the model, for every task, as of now. Returns
    how many rankings were compared (so a test can see it compared something)."""
    as_of = check.execute("SELECT clock_timestamp()").fetchone()[0]  # type: ignore[index]
    world = world_of(check)
    compared = 0
    for task in sorted({c.task for c in world.contenders} | {NEW_TASK}):
        model = rank(world, task, micros(as_of))
        for function in ("rank_contenders", "rank_contenders_window"):
            rows = fetch(check, function, task, 1000, as_of)
            assert_matches_model(f"after {label}: {function}({task})", rows, model, 1000)
            compared += 1
    return compared


async def serve_period(
    validator: Validator, tasks: Sequence[str], check: psycopg.Connection, label: str
) -> None:
    """The query node: per task, the drop-in selection, then the counter UPDATEs for the tries."""
    for task in tasks:
        for position, row in enumerate(await validator.select_ranked(task, 5)):
            status = (200, 500, 429)[(row["node_id"] + position) % 3]
            await validator.serve(row["contender_id"], consumed_capacity=1.5, status=status)
        assert_exact(check, f"{label}: the query node served {task}")


def wait_for_next_interval(seconds: float = 1.05) -> None:
    # the tests use a one-second decay interval, so that nineteen's default expired_at (the time of
    # the move) lands each period in an interval of its own
    time.sleep(seconds)


@pytest.mark.parametrize("timezone", TIMEZONES)
def test_nineteen_periods_keep_the_ranking_exact_after_every_step(adopted_dsn: str, timezone: str) -> None:
    asyncio.run(_replay_periods(adopted_dsn, timezone))


async def _replay_periods(dsn: str, timezone: str) -> None:
    conn = await connect(dsn, timezone=timezone)
    validator = Validator(conn)
    step = 0
    with psycopg.connect(dsn, autocommit=True) as check:
        check.execute("UPDATE ranking_config SET decay_interval = '1 second', decay_factor = 0.5")

        async def after(label: str) -> None:
            nonlocal step
            step += 1
            assert assert_exact(check, label) > 0

        await validator.refresh_nodes(NODES)
        await after("the nodes refresh")
        await validator.handshake(NODES[:3])  # hotkey-4 never answers
        await after("the handshakes")
        for from_task, to_task, value in SIMILARITIES:
            api.set_similarity(check, from_task, to_task, value)
        await validator.insert_contenders(contenders_for(BASE_TASKS))
        await after("the first contenders")

        tasks: tuple[str, ...] = BASE_TASKS
        for period in range(1, 5):
            await serve_period(validator, tasks, check, f"period {period}")
            wait_for_next_interval()
            assert await validator.score_period() > 0
            await after(f"period {period}'s scores")
            await validator.move_to_history()
            await after(f"period {period}'s move to history")
            await validator.delete_contenders()
            await after(f"period {period}'s DELETE FROM contenders")
            if period == 2:
                tasks = (*BASE_TASKS, NEW_TASK)  # a new model, with only the 3B model's history to go on
            await validator.insert_contenders(contenders_for(tasks))
            await after(f"period {period + 1}'s contenders")
            if period == 3:
                # the metagraph changes: hotkey-2 leaves, hotkey-5 arrives (and handshakes)
                nodes = (*NODES[:1], *NODES[2:], Node("hotkey-5", node_id=2))
                await validator.refresh_nodes(nodes)
                await after("a nodes refresh with a new hotkey")
                await validator.handshake([nodes[-1], NODES[0]])
                await after("the new handshakes")

        # a history row without expired_at (not something nineteen writes today) changes nothing
        await conn.execute(
            "INSERT INTO contenders_history (contender_id, node_hotkey, node_id, netuid, task,"
            " validator_hotkey, raw_capacity, capacity, capacity_to_score, consumed_capacity, period_score,"
            " created_at, updated_at, expired_at)"
            " VALUES ('hotkey-1-chat-llama-3-2-3b', 'hotkey-1', 1, 19, 'chat-llama-3-2-3b', 'v', 1, 1, 1, 0,"
            " 1.0, now(), now(), NULL)"
        )
        await after("a history row without expired_at")
        assert api.ranking_status(check).history_rows_ignored == 1

        # retention: history created before the third period goes
        cutoff = await conn.fetchval(
            "SELECT min(created_at) FROM contenders_history"
            " WHERE created_at > (SELECT min(created_at) FROM contenders_history)"
        )
        tag = await validator.delete_old_history(cutoff)
        assert tag.startswith("DELETE") and int(tag.split()[1]) > 0
        await after("the retention DELETE")
    await conn.close()
    assert step > 20


def test_new_model_borrows_from_the_similar_task_on_each_node(adopted_dsn: str) -> None:
    async def replay() -> None:
        conn = await connect(adopted_dsn)
        validator = Validator(conn)
        await validator.refresh_nodes(NODES)
        await validator.handshake(NODES)
        await validator.insert_contenders(contenders_for(BASE_TASKS))
        for task in BASE_TASKS:
            for row in await validator.select_ranked(task, 5):
                await validator.serve(row["contender_id"], status=500 if row["node_id"] == 3 else 200)
        await validator.period(contenders_for((*BASE_TASKS, NEW_TASK)))
        await conn.close()

    with psycopg.connect(adopted_dsn, autocommit=True) as check:
        api.set_similarity(check, "chat-llama-3-2-3b", NEW_TASK, 0.5)
        asyncio.run(replay())
        own = {r.node_hotkey: r.own_metric for r in api.rank_contenders(check, "chat-llama-3-2-3b", top_x=10)}
        new = {r.node_hotkey: r for r in api.rank_contenders(check, NEW_TASK, top_x=10)}
        assert set(new) == set(own) == {"hotkey-1", "hotkey-2", "hotkey-3"}  # hotkey-4 has no capacity
        assert own["hotkey-1"] == 1.0 and own["hotkey-3"] == 0.0
        for hotkey, row in new.items():
            assert row.own_metric == 0 and row.global_metric == pytest.approx(0.5 * own[hotkey], rel=1e-12)


def test_the_drop_in_selection_returns_nineteens_columns_in_contender_rank_order(adopted_dsn: str) -> None:
    async def replay() -> tuple[list, list, list]:
        conn = await connect(adopted_dsn)
        validator = Validator(conn)
        await validator.refresh_nodes(NODES)
        await validator.handshake(NODES)
        await validator.insert_contenders(contenders_for(BASE_TASKS, NODES[:3]))
        task = "chat-llama-3-1-8b"
        # no history and distinct request counts: the drop-in orders exactly as nineteen's own selection
        for node, requests in ((1, 3), (2, 1), (3, 2)):
            for _ in range(requests):
                await validator.serve(f"hotkey-{node}-{task}")
        plain = [await validator.select_synthetic(task), await validator.select_ranked(task)]
        # with history the order follows rank_contenders
        await validator.period(contenders_for(BASE_TASKS, NODES[:3]))
        ranked = await validator.select_ranked(task)
        await conn.close()
        return plain[0], plain[1], ranked

    synthetic, drop_in, ranked = asyncio.run(replay())
    assert [list(row.keys()) for row in drop_in] == [THIRTEEN_COLUMNS] * 3
    assert [row["contender_id"] for row in drop_in] == [row["contender_id"] for row in synthetic]
    assert [row["total_requests_made"] for row in drop_in] == [1, 2, 3]
    with psycopg.connect(adopted_dsn, autocommit=True) as check:
        expected = [r.contender_id for r in api.rank_contenders(check, "chat-llama-3-1-8b")]
    assert [row["contender_id"] for row in ranked] == expected


def test_nineteen_period_score_agrees_with_close_periods_formula(dsn: str) -> None:
    cases = [
        (10, 1, 2, 20.0, 7.0),
        (5, 0, 0, 10.0, 10.0),
        (3, 3, 0, 1.0, 0.5),
        (0, 0, 0, 10.0, 0.0),
        (4, 0, 4, 0.0, 0.0),
        (7, 2, 9, 5.0, 1.0),
        (6, 1, 1, 0.5, 2.0),
    ]
    with psycopg.connect(dsn, autocommit=True) as conn:
        for case in cases:
            row = conn.execute("SELECT contender_rank.period_score(%s, %s, %s, %s, %s)", case).fetchone()
            assert row is not None
            expected = row[0]
            actual = period_score(*case)
            assert (actual is None and expected is None) or actual == pytest.approx(expected, rel=1e-15), case


def test_a_ranking_during_the_refresh_never_waits(adopted_dsn: str) -> None:
    """While the control node's INSERT transaction holds the state lock, rank_contenders answers."""

    async def replay() -> float:
        conn = await connect(adopted_dsn)
        validator = Validator(conn)
        await validator.refresh_nodes(NODES)
        await validator.handshake(NODES)
        tr = conn.transaction()
        await tr.start()
        await validator.insert_contenders(contenders_for(BASE_TASKS))  # holds the state lock until COMMIT
        started = time.monotonic()
        with psycopg.connect(adopted_dsn, autocommit=True) as other:
            assert api.rank_contenders(other, "chat-llama-3-1-8b") == []  # the inserts are not committed yet
        waited = time.monotonic() - started
        await tr.commit()
        await conn.close()
        return waited

    assert asyncio.run(replay()) < 2.0
    with psycopg.connect(adopted_dsn, autocommit=True) as check:
        # hotkey-4 has no capacity
        assert len(api.rank_contenders(check, "chat-llama-3-1-8b", top_x=10)) == 3


def test_the_readme_shows_the_drop_in_query_the_tests_run() -> None:
    from pathlib import Path

    from contender_rank_lab.nineteen.replay import statement

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Using contender_rank from nineteen", 1)[1]
    shown = section.split("```sql", 1)[1].split("```", 1)[0]
    ran = "\n".join(line for line in statement("ranked_selection").splitlines() if not line.startswith("--"))
    assert " ".join(shown.split()) == " ".join(ran.split())
