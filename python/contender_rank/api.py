"""The Python API: calls the ranking's SQL functions and maps their rows, nothing more.

Every function takes an open psycopg 3 connection; each ``*_async`` twin takes a
``psycopg.AsyncConnection`` and is otherwise identical (both run the same ``_Call``). All ranking
arithmetic and ordering happens in PostgreSQL; rows come back in the order the database gives them.
The statements are in ``queries.sql``.

Writes (``record_requests``, ``close_period``, ``prune_history``, ``set_similarity``,
``delete_similarity``, ``update_config``) run in ``conn.transaction()``: on an autocommit connection
they commit before returning; inside a transaction of the caller they are a savepoint that the
caller commits. A rejected write leaves the database unchanged and the connection usable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

import psycopg
from psycopg.rows import class_row, dict_row

from contender_rank import queries
from contender_rank.errors import InvalidValueError, UnknownSettingError, check_types, translated_errors
from contender_rank.models import (
    ExplainedContender,
    RankedContender,
    RankingConfig,
    RankingStatus,
    Similarity,
    StateCheck,
    StateDifference,
    StateRepair,
)

# The ranking_config columns a DBA tunes; anything else passed to update_config is refused.
SETTINGS: tuple[str, ...] = (
    "decay_interval",
    "decay_factor",
    "history_weight",
    "failure_weight",
    "retention_epsilon",
)

T = TypeVar("T")


@dataclass(frozen=True)
class _Call(Generic[T]):
    """One API call: the statement, its parameters, how rows are built and what is returned."""

    query: str
    params: Mapping[str, Any]
    result: Callable[[list[Any]], T]
    row_type: type | None = None  # a dataclass filled by column name; None: dict rows
    write: bool = False


def _run(conn: psycopg.Connection[Any], call: _Call[T]) -> T:
    row_factory = class_row(call.row_type) if call.row_type else dict_row
    with translated_errors(call.params):
        if call.write:
            with conn.transaction(), conn.cursor(row_factory=row_factory) as cur:
                cur.execute(queries.get(call.query), call.params)
                rows = cur.fetchall()
        else:
            with conn.cursor(row_factory=row_factory) as cur:
                cur.execute(queries.get(call.query), call.params)
                rows = cur.fetchall()
    return call.result(rows)


async def _run_async(conn: psycopg.AsyncConnection[Any], call: _Call[T]) -> T:
    row_factory = class_row(call.row_type) if call.row_type else dict_row
    with translated_errors(call.params):
        if call.write:
            async with conn.transaction(), conn.cursor(row_factory=row_factory) as cur:
                await cur.execute(queries.get(call.query), call.params)
                rows = await cur.fetchall()
        else:
            async with conn.cursor(row_factory=row_factory) as cur:
                await cur.execute(queries.get(call.query), call.params)
                rows = await cur.fetchall()
    return call.result(rows)


def _all(rows: list[Any]) -> list[Any]:
    return rows


def _one(rows: list[Any]) -> Any:
    assert len(rows) == 1, f"expected one row, got {len(rows)}"
    return rows[0]


def _column(name: str) -> Callable[[list[Any]], Any]:
    return lambda rows: _one(rows)[name]


def _checked_as_of(as_of: datetime | None) -> None:
    check_types(as_of=(as_of, datetime, True))
    if as_of is not None and (as_of.tzinfo is None or as_of.tzinfo.utcoffset(as_of) is None):
        raise InvalidValueError(
            f"as_of = {as_of.isoformat()} has no time zone: pass an aware datetime "
            "(e.g. datetime.now(timezone.utc)) so the result does not depend on the session's TimeZone",
            field="as_of",
        )


# -- the calls -------------------------------------------------------------------------------------


def _rank(task: str, top_x: int, as_of: datetime | None) -> _Call[list[RankedContender]]:
    check_types(task=(task, str, False), top_x=(top_x, int, False))
    _checked_as_of(as_of)
    return _Call("rank_contenders", {"task": task, "top_x": top_x, "as_of": as_of}, _all, RankedContender)


def _explain(
    task: str,
    as_of: datetime | None,
    history_weight: float | None,
    decay_factor: float | None,
    decay_interval: timedelta | str | None,
    failure_weight: float | None = None,
) -> _Call[list[ExplainedContender]]:
    check_types(
        task=(task, str, False),
        history_weight=(history_weight, (int, float), True),
        decay_factor=(decay_factor, (int, float), True),
        decay_interval=(decay_interval, (timedelta, str), True),
        failure_weight=(failure_weight, (int, float), True),
    )
    _checked_as_of(as_of)
    params = {
        "task": task,
        "as_of": as_of,
        "history_weight": history_weight,
        "decay_factor": decay_factor,
        "decay_interval": decay_interval,
        "failure_weight": failure_weight,
    }
    return _Call("explain_ranking", params, _all, ExplainedContender)


def _record(
    contender_id: str, requests: int, consumed_capacity: float, requests_429: int, requests_500: int
) -> _Call[bool]:
    check_types(
        contender_id=(contender_id, str, False),
        requests=(requests, int, False),
        consumed_capacity=(consumed_capacity, (int, float), False),
        requests_429=(requests_429, int, False),
        requests_500=(requests_500, int, False),
    )
    params = {
        "contender_id": contender_id,
        "requests": requests,
        "consumed_capacity": consumed_capacity,
        "requests_429": requests_429,
        "requests_500": requests_500,
    }
    return _Call("record_requests", params, _column("found"), write=True)


def _close(as_of: datetime | None) -> _Call[int]:
    _checked_as_of(as_of)
    return _Call("close_period", {"as_of": as_of}, _column("closed"), write=True)


def _prune(as_of: datetime | None) -> _Call[int]:
    _checked_as_of(as_of)
    return _Call("prune_history", {"as_of": as_of}, _column("removed"), write=True)


def _status() -> _Call[RankingStatus]:
    return _Call("ranking_status", {}, _one, RankingStatus)


def _set_similarity(from_task: str, to_task: str, similarity: float) -> _Call[Similarity]:
    check_types(
        from_task=(from_task, str, False),
        to_task=(to_task, str, False),
        similarity=(similarity, (int, float), False),
    )
    params = {"from_task": from_task, "to_task": to_task, "similarity": similarity}
    return _Call("set_similarity", params, _one, Similarity, write=True)


def _delete_similarity(from_task: str, to_task: str) -> _Call[bool]:
    check_types(from_task=(from_task, str, False), to_task=(to_task, str, False))
    return _Call("delete_similarity", {"from_task": from_task, "to_task": to_task}, bool, write=True)


def _list_similarities() -> _Call[list[Similarity]]:
    return _Call("list_similarities", {}, _all, Similarity)


def _get_config() -> _Call[RankingConfig]:
    return _Call("get_config", {}, _one, RankingConfig)


def _update_config(changes: Mapping[str, object]) -> _Call[RankingConfig]:
    unknown = sorted(set(changes) - set(SETTINGS))
    if unknown:
        raise UnknownSettingError(
            f"unknown ranking_config setting(s): {', '.join(unknown)}; allowed: {', '.join(SETTINGS)}"
        )
    if not changes:
        raise InvalidValueError(f"nothing to change: pass at least one of {', '.join(SETTINGS)}")
    check_types(
        **{
            name: (value, (timedelta, str) if name == "decay_interval" else (int, float), False)
            for name, value in changes.items()
        }
    )
    params = {name: changes.get(name) for name in SETTINGS}
    return _Call("update_config", params, _one, RankingConfig, write=True)


# -- synchronous: psycopg.Connection ---------------------------------------------------------------


def rank_contenders(
    conn: psycopg.Connection[Any], task: str, top_x: int = 5, as_of: datetime | None = None
) -> list[RankedContender]:
    """The eligible contenders of ``task``, best first, at most ``top_x``; ``as_of`` defaults to now()."""
    return _run(conn, _rank(task, top_x, as_of))


def explain_ranking(
    conn: psycopg.Connection[Any],
    task: str,
    as_of: datetime | None = None,
    *,
    history_weight: float | None = None,
    decay_factor: float | None = None,
    decay_interval: timedelta | str | None = None,
    failure_weight: float | None = None,
) -> list[ExplainedContender]:
    """Every contender of ``task``, eligible or not, with its place and why; with proposed settings also
    the place each would take under them. Changes nothing."""
    return _run(conn, _explain(task, as_of, history_weight, decay_factor, decay_interval, failure_weight))


def record_requests(
    conn: psycopg.Connection[Any],
    contender_id: str,
    requests: int = 1,
    consumed_capacity: float = 0.0,
    requests_429: int = 0,
    requests_500: int = 0,
) -> bool:
    """Add to a contender's per-request counters in one update; False when there is no such contender."""
    return _run(conn, _record(contender_id, requests, consumed_capacity, requests_429, requests_500))


def close_period(conn: psycopg.Connection[Any], as_of: datetime | None = None) -> int:
    """Close the current period (standalone layout): score, append to history, reset counters; returns
    how many contenders were closed (0 for a retry in the same decay interval with nothing new)."""
    return _run(conn, _close(as_of))


def prune_history(conn: psycopg.Connection[Any], as_of: datetime | None = None) -> int:
    """Delete history too old to move any metric by ``retention_epsilon``; returns the rows deleted."""
    return _run(conn, _prune(as_of))


def ranking_status(conn: psycopg.Connection[Any]) -> RankingStatus:
    """The installed layout and version, whether the derived state is trusted (and why not: the last
    maintenance fault, how nineteen's tables changed since migrate), and what the ranking reads."""
    return _run(conn, _status())


def set_similarity(
    conn: psycopg.Connection[Any], from_task: str, to_task: str, similarity: float
) -> Similarity:
    """Insert or replace the directed similarity ``from_task -> to_task`` (0..1)."""
    return _run(conn, _set_similarity(from_task, to_task, similarity))


def delete_similarity(conn: psycopg.Connection[Any], from_task: str, to_task: str) -> bool:
    """Remove ``from_task -> to_task`` (a missing pair means 0); False if there was no such row."""
    return _run(conn, _delete_similarity(from_task, to_task))


def list_similarities(conn: psycopg.Connection[Any]) -> list[Similarity]:
    """Every similarity row, ordered by from_task then to_task."""
    return _run(conn, _list_similarities())


def get_config(conn: psycopg.Connection[Any]) -> RankingConfig:
    """The current ranking_config row."""
    return _run(conn, _get_config())


def update_config(conn: psycopg.Connection[Any], **changes: timedelta | str | float) -> RankingConfig:
    """Change some of ``decay_interval``, ``decay_factor``, ``history_weight``, ``failure_weight``,
    ``retention_epsilon``; returns the new row. The change applies to the very next ranking call.
    Unknown names raise ``UnknownSettingError`` and out-of-range values ``InvalidValueError``; either
    way nothing changes."""
    return _run(conn, _update_config(changes))


# -- asynchronous: psycopg.AsyncConnection ---------------------------------------------------------


async def rank_contenders_async(
    conn: psycopg.AsyncConnection[Any], task: str, top_x: int = 5, as_of: datetime | None = None
) -> list[RankedContender]:
    """``rank_contenders`` for an ``AsyncConnection``."""
    return await _run_async(conn, _rank(task, top_x, as_of))


async def explain_ranking_async(
    conn: psycopg.AsyncConnection[Any],
    task: str,
    as_of: datetime | None = None,
    *,
    history_weight: float | None = None,
    decay_factor: float | None = None,
    decay_interval: timedelta | str | None = None,
    failure_weight: float | None = None,
) -> list[ExplainedContender]:
    """``explain_ranking`` for an ``AsyncConnection``."""
    return await _run_async(
        conn, _explain(task, as_of, history_weight, decay_factor, decay_interval, failure_weight)
    )


async def record_requests_async(
    conn: psycopg.AsyncConnection[Any],
    contender_id: str,
    requests: int = 1,
    consumed_capacity: float = 0.0,
    requests_429: int = 0,
    requests_500: int = 0,
) -> bool:
    """``record_requests`` for an ``AsyncConnection``."""
    return await _run_async(
        conn, _record(contender_id, requests, consumed_capacity, requests_429, requests_500)
    )


async def close_period_async(conn: psycopg.AsyncConnection[Any], as_of: datetime | None = None) -> int:
    """``close_period`` for an ``AsyncConnection``."""
    return await _run_async(conn, _close(as_of))


async def prune_history_async(conn: psycopg.AsyncConnection[Any], as_of: datetime | None = None) -> int:
    """``prune_history`` for an ``AsyncConnection``."""
    return await _run_async(conn, _prune(as_of))


async def ranking_status_async(conn: psycopg.AsyncConnection[Any]) -> RankingStatus:
    """``ranking_status`` for an ``AsyncConnection``."""
    return await _run_async(conn, _status())


async def set_similarity_async(
    conn: psycopg.AsyncConnection[Any], from_task: str, to_task: str, similarity: float
) -> Similarity:
    """``set_similarity`` for an ``AsyncConnection``."""
    return await _run_async(conn, _set_similarity(from_task, to_task, similarity))


async def delete_similarity_async(conn: psycopg.AsyncConnection[Any], from_task: str, to_task: str) -> bool:
    """``delete_similarity`` for an ``AsyncConnection``."""
    return await _run_async(conn, _delete_similarity(from_task, to_task))


async def list_similarities_async(conn: psycopg.AsyncConnection[Any]) -> list[Similarity]:
    """``list_similarities`` for an ``AsyncConnection``."""
    return await _run_async(conn, _list_similarities())


async def get_config_async(conn: psycopg.AsyncConnection[Any]) -> RankingConfig:
    """``get_config`` for an ``AsyncConnection``."""
    return await _run_async(conn, _get_config())


async def update_config_async(
    conn: psycopg.AsyncConnection[Any], **changes: timedelta | str | float
) -> RankingConfig:
    """``update_config`` for an ``AsyncConnection``."""
    return await _run_async(conn, _update_config(changes))


# -- verify: the derived state against the definition -------------------------------------------------

# floats compared relative to their magnitude: the running fold and the definition add the same terms in
# different orders, so only the last bits may differ
DEFAULT_TOLERANCE = 1e-9


def _verify_params(as_of: datetime | None, tolerance: float) -> dict[str, Any]:
    _checked_as_of(as_of)
    check_types(tolerance=(tolerance, (int, float), False))
    if not 0 <= tolerance < 1:
        raise InvalidValueError(
            f"tolerance = {tolerance!r} is not allowed: it must be a number >= 0 and < 1 (relative to the "
            "magnitude of the values compared; 0 means bit-exact)",
            field="tolerance",
        )
    return {"as_of": as_of, "tolerance": float(tolerance)}


def _state_check(row: Mapping[str, Any], tolerance: float, seconds: float) -> StateCheck:
    return StateCheck(
        valued_at=row["valued_at"],
        tolerance=tolerance,
        contenders=row["contenders"],
        history_rows=row["history_rows"],
        faults=row["faults"],
        differences=[StateDifference(**difference) for difference in row["differences"]],
        seconds=seconds,
    )


def _needs_rebuild(before: StateCheck, force: bool) -> bool:
    return force or not before.exact or before.faults > 0


def _repair_params(lock_wait: timedelta) -> dict[str, Any]:
    check_types(lock_wait=(lock_wait, timedelta, False))
    if not timedelta(0) < lock_wait <= timedelta(hours=1):
        raise InvalidValueError(
            f"lock_wait = {lock_wait!r} is not allowed: it must be longer than 0 and at most 1 hour",
            field="lock_wait",
        )
    return {"lock_wait": lock_wait}


DEFAULT_LOCK_WAIT = timedelta(seconds=10)


def verify_state(
    conn: psycopg.Connection[Any], as_of: datetime | None = None, tolerance: float = DEFAULT_TOLERANCE
) -> StateCheck:
    """Compare the derived state with the definition from history for every contender (current, with
    history or with a state row); ``StateCheck.differences`` lists where they differ (empty: exact).
    Only reads, in one snapshot, and takes no lock a writer waits for (``contender-rank verify`` also
    gives way to a DDL statement that waits for its table locks: ``commands.giving_way``). Needs
    ranking_admin."""
    params = _verify_params(as_of, tolerance)
    started = time.perf_counter()
    with translated_errors(params), conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(queries.get("verify_state"), params).fetchone()
    assert row is not None
    return _state_check(row, params["tolerance"], time.perf_counter() - started)


def repair_state(
    conn: psycopg.Connection[Any],
    as_of: datetime | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    force: bool = False,
    lock_wait: timedelta = DEFAULT_LOCK_WAIT,
) -> StateRepair:
    """Check; when the state differs or faults are recorded (or ``force``), rebuild it from history in
    one transaction under the state lock and clear the faults it accounts for; check again. Waits at
    most ``lock_wait`` for the state lock. Needs ranking_admin."""
    params = _repair_params(lock_wait)
    before = verify_state(conn, as_of, tolerance)
    rebuilt, cleared, in_state, held = False, 0, None, 0.0
    if _needs_rebuild(before, force):
        started = time.perf_counter()
        with translated_errors(params), conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(queries.get("repair_state"), params).fetchone()
        held = time.perf_counter() - started
        assert row is not None
        rebuilt, cleared, in_state = True, row["faults_cleared"], row["contenders_in_state"]
    after = verify_state(conn, as_of, tolerance)
    return StateRepair(before, rebuilt, cleared, in_state, held, after)


async def verify_state_async(
    conn: psycopg.AsyncConnection[Any], as_of: datetime | None = None, tolerance: float = DEFAULT_TOLERANCE
) -> StateCheck:
    """``verify_state`` for an ``AsyncConnection``."""
    params = _verify_params(as_of, tolerance)
    started = time.perf_counter()
    with translated_errors(params):
        async with conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(queries.get("verify_state"), params)
            row = await cur.fetchone()
    assert row is not None
    return _state_check(row, params["tolerance"], time.perf_counter() - started)


async def repair_state_async(
    conn: psycopg.AsyncConnection[Any],
    as_of: datetime | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    *,
    force: bool = False,
    lock_wait: timedelta = DEFAULT_LOCK_WAIT,
) -> StateRepair:
    """``repair_state`` for an ``AsyncConnection``."""
    params = _repair_params(lock_wait)
    before = await verify_state_async(conn, as_of, tolerance)
    rebuilt, cleared, in_state, held = False, 0, None, 0.0
    if _needs_rebuild(before, force):
        started = time.perf_counter()
        with translated_errors(params):
            async with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
                await cur.execute(queries.get("repair_state"), params)
                row = await cur.fetchone()
        held = time.perf_counter() - started
        assert row is not None
        rebuilt, cleared, in_state = True, row["faults_cleared"], row["contenders_in_state"]
    after = await verify_state_async(conn, as_of, tolerance)
    return StateRepair(before, rebuilt, cleared, in_state, held, after)
