"""The two PNGs of a simulation: served quality per period, and the history_weight sweep.

matplotlib is optional (the ``plot`` extra): ``require_matplotlib`` is called before any work so
that a missing install fails at once, not after the simulation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contender_rank.simulation.runner import STRATEGIES, SimulationResult
from contender_rank.simulation.world import NEW_TASK

_STYLE = {
    "load_balance": {"color": "#7f7f7f", "linestyle": "--"},
    "history": {"color": "#1f77b4", "linestyle": "-"},
    "history_similarity": {"color": "#d62728", "linestyle": "-"},
    "oracle": {"color": "#2ca02c", "linestyle": ":"},
}


class MatplotlibMissing(RuntimeError):
    pass


def require_matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as error:
        raise MatplotlibMissing(
            "plots need matplotlib: pip install 'contender-rank[plot]' (or leave out --plot/--sweep-plot)"
        ) from error
    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt

    return plt


def plot_periods(result: SimulationResult, path: Path) -> None:
    plt = require_matplotlib()
    world = result.world
    figure, (overall, new_task) = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for name in STRATEGIES:
        series = result.strategies[name].per_period
        overall.plot(
            [p["period"] for p in series],
            [p["served_quality"] for p in series],
            label=name,
            marker="o",
            markersize=3,
            **_STYLE[name],
        )
        arrived = [p for p in series if p["new_task_served_quality"] is not None]
        new_task.plot(
            [p["period"] for p in arrived],
            [p["new_task_served_quality"] for p in arrived],
            label=name,
            marker="o",
            markersize=3,
            **_STYLE[name],
        )
    for axes in (overall, new_task):
        axes.axvline(world.new_task_period - 0.5, color="black", linewidth=0.8, alpha=0.6)
        axes.set_xlabel(f"period (one decay interval; {world.queries} queries per task each)")
        axes.grid(alpha=0.3)
    overall.text(
        world.new_task_period - 0.4,
        0.03,
        f"{NEW_TASK} arrives",
        fontsize=8,
        transform=overall.get_xaxis_transform(),
    )
    overall.set_title("all tasks")
    new_task.set_title(f"{NEW_TASK} only (no history of its own)")
    overall.set_ylabel("served quality (answered on the first try)")
    overall.set_ylim(0, 1)
    overall.legend(loc="lower left", fontsize=8)
    figure.suptitle(f"Strategies on the same world: {world.nodes} nodes, seed {world.seed}", fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_sweep(result: SimulationResult, path: Path) -> None:
    plt = require_matplotlib()
    figure, axes = plt.subplots(figsize=(7.5, 4.8))
    factors = sorted({config.decay_factor for config, _ in result.sweep})
    colors = plt.get_cmap("viridis")([i / max(1, len(factors)) for i in range(len(factors))])
    for factor, color in zip(factors, colors):
        points = sorted(
            (
                (config.history_weight, measures)
                for config, measures in result.sweep
                if config.decay_factor == factor
            ),
            key=lambda point: point[0],
        )
        xs = [measures.min_share * 100 for _, measures in points]
        ys = [measures.served_quality for _, measures in points]
        axes.plot(xs, ys, marker="o", color=color, label=f"decay_factor {factor:g}")
        for (weight, _), x, y in zip(points, xs, ys):
            axes.annotate(
                f"w={weight:g}", (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7, color=color
            )
    oracle = result.strategies["oracle"].served_quality
    axes.axhline(oracle, color=_STYLE["oracle"]["color"], linestyle=":", label=f"oracle ({oracle:.3f})")
    axes.axvline(
        100 / result.world.nodes,
        color="black",
        linewidth=0.8,
        alpha=0.5,
        label=f"equal share (1/{result.world.nodes})",
    )
    axes.set_xscale("log")  # the interesting range is a tenth of a percent to a few percent
    axes.set_xticks([0.1, 0.2, 0.5, 1, 2, 5])
    axes.xaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: f"{value:g}"))
    axes.xaxis.set_minor_formatter(plt.NullFormatter())
    axes.set_xlabel("min share: smallest share of a task's requests any contender got (%, log scale)")
    axes.set_ylabel("served quality (answered on the first try)")
    axes.set_title("history_weight sweep: exploiting good miners vs keeping data on all")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
