"""Runs the strategies and the sweep on one world, each in a fresh clone of a migrated database.

Every strategy replays the same world with the same random stream: a query draws its dice
before it is routed, one per possible try, so the k-th try of the n-th query meets the same
luck whichever contender the strategy chose for it.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import class_row

from contender_rank.schema import migrate
from contender_rank.simulation.routers import TOP_X, OracleRouter, Router, SqlRouter, Try
from contender_rank.simulation.world import NEW_TASK, World, build_world
from contender_rank.databases import create_database, drop_database, new_database_name, with_dbname

# Periods are stamped from here on, one decay interval apart: the run never sleeps and its
# timestamps, hence its decay, do not depend on when it runs.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
NEW_TASK_WINDOW = 3  # periods after its arrival over which new_task_quality is measured

STRATEGIES: tuple[str, ...] = ("load_balance", "history", "history_similarity", "oracle")
DEFAULT_SWEEP_WEIGHTS: tuple[float, ...] = (0, 0.25, 1, 2, 5, 50)
DEFAULT_SWEEP_DECAY_FACTORS: tuple[float, ...] = (0.5, 0.8)


@dataclass(frozen=True)
class Settings:
    seed: int = 1
    nodes: int = 32
    periods: int = 16
    queries: int = 40
    sweep_weights: tuple[float, ...] = DEFAULT_SWEEP_WEIGHTS
    sweep_decay_factors: tuple[float, ...] = DEFAULT_SWEEP_DECAY_FACTORS
    jobs: int = 4

    def problems(self) -> list[str]:
        """What is wrong with these settings, in words the CLI can print."""
        found = []
        if self.nodes < TOP_X:
            found.append(
                f"nodes must be at least {TOP_X} (the router tries the top {TOP_X}), got {self.nodes}"
            )
        if self.periods < 2 * NEW_TASK_WINDOW:
            found.append(
                f"periods must be at least {2 * NEW_TASK_WINDOW} (the new task arrives half-way and is "
                f"measured over {NEW_TASK_WINDOW} periods), got {self.periods}"
            )
        if self.queries < 1:
            found.append(f"queries must be at least 1 per task per period, got {self.queries}")
        if self.jobs < 1:
            found.append(f"jobs must be at least 1, got {self.jobs}")
        if any(not math.isfinite(w) or w < 0 for w in self.sweep_weights):
            found.append("sweep history weights must be finite numbers >= 0")
        if any(not 0 < f <= 1 for f in self.sweep_decay_factors):
            found.append("sweep decay factors must be greater than 0 and at most 1")
        return found


@dataclass(frozen=True)
class RunConfig:
    """What one run puts in the database: the ranking_config values and whether similarity rows exist."""

    history_weight: float
    decay_factor: float
    with_similarity: bool


@dataclass
class RunMeasures:
    served_quality: float
    mean_tries: float
    answered: float
    min_share: float
    min_share_by_task: dict[str, float]
    requests_per_contender_period: float
    new_task_quality: float
    per_period: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "served_quality": _round(self.served_quality),
            "mean_tries": _round(self.mean_tries),
            "answered": _round(self.answered),
            "min_share": _round(self.min_share),
            "min_share_by_task": {task: _round(share) for task, share in self.min_share_by_task.items()},
            "requests_per_contender_period": _round(self.requests_per_contender_period),
            "new_task_quality": _round(self.new_task_quality),
            "per_period": self.per_period,
        }


@dataclass
class SimulationResult:
    world: World
    defaults: RunConfig
    strategies: dict[str, RunMeasures]
    sweep: list[tuple[RunConfig, RunMeasures]] = field(default_factory=list)

    @property
    def gain_vs_oracle(self) -> float | None:
        """history_similarity's served-quality gain over load_balance, as a fraction of the oracle's."""
        base = self.strategies["load_balance"].served_quality
        best = self.strategies["oracle"].served_quality - base
        if best <= 0:
            return None
        return (self.strategies["history_similarity"].served_quality - base) / best

    def as_json(self) -> dict[str, Any]:
        gain = self.gain_vs_oracle
        return {
            "world": {
                "seed": self.world.seed,
                "nodes": self.world.nodes,
                "periods": self.world.periods,
                "queries_per_task_per_period": self.world.queries,
                "new_task": NEW_TASK,
                "new_task_period": self.world.new_task_period,
                "top_x": TOP_X,
                "defaults": {
                    "history_weight": self.defaults.history_weight,
                    "decay_factor": self.defaults.decay_factor,
                },
            },
            "strategies": {name: measures.as_json() for name, measures in self.strategies.items()},
            "gain_vs_oracle": None if gain is None else _round(gain),
            "sweep": [
                {
                    "history_weight": config.history_weight,
                    "decay_factor": config.decay_factor,
                    "served_quality": _round(measures.served_quality),
                    "min_share": _round(measures.min_share),
                    "mean_tries": _round(measures.mean_tries),
                    "new_task_quality": _round(measures.new_task_quality),
                }
                for config, measures in self.sweep
            ],
        }


def _round(value: float) -> float:
    return round(value, 6)


# -- one run ---------------------------------------------------------------------------------------


def play(world: World, router: Router, decay_interval: timedelta) -> RunMeasures:
    """Route every query of the world through ``router`` and measure what happened."""
    dice = random.Random(f"queries-{world.seed}")
    probability = {c.contender_id: c.success_probability for c in world.contenders}
    requests: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_period: list[dict[str, Any]] = []
    totals = {"queries": 0, "first": 0, "tries": 0, "answered": 0}
    new_task = {"queries": 0, "first": 0}
    contender_periods = 0

    for period in range(world.periods):
        if period == world.new_task_period:
            router.add_task(NEW_TASK)
        # rankings happen mid-interval; the period closes at the next interval boundary
        as_of = EPOCH + decay_interval * period + decay_interval / 2
        tasks = world.tasks_in(period)
        contender_periods += len(tasks) * world.nodes
        counts = {"queries": 0, "first": 0, "tries": 0, "new_queries": 0, "new_first": 0}
        for _ in range(world.queries):
            for task in tasks:
                rolls = [dice.random() for _ in range(TOP_X)]
                tries: list[Try] = []
                for contender_id, roll in zip(router.rank(task, as_of), rolls):
                    tries.append(Try(contender_id, roll < probability[contender_id]))
                    requests[task][contender_id] += 1
                    if tries[-1].succeeded:
                        break
                router.record(tries)
                first = bool(tries) and tries[0].succeeded
                counts["queries"] += 1
                counts["first"] += first
                counts["tries"] += len(tries)
                totals["answered"] += bool(tries) and tries[-1].succeeded
                if task == NEW_TASK:
                    counts["new_queries"] += 1
                    counts["new_first"] += first
        router.close(EPOCH + decay_interval * (period + 1))

        totals["queries"] += counts["queries"]
        totals["first"] += counts["first"]
        totals["tries"] += counts["tries"]
        if world.new_task_period <= period < world.new_task_period + NEW_TASK_WINDOW:
            new_task["queries"] += counts["new_queries"]
            new_task["first"] += counts["new_first"]
        per_period.append(
            {
                "period": period,
                "served_quality": _round(counts["first"] / counts["queries"]),
                "mean_tries": _round(counts["tries"] / counts["queries"]),
                "new_task_served_quality": (
                    _round(counts["new_first"] / counts["new_queries"]) if counts["new_queries"] else None
                ),
            }
        )

    # a contender never tried is in no dict yet: it counts, with share 0
    min_share_by_task: dict[str, float] = {}
    for task, by_contender in sorted(requests.items()):
        total = sum(by_contender.values())
        min_share_by_task[task] = min(
            by_contender.get(c.contender_id, 0) / total for c in world.contenders_of(task)
        )
    return RunMeasures(
        served_quality=totals["first"] / totals["queries"],
        mean_tries=totals["tries"] / totals["queries"],
        answered=totals["answered"] / totals["queries"],
        min_share=min(min_share_by_task.values()),
        min_share_by_task=min_share_by_task,
        requests_per_contender_period=totals["tries"] / contender_periods,
        new_task_quality=new_task["first"] / new_task["queries"],
        per_period=per_period,
    )


# -- databases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Defaults:
    history_weight: float
    decay_factor: float
    decay_interval: timedelta


@contextmanager
def migrated_template(admin_dsn: str, existing: str | None = None) -> Iterator[str]:
    """A migrated database to clone per run (CREATE DATABASE ... TEMPLATE), dropped afterwards;
    or ``existing``, an already migrated one the caller owns (the test suite's template)."""
    if existing:
        yield existing
        return
    name = new_database_name("simulate_template")
    create_database(admin_dsn, name)
    try:
        migrate(with_dbname(admin_dsn, name))
        yield name
    finally:
        drop_database(admin_dsn, name)


def _read_defaults(dsn: str) -> _Defaults:
    with psycopg.connect(dsn) as conn, conn.cursor(row_factory=class_row(_Defaults)) as cur:
        cur.execute("SELECT history_weight, decay_factor, decay_interval FROM public.ranking_config")
        row = cur.fetchone()
    assert row is not None, "ranking_config always holds one row"
    return row


def _run_sql(
    admin_dsn: str, template: str, world: World, config: RunConfig, decay_interval: timedelta
) -> RunMeasures:
    name = new_database_name("simulate")
    dsn = create_database(admin_dsn, name, template=template)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            # a throwaway database: waiting for a WAL flush on every query's commit would
            # dominate the run and change nothing it measures
            conn.execute("SET synchronous_commit TO off")
            router = SqlRouter(
                conn,
                world,
                history_weight=config.history_weight,
                decay_factor=config.decay_factor,
                decay_interval=decay_interval,
                with_similarity=config.with_similarity,
            )
            return play(world, router, decay_interval)
    finally:
        drop_database(admin_dsn, name)


def run_simulation(settings: Settings, admin_dsn: str, template: str | None = None) -> SimulationResult:
    """Every strategy and every sweep point, each SQL one in its own clone of a migrated template.

    ``admin_dsn`` is a server where scratch databases (contender_rank_*) may be created; they are
    dropped before this returns. ``template`` names a migrated database to clone instead of
    migrating a new one.
    """
    world = build_world(settings.seed, settings.nodes, settings.periods, settings.queries)
    with migrated_template(admin_dsn, template) as source:
        defaults = _read_defaults(with_dbname(admin_dsn, source))
        strategy_configs = {
            "load_balance": RunConfig(0.0, defaults.decay_factor, True),
            "history": RunConfig(defaults.history_weight, defaults.decay_factor, False),
            "history_similarity": RunConfig(defaults.history_weight, defaults.decay_factor, True),
        }
        sweep_configs = [
            RunConfig(float(w), float(f), True)
            for f in settings.sweep_decay_factors
            for w in settings.sweep_weights
        ]
        # a sweep point with a strategy's exact configuration is that same deterministic run
        distinct = list(dict.fromkeys([*strategy_configs.values(), *sweep_configs]))

        def run(config: RunConfig) -> RunMeasures:
            return _run_sql(admin_dsn, source, world, config, defaults.decay_interval)

        with ThreadPoolExecutor(max_workers=settings.jobs) as pool:
            oracle = pool.submit(play, world, OracleRouter(world), defaults.decay_interval)
            measured = dict(zip(distinct, pool.map(run, distinct)))
            oracle_measures = oracle.result()

    strategies = {name: measured[config] for name, config in strategy_configs.items()}
    strategies["oracle"] = oracle_measures
    return SimulationResult(
        world=world,
        defaults=strategy_configs["history_similarity"],
        strategies={name: strategies[name] for name in STRATEGIES},
        sweep=[(config, measured[config]) for config in sweep_configs],
    )
