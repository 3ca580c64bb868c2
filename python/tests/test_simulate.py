"""The simulator: shape and reproducibility of its result, that it drives the real counters and
close_period, and that on a small seeded world the ranking does what it is for."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from contender_rank.cli import main
from contender_rank.simulate import QUICK
from contender_rank.simulation import FAMILY, NEW_TASK, Settings, build_world, run_simulation
from contender_rank.simulation.routers import SqlRouter, Try
from contender_rank.simulation.runner import EPOCH, STRATEGIES

TINY = Settings(nodes=6, periods=6, queries=4, sweep_weights=(0, 50), sweep_decay_factors=(0.5,), jobs=4)


def _scratch_databases(admin_dsn: str) -> set[str]:
    with psycopg.connect(admin_dsn) as conn:
        return {
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'contender\\_rank\\_simulate%'"
            )
        }


def test_result_has_the_documented_shape_and_the_same_seed_gives_the_same_result(
    admin_dsn: str, template_db: str
) -> None:
    before = _scratch_databases(admin_dsn)
    first = run_simulation(TINY, admin_dsn, template=template_db).as_json()
    second = run_simulation(TINY, admin_dsn, template=template_db).as_json()
    assert first == second
    assert _scratch_databases(admin_dsn) == before, "every scratch database is dropped"

    assert set(first["strategies"]) == set(STRATEGIES)
    for measures in first["strategies"].values():
        assert {"served_quality", "mean_tries", "min_share", "new_task_quality", "per_period"} <= set(
            measures
        )
        assert 0 <= measures["served_quality"] <= 1
        assert 1 <= measures["mean_tries"] <= 5
        assert [p["period"] for p in measures["per_period"]] == list(range(TINY.periods))
        arrived = [p["new_task_served_quality"] is not None for p in measures["per_period"]]
        assert arrived == [period >= TINY.periods // 2 for period in range(TINY.periods)]
    assert [(point["history_weight"], point["decay_factor"]) for point in first["sweep"]] == [
        (0, 0.5),
        (50, 0.5),
    ]
    for point in first["sweep"]:
        assert {"served_quality", "min_share"} <= set(point)
    assert "gain_vs_oracle" in first


def test_the_seed_decides_the_world() -> None:
    same = (
        build_world(seed=7, nodes=6, periods=6, queries=4),
        build_world(seed=7, nodes=6, periods=6, queries=4),
    )
    assert same[0] == same[1]
    other = build_world(seed=8, nodes=6, periods=6, queries=4)
    assert other.skills != same[0].skills
    assert [c.success_probability for c in other.contenders] != [
        c.success_probability for c in same[0].contenders
    ]


def test_ranking_beats_load_balancing_and_similarity_helps_the_new_task(
    admin_dsn: str, template_db: str
) -> None:
    # the default world and seed over half the periods (the sweep's points are strategy runs)
    result = run_simulation(replace(QUICK, sweep_weights=(0, 50)), admin_dsn, template=template_db)
    load_balance, history, with_similarity, oracle = (result.strategies[name] for name in STRATEGIES)

    assert load_balance.min_share > 0, "load balancing sends every contender some traffic"
    assert with_similarity.served_quality > load_balance.served_quality
    assert with_similarity.new_task_quality > history.new_task_quality
    assert oracle.served_quality > load_balance.served_quality
    gain = result.gain_vs_oracle
    assert gain is not None and gain > 0


def test_router_writes_tries_to_the_counters_and_close_period_scores_them(conn: psycopg.Connection) -> None:
    world = build_world(seed=3, nodes=6, periods=6, queries=4)
    router = SqlRouter(
        conn,
        world,
        history_weight=50,
        decay_factor=0.5,
        decay_interval=timedelta(hours=1),
        with_similarity=True,
    )
    task = FAMILY[0]
    picked = router.rank(task, EPOCH)
    assert len(picked) == 5
    router.record([Try(picked[0], False), Try(picked[1], True)])
    # the next ranking carries the counter update with it: the failed contender made one request
    router.rank(task, EPOCH)
    with conn.cursor(row_factory=dict_row) as cur:
        rows = {
            row["contender_id"]: row
            for row in cur.execute(
                "SELECT contender_id, total_requests_made, consumed_capacity, requests_500 "
                "FROM public.contenders WHERE contender_id = ANY(%(ids)s)",
                {"ids": picked[:2]},
            )
        }
    assert (
        rows[picked[0]]["total_requests_made"],
        rows[picked[0]]["consumed_capacity"],
        rows[picked[0]]["requests_500"],
    ) == (1, 1, 1)
    assert (
        rows[picked[1]]["total_requests_made"],
        rows[picked[1]]["consumed_capacity"],
        rows[picked[1]]["requests_500"],
    ) == (1, 1, 0)

    router.close(EPOCH + timedelta(hours=1))
    with conn.cursor(row_factory=dict_row) as cur:
        history = {
            row["contender_id"]: row
            for row in cur.execute(
                "SELECT contender_id, period_score, expired_at FROM public.contenders_history"
            )
        }
        left = cur.execute("SELECT sum(total_requests_made) AS n FROM public.contenders").fetchone()
    assert len(history) == len(FAMILY) * world.nodes
    assert history[picked[0]]["period_score"] == 0
    assert history[picked[1]]["period_score"] > 0
    assert history[picked[1]]["expired_at"] == EPOCH + timedelta(hours=1)
    assert left is not None and left["n"] == 0

    router.add_task(NEW_TASK)
    with conn.cursor(row_factory=dict_row) as cur:
        into_new = cur.execute(
            "SELECT count(*) AS n FROM public.task_similarity WHERE to_task = %(task)s", {"task": NEW_TASK}
        ).fetchone()
    assert into_new is not None and into_new["n"] > 0
    assert len(router.rank(NEW_TASK, EPOCH + timedelta(hours=1, minutes=30))) == 5


def test_cli_prints_json_and_writes_both_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    periods, sweep = tmp_path / "periods.png", tmp_path / "sweep.png"
    tiny = ["--nodes", "6", "--periods", "6", "--queries", "3", "--seed", "5", "--jobs", "4"]
    status = main(
        ["simulate", "--quick", *tiny, "--json", "--plot", str(periods), "--sweep-plot", str(sweep)]
    )
    assert status == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["world"]["nodes"] == 6 and printed["world"]["seed"] == 5
    assert set(printed["strategies"]) == set(STRATEGIES)
    for image in (periods, sweep):
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--nodes", "2"], "nodes must be at least 5"),
        (["--periods", "3"], "periods must be at least 6"),
        (["--queries", "0"], "queries must be at least 1"),
        (["--plot", "periods.svg"], "plots are PNG files"),
        (["--plot", "/nonexistent-dir/periods.png"], "does not exist"),
    ],
)
def test_cli_rejects_bad_settings_before_doing_anything(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "--quick", *arguments]) == 2
    assert message in capsys.readouterr().err
