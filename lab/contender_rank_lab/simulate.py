"""``simulate``: does the ranking pick better miners? Strategies compared on the real SQL, over seeds.

A seeded world of nodes with hidden quality is replayed once per strategy, each in a fresh
database cloned from a migrated template: on the server in DSN/DATABASE_URL (scratch databases
named contender_rank_*, dropped afterwards) or on a throwaway embedded PostgreSQL. With several
seeds, every strategy runs on the same worlds with the same dice, and each measure is reported
as a mean over seeds with a 95 % t interval, the differences between strategies paired by seed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from contender_rank.arguments import CliError, given_dsn
from contender_rank_lab.databases import server
from contender_rank_lab.simulation import stats
from contender_rank_lab.simulation.plots import (
    MatplotlibMissing,
    plot_periods,
    plot_sweep,
    require_matplotlib,
)
from contender_rank_lab.simulation.runner import (
    SeedsResult,
    Settings,
    SimulationResult,
    differences_for,
    run_seeds,
    strategies_for,
)
from contender_rank_lab.simulation.world import DEFAULT, NINETEEN, SHAPES


@dataclass(frozen=True)
class Preset:
    full: Settings
    quick: Settings


PRESETS: dict[str, Preset] = {
    "default": Preset(
        full=Settings(seeds=10),
        # a quick look (and the test suite): the default world, half as many periods, a short sweep
        quick=Settings(periods=8, sweep_weights=(0, 1, 50), sweep_decay_factors=(0.5,), seeds=4),
    ),
    # Weights are at nineteen's full scale (a run writes weight / 10 into ranking_config): ~10
    # requests per contender per period stand for ~100 per hour, the traffic the shipped
    # history_weight 50 is meant for, and leave room for what happens within a period (outages).
    # Synthetic queries always go through load balancing; the sweep is the shipped history_weight
    # with and without the failure signal (failure_weight 0).
    "nineteen": Preset(
        full=Settings(
            nodes=128,
            periods=6,
            queries=750,
            shape=NINETEEN,
            sweep_points=((50, 0.5),),
            sweep_failure_weights=(0,),
            seeds=4,
            jobs=2,
        ),
        # the same traffic per contender on half the nodes, the strategies alone (the sweep point is
        # history_similarity's own run)
        quick=Settings(
            nodes=64,
            periods=6,
            queries=375,
            shape=NINETEEN,
            sweep_points=((50, 0.5),),
            seeds=3,
            jobs=2,
        ),
    ),
}
QUICK = PRESETS["default"].quick


def _number_list(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}") from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one number")
    return values


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="replay seeded worlds with hidden miner quality through the real ranking; compare strategies",
        description=(
            "Compare load_balance, history, history_similarity and an oracle on --seeds seeded worlds, each "
            "run through rank_contenders/close_period in a fresh database, and sweep history_weight and "
            "decay_factor; report means over seeds with 95% t intervals, differences paired by seed. Uses "
            "scratch databases on --dsn/DATABASE_URL, else a throwaway embedded server."
        ),
    )
    default, nineteen = PRESETS["default"], PRESETS["nineteen"]
    parser.add_argument(
        "--world",
        choices=sorted(SHAPES),
        default=DEFAULT.name,
        help=(
            "default: 32 nodes, one llama family, a new model half-way; nineteen: 128 nodes, nineteen's 14 "
            "tasks in families, a new model as 2 tasks, drifting miners and outages, half the traffic "
            "synthetic, nineteen's own organic selection beside ours, time scaled down 10x (see "
            "docs/simulation.md)"
        ),
    )
    parser.add_argument(
        "--seed", type=int, default=default.full.seed, help=f"first seed (default {default.full.seed})"
    )
    parser.add_argument(
        "--seeds",
        type=int,
        help=(
            f"worlds to run, seeds --seed .. --seed+N-1 (default {default.full.seeds}, --quick "
            f"{default.quick.seeds}; nineteen {nineteen.full.seeds}, --quick {nineteen.quick.seeds}); "
            "1 gives the single-seed report"
        ),
    )
    parser.add_argument(
        "--nodes",
        type=int,
        help=f"miner nodes (default {default.full.nodes}, --quick {default.quick.nodes}; nineteen "
        f"{nineteen.full.nodes}, --quick {nineteen.quick.nodes})",
    )
    parser.add_argument(
        "--periods",
        type=int,
        help=f"periods; the new task arrives half-way (default {default.full.periods}, --quick "
        f"{default.quick.periods}; nineteen {nineteen.full.periods}, --quick {nineteen.quick.periods})",
    )
    parser.add_argument(
        "--queries",
        type=int,
        help=f"queries per task per period (default {default.full.queries}; nineteen "
        f"{nineteen.full.queries}, --quick {nineteen.quick.queries})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smaller run: fewer periods (default world) or nodes and queries (nineteen), fewer seeds, "
        "a short sweep",
    )
    parser.add_argument(
        "--sweep-weights",
        type=_number_list,
        metavar="W,W,...",
        help="history weights to sweep (full scale), at every --sweep-decay-factors (default: the world's)",
    )
    parser.add_argument(
        "--sweep-decay-factors",
        type=_number_list,
        metavar="F,F,...",
        help="decay factors to sweep (default: the world's; 0.5,0.8 in the default world)",
    )
    parser.add_argument(
        "--failure-weight",
        type=float,
        metavar="E",
        help="failure_weight of the history strategies and the sweep (default: the shipped one)",
    )
    parser.add_argument(
        "--sweep-failure-weights",
        type=_number_list,
        metavar="F,F,...",
        help="failure weights to sweep at the shipped history_weight and decay_factor (default: the world's)",
    )
    parser.add_argument(
        "--synthetic-share",
        type=float,
        help=f"share of queries that are synthetic (default: the world's, {DEFAULT.synthetic_share:g} "
        f"or {NINETEEN.synthetic_share:g})",
    )
    parser.add_argument(
        "--weight-scale",
        type=float,
        help=(
            "full-scale requests one simulated request stands for: runs write history_weight / scale "
            f"into ranking_config (default: the world's, {DEFAULT.weight_scale:g} or "
            f"{NINETEEN.weight_scale:g}); "
            "change it with the traffic per contender"
        ),
    )
    parser.add_argument(
        "--jobs",
        type=int,
        help=f"runs in parallel, one connection each (default {default.full.jobs}; nineteen "
        f"{nineteen.full.jobs}, whose runs each keep a server process busy for minutes)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="FILE.png",
        help="write served quality per period per strategy (with 95%% bands over seeds)",
    )
    parser.add_argument(
        "--sweep-plot",
        type=Path,
        metavar="FILE.png",
        help="write the sweep: served quality gained over load_balance against min share and unmeasured "
        "contender-periods, per decay_factor (with 95%% intervals)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress line on stderr")
    parser.set_defaults(handler=run_simulate)


def settings_from(args: argparse.Namespace) -> Settings:
    preset = PRESETS[args.world]
    base = preset.quick if args.quick else preset.full
    shape = base.shape
    if args.synthetic_share is not None:
        shape = replace(shape, synthetic_share=args.synthetic_share)
    if args.weight_scale is not None:
        if not args.weight_scale > 0:
            raise CliError(f"the weight scale must be greater than 0, got {args.weight_scale}")
        shape = replace(shape, weight_scale=args.weight_scale)
    settings = replace(
        base,
        seed=args.seed,
        seeds=base.seeds if args.seeds is None else args.seeds,
        nodes=base.nodes if args.nodes is None else args.nodes,
        periods=base.periods if args.periods is None else args.periods,
        queries=base.queries if args.queries is None else args.queries,
        jobs=base.jobs if args.jobs is None else args.jobs,
        shape=shape,
    )
    if args.sweep_weights is not None or args.sweep_decay_factors is not None:
        settings = replace(
            settings,
            sweep_points=(),
            sweep_weights=args.sweep_weights or tuple(sorted({w for w, _ in base.sweep()})),
            sweep_decay_factors=args.sweep_decay_factors or tuple(sorted({f for _, f in base.sweep()})),
        )
    if args.sweep_failure_weights is not None:
        settings = replace(settings, sweep_failure_weights=args.sweep_failure_weights)
    if args.failure_weight is not None:
        settings = replace(settings, failure_weight=args.failure_weight)
    problems = settings.problems()
    if problems:
        raise CliError("; ".join(problems))
    return settings


def _check_plot_target(path: Path | None) -> None:
    if path is None:
        return
    if path.suffix.lower() != ".png":
        raise CliError(f"plots are PNG files: give a name ending in .png, got {str(path)!r}")
    if not path.resolve().parent.is_dir():
        raise CliError(f"cannot write {str(path)!r}: directory {str(path.resolve().parent)!r} does not exist")


class ProgressLine:
    """Runs done on stderr: one line rewritten in place on a terminal, a line per tenth otherwise."""

    def __init__(self, label: str, stream: TextIO | None = None):
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.started = time.monotonic()
        self.tty = self.stream.isatty()
        self._last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.started
        left = elapsed / done * (total - done)
        line = (
            f"simulate {self.label}: {done}/{total} runs, {_clock(elapsed)} elapsed, "
            f"about {_clock(left)} left"
        )
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done == total else ""))
        elif done * 10 // total > self._last_tenth:
            self._last_tenth = done * 10 // total
            self.stream.write(line + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def run_simulate(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    for target in (args.plot, args.sweep_plot):
        _check_plot_target(target)
    if args.plot or args.sweep_plot:
        try:
            require_matplotlib()
        except MatplotlibMissing as error:
            raise CliError(str(error)) from error

    seeds = settings.seed_list()
    label = f"{settings.shape.name} world, seeds {seeds[0]}..{seeds[-1]}"
    progress = None if args.no_progress else ProgressLine(label)
    with server(given_dsn(getattr(args, "dsn", None))) as admin_dsn:
        result = run_seeds(settings, admin_dsn, progress=progress)

    if args.plot:
        plot_periods(result, args.plot)
    if args.sweep_plot:
        plot_sweep(result, args.sweep_plot)
    if args.json:
        print(json.dumps(result_json(result), indent=2))
    else:
        print(render_text(result))
    return 0


def result_json(result: SeedsResult) -> dict[str, object]:
    """The first seed's single-seed document, plus (with two seeds or more) the ``seeds`` block."""
    document = result.results[0].as_json()
    if len(result.results) > 1:
        document["seeds"] = result.as_json()
    return document


# -- text --------------------------------------------------------------------------------------------

_COLUMNS = (
    ("served_quality", "served_quality", 1.0, 3),
    ("mean_tries", "mean_tries", 1.0, 3),
    ("min_share", "min_share %", 100.0, 2),
    ("new_task_first_period_quality", "new_task_1st_period", 1.0, 3),
    ("new_task_quality", "new_task_quality", 1.0, 3),
    ("established_quality", "established_tasks", 1.0, 3),
    ("unmeasured", "unmeasured %", 100.0, 1),
    ("outage_tries", "outage_tries %", 100.0, 2),
    ("top_node_share", "top_node_share %", 100.0, 1),
)


def _world_line(result: SimulationResult) -> str:
    world = result.world
    shape = world.shape
    line = (
        f"world {shape.name}: {world.nodes} nodes, {len(shape.tasks)} tasks, {world.periods} periods, "
        f"{world.queries} queries per task per period; {', '.join(shape.new_tasks)} "
        f"arrive{'s' if len(shape.new_tasks) == 1 else ''} in period {world.new_task_period}"
    )
    extras = []
    if shape.synthetic_share:
        extras.append(f"{shape.synthetic_share:.0%} of queries synthetic (quality counts organic ones)")
    if shape.drift:
        extras.append(f"each node changes its setup with probability {shape.drift:g} per period")
    if shape.weight_scale != 1:
        extras.append(
            f"weights at full scale: a run writes history_weight / {shape.weight_scale:g} into ranking_config"
        )
    return line + "".join(f"\n  {extra}" for extra in extras)


def render_text(result: SeedsResult) -> str:
    if len(result.results) == 1:
        return render_single(result.results[0])
    return render_seeds(result)


def render_single(result: SimulationResult) -> str:
    world = result.world
    lines = [
        _world_line(result) + f"; seed {world.seed}",
        "",
        f"{'strategy':<20}"
        + "".join(f"{title:>{max(len(title) + 2, 12)}}" for _, title, _, _ in _COLUMNS)
        + f"{'requests/contender/period':>27}",
    ]
    for name in strategies_for(world.shape):
        m = result.strategies[name]
        lines.append(
            f"{name:<20}"
            + "".join(
                f"{m.value(key) * scale:>{max(len(title) + 2, 12)}.{digits}f}"
                for key, title, scale, digits in _COLUMNS
            )
            + f"{m.requests_per_contender_period:>27.2f}"
        )
    gain = result.gain_vs_oracle
    lines += [
        "",
        "gain_vs_oracle (history_similarity's served-quality gain over load_balance, "
        "as a share of the oracle's): "
        + ("n/a (the oracle does not beat load_balance)" if gain is None else f"{gain:.3f}"),
        "",
        (
            f"{'history_weight':>14}{'decay_factor':>14}{'failure':>9}{'served_quality':>16}"
            f"{'min_share %':>13}{'new_task_quality':>18}"
        ),
    ]
    for config, m in result.sweep:
        lines.append(
            f"{config.history_weight:>14g}{config.decay_factor:>14g}{config.failure_weight:>9g}"
            f"{m.served_quality:>16.3f}"
            f"{m.min_share * 100:>13.2f}{m.new_task_quality:>18.3f}"
        )
    for config, split, same in result.synthetic:
        lines.append(
            f"synthetic at 0, organic at {config.history_weight:g}: "
            f"served_quality {split.served_quality:.3f} "
            f"(both at {config.history_weight:g}: {same.served_quality:.3f}), min_share "
            f"{split.min_share * 100:.2f} % ({same.min_share * 100:.2f} %)"
        )
    return "\n".join(lines)


def _interval(summary: stats.Summary, scale: float, digits: int, signed: bool = False) -> str:
    sign = "+" if signed else ""
    mean = f"{summary.mean * scale:{sign}.{digits}f}"
    if summary.half_width is None:
        return mean
    mark = "~" if signed and summary.includes_zero else ""
    return f"{mean}±{summary.half_width * scale:.{digits}f}{mark}"


def render_seeds(result: SeedsResult) -> str:
    first = result.results[0]
    seeds = result.seeds
    width = 22
    header = f"{'':<38}" + "".join(f"{title:>{width}}" for _, title, _, _ in _COLUMNS)
    lines = [
        _world_line(first),
        (
            f"seeds {seeds[0]}..{seeds[-1]} ({len(seeds)} worlds, the same dice for every strategy): "
            "mean ± half "
            "the 95% t interval over seeds"
        ),
        "",
        header,
    ]
    for name in strategies_for(first.world.shape):
        lines.append(
            f"{name:<38}"
            + "".join(
                f"{_interval(result.strategy(name, key), scale, digits):>{width}}"
                for key, _, scale, digits in _COLUMNS
            )
        )
    lines += ["", "paired differences (~: the interval includes 0)"]
    for a, b in differences_for(first.world.shape):
        lines.append(
            f"{a + ' - ' + b:<38}"
            + "".join(
                f"{_interval(result.difference(a, b, key), scale, digits, signed=True):>{width}}"
                for key, _, scale, digits in _COLUMNS
            )
        )
    gain = result.gain_vs_oracle()
    if gain is not None:
        lines += ["", f"gain_vs_oracle: {_interval(gain, 1.0, 3)}"]

    scale = first.world.shape.weight_scale
    lines += [
        "",
        (
            "sweep (history_similarity; minus defaults: paired difference from "
            f"history_weight {first.defaults.history_weight:g}, "
            f"decay_factor {first.defaults.decay_factor:g}, failure_weight {first.defaults.failure_weight:g})"
        ),
        f"{'history_weight':>14}"
        + (f"{'in database':>12}" if scale != 1 else "")
        + f"{'decay':>7}{'failure':>9}{'served_quality':>16}{'minus defaults':>17}{'min_share %':>14}"
        f"{'new_task_1st_period':>21}{'new_task_quality':>18}{'unmeasured %':>14}"
        f"{'outage_tries %':>15}{'minus defaults':>17}",
    ]
    for index, (config, _) in enumerate(first.sweep):
        lines.append(
            f"{config.history_weight:>14g}"
            + (f"{config.history_weight / scale:>12g}" if scale != 1 else "")
            + f"{config.decay_factor:>7g}{config.failure_weight:>9g}"
            f"{_interval(result.sweep(index, 'served_quality'), 1, 3):>16}"
            f"{_interval(result.sweep_minus_defaults(index, 'served_quality'), 1, 3, signed=True):>17}"
            f"{_interval(result.sweep(index, 'min_share'), 100, 2):>14}"
            f"{_interval(result.sweep(index, 'new_task_first_period_quality'), 1, 3):>21}"
            f"{_interval(result.sweep(index, 'new_task_quality'), 1, 3):>18}"
            f"{_interval(result.sweep(index, 'unmeasured'), 100, 1):>14}"
            f"{_interval(result.sweep(index, 'outage_tries'), 100, 2):>15}"
            f"{_interval(result.sweep_minus_defaults(index, 'outage_tries'), 100, 2, signed=True):>17}"
        )
    if first.synthetic:
        lines += [
            "",
            (
                "synthetic queries at weight 0 (load balancing), organic at the weight shown, "
                "minus both at that "
                "weight (paired)"
            ),
            (
                f"{'organic weight':>14}{'served_quality':>17}{'established':>14}{'new_task_quality':>18}"
                f"{'min_share %':>14}{'unmeasured %':>14}"
            ),
        ]
        for index, (config, _, _) in enumerate(first.synthetic):
            lines.append(
                f"{config.history_weight:>14g}"
                f"{_interval(result.synthetic_minus_same(index, 'served_quality'), 1, 3, True):>17}"
                f"{_interval(result.synthetic_minus_same(index, 'established_quality'), 1, 3, True):>14}"
                f"{_interval(result.synthetic_minus_same(index, 'new_task_quality'), 1, 3, True):>18}"
                f"{_interval(result.synthetic_minus_same(index, 'min_share'), 100, 2, True):>14}"
                f"{_interval(result.synthetic_minus_same(index, 'unmeasured'), 100, 1, True):>14}"
            )
    return "\n".join(lines)
