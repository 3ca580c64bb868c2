"""``simulate``: does the ranking pick better miners? Strategies compared on the real SQL.

A seeded world of nodes with hidden quality is replayed once per strategy, each in a fresh
database cloned from a migrated template: on the server in DSN/DATABASE_URL (scratch databases
named contender_rank_*, dropped afterwards) or on a throwaway embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from contender_rank.cli import CliError
from contender_rank.embedded import EmbeddedPostgres, EmbeddedPostgresError
from contender_rank.simulation.plots import MatplotlibMissing, plot_periods, plot_sweep, require_matplotlib
from contender_rank.simulation.runner import STRATEGIES, Settings, SimulationResult, run_simulation
from contender_rank.simulation.world import NEW_TASK

# A quick look (and the test suite): the default world, half as many periods, a short sweep.
QUICK = Settings(periods=8, sweep_weights=(0, 1, 50), sweep_decay_factors=(0.5,))


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="replay a seeded world with hidden miner quality through the real ranking; compare strategies",
        description=(
            "Compare load_balance, history, history_similarity and an oracle on one seeded world, each "
            "through rank_contenders/close_period in a fresh database, and sweep history_weight and "
            "decay_factor. Uses scratch databases on --dsn/DATABASE_URL, else a throwaway embedded server."
        ),
    )
    defaults = Settings()
    parser.add_argument(
        "--seed", type=int, default=defaults.seed, help=f"world and dice seed (default {defaults.seed})"
    )
    parser.add_argument(
        "--nodes", type=int, help=f"miner nodes (default {defaults.nodes}; --quick {QUICK.nodes})"
    )
    parser.add_argument(
        "--periods",
        type=int,
        help=f"periods; the new task arrives half-way (default {defaults.periods}; --quick {QUICK.periods})",
    )
    parser.add_argument(
        "--queries",
        type=int,
        help=f"queries per task per period (default {defaults.queries}; --quick {QUICK.queries})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small world and a short sweep (history_weight 0, 1, 50 at decay_factor 0.5)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=defaults.jobs,
        help=f"runs in parallel, one connection each (default {defaults.jobs})",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--plot", type=Path, metavar="FILE.png", help="write served quality per period per strategy"
    )
    parser.add_argument(
        "--sweep-plot",
        type=Path,
        metavar="FILE.png",
        help="write the sweep: served quality against min share, per decay_factor",
    )
    parser.set_defaults(handler=run_simulate)


def settings_from(args: argparse.Namespace) -> Settings:
    base = QUICK if args.quick else Settings()
    settings = replace(
        base,
        seed=args.seed,
        nodes=base.nodes if args.nodes is None else args.nodes,
        periods=base.periods if args.periods is None else args.periods,
        queries=base.queries if args.queries is None else args.queries,
        jobs=args.jobs,
    )
    problems = settings.problems()
    if problems:
        raise CliError("; ".join(problems))
    return settings


@contextmanager
def admin_server(args: argparse.Namespace) -> Iterator[str]:
    """The server to create scratch databases on: the given one, or a throwaway embedded one."""
    dsn = getattr(args, "dsn", None) or os.environ.get("DATABASE_URL")
    if dsn:
        yield dsn
        return
    try:
        with EmbeddedPostgres() as server:
            yield server.dsn()
    except EmbeddedPostgresError as error:
        raise CliError(str(error)) from error


def _check_plot_target(path: Path | None) -> None:
    if path is None:
        return
    if path.suffix.lower() != ".png":
        raise CliError(f"plots are PNG files: give a name ending in .png, got {str(path)!r}")
    if not path.resolve().parent.is_dir():
        raise CliError(f"cannot write {str(path)!r}: directory {str(path.resolve().parent)!r} does not exist")


def run_simulate(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    for target in (args.plot, args.sweep_plot):
        _check_plot_target(target)
    if args.plot or args.sweep_plot:
        try:
            require_matplotlib()
        except MatplotlibMissing as error:
            raise CliError(str(error)) from error

    with admin_server(args) as admin_dsn:
        result = run_simulation(settings, admin_dsn)

    if args.plot:
        plot_periods(result, args.plot)
    if args.sweep_plot:
        plot_sweep(result, args.sweep_plot)
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
    else:
        print(render_text(result))
    return 0


def render_text(result: SimulationResult) -> str:
    world = result.world
    lines = [
        (
            f"world: {world.nodes} nodes, {world.periods} periods, {world.queries} queries per task per "
            f"period, seed {world.seed}; {NEW_TASK} arrives in period {world.new_task_period}"
        ),
        "",
        (
            f"{'strategy':<20}{'served_quality':>16}{'mean_tries':>12}{'min_share':>11}"
            f"{'new_task_quality':>18}{'requests/contender/period':>27}"
        ),
    ]
    for name in STRATEGIES:
        m = result.strategies[name]
        lines.append(
            f"{name:<20}{m.served_quality:>16.3f}{m.mean_tries:>12.3f}{m.min_share:>11.4f}"
            f"{m.new_task_quality:>18.3f}{m.requests_per_contender_period:>27.2f}"
        )
    gain = result.gain_vs_oracle
    lines += [
        "",
        "gain_vs_oracle (history_similarity's served-quality gain over load_balance, "
        "as a share of the oracle's): "
        + ("n/a (the oracle does not beat load_balance)" if gain is None else f"{gain:.3f}"),
        "",
        f"{'history_weight':>14}{'decay_factor':>14}{'served_quality':>16}{'min_share':>11}{'new_task_quality':>18}",
    ]
    for config, m in result.sweep:
        lines.append(
            f"{config.history_weight:>14g}{config.decay_factor:>14g}{m.served_quality:>16.3f}"
            f"{m.min_share:>11.4f}{m.new_task_quality:>18.3f}"
        )
    return "\n".join(lines)
