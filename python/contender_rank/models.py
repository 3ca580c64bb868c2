"""Typed rows of the ranking's SQL functions and tables, filled by column name (psycopg ``class_row``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RankedContender:
    """One row of ``rank_contenders()``: the SQL composite type ``ranked_contender``, field for field.

    ``own_metric``, ``similar_metric``, ``global_metric`` and ``rank_value`` are the explanation of the
    ranking, computed by PostgreSQL; nothing here is recomputed in Python.
    """

    contender_id: str
    node_hotkey: str
    node_id: int | None
    task: str
    total_requests_made: int
    own_metric: float
    similar_metric: float
    global_metric: float
    rank_value: float
    capacity_left: bool


@dataclass(frozen=True)
class RankingConfig:
    """The single ``ranking_config`` row. A month in ``decay_interval`` counts as 30 days."""

    decay_interval: timedelta
    decay_factor: float
    history_weight: float
    updated_at: datetime


@dataclass(frozen=True)
class Similarity:
    """One directed ``task_similarity`` row: ``from_task``'s metric counts towards ``to_task``."""

    from_task: str
    to_task: str
    similarity: float
