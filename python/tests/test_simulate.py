"""The simulator: shape and reproducibility of its result, that it drives the real counters and
close_period, that on a small seeded world the ranking does what it is for, and that the
multi-seed summary (paired differences, 95 % t intervals) is the one its single-seed runs give."""

from __future__ import annotations

import json
import math
import re
import statistics
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from contender_rank.cli import main
from contender_rank_lab.simulate import QUICK
from contender_rank_lab.simulation import (
    DEFAULT,
    FAMILY,
    NEW_TASK,
    NINETEEN,
    Settings,
    build_world,
    run_seeds,
    run_simulation,
)
from contender_rank_lab.simulation.routers import SqlRouter, Try
from contender_rank_lab.simulation.runner import (
    DIFFERENCES,
    EPOCH,
    MEASURES,
    NINETEEN_DIFFERENCES,
    NINETEEN_STRATEGIES,
    STRATEGIES,
)
from contender_rank_lab.simulation.stats import paired, summarise, t_quantile

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

    router.add_tasks([NEW_TASK])
    with conn.cursor(row_factory=dict_row) as cur:
        into_new = cur.execute(
            "SELECT count(*) AS n FROM public.task_similarity WHERE to_task = %(task)s", {"task": NEW_TASK}
        ).fetchone()
    assert into_new is not None and into_new["n"] > 0
    assert len(router.rank(NEW_TASK, EPOCH + timedelta(hours=1, minutes=30))) == 5


def test_cli_prints_json_and_writes_both_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the nineteen-shaped world: its plots draw the synthetic split runs as well as the strategies
    periods, sweep = tmp_path / "periods.png", tmp_path / "sweep.png"
    tiny = ["--nodes", "6", "--queries", "4", "--seed", "5", "--jobs", "4", "--seeds", "2"]
    status = main(
        ["simulate", "--world", "nineteen", "--quick", *tiny, "--sweep-failure-weights", "0", "--json"]
        + ["--plot", str(periods), "--sweep-plot", str(sweep)]
    )
    assert status == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["world"]["nodes"] == 6 and printed["world"]["seed"] == 5
    assert printed["world"]["shape"] == "nineteen" and printed["world"]["weight_scale"] == 10
    assert set(printed["strategies"]) == set(NINETEEN_STRATEGIES)
    seeds = printed["seeds"]
    assert list(seeds["strategies"]) == list(NINETEEN_STRATEGIES)
    # the shipped weights, then the same without the failure signal
    assert [(p["history_weight"], p["failure_weight"]) for p in seeds["sweep"]] == [
        (50, printed["world"]["defaults"]["failure_weight"]),
        (50, 0),
    ]
    assert list(seeds["differences"]) == [f"{a}-{b}" for a, b in NINETEEN_DIFFERENCES]
    for key in (
        "history_similarity-nineteen_organic",
        "history_similarity-nineteen_organic_fixed",
        "nineteen_organic-load_balance",
    ):
        for measure in ("served_quality", "mean_tries", "outage_tries", "top_node_share", "unmeasured"):
            summary = seeds["differences"][key][measure]
            assert (
                len(summary["per_seed"]) == 2 and summary["ci95"][0] <= summary["mean"] <= summary["ci95"][1]
            )
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
        (["--seeds", "0"], "seeds must be at least 1"),
        (["--synthetic-share", "1"], "synthetic share must be at least 0 and below 1"),
        (["--weight-scale", "0"], "weight scale must be greater than 0"),
        (["--failure-weight", "-1"], "failure weights must be finite numbers >= 0"),
        (["--sweep-failure-weights", "1,inf"], "failure weights must be finite numbers >= 0"),
    ],
)
def test_cli_rejects_bad_settings_before_doing_anything(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "--quick", *arguments]) == 2
    assert message in capsys.readouterr().err


# -- many seeds -------------------------------------------------------------------------------------

REQUIRED_DIFFERENCES = (
    "history_similarity-load_balance",
    "history_similarity-history",
    "history-load_balance",
)


def test_multi_seed_summary_is_the_paired_t_interval_of_its_single_seed_runs(
    admin_dsn: str, template_db: str
) -> None:
    seeds = replace(TINY, seed=11, seeds=3)
    result = run_seeds(seeds, admin_dsn, template=template_db)
    document = result.as_json()

    assert document["n"] == 3 and document["seed_list"] == [11, 12, 13]
    assert document["interval"] == "t"
    assert set(document["strategies"]) == set(STRATEGIES)
    assert set(REQUIRED_DIFFERENCES) <= set(document["differences"])
    assert len(document["differences"]) == len(DIFFERENCES)
    for block in [*document["strategies"].values(), *document["differences"].values()]:
        assert set(block) == set(MEASURES)
        assert "new_task_first_period_quality" in block
        for summary in block.values():
            low, high = summary["ci95"]
            assert low <= summary["mean"] <= high
            assert len(summary["per_seed"]) == 3

    # each seed's values are what a single-seed run of that seed gives (same world, same dice) ...
    singles = [
        run_simulation(replace(TINY, seed=seed), admin_dsn, template=template_db) for seed in (11, 12, 13)
    ]
    for name in STRATEGIES:
        for measure in MEASURES:
            assert document["strategies"][name][measure]["per_seed"] == [
                round(single.strategies[name].value(measure), 6) for single in singles
            ]
    # ... and every difference's mean and interval are the t interval of the single-seed differences
    t = t_quantile(0.975, 2)
    for key, (a, b) in zip(document["differences"], DIFFERENCES, strict=False):
        assert key == f"{a}-{b}"
        for measure in MEASURES:
            differences = [s.strategies[a].value(measure) - s.strategies[b].value(measure) for s in singles]
            summary = document["differences"][key][measure]
            mean = statistics.fmean(differences)
            half = t * statistics.stdev(differences) / math.sqrt(3)
            assert summary["mean"] == pytest.approx(mean, abs=1e-6)
            assert summary["ci95"] == pytest.approx([mean - half, mean + half], abs=1e-6)
            assert all(round(d, 6) == v for d, v in zip(differences, summary["per_seed"], strict=False))

    # the sweep is summarised the same way, against the defaults' run of the same seed
    (at_zero,) = [p for p in document["sweep"] if p["history_weight"] == 0]
    defaults = document["strategies"]["history_similarity"]["served_quality"]["per_seed"]
    at_zero_values = at_zero["served_quality"]["per_seed"]
    assert at_zero["minus_defaults"]["served_quality"]["per_seed"] == [
        pytest.approx(a - b, abs=2e-6) for a, b in zip(at_zero_values, defaults, strict=True)
    ]


def test_cli_json_keeps_the_single_seed_keys_and_adds_the_seeds_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny = ["--nodes", "6", "--periods", "6", "--queries", "3", "--seed", "5", "--jobs", "4"]
    tiny += ["--sweep-weights", "0,50"]
    assert main(["simulate", "--quick", *tiny, "--seeds", "1", "--json"]) == 0
    single = json.loads(capsys.readouterr().out)
    assert "seeds" not in single

    assert main(["simulate", "--quick", *tiny, "--seeds", "2", "--json"]) == 0
    captured = capsys.readouterr()
    several = json.loads(captured.out)
    assert re.search(r"seeds 5\.\.6: \d+/\d+ runs", captured.err), "a progress line on stderr"
    # today's keys, for the first seed, unchanged by the other seeds
    assert {key: value for key, value in several.items() if key != "seeds"} == single
    assert several["seeds"]["n"] == 2 and several["seeds"]["seed_list"] == [5, 6]
    difference = several["seeds"]["differences"]["history_similarity-history"][
        "new_task_first_period_quality"
    ]
    first = single["strategies"]
    assert difference["per_seed"][0] == pytest.approx(
        first["history_similarity"]["new_task_first_period_quality"]
        - first["history"]["new_task_first_period_quality"],
        abs=1e-6,
    )


def test_t_quantiles_match_the_table() -> None:
    # Student t, 0.975 quantile, from any statistics table
    for dof, expected in [(1, 12.7062), (2, 4.3027), (4, 2.7764), (9, 2.2622), (19, 2.0930), (60, 2.0003)]:
        assert t_quantile(0.975, dof) == pytest.approx(expected, abs=5e-5)
    assert t_quantile(0.95, 10) == pytest.approx(1.8125, abs=5e-5)
    summary = summarise([1.0, 2.0, 3.0, 4.0, 5.0])
    assert summary.mean == 3.0
    assert summary.high - 3.0 == pytest.approx(
        2.7764 * statistics.stdev([1, 2, 3, 4, 5]) / math.sqrt(5), abs=1e-3
    )
    assert summarise([0.5]).low is None, "one seed has no interval"
    assert paired([1.0, 2.0], [1.0, 1.0]).values == (0.0, 1.0)
    with pytest.raises(ValueError, match="same seeds"):
        paired([1.0], [1.0, 2.0])


# -- the worlds -------------------------------------------------------------------------------------


def test_the_default_world_draws_what_it_always_drew() -> None:
    # the README's single-seed numbers depend on it: the default shape's draws never move
    world = build_world(seed=1, nodes=32, periods=16, queries=40)
    assert world.shape is DEFAULT
    assert world.contenders[0].contender_id == "sim-node-000-chat-llama-3-2-3b"
    # values the world had before shapes existed (commit f5e13b6)
    assert world.skills[0] == pytest.approx(0.5787676439578642, abs=1e-15)
    assert world.contenders[0].success_probability == pytest.approx(0.8057285525494344, abs=1e-15)
    assert world.contenders[-1].capacity == 3
    assert world.contenders[-1].success_probability == pytest.approx(0.36368512768092315, abs=1e-15)
    assert world.probabilities_in(15) == world.probabilities_in(0), "no drift in the default world"
    assert not any(world.is_synthetic(r) for r in range(world.queries))


def test_the_nineteen_world_has_nineteens_shape() -> None:
    world = build_world(seed=1, nodes=256, periods=8, queries=300, shape=NINETEEN)
    assert len(NINETEEN.tasks) == 14 and len(NINETEEN.new_tasks) == 2
    assert len(world.contenders) == 256 * 16
    assert world.tasks_in(3) == NINETEEN.tasks and world.tasks_in(4) == NINETEEN.all_tasks
    # the families an admin registers: chat and -comp, the llama sizes, one image model's two tasks
    assert NINETEEN.similarity[("chat-llama-3-1-8b", "chat-llama-3-1-8b-comp")] > 0
    assert NINETEEN.similarity[("chat-llama-3-1-70b-comp", "chat-llama-3-1-8b-comp")] > 0
    assert NINETEEN.similarity[("flux-schnell-text-to-image", "flux-schnell-image-to-image")] > 0
    assert not any("avatar" in pair for pair in NINETEEN.similarity)
    assert all(
        NINETEEN.new_tasks[0] in a + b or NINETEEN.new_tasks[1] in a + b for a, b in NINETEEN.new_similarity
    )
    # half the rounds synthetic, evenly spread, the first one organic
    kinds = [world.is_synthetic(r) for r in range(world.queries)]
    assert sum(kinds) == 150 and not kinds[0]
    # drift: only the nodes that changed their setup see their probabilities move
    assert world.changed_nodes
    period = world.changed_nodes[0][0]
    before, after = world.probabilities_in(period - 1), world.probabilities_in(period)
    moved = {cid for cid in after if after[cid] != pytest.approx(before[cid], abs=1e-12)}
    changed_here = {n for p, n in world.changed_nodes if p == period}
    assert moved and {cid.split("-")[2] for cid in moved} == {f"{n:03d}" for n in changed_here}


def test_synthetic_queries_are_ranked_with_their_own_weight(conn: psycopg.Connection) -> None:
    world = build_world(seed=2, nodes=6, periods=6, queries=4, shape=NINETEEN)
    router = SqlRouter(
        conn,
        world,
        history_weight=5,
        decay_factor=0.5,
        decay_interval=timedelta(hours=1),
        with_similarity=True,
        synthetic_weight=0,
    )
    weight = "SELECT history_weight FROM public.ranking_config"
    tasks = list(world.tasks_in(0))
    organic = router.rank_round(tasks, EPOCH)
    assert len(organic) == len(tasks) and all(len(ranked) == 5 for ranked in organic)
    assert conn.execute(weight).fetchone() == (5,)
    router.rank_round(tasks, EPOCH, synthetic=True)
    assert conn.execute(weight).fetchone() == (0,)
    router.rank_round(tasks, EPOCH)
    assert conn.execute(weight).fetchone() == (5,)
    # a round is what ranking its tasks one by one gives
    assert [router.rank(task, EPOCH) for task in tasks] == organic


# -- outages and concentration ----------------------------------------------------------------------


def test_outages_are_drawn_per_node_and_period_in_the_nineteen_world_only() -> None:
    world = build_world(seed=3, nodes=40, periods=6, queries=20, shape=NINETEEN)
    assert world.outages == build_world(seed=3, nodes=40, periods=6, queries=20, shape=NINETEEN).outages
    assert world.outages, "5 % of 240 node-periods"
    for period, node, start, end in world.outages:
        assert 0 <= period < 6 and 0 <= node < 40
        assert 0 <= start < end <= 20
        assert end - start <= round(20 * 0.5)
    assert not build_world(seed=3, nodes=40, periods=6, queries=20).outages


class _FixedRouter:
    """Always the same contenders, in the same order, so what play() measures is known; it keeps
    every try with the period and round it was made in."""

    def __init__(self, order: list[str]):
        self.order = order
        self.period = self.round = 0
        self.tries: list[tuple[int, int, Try]] = []

    def add_tasks(self, tasks: object) -> None:
        pass

    def rank_round(self, tasks: list[str], as_of: object, synthetic: bool = False) -> list[list[str]]:
        self.round += 1
        return [[f"{hotkey}-{task}" for hotkey in self.order] for task in tasks]

    def record(self, tries: list[Try], synthetic: bool = False) -> None:
        self.tries += [(self.period, self.round - 1, attempt) for attempt in tries]

    def close(self, as_of: object) -> None:
        self.period += 1
        self.round = 0


def test_outage_tries_count_organic_tries_on_dark_nodes_and_every_such_try_fails() -> None:
    from contender_rank_lab.simulation.runner import play

    world = build_world(seed=4, nodes=6, periods=6, queries=10, shape=replace(NINETEEN, outage=0.5))
    router = _FixedRouter(["sim-node-000"])  # one contender per query: one try each
    measures = play(world, router, timedelta(hours=1))  # type: ignore[arg-type]

    organic = [r for r in range(world.queries) if not world.is_synthetic(r)]
    spans = {period: (start, end) for period, node, start, end in world.outages if node == 0}
    dark = sum(
        len(world.tasks_in(period)) * sum(1 for r in organic if start <= r < end)
        for period, (start, end) in spans.items()
    )
    every = sum(len(world.tasks_in(period)) * len(organic) for period in range(world.periods))
    assert dark > 0
    assert measures.outage_tries == pytest.approx(dark / every)
    in_the_dark = [
        t for period, r, t in router.tries if period in spans and spans[period][0] <= r < spans[period][1]
    ]
    assert in_the_dark and not any(t.succeeded or t.quality or t.metric for t in in_the_dark)
    assert any(t.succeeded and 0 < t.quality <= 1 and t.metric > 0 for _, _, t in router.tries)
    # every query went to the one node: it got all of every task's organic requests
    assert measures.top_node_share == 1.0
