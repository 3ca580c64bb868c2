"""The two PNGs of a simulation: served quality per period, and the history_weight sweep.

Over several seeds both show the mean and its 95 % t interval: a band around each line per
period, error bars on each sweep point (served quality and min share). With one seed they show
that seed's values alone.

matplotlib is optional (the ``plot`` extra): ``require_matplotlib`` is called before any work so
that a missing install fails at once, not after the simulation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contender_rank_lab.simulation.runner import SeedsResult, strategies_for
from contender_rank_lab.simulation.stats import Summary

_STYLE = {
    "load_balance": {"color": "#7f7f7f", "linestyle": "--"},
    "history": {"color": "#1f77b4", "linestyle": "-"},
    "history_similarity": {"color": "#d62728", "linestyle": "-"},
    "oracle": {"color": "#2ca02c", "linestyle": ":"},
    "nineteen_organic": {"color": "#8c564b", "linestyle": "-"},
    "nineteen_organic_fixed": {"color": "#e377c2", "linestyle": "--"},
}


class MatplotlibMissing(RuntimeError):
    pass


def require_matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as error:
        raise MatplotlibMissing(
            "plots need matplotlib, which the lab requires: pip install ./lab from a checkout, or "
            "pip install matplotlib (or leave out --plot/--sweep-plot)"
        ) from error
    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt

    return plt


def _seeds_label(result: SeedsResult) -> str:
    seeds = result.seeds
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    return f"seeds {seeds[0]}-{seeds[-1]}, mean and 95% interval"


_SPLIT_STYLE = ({"color": "#ff7f0e", "linestyle": "-."}, {"color": "#9467bd", "linestyle": "-."})


def _band(axes: Any, points: list[tuple[int, Summary]], label: str, style: dict[str, str]) -> None:
    xs = [period for period, _ in points]
    axes.plot(xs, [s.mean for _, s in points], label=label, marker="o", markersize=3, **style)
    if all(s.low is not None for _, s in points):
        axes.fill_between(
            xs,
            [s.low for _, s in points],
            [s.high for _, s in points],
            color=style["color"],
            alpha=0.15,
            linewidth=0,
        )


def plot_periods(result: SeedsResult, path: Path) -> None:
    plt = require_matplotlib()
    first = result.results[0]
    world = first.world
    new_tasks = world.new_tasks
    outages = bool(world.outages)
    if outages:
        figure, (overall, new_task, dark) = plt.subplots(
            1, 3, figsize=(15, 4.6), gridspec_kw={"width_ratios": [1, 1, 0.8]}
        )
        new_task.sharey(overall)
    else:
        figure, (overall, new_task) = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
    for name in strategies_for(world.shape):
        _band(overall, result.per_period(name, "served_quality"), name, _STYLE[name])
        _band(new_task, result.per_period(name, "new_task_served_quality"), name, _STYLE[name])
    for index, (config, _, _) in enumerate(first.synthetic):
        label = f"synthetic w=0, organic w={config.history_weight:g}"
        style = _SPLIT_STYLE[index % len(_SPLIT_STYLE)]
        _band(overall, result.synthetic_per_period(index, "served_quality"), label, style)
        _band(new_task, result.synthetic_per_period(index, "new_task_served_quality"), label, style)
    for axes in (overall, new_task):
        axes.axvline(world.new_task_period - 0.5, color="black", linewidth=0.8, alpha=0.6)
        axes.set_xlabel(f"period (one decay interval; {world.queries} queries per task each)")
        axes.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
    overall.text(
        world.new_task_period - 0.4,
        0.03,
        "new model arrives",
        fontsize=8,
        transform=overall.get_xaxis_transform(),
    )
    organic = " (organic queries)" if world.synthetic_share else ""
    overall.set_title(f"all tasks{organic}")
    new_task.set_title(f"{' + '.join(new_tasks)} only (no history of its own)", fontsize=9)
    overall.set_ylabel("served quality (answered on the first try)")
    overall.set_ylim(0, 1)
    overall.legend(loc="lower left", fontsize=8)
    if outages:
        _outage_bars(dark, result)
    figure.suptitle(
        f"Strategies on the same worlds ({world.shape.name}): {world.nodes} nodes, {_seeds_label(result)}",
        fontsize=11,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _outage_bars(axes: Any, result: SeedsResult) -> None:
    """Per strategy, the share of organic tries sent to a miner while it was dark, with its 95 %
    interval over seeds: what a within-period failure signal is for."""
    names = list(strategies_for(result.results[0].world.shape))
    summaries = [result.strategy(name, "outage_tries") for name in names]
    means = [s.mean * 100 for s in summaries]
    errors = [
        [(s.mean - s.low) * 100 if s.low is not None else 0 for s in summaries],
        [(s.high - s.mean) * 100 if s.high is not None else 0 for s in summaries],
    ]
    colors = [_STYLE[name]["color"] for name in names]
    axes.bar(range(len(names)), means, yerr=errors, color=colors, capsize=3, alpha=0.8)
    axes.set_xticks(range(len(names)))
    axes.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
    axes.set_ylabel("organic tries sent to a dark miner (%)")
    axes.set_title("outages: tries wasted on miners that are down")
    axes.grid(alpha=0.3, axis="y")


_LEFT_EDGE = 0.02  # percent: where a min share of 0 is drawn on the log axis


def _at(share: Summary) -> float:
    return max(share.mean * 100, _LEFT_EDGE)


def _errorbar(axes: Any, x: Summary, y: Summary, x_scale: float, log_x: bool, **style: Any) -> float:
    """A point with both 95 % intervals (cut at the left edge on a log axis); returns its x."""
    position = _at(x) if log_x else x.mean * x_scale
    xerr = None
    if x.low is not None and x.high is not None:
        low = max(x.low * x_scale, _LEFT_EDGE / 1.2) if log_x else x.low * x_scale
        xerr = [[max(position - low, 0)], [max(x.high * x_scale - position, 0)]]
    yerr = None if y.low is None or y.high is None else [[y.mean - y.low], [y.high - y.mean]]
    axes.errorbar([position], [y.mean], xerr=xerr, yerr=yerr, capsize=2, elinewidth=0.8, **style)
    return position


def plot_sweep(result: SeedsResult, path: Path) -> None:
    """Served quality gained over load_balance (paired by seed) against what it costs in data on the
    weakest miners: the smallest share of a task's requests any contender got (left) and the
    share of contender-periods with no request at all (right), for every sweep point."""
    plt = require_matplotlib()
    first = result.results[0]
    world = first.world
    figure, panels = plt.subplots(1, 2, figsize=(12, 5.0), sharey=True)
    failure_points = len(result.settings.sweep_failure_weights)
    history_points = len(first.sweep) - failure_points
    sweep = [(index, config) for index, (config, _) in enumerate(first.sweep) if index < history_points]
    by_failure = [(index, config) for index, (config, _) in enumerate(first.sweep) if index >= history_points]
    factors = sorted({config.decay_factor for _, config in sweep})
    colors = plt.get_cmap("viridis")([i / max(1, len(factors)) for i in range(len(factors))])
    oracle = result.difference("oracle", "load_balance", "served_quality")
    for axes, measure, x_scale, log_x in (
        (panels[0], "min_share", 100.0, True),
        (panels[1], "unmeasured", 100.0, False),
    ):
        smallest = 1.0
        for factor, color in zip(factors, colors, strict=False):
            points = sorted(
                (config.history_weight, index) for index, config in sweep if config.decay_factor == factor
            )
            xs, ys = [], []
            for weight, index in points:
                gain = result.sweep_minus(index, "served_quality", "load_balance")
                x = _errorbar(
                    axes,
                    result.sweep(index, measure),
                    gain,
                    x_scale,
                    log_x,
                    fmt="o",
                    color=color,
                    markersize=4,
                )
                axes.annotate(
                    f"w={weight:g}",
                    (x, gain.mean),
                    textcoords="offset points",
                    xytext=(4, 4),
                    fontsize=7,
                    color=color,
                )
                xs.append(x)
                ys.append(gain.mean)
                smallest = min(smallest, x)
            axes.plot(xs, ys, color=color, linewidth=1, label=f"decay_factor {factor:g}")
        xs, ys = [], []
        for index, config in by_failure:
            gain = result.sweep_minus(index, "served_quality", "load_balance")
            x = _errorbar(
                axes,
                result.sweep(index, measure),
                gain,
                x_scale,
                log_x,
                fmt="D",
                color="#d62728",
                markersize=4,
            )
            axes.annotate(
                f"f={config.failure_weight:g}",
                (x, gain.mean),
                textcoords="offset points",
                xytext=(4, -10),
                fontsize=7,
                color="#d62728",
            )
            xs.append(x)
            ys.append(gain.mean)
            smallest = min(smallest, x)
        if by_failure:
            axes.plot(
                xs, ys, color="#d62728", linewidth=1, linestyle="--", label="failure_weight f (shipped w)"
            )
        for index, (config, _, _) in enumerate(first.synthetic):
            gain = result.synthetic_minus(index, "served_quality", "load_balance")
            color = _SPLIT_STYLE[index % len(_SPLIT_STYLE)]["color"]
            x = _errorbar(
                axes,
                result.synthetic(index, measure),
                gain,
                x_scale,
                log_x,
                fmt="s",
                color=color,
                markersize=5,
                mfc="none",
            )
            axes.annotate(
                f"synthetic w=0, organic w={config.history_weight:g}",
                (x, gain.mean),
                textcoords="offset points",
                xytext=(6, 6 - 12 * index),
                fontsize=7,
                color=color,
            )
        axes.axhline(
            oracle.mean, color=_STYLE["oracle"]["color"], linestyle=":", label=f"oracle (+{oracle.mean:.3f})"
        )
        if oracle.low is not None:
            axes.axhspan(oracle.low, oracle.high, color=_STYLE["oracle"]["color"], alpha=0.1, linewidth=0)
        axes.grid(alpha=0.3)
        if log_x:
            axes.axvline(
                100 / world.nodes,
                color="black",
                linewidth=0.8,
                alpha=0.5,
                label=f"equal share (1/{world.nodes})",
            )
            axes.set_xscale("log")  # the interesting range is a hundredth of a percent to a few percent
            ticks = [t for t in (0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10) if t >= smallest / 1.5]
            axes.set_xticks(ticks)
            axes.xaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: f"{value:g}"))
            axes.xaxis.set_minor_formatter(plt.NullFormatter())
            axes.set_xlabel("min share: smallest share of a task's requests any contender got (%, log scale)")
        else:
            axes.set_xlabel("unmeasured: contender-periods with no request, so no score (%)")
    organic = ", organic queries" if world.synthetic_share else ""
    panels[0].set_ylabel(f"served quality minus load_balance's (first try{organic})")
    panels[0].legend(fontsize=8, loc="lower right")
    scale = world.shape.weight_scale
    weights = "" if scale == 1 else f"; w at full scale, w/{scale:g} in the database"
    figure.suptitle(
        f"history_weight sweep ({world.shape.name}, {world.nodes} nodes, {_seeds_label(result)}; "
        f"differences paired by seed{weights})",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
