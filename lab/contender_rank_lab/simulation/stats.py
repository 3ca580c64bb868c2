"""Means and 95 % intervals over seeds, without numpy or scipy.

The interval is Student's t with n - 1 degrees of freedom over the per-seed values: for a
difference between two strategies, over the per-seed differences (the strategies ran on the same
worlds with the same dice, so the difference is paired). The t quantile comes from the exact
distribution function for an integer number of degrees of freedom (Abramowitz and Stegun 26.7.3
and 26.7.4), inverted by bisection.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

METHOD = "t"
DESCRIPTION = (
    "95% Student t interval (n-1 degrees of freedom) over the per-seed values; differences are paired: "
    "the interval of the per-seed differences between two runs on the same world and dice"
)


def _central_probability(t: float, dof: int) -> float:
    """P(|T| <= t) for Student's t with ``dof`` degrees of freedom (t >= 0)."""
    theta = math.atan(t / math.sqrt(dof))
    sin, cos2 = math.sin(theta), math.cos(theta) ** 2
    if dof % 2 == 0:
        term = total = 1.0
        for j in range(1, dof // 2):
            term *= (2 * j - 1) / (2 * j) * cos2
            total += term
        return sin * total
    if dof == 1:
        return 2 * theta / math.pi
    term = total = math.cos(theta)
    for j in range(1, (dof - 1) // 2):
        term *= (2 * j) / (2 * j + 1) * cos2
        total += term
    return 2 / math.pi * (theta + sin * total)


def t_quantile(probability: float, dof: int) -> float:
    """The ``probability`` quantile (0.5 < probability < 1) of Student's t with ``dof`` >= 1."""
    if not 0.5 < probability < 1:
        raise ValueError(f"probability must be in (0.5, 1), got {probability}")
    if dof < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {dof}")
    central = 2 * probability - 1
    low, high = 0.0, 1.0
    while _central_probability(high, dof) < central:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if _central_probability(middle, dof) < central:
            low = middle
        else:
            high = middle
        if high - low < 1e-12:
            break
    return (low + high) / 2


@dataclass(frozen=True)
class Summary:
    """Mean of per-seed values and its 95 % t interval (None with fewer than two values)."""

    mean: float
    low: float | None
    high: float | None
    values: tuple[float, ...]

    @property
    def includes_zero(self) -> bool:
        return self.low is not None and self.high is not None and self.low <= 0 <= self.high

    @property
    def half_width(self) -> float | None:
        return None if self.low is None or self.high is None else (self.high - self.low) / 2

    def as_json(self, digits: int = 6) -> dict[str, object]:
        ci = (
            None
            if self.low is None or self.high is None
            else [round(self.low, digits), round(self.high, digits)]
        )
        return {
            "mean": round(self.mean, digits),
            "ci95": ci,
            "per_seed": [round(v, digits) for v in self.values],
        }


def summarise(values: Sequence[float]) -> Summary:
    if not values:
        raise ValueError("nothing to summarise")
    mean = statistics.fmean(values)
    if len(values) < 2:
        return Summary(mean, None, None, tuple(values))
    half = t_quantile(0.975, len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return Summary(mean, mean - half, mean + half, tuple(values))


def paired(first: Sequence[float], second: Sequence[float]) -> Summary:
    """The per-seed differences first - second, summarised."""
    if len(first) != len(second):
        raise ValueError(f"paired values need the same seeds: {len(first)} against {len(second)}")
    return summarise([a - b for a, b in zip(first, second, strict=False)])
