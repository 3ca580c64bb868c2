"""Runs the strategies and the sweep on one world or many, each run in a fresh clone of a migrated
database, and summarises many seeds with paired differences and 95 % intervals.

Every strategy replays the same world with the same random stream: a query draws its dice
before it is routed, one per possible try, so the k-th try of the n-th query meets the same
luck whichever contender the strategy chose for it. Over seeds, each seed is one world and one
stream shared by every strategy, so a difference between two strategies is paired by seed.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import class_row

from contender_rank.schema import migrate
from contender_rank_lab.databases import create_database, drop_database, new_database_name, with_dbname
from contender_rank_lab.simulation import stats
from contender_rank_lab.simulation.nineteen_organic import NineteenOrganicRouter
from contender_rank_lab.simulation.routers import TOP_X, OracleRouter, Router, SqlRouter, Try
from contender_rank_lab.simulation.world import DEFAULT, Shape, World, build_world, try_quality

# Periods are stamped from here on, one decay interval apart: the run never sleeps and its
# timestamps, hence its decay, do not depend on when it runs.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
NEW_TASK_WINDOW = 3  # periods after its arrival over which new_task_quality is measured

STRATEGIES: tuple[str, ...] = ("load_balance", "history", "history_similarity", "oracle")
# In a world with synthetic traffic every strategy sends synthetic queries through load balancing,
# and nineteen's organic selection (and its fixed variant) join; history alone does not (the
# default world shows what similarity adds).
NINETEEN_STRATEGIES: tuple[str, ...] = (
    "load_balance",
    "history_similarity",
    "nineteen_organic",
    "nineteen_organic_fixed",
    "oracle",
)
DEFAULT_SWEEP_WEIGHTS: tuple[float, ...] = (0, 0.25, 1, 2, 5, 50)
DEFAULT_SWEEP_DECAY_FACTORS: tuple[float, ...] = (0.5, 0.8)

# What is summarised over seeds, named as in a run's JSON. min_share is a fraction (0.0136 is
# 1.36 %) here and in the JSON; the text output, the plots and the docs show it in percent.
MEASURES: tuple[str, ...] = (
    "served_quality",
    "mean_tries",
    "min_share",
    "new_task_first_period_quality",
    "new_task_quality",
    "established_quality",
    "unmeasured",
    "outage_tries",
    "top_node_share",
)
DIFFERENCES: tuple[tuple[str, str], ...] = (
    ("history_similarity", "load_balance"),
    ("history_similarity", "history"),
    ("history", "load_balance"),
    ("oracle", "history_similarity"),
    ("oracle", "load_balance"),
)
NINETEEN_DIFFERENCES: tuple[tuple[str, str], ...] = (
    ("history_similarity", "nineteen_organic"),
    ("history_similarity", "nineteen_organic_fixed"),
    ("nineteen_organic", "load_balance"),
    ("nineteen_organic_fixed", "nineteen_organic"),
    ("history_similarity", "load_balance"),
    ("oracle", "history_similarity"),
)


def strategies_for(shape: Shape) -> tuple[str, ...]:
    return NINETEEN_STRATEGIES if shape.synthetic_share > 0 else STRATEGIES


def differences_for(shape: Shape) -> tuple[tuple[str, str], ...]:
    return NINETEEN_DIFFERENCES if shape.synthetic_share > 0 else DIFFERENCES


@dataclass(frozen=True)
class Settings:
    """A simulation: which world, how big, which seeds, which sweep.

    Weights (``sweep_weights``, ``sweep_points``, ``synthetic_organic_weights``) are full-scale
    ``history_weight`` values; a run writes ``weight / shape.weight_scale`` into ranking_config.
    """

    seed: int = 1
    nodes: int = 32
    periods: int = 16
    queries: int = 40
    sweep_weights: tuple[float, ...] = DEFAULT_SWEEP_WEIGHTS
    sweep_decay_factors: tuple[float, ...] = DEFAULT_SWEEP_DECAY_FACTORS
    jobs: int = 4
    seeds: int = 1  # seeds seed, seed + 1, ..., seed + seeds - 1
    shape: Shape = DEFAULT
    # explicit (history_weight, decay_factor) sweep points; empty: every weight at every factor
    sweep_points: tuple[tuple[float, float], ...] = ()
    # organic weights at which a run with synthetic queries at weight 0 is compared with one that
    # ranks both kinds at the organic weight (worlds with synthetic traffic only)
    synthetic_organic_weights: tuple[float, ...] = ()
    # failure weights swept at the shipped history_weight and decay_factor (after the sweep above)
    sweep_failure_weights: tuple[float, ...] = ()
    # the failure_weight of the history strategies and the sweep; None: the shipped one
    failure_weight: float | None = None

    def sweep(self) -> list[tuple[float, float]]:
        if self.sweep_points:
            return [(float(w), float(f)) for w, f in self.sweep_points]
        return [(float(w), float(f)) for f in self.sweep_decay_factors for w in self.sweep_weights]

    def seed_list(self) -> list[int]:
        return list(range(self.seed, self.seed + self.seeds))

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
        if self.seeds < 1:
            found.append(f"seeds must be at least 1, got {self.seeds}")
        weights = [w for w, _ in self.sweep()] + list(self.synthetic_organic_weights)
        weights += list(self.sweep_failure_weights)
        if self.failure_weight is not None:
            weights.append(self.failure_weight)
        if any(not math.isfinite(w) or w < 0 for w in weights):
            found.append("history and failure weights must be finite numbers >= 0")
        if any(not 0 < f <= 1 for _, f in self.sweep()):
            found.append("sweep decay factors must be greater than 0 and at most 1")
        if not 0 <= self.shape.synthetic_share < 1:
            found.append(
                f"the synthetic share must be at least 0 and below 1, got {self.shape.synthetic_share}"
            )
        return found


@dataclass(frozen=True)
class RunConfig:
    """What one run puts in the database: the ranking_config values (history_weight at full scale)
    and whether similarity rows exist; ``synthetic_weight``, when set, ranks synthetic queries."""

    history_weight: float
    decay_factor: float
    with_similarity: bool
    synthetic_weight: float | None = None
    # "rank_contenders", or nineteen's own organic selection: "nineteen_organic", "nineteen_organic_fixed"
    selection: str = "rank_contenders"
    # ranking_config.failure_weight for organic queries (synthetic ones at synthetic_weight run at 0)
    failure_weight: float = 0.0


@dataclass
class RunMeasures:
    """What one run achieved. Quality measures count organic queries only (all queries in a world
    without synthetic traffic); ``min_share`` and ``unmeasured`` count every request. Shares are
    fractions. ``unmeasured``: the share of contender-periods with no request at all, in which
    close_period cannot score the contender (its period counts 0 in its history).
    ``outage_tries``: the share of organic tries sent to a contender while its node was dark.
    ``top_node_share``: per task and period, the largest share of the task's organic requests one
    node got, averaged over tasks and periods."""

    served_quality: float
    mean_tries: float
    answered: float
    min_share: float
    min_share_by_task: dict[str, float]
    requests_per_contender_period: float
    new_task_quality: float
    new_task_first_period_quality: float
    established_quality: float
    unmeasured: float
    per_period: list[dict[str, Any]]
    outage_tries: float = 0.0
    top_node_share: float = 0.0

    def value(self, measure: str) -> float:
        return float(getattr(self, measure))

    def as_json(self) -> dict[str, Any]:
        return {
            "served_quality": _round(self.served_quality),
            "mean_tries": _round(self.mean_tries),
            "answered": _round(self.answered),
            "min_share": _round(self.min_share),
            "min_share_by_task": {task: _round(share) for task, share in self.min_share_by_task.items()},
            "requests_per_contender_period": _round(self.requests_per_contender_period),
            "new_task_quality": _round(self.new_task_quality),
            "new_task_first_period_quality": _round(self.new_task_first_period_quality),
            "established_quality": _round(self.established_quality),
            "unmeasured": _round(self.unmeasured),
            "outage_tries": _round(self.outage_tries),
            "top_node_share": _round(self.top_node_share),
            "per_period": self.per_period,
        }


@dataclass
class SimulationResult:
    world: World
    defaults: RunConfig
    strategies: dict[str, RunMeasures]
    sweep: list[tuple[RunConfig, RunMeasures]] = field(default_factory=list)
    # (synthetic at 0, organic at w) against (both kinds at w), per organic weight w
    synthetic: list[tuple[RunConfig, RunMeasures, RunMeasures]] = field(default_factory=list)

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
        shape = self.world.shape
        return {
            "world": {
                "seed": self.world.seed,
                "nodes": self.world.nodes,
                "periods": self.world.periods,
                "queries_per_task_per_period": self.world.queries,
                "new_task": self.world.new_tasks[0],
                "new_task_period": self.world.new_task_period,
                "top_x": TOP_X,
                "defaults": {
                    "history_weight": self.defaults.history_weight,
                    "decay_factor": self.defaults.decay_factor,
                    "failure_weight": self.defaults.failure_weight,
                },
                "shape": shape.name,
                "tasks": list(shape.tasks),
                "new_tasks": list(shape.new_tasks),
                "synthetic_share": shape.synthetic_share,
                "drift_per_node_per_period": shape.drift,
                "nodes_changed": len(self.world.changed_nodes),
                "weight_scale": shape.weight_scale,
                "outage_per_node_per_period": shape.outage,
                "outages": len(self.world.outages),
            },
            "strategies": {name: measures.as_json() for name, measures in self.strategies.items()},
            "gain_vs_oracle": None if gain is None else _round(gain),
            "sweep": [
                {
                    "history_weight": config.history_weight,
                    "history_weight_in_database": config.history_weight / shape.weight_scale,
                    "decay_factor": config.decay_factor,
                    "failure_weight": config.failure_weight,
                    **{measure: _round(measures.value(measure)) for measure in MEASURES},
                }
                for config, measures in self.sweep
            ],
            "synthetic": [
                {
                    "organic_weight": config.history_weight,
                    "synthetic_weight": config.synthetic_weight,
                    "decay_factor": config.decay_factor,
                    "split": _without_periods(measures.as_json()),
                    "same_weight": _without_periods(same.as_json()),
                }
                for config, measures, same in self.synthetic
            ],
        }


def _round(value: float) -> float:
    return round(value, 6)


def _without_periods(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "per_period"}


# -- one run ---------------------------------------------------------------------------------------


def play(world: World, router: Router, decay_interval: timedelta) -> RunMeasures:
    """Route every query of the world through ``router`` and measure what happened."""
    dice = random.Random(f"queries-{world.seed}")
    # a try's quality and speed: a stream of their own, so the success dice stay what they were
    quality_dice = random.Random(f"quality-{world.seed}")
    new_tasks = set(world.new_tasks)
    requests: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_period: list[dict[str, Any]] = []
    totals = {"queries": 0, "first": 0, "tries": 0, "answered": 0, "all_tries": 0}
    established = {"queries": 0, "first": 0}
    new_task = {"queries": 0, "first": 0}
    new_task_first_period = {"queries": 0, "first": 0}
    contender_periods = 0
    unmeasured = 0
    organic_tries = dark_tries = 0
    top_shares: list[float] = []
    node_of = {c.contender_id: c.node_id for c in world.contenders}

    for period in range(world.periods):
        if period == world.new_task_period:
            router.add_tasks(world.new_tasks)
        # rankings happen mid-interval; the period closes at the next interval boundary
        as_of = EPOCH + decay_interval * period + decay_interval / 2
        probability = world.probabilities_in(period)
        tasks = world.tasks_in(period)
        contender_periods += len(tasks) * world.nodes
        counts = {"queries": 0, "first": 0, "tries": 0, "new_queries": 0, "new_first": 0}
        measured: set[str] = set()
        dark_nodes = world.dark_in(period)
        organic_requests: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for round_index in range(world.queries):
            synthetic = world.is_synthetic(round_index)
            dark = {node for node, (start, end) in dark_nodes.items() if start <= round_index < end}
            for task, ranked in zip(tasks, router.rank_round(tasks, as_of, synthetic), strict=False):
                rolls = [dice.random() for _ in range(TOP_X)]
                looks = [(quality_dice.random(), quality_dice.gauss(0.0, 1.0)) for _ in range(TOP_X)]
                tries: list[Try] = []
                for contender_id, roll, (u, z) in zip(ranked, rolls, looks, strict=False):
                    p = probability[contender_id]
                    is_dark = node_of[contender_id] in dark
                    succeeded = roll < p and not is_dark
                    tries.append(Try(contender_id, succeeded, *try_quality(p, succeeded, u, z)))
                    requests[task][contender_id] += 1
                    measured.add(contender_id)
                    if not synthetic:
                        organic_requests[task][contender_id] += 1
                        dark_tries += is_dark
                    if succeeded:
                        break
                router.record(tries, synthetic)
                totals["all_tries"] += len(tries)
                if synthetic:
                    continue  # measurement traffic: no user is served
                organic_tries += len(tries)
                first = bool(tries) and tries[0].succeeded
                counts["queries"] += 1
                counts["first"] += first
                counts["tries"] += len(tries)
                totals["answered"] += bool(tries) and tries[-1].succeeded
                if task in new_tasks:
                    counts["new_queries"] += 1
                    counts["new_first"] += first
                else:
                    established["queries"] += 1
                    established["first"] += first
        router.close(EPOCH + decay_interval * (period + 1))
        unmeasured += len(tasks) * world.nodes - len(measured)
        for by_contender in organic_requests.values():
            top_shares.append(max(by_contender.values()) / sum(by_contender.values()))

        totals["queries"] += counts["queries"]
        totals["first"] += counts["first"]
        totals["tries"] += counts["tries"]
        if world.new_task_period <= period < world.new_task_period + NEW_TASK_WINDOW:
            new_task["queries"] += counts["new_queries"]
            new_task["first"] += counts["new_first"]
        if period == world.new_task_period:
            new_task_first_period["queries"] += counts["new_queries"]
            new_task_first_period["first"] += counts["new_first"]
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

    min_share_by_task = _min_shares(world, requests)
    return RunMeasures(
        served_quality=totals["first"] / totals["queries"],
        mean_tries=totals["tries"] / totals["queries"],
        answered=totals["answered"] / totals["queries"],
        min_share=min(min_share_by_task.values()),
        min_share_by_task=min_share_by_task,
        requests_per_contender_period=totals["all_tries"] / contender_periods,
        new_task_quality=new_task["first"] / new_task["queries"],
        new_task_first_period_quality=new_task_first_period["first"] / new_task_first_period["queries"],
        established_quality=established["first"] / established["queries"],
        unmeasured=unmeasured / contender_periods,
        per_period=per_period,
        outage_tries=dark_tries / organic_tries if organic_tries else 0.0,
        top_node_share=sum(top_shares) / len(top_shares) if top_shares else 0.0,
    )


def _min_shares(world: World, requests: dict[str, dict[str, int]]) -> dict[str, float]:
    """Per task, the smallest share of its requests any of its contenders got; a contender never
    tried is in no dict yet: it counts, with share 0."""
    shares: dict[str, float] = {}
    for task, by_contender in sorted(requests.items()):
        total = sum(by_contender.values())
        shares[task] = min(by_contender.get(c.contender_id, 0) / total for c in world.contenders_of(task))
    return shares


# -- many seeds ------------------------------------------------------------------------------------


@dataclass
class SeedsResult:
    """The same simulation on consecutive seeds; ``results[0]`` is the first seed's."""

    settings: Settings
    results: list[SimulationResult]

    @property
    def seeds(self) -> list[int]:
        return [result.world.seed for result in self.results]

    def strategy(self, name: str, measure: str) -> stats.Summary:
        return stats.summarise([r.strategies[name].value(measure) for r in self.results])

    def difference(self, first: str, second: str, measure: str) -> stats.Summary:
        return stats.paired(
            [r.strategies[first].value(measure) for r in self.results],
            [r.strategies[second].value(measure) for r in self.results],
        )

    def gain_vs_oracle(self) -> stats.Summary | None:
        gains = [r.gain_vs_oracle for r in self.results]
        known = [g for g in gains if g is not None]
        return stats.summarise(known) if known else None

    def sweep(self, index: int, measure: str) -> stats.Summary:
        return stats.summarise([r.sweep[index][1].value(measure) for r in self.results])

    def sweep_minus_defaults(self, index: int, measure: str) -> stats.Summary:
        return self.sweep_minus(index, measure, "history_similarity")

    def sweep_minus(self, index: int, measure: str, strategy: str) -> stats.Summary:
        """A sweep point minus a strategy, paired by seed."""
        return stats.paired(
            [r.sweep[index][1].value(measure) for r in self.results],
            [r.strategies[strategy].value(measure) for r in self.results],
        )

    def synthetic_minus(self, index: int, measure: str, strategy: str) -> stats.Summary:
        """A synthetic split run minus a strategy, paired by seed."""
        return stats.paired(
            [r.synthetic[index][1].value(measure) for r in self.results],
            [r.strategies[strategy].value(measure) for r in self.results],
        )

    def synthetic(self, index: int, measure: str, which: int = 1) -> stats.Summary:
        """``which`` 1: the split run (synthetic at 0); 2: both kinds at the organic weight."""
        return stats.summarise([r.synthetic[index][which].value(measure) for r in self.results])

    def synthetic_minus_same(self, index: int, measure: str) -> stats.Summary:
        return stats.paired(
            [r.synthetic[index][1].value(measure) for r in self.results],
            [r.synthetic[index][2].value(measure) for r in self.results],
        )

    def per_period(self, name: str, key: str) -> list[tuple[int, stats.Summary]]:
        """Per period, the strategy's ``key`` (served_quality, new_task_served_quality) over seeds."""
        return self._per_period([r.strategies[name] for r in self.results], key)

    def synthetic_per_period(self, index: int, key: str) -> list[tuple[int, stats.Summary]]:
        """Per period, the ``index``-th synthetic split run's ``key`` over seeds."""
        return self._per_period([r.synthetic[index][1] for r in self.results], key)

    @staticmethod
    def _per_period(runs: list[RunMeasures], key: str) -> list[tuple[int, stats.Summary]]:
        points = []
        for index, entry in enumerate(runs[0].per_period):
            values = [run.per_period[index][key] for run in runs]
            if all(value is not None for value in values):
                points.append((entry["period"], stats.summarise(values)))
        return points

    def as_json(self) -> dict[str, Any]:
        measures = MEASURES
        gain = self.gain_vs_oracle()
        first = self.results[0]
        scale = self.settings.shape.weight_scale
        return {
            "n": len(self.results),
            "seed_list": self.seeds,
            "interval": stats.METHOD,
            "interval_description": stats.DESCRIPTION,
            "min_share_unit": "fraction of the task's requests (0.01 = 1 %)",
            "strategies": {
                name: {m: self.strategy(name, m).as_json() for m in measures}
                for name in strategies_for(self.settings.shape)
            },
            "differences": {
                f"{a}-{b}": {m: self.difference(a, b, m).as_json() for m in measures}
                for a, b in differences_for(self.settings.shape)
            },
            "gain_vs_oracle": None if gain is None else gain.as_json(),
            "sweep": [
                {
                    "history_weight": config.history_weight,
                    "history_weight_in_database": config.history_weight / scale,
                    "decay_factor": config.decay_factor,
                    "failure_weight": config.failure_weight,
                    **{m: self.sweep(index, m).as_json() for m in measures},
                    "minus_defaults": {m: self.sweep_minus_defaults(index, m).as_json() for m in measures},
                }
                for index, (config, _) in enumerate(first.sweep)
            ],
            "synthetic": [
                {
                    "organic_weight": config.history_weight,
                    "synthetic_weight": config.synthetic_weight,
                    "decay_factor": config.decay_factor,
                    "split": {m: self.synthetic(index, m, 1).as_json() for m in measures},
                    "same_weight": {m: self.synthetic(index, m, 2).as_json() for m in measures},
                    "split_minus_same_weight": {
                        m: self.synthetic_minus_same(index, m).as_json() for m in measures
                    },
                }
                for index, (config, _, _) in enumerate(first.synthetic)
            ],
        }


# -- databases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Defaults:
    history_weight: float
    decay_factor: float
    decay_interval: timedelta
    failure_weight: float


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
        cur.execute(
            "SELECT history_weight, decay_factor, decay_interval, failure_weight FROM public.ranking_config"
        )
        row = cur.fetchone()
    assert row is not None, "ranking_config always holds one row"
    return row


def _run_sql(
    admin_dsn: str, template: str, world: World, config: RunConfig, decay_interval: timedelta
) -> RunMeasures:
    scale = world.shape.weight_scale
    name = new_database_name("simulate")
    dsn = create_database(admin_dsn, name, template=template)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            # a throwaway database: waiting for a WAL flush on every query's commit would
            # dominate the run and change nothing it measures
            conn.execute("SET synchronous_commit TO off")
            router: Router
            if config.selection == "rank_contenders":
                router = SqlRouter(
                    conn,
                    world,
                    history_weight=config.history_weight / scale,
                    failure_weight=config.failure_weight,
                    decay_factor=config.decay_factor,
                    decay_interval=decay_interval,
                    with_similarity=config.with_similarity,
                    synthetic_weight=None
                    if config.synthetic_weight is None
                    else config.synthetic_weight / scale,
                )
            else:
                router = NineteenOrganicRouter(
                    conn,
                    world,
                    fixed=config.selection == "nineteen_organic_fixed",
                    decay_interval=decay_interval,
                )
            return play(world, router, decay_interval)
    finally:
        drop_database(admin_dsn, name)


@dataclass(frozen=True)
class _Plan:
    strategies: dict[str, RunConfig]
    sweep: list[RunConfig]
    synthetic: list[tuple[RunConfig, RunConfig]]  # (split, same weight)

    def all(self) -> list[RunConfig]:
        configs = [*self.strategies.values(), *self.sweep]
        for split, same in self.synthetic:
            configs += [split, same]
        return configs

    def same_run(self, config: RunConfig) -> RunConfig:
        """The configuration whose run this one's is. A sweep point with a strategy's exact
        configuration is that same deterministic run; with every weight 0 the ranking is
        fewest requests first whatever the decay factor and the similarity rows: load_balance."""
        if (
            config.selection == "rank_contenders"
            and config.history_weight == 0
            and config.failure_weight == 0
            and not config.synthetic_weight
        ):
            return self.strategies["load_balance"]
        return config

    def distinct(self) -> list[RunConfig]:
        """Every configuration to run, once."""
        return list(dict.fromkeys(self.same_run(config) for config in self.all()))


def _plan(settings: Settings, defaults: _Defaults) -> _Plan:
    """The runs: load balancing has every weight 0; the history strategies and the sweep the shipped
    failure_weight (the failure sweep moves it at the shipped history_weight and decay_factor)."""
    weight, factor, failures = defaults.history_weight, defaults.decay_factor, defaults.failure_weight
    if settings.failure_weight is not None:
        failures = float(settings.failure_weight)
    synthetic = settings.shape.synthetic_share > 0
    # with synthetic traffic, synthetic queries go through load balancing whatever ranks the organic ones
    split = 0.0 if synthetic else None
    sweep = [RunConfig(w, f, True, split, failure_weight=failures) for w, f in settings.sweep()]
    sweep += [
        RunConfig(weight, factor, True, split, failure_weight=fw) for fw in settings.sweep_failure_weights
    ]
    if synthetic:
        return _Plan(
            strategies={
                "load_balance": RunConfig(0.0, factor, True),
                "history_similarity": RunConfig(weight, factor, True, 0.0, failure_weight=failures),
                "nineteen_organic": RunConfig(0.0, factor, False, 0.0, "nineteen_organic"),
                "nineteen_organic_fixed": RunConfig(0.0, factor, False, 0.0, "nineteen_organic_fixed"),
            },
            sweep=sweep,
            synthetic=[
                (
                    RunConfig(float(w), factor, True, 0.0, failure_weight=failures),
                    RunConfig(float(w), factor, True, failure_weight=failures),
                )
                for w in settings.synthetic_organic_weights
            ],
        )
    return _Plan(
        strategies={
            "load_balance": RunConfig(0.0, factor, True),
            "history": RunConfig(weight, factor, False, failure_weight=failures),
            "history_similarity": RunConfig(weight, factor, True, failure_weight=failures),
        },
        sweep=sweep,
        synthetic=[],
    )


Progress = Callable[[int, int], None]


def run_seeds(
    settings: Settings, admin_dsn: str, template: str | None = None, progress: Progress | None = None
) -> SeedsResult:
    """Every strategy, sweep point and synthetic comparison on each of ``settings.seeds`` worlds.

    All runs of all seeds share one pool of ``settings.jobs`` threads, one connection each, every
    SQL run in its own clone of a migrated template. ``admin_dsn`` is a server where scratch
    databases (contender_rank_*) may be created; they are dropped before this returns.
    ``template`` names a migrated database to clone instead of migrating a new one. ``progress``
    is called with (runs done, runs in all) after each run.
    """
    worlds = [
        build_world(seed, settings.nodes, settings.periods, settings.queries, settings.shape)
        for seed in settings.seed_list()
    ]
    with migrated_template(admin_dsn, template) as source:
        defaults = _read_defaults(with_dbname(admin_dsn, source))
        plan = _plan(settings, defaults)
        distinct = plan.distinct()
        measured: dict[tuple[int, RunConfig | None], RunMeasures] = {}
        with ThreadPoolExecutor(max_workers=settings.jobs) as pool:
            futures = {}
            for index, world in enumerate(worlds):
                oracle = pool.submit(play, world, OracleRouter(world), defaults.decay_interval)
                futures[oracle] = (index, None)
                for config in distinct:
                    run = pool.submit(_run_sql, admin_dsn, source, world, config, defaults.decay_interval)
                    futures[run] = (index, config)
            total = len(futures)
            try:
                for done, future in enumerate(as_completed(futures), start=1):
                    measured[futures[future]] = future.result()
                    if progress is not None:
                        progress(done, total)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    for index in range(len(worlds)):
        for config in plan.all():
            measured[(index, config)] = measured[(index, plan.same_run(config))]
    results = []
    for index, world in enumerate(worlds):
        strategies = {name: measured[(index, config)] for name, config in plan.strategies.items()}
        strategies["oracle"] = measured[(index, None)]
        results.append(
            SimulationResult(
                world=world,
                defaults=plan.strategies["history_similarity"],
                strategies={name: strategies[name] for name in strategies_for(settings.shape)},
                sweep=[(config, measured[(index, config)]) for config in plan.sweep],
                synthetic=[
                    (split, measured[(index, split)], measured[(index, same)])
                    for split, same in plan.synthetic
                ],
            )
        )
    return SeedsResult(settings=settings, results=results)


def run_simulation(settings: Settings, admin_dsn: str, template: str | None = None) -> SimulationResult:
    """Every strategy and every sweep point on the world of ``settings.seed`` (one seed)."""
    return run_seeds(replace(settings, seeds=1), admin_dsn, template).results[0]
