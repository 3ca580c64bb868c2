"""nineteen's organic selection as the simulator runs it, held to the rules of
/work/shared/reference/nineteen-organic-selection.md on hand-made cases: the rows' order, the
weights, draws that repeat, the fallback to load balancing, scores <= 0 dropped, the best score of
7 days (the fixed variant: the latest), and the control node's five steps."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

import psycopg
import pytest

from contender_rank_lab.simulation.nineteen_organic import (
    FIXED_ROWS,
    NineteenOrganicRouter,
    Period,
    Reward,
    Row,
    _weights,
    fixed_pick,
    net_scores,
    nineteen_pick,
    percentile_speed,
    period_score,
    quality_score,
    speed_bonuses,
)
from contender_rank_lab.simulation.runner import EPOCH
from contender_rank_lab.simulation.world import NINETEEN, build_world

# eight rows in node_hotkey order whose scores rise with the hotkey: the best are last
ROWS = [Row(f"node-{i}-task", f"node-{i}", score=(i + 1) / 100) for i in range(8)]


def test_the_draw_keeps_the_first_75_percent_in_hotkey_order_not_the_best_scores() -> None:
    rng = random.Random(1)
    seen: Counter[str] = Counter()
    for _ in range(2000):
        seen.update(row.node_hotkey for row in nineteen_pick(ROWS, rng))
    # int(8 * 0.75) = 6 rows kept: node-0 .. node-5; node-6 and node-7, the two best, never drawn
    assert set(seen) == {f"node-{i}" for i in range(6)}
    # the first int(6 * 0.35) = 2 rows weigh 5 / 7, the other four 1 / 7: 5 / 14 and 1 / 14 of draws
    total = sum(seen.values())
    for i, expected in enumerate([5 / 14, 5 / 14, 1 / 14, 1 / 14, 1 / 14, 1 / 14]):
        assert seen[f"node-{i}"] / total == pytest.approx(expected, abs=0.02)
    assert _weights(6) == pytest.approx([5 / 7, 5 / 7, 1 / 7, 1 / 7, 1 / 7, 1 / 7])


def test_the_draw_repeats_miners_and_sorts_what_it_drew_by_score() -> None:
    rng = random.Random(2)
    draws = [nineteen_pick(ROWS, rng) for _ in range(200)]
    assert all(len(drawn) == 5 for drawn in draws), "top_x draws, with replacement"
    assert any(len({row.contender_id for row in drawn}) < 5 for drawn in draws), "a miner can come twice"
    for drawn in draws:
        assert [row.score for row in drawn] == sorted((row.score for row in drawn), reverse=True)


def test_five_rows_or_fewer_come_back_all_in_their_own_order() -> None:
    few = [ROWS[3], ROWS[0], ROWS[6]]  # not in score order
    assert nineteen_pick(few, random.Random(3)) == few
    assert nineteen_pick(ROWS[:5], random.Random(3)) == ROWS[:5]
    assert nineteen_pick([], random.Random(3)) == [], "no row: the caller falls back"


def test_the_fixed_draw_orders_by_score_and_never_repeats() -> None:
    rng = random.Random(4)
    seen: Counter[str] = Counter()
    for _ in range(500):
        drawn = fixed_pick(ROWS, rng)
        assert len({row.contender_id for row in drawn}) == 5
        assert [row.score for row in drawn] == sorted((row.score for row in drawn), reverse=True)
        seen.update(row.node_hotkey for row in drawn)
    # the six best are kept (node-2 .. node-7), whatever their hotkeys
    assert set(seen) == {f"node-{i}" for i in range(2, 8)}
    assert fixed_pick([ROWS[3], ROWS[0]], rng) == [ROWS[3], ROWS[0]]


def _stats(conn: psycopg.Connection, rows: list[tuple[str, str, float, datetime]]) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO public.contenders_weights_stats (netuid, task, node_hotkey, normalised_net_score, "
            "created_at) VALUES (19, %s, %s, %s, %s)",
            rows,
        )


def test_the_router_reads_the_best_positive_score_of_each_node_or_falls_back(
    conn: psycopg.Connection,
) -> None:
    world = build_world(seed=2, nodes=8, periods=6, queries=4, shape=NINETEEN)
    task = world.shape.tasks[0]
    organic = NineteenOrganicRouter(conn, world, fixed=False, decay_interval=timedelta(hours=1))
    fallback = organic.rank_round([task], EPOCH)[0]
    load_balance = [
        row[0]
        for row in conn.execute(
            "SELECT contender_id FROM public.rank_contenders(%s, 5, %s)", (task, EPOCH)
        ).fetchall()
    ]
    assert fallback == load_balance, "before any score: nineteen's load balancing"

    organic._scored = True
    old, new = datetime(2026, 1, 1, 1), datetime(2026, 1, 1, 2)
    _stats(
        conn,
        [
            (task, "sim-node-000", 0.0, new),  # never above 0: dropped
            (task, "sim-node-001", -0.5, new),  # negative: dropped
            (task, "sim-node-002", 0.9, old),  # best of the week, though its latest is lower
            (task, "sim-node-002", 0.1, new),
            (task, "sim-node-003", 0.2, old),  # latest 0: the fixed variant drops it
            (task, "sim-node-003", 0.0, new),
        ],
    )
    picked = organic.rank_round([task], EPOCH)[0]
    # two rows (<= top_x): both, in hotkey order, though node 3's score is lower than node 2's best
    assert picked == [f"sim-node-002-{task}", f"sim-node-003-{task}"]
    rows = conn.execute(organic._rows, {"task": task}).fetchall()
    assert rows == [
        (f"sim-node-002-{task}", "sim-node-002", 0.9),
        (f"sim-node-003-{task}", "sim-node-003", 0.2),
    ]

    assert conn.execute(FIXED_ROWS, {"task": task}).fetchall() == [
        (f"sim-node-002-{task}", "sim-node-002", 0.1)
    ], "the fixed variant reads each node's latest score"

    # a contender without capacity left has no row; with no row left at all: load balancing again
    conn.execute(
        "UPDATE public.contenders SET consumed_capacity = capacity WHERE contender_id = ANY(%s)",
        ([f"sim-node-002-{task}", f"sim-node-003-{task}"],),
    )
    assert conn.execute(organic._rows, {"task": task}).fetchall() == []
    after = organic.rank_round([task], EPOCH)[0]
    assert len(after) == 5
    assert after == [
        row[0]
        for row in conn.execute(
            "SELECT contender_id FROM public.rank_contenders(%s, 5, %s)", (task, EPOCH)
        ).fetchall()
    ]


def test_the_control_nodes_five_steps() -> None:
    # step 1: mean(q^1.5), squared at or below 0.865, then 0 at or below 0.8
    assert quality_score([1.0, 1.0]) == 1.0
    assert quality_score([0.95]) == pytest.approx(0.95**1.5)  # 0.926: kept as it is
    assert quality_score([0.9]) == 0.0  # 0.854 -> 0.729 -> 0
    assert quality_score([1.0, 0.0]) == 0.0
    # step 2: 30th percentile of quality * metric, bonus +0.25 .. -0.25 by rank
    records = [Reward("t", 1.0, m, EPOCH) for m in (5.0, 1.0, 3.0, 2.0, 4.0)]
    assert percentile_speed(records) == 2.0  # sorted 1,2,3,4,5: index int(5 * 0.3) = 1
    assert speed_bonuses({"a": 1.0, "b": 3.0, "c": 2.0}) == {"b": 0.25, "c": 0.0, "a": -0.25}
    assert speed_bonuses({"a": 1.0}) == {"a": 0.0}
    # step 3: newest first, consumed-capacity share times 0.5^i, NULL skipped, a quarter for <= 8 periods
    history = [Period(1.0, 1.0), Period(None, 5.0), Period(0.0, 3.0)]
    assert period_score(history) == pytest.approx(0.25 * (1 / 4) / (1 / 4 + 3 / 4 * 0.5))
    assert period_score([Period(0.5, 1.0)] * 9) == pytest.approx(0.5)
    assert period_score([]) == 0.0
    # steps 4 and 5: volume = quality * period score * capacity, normalised, ^4, normalised
    now = EPOCH + timedelta(hours=3)
    rewards = {
        "a": [Reward("t", 1.0, 2.0, EPOCH)],
        "b": [Reward("t", 1.0, 1.0, EPOCH)],
        "c": [Reward("t", 0.5, 1.0, EPOCH)],  # quality 0: a row with score 0
        "d": [Reward("t", 1.0, 1.0, now - timedelta(hours=73))],  # too old: no row
    }
    periods = {node: [Period(1.0, 1.0)] for node in "abcd"}
    scores = net_scores(rewards, "t", periods, {"a": 2.0, "b": 1.0, "c": 1.0, "d": 1.0}, now)
    # speeds a 2, b 1, c 0.5: bonuses +0.25, 0, -0.25; quality times (1 + bonus) times capacity
    a, b = 1.25 * 2.0, 1.0 * 1.0
    assert set(scores) == {"a", "b", "c"}
    assert scores["c"] == 0.0
    assert scores["a"] == pytest.approx(a**4 / (a**4 + b**4))
    assert sum(scores.values()) == pytest.approx(1.0)
