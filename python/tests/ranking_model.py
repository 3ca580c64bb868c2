"""An independent model of the ranking, written from the semantics in the README and issue 2,
not from the SQL: the property tests compare ``rank_contenders`` against it.

Times are integer microseconds since the Unix epoch, so the interval index
``k(t) = floor(t / L)`` is exact integer arithmetic. Metrics are computed in decimal with 50
significant digits and an unbounded exponent: far more precise than float8 and never
underflowing, so the model's own rounding cannot hide a mismatch at 1e-9.
"""

from __future__ import annotations

import decimal
import functools
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MATH = decimal.Context(prec=50, Emin=decimal.MIN_EMIN, Emax=decimal.MAX_EMAX)


def to_datetime(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


@dataclass(frozen=True)
class Node:
    hotkey: str
    netuid: int
    node_id: int
    handshaken: bool


@dataclass(frozen=True)
class Contender:
    contender_id: str
    node_hotkey: str
    node_id: int
    netuid: int
    task: str
    capacity: float
    consumed_capacity: float
    total_requests_made: int
    requests_429: int = 0  # this period's failures: each counts failure_weight extra requests
    requests_500: int = 0


@dataclass(frozen=True)
class HistoryRow:
    contender_id: str
    node_hotkey: str
    netuid: int
    task: str
    period_score: float | None
    expired_at: int  # microseconds since the epoch


@dataclass(frozen=True)
class Config:
    decay_interval: int  # microseconds
    decay_factor: float
    history_weight: float
    failure_weight: float = 0.0


@dataclass(frozen=True)
class World:
    nodes: tuple[Node, ...]
    contenders: tuple[Contender, ...]
    history: tuple[HistoryRow, ...]
    similarity: dict[tuple[str, str], float]  # (from_task, to_task) -> factor
    config: Config


@dataclass(frozen=True)
class Ranked:
    contender_id: str
    node_hotkey: str
    node_id: int
    task: str
    total_requests_made: int
    own_metric: decimal.Decimal
    similar_metric: decimal.Decimal
    global_metric: decimal.Decimal
    rank_value: decimal.Decimal
    capacity_left: bool


def interval_index(at: int, decay_interval: int) -> int:
    return at // decay_interval  # Python's // floors, also before 1970


def own_metric(world: World, contender_id: str, as_of: int) -> decimal.Decimal:
    """Sum over intervals k <= k(as_of) of mean score(k) * f^(k(as_of) - k); an interval without rows
    adds nothing, which is exactly what zero-filling it would add."""
    length = world.config.decay_interval
    scores: dict[int, list[decimal.Decimal]] = defaultdict(list)
    for row in world.history:
        if row.contender_id == contender_id and row.expired_at <= as_of:
            usable = row.period_score is not None and math.isfinite(row.period_score)
            score = decimal.Decimal(row.period_score) if usable else decimal.Decimal(0)
            scores[interval_index(row.expired_at, length)].append(score)
    factor = decimal.Decimal(world.config.decay_factor)
    current = interval_index(as_of, length)
    total = decimal.Decimal(0)
    for k, values in scores.items():
        mean = _MATH.divide(functools.reduce(_MATH.add, values), len(values))
        total = _MATH.add(total, _MATH.multiply(mean, _MATH.power(factor, current - k)))
    return total


def similar_metric(world: World, target: Contender, as_of: int) -> decimal.Decimal:
    total = decimal.Decimal(0)
    for other in world.contenders:
        same_node = other.node_hotkey == target.node_hotkey and other.netuid == target.netuid
        if not same_node or other.contender_id == target.contender_id:
            continue
        factor = world.similarity.get((other.task, target.task), 0.0)
        if factor:
            total = _MATH.add(
                total, _MATH.multiply(decimal.Decimal(factor), own_metric(world, other.contender_id, as_of))
            )
    return total


def rank(world: World, task: str, as_of: int) -> list[Ranked]:
    """Every eligible contender of ``task``, best first (no top_x cut)."""
    handshaken = {(node.hotkey, node.netuid) for node in world.nodes if node.handshaken}
    weight = decimal.Decimal(world.config.history_weight)
    failure_weight = decimal.Decimal(world.config.failure_weight)
    ranked: list[Ranked] = []
    for contender in world.contenders:
        if contender.task != task or not contender.capacity > 0:
            continue
        if (contender.node_hotkey, contender.netuid) not in handshaken:
            continue
        own = own_metric(world, contender.contender_id, as_of)
        similar = similar_metric(world, contender, as_of)
        global_metric = _MATH.add(own, similar)
        ranked.append(
            Ranked(
                contender_id=contender.contender_id,
                node_hotkey=contender.node_hotkey,
                node_id=contender.node_id,
                task=contender.task,
                total_requests_made=contender.total_requests_made,
                own_metric=own,
                similar_metric=similar,
                global_metric=global_metric,
                # rank_value = requests + f * failures - w * global; a negative counter (possible in
                # nineteen's unchecked tables) counts no failure
                rank_value=_MATH.subtract(
                    _MATH.add(
                        decimal.Decimal(contender.total_requests_made),
                        _MATH.multiply(
                            failure_weight,
                            decimal.Decimal(max(contender.requests_429, 0) + max(contender.requests_500, 0)),
                        ),
                    ),
                    _MATH.multiply(weight, global_metric),
                ),
                capacity_left=contender.consumed_capacity < contender.capacity,
            )
        )
    # capacity left first, then rank_value, then contender_id by code point (Python compares str that way)
    ranked.sort(key=lambda r: (not r.capacity_left, r.rank_value, r.contender_id))
    return ranked
