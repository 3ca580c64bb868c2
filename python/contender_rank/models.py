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
class ExplainedContender:
    """One row of ``explain_ranking()``: a contender of the task, eligible or not, and why.

    ``place`` is its position in ``rank_contenders``' order (1 = tried first), None when it is
    excluded, and then ``excluded_because`` says why. The ``proposed_*`` fields are filled when
    settings were proposed: the place and values those settings would give.
    """

    place: int | None
    contender_id: str
    node_hotkey: str
    node_id: int | None
    total_requests_made: int
    capacity: float
    capacity_left: bool
    excluded_because: str | None
    own_metric: float
    similar_metric: float
    global_metric: float
    rank_value: float
    proposed_place: int | None
    proposed_global_metric: float | None
    proposed_rank_value: float | None


@dataclass(frozen=True)
class RankingConfig:
    """The single ``ranking_config`` row. A month in ``decay_interval`` counts as 30 days."""

    decay_interval: timedelta
    decay_factor: float
    history_weight: float
    failure_weight: float
    retention_epsilon: float
    updated_at: datetime


@dataclass(frozen=True)
class Similarity:
    """One directed ``task_similarity`` row: ``from_task``'s metric counts towards ``to_task``."""

    from_task: str
    to_task: str
    similarity: float


@dataclass(frozen=True)
class RankingStatus:
    """The row of ``ranking_status()``: what is installed and how much of the tables the ranking reads.

    ``contenders_in_state`` equals ``contenders`` unless triggers were disabled while contenders
    changed (``contender-rank verify`` lists what differs, ``verify --repair`` rebuilds the state).
    """

    layout: str
    version: str
    contenders: int
    contenders_in_state: int
    history_rows: int
    history_rows_ignored: int  # no finite expired_at: in no decay interval, so not read
    contenders_with_history: int
    newest_expired_at: datetime | None
    installed_at: datetime
    migrated_at: datetime
    # whether rank_contenders may use the derived state, and if not why (faults, shape drift)
    trusted: bool
    untrusted_reason: str | None
    faults: int  # maintenance faults recorded since the last repair
    last_fault_at: datetime | None
    last_fault_source: str | None
    last_fault_sqlstate: str | None
    last_fault_message: str | None
    # how nineteen's tables changed since migrate, one line each (contender_rank.shape_drift())
    shape_drift: list[str]


@dataclass(frozen=True)
class StateDifference:
    """One row of ``contender_rank.state_differences()``: where the derived state differs from the
    definition from history. ``what`` is ``missing row``, ``extra row``, a column of contender_state
    (``own_metric``, ``similar_metric``, ``own_interval``, ``task``, ...) or ``stale node``; ``stored``
    and ``expected`` are the two values as text (None where there is none)."""

    contender_id: str | None
    task: str | None
    what: str
    stored: str | None
    expected: str | None


@dataclass(frozen=True)
class StateCheck:
    """What ``verify_state`` found: every metric valued at ``valued_at`` (by default the newest history
    time), floats compared within ``tolerance`` relative to their magnitude, everything else exactly."""

    valued_at: datetime
    tolerance: float
    contenders: int  # contender ids checked: current, with history or with a state row
    history_rows: int
    faults: int  # maintenance faults recorded (the state is untrusted while there are any)
    differences: list[StateDifference]
    seconds: float

    @property
    def exact(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class StateRepair:
    """What ``repair_state`` did: the check before, the rebuild (skipped when the state was exact and
    no fault was recorded, unless forced), how long its transaction held the state lock, the check
    after."""

    before: StateCheck
    rebuilt: bool
    faults_cleared: int
    contenders_in_state: int | None
    lock_held_seconds: float
    after: StateCheck
