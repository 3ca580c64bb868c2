"""The Python API: calls the ranking's SQL functions and maps their rows, nothing more.

Every function takes an open psycopg 3 connection. The ``*_async`` twins take a
``psycopg.AsyncConnection`` and are otherwise identical. All ranking arithmetic and ordering
happens in PostgreSQL (``rank_contenders``, ``close_period``); rows are returned in the order the
database gives them.

Writes (``close_period``, ``set_similarity``, ``delete_similarity``, ``update_config``) run in
``conn.transaction()``: on an autocommit connection they commit before returning; inside a
transaction of the caller they are a savepoint that the caller commits. A rejected write leaves
the database unchanged and the connection usable.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import class_row, dict_row

from contender_rank.errors import InvalidValueError, UnknownSettingError, translated_errors
from contender_rank.models import RankedContender, RankingConfig, Similarity

# The ranking_config columns a DBA tunes; anything else passed to update_config is refused.
SETTINGS: tuple[str, ...] = ("decay_interval", "decay_factor", "history_weight")

_CONFIG_COLUMNS = sql.SQL("decay_interval, decay_factor, history_weight, updated_at")
_GET_CONFIG = sql.SQL("SELECT {} FROM public.ranking_config").format(_CONFIG_COLUMNS)
_SET_SIMILARITY = sql.SQL(
    "INSERT INTO public.task_similarity (from_task, to_task, similarity) "
    "VALUES (%(from_task)s::text, %(to_task)s::text, %(similarity)s::float8) "
    "ON CONFLICT (from_task, to_task) DO UPDATE SET similarity = EXCLUDED.similarity "
    "RETURNING from_task, to_task, similarity"
)
_DELETE_SIMILARITY = sql.SQL(
    "DELETE FROM public.task_similarity WHERE from_task = %(from_task)s::text AND to_task = %(to_task)s::text"
)
_LIST_SIMILARITIES = sql.SQL(
    "SELECT from_task, to_task, similarity FROM public.task_similarity "
    "ORDER BY from_task COLLATE \"C\", to_task COLLATE \"C\""
)


def _checked_as_of(as_of: datetime | None) -> None:
    if as_of is not None and (as_of.tzinfo is None or as_of.tzinfo.utcoffset(as_of) is None):
        raise InvalidValueError(
            f"as_of = {as_of.isoformat()} has no time zone: pass an aware datetime "
            "(e.g. datetime.now(timezone.utc)) so the result does not depend on the session's TimeZone",
            field="as_of",
        )


def _rank_query(task: str, top_x: int, as_of: datetime | None) -> tuple[sql.Composed, dict[str, Any]]:
    _checked_as_of(as_of)
    params: dict[str, Any] = {"task": task, "top_x": top_x}
    # leaving as_of out lets the function's own default (now()) apply
    arguments = [sql.SQL("%(task)s::text"), sql.SQL("%(top_x)s::int")]
    if as_of is not None:
        arguments.append(sql.SQL("%(as_of)s::timestamptz"))
        params["as_of"] = as_of
    query = sql.SQL("SELECT * FROM public.rank_contenders({})").format(sql.SQL(", ").join(arguments))
    return query, params


def _close_query(as_of: datetime | None) -> tuple[sql.Composed, dict[str, Any]]:
    _checked_as_of(as_of)
    if as_of is None:
        return sql.SQL("SELECT public.close_period() AS closed").format(), {}
    return sql.SQL("SELECT public.close_period(%(as_of)s::timestamptz) AS closed").format(), {"as_of": as_of}


def _update_config_query(changes: Mapping[str, object]) -> sql.Composed:
    unknown = sorted(set(changes) - set(SETTINGS))
    if unknown:
        raise UnknownSettingError(
            f"unknown ranking_config setting(s): {', '.join(unknown)}; allowed: {', '.join(SETTINGS)}"
        )
    if not changes:
        raise InvalidValueError(f"nothing to change: pass at least one of {', '.join(SETTINGS)}")
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(name), sql.Placeholder(name)) for name in changes
    )
    return sql.SQL("UPDATE public.ranking_config SET {} RETURNING {}").format(assignments, _CONFIG_COLUMNS)


# -- synchronous: psycopg.Connection -----------------------------------------------------------


def rank_contenders(
    conn: psycopg.Connection[Any], task: str, top_x: int = 5, as_of: datetime | None = None
) -> list[RankedContender]:
    """The eligible contenders of ``task``, best first, at most ``top_x``; ``as_of`` defaults to now()."""
    query, params = _rank_query(task, top_x, as_of)
    with translated_errors(params), conn.cursor(row_factory=class_row(RankedContender)) as cur:
        cur.execute(query, params)
        return cur.fetchall()


def close_period(conn: psycopg.Connection[Any], as_of: datetime | None = None) -> int:
    """Close the current period (score, append to history, reset counters); returns how many contenders."""
    query, params = _close_query(as_of)
    with translated_errors(params), conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        row = cur.fetchone()
    assert row is not None
    return int(row["closed"])


def set_similarity(conn: psycopg.Connection[Any], from_task: str, to_task: str, similarity: float) -> Similarity:
    """Insert or replace the directed similarity ``from_task -> to_task`` (0..1)."""
    params: dict[str, Any] = {"from_task": from_task, "to_task": to_task, "similarity": similarity}
    with translated_errors(params), conn.transaction(), conn.cursor(row_factory=class_row(Similarity)) as cur:
        cur.execute(_SET_SIMILARITY, params)
        row = cur.fetchone()
    assert row is not None
    return row


def delete_similarity(conn: psycopg.Connection[Any], from_task: str, to_task: str) -> bool:
    """Remove ``from_task -> to_task`` (a missing pair means 0); False if there was no such row."""
    params: dict[str, Any] = {"from_task": from_task, "to_task": to_task}
    with translated_errors(params), conn.transaction(), conn.cursor() as cur:
        cur.execute(_DELETE_SIMILARITY, params)
        return cur.rowcount > 0


def list_similarities(conn: psycopg.Connection[Any]) -> list[Similarity]:
    """Every similarity row, ordered by from_task then to_task."""
    with translated_errors(), conn.cursor(row_factory=class_row(Similarity)) as cur:
        cur.execute(_LIST_SIMILARITIES)
        return cur.fetchall()


def get_config(conn: psycopg.Connection[Any]) -> RankingConfig:
    """The current ranking_config row."""
    with translated_errors(), conn.cursor(row_factory=class_row(RankingConfig)) as cur:
        cur.execute(_GET_CONFIG)
        row = cur.fetchone()
    assert row is not None, "ranking_config always holds one row"
    return row


def update_config(
    conn: psycopg.Connection[Any], **changes: timedelta | str | float | None
) -> RankingConfig:
    """Change some of ``decay_interval``, ``decay_factor``, ``history_weight``; returns the new row.

    The change applies to the very next ranking call. Unknown names raise ``UnknownSettingError``
    and out-of-range values ``InvalidValueError``; either way nothing is changed.
    """
    query = _update_config_query(changes)
    with translated_errors(changes), conn.transaction(), conn.cursor(row_factory=class_row(RankingConfig)) as cur:
        cur.execute(query, changes)
        row = cur.fetchone()
    assert row is not None
    return row


# -- asynchronous: psycopg.AsyncConnection ------------------------------------------------------


async def rank_contenders_async(
    conn: psycopg.AsyncConnection[Any], task: str, top_x: int = 5, as_of: datetime | None = None
) -> list[RankedContender]:
    """``rank_contenders`` for an ``AsyncConnection``."""
    query, params = _rank_query(task, top_x, as_of)
    with translated_errors(params):
        async with conn.cursor(row_factory=class_row(RankedContender)) as cur:
            await cur.execute(query, params)
            return await cur.fetchall()


async def close_period_async(conn: psycopg.AsyncConnection[Any], as_of: datetime | None = None) -> int:
    """``close_period`` for an ``AsyncConnection``."""
    query, params = _close_query(as_of)
    with translated_errors(params):
        async with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(query, params)
            row = await cur.fetchone()
    assert row is not None
    return int(row["closed"])


async def set_similarity_async(
    conn: psycopg.AsyncConnection[Any], from_task: str, to_task: str, similarity: float
) -> Similarity:
    """``set_similarity`` for an ``AsyncConnection``."""
    params: dict[str, Any] = {"from_task": from_task, "to_task": to_task, "similarity": similarity}
    with translated_errors(params):
        async with conn.transaction(), conn.cursor(row_factory=class_row(Similarity)) as cur:
            await cur.execute(_SET_SIMILARITY, params)
            row = await cur.fetchone()
    assert row is not None
    return row


async def delete_similarity_async(conn: psycopg.AsyncConnection[Any], from_task: str, to_task: str) -> bool:
    """``delete_similarity`` for an ``AsyncConnection``."""
    params: dict[str, Any] = {"from_task": from_task, "to_task": to_task}
    with translated_errors(params):
        async with conn.transaction(), conn.cursor() as cur:
            await cur.execute(_DELETE_SIMILARITY, params)
            return cur.rowcount > 0


async def list_similarities_async(conn: psycopg.AsyncConnection[Any]) -> list[Similarity]:
    """``list_similarities`` for an ``AsyncConnection``."""
    with translated_errors():
        async with conn.cursor(row_factory=class_row(Similarity)) as cur:
            await cur.execute(_LIST_SIMILARITIES)
            return await cur.fetchall()


async def get_config_async(conn: psycopg.AsyncConnection[Any]) -> RankingConfig:
    """``get_config`` for an ``AsyncConnection``."""
    with translated_errors():
        async with conn.cursor(row_factory=class_row(RankingConfig)) as cur:
            await cur.execute(_GET_CONFIG)
            row = await cur.fetchone()
    assert row is not None, "ranking_config always holds one row"
    return row


async def update_config_async(
    conn: psycopg.AsyncConnection[Any], **changes: timedelta | str | float | None
) -> RankingConfig:
    """``update_config`` for an ``AsyncConnection``."""
    query = _update_config_query(changes)
    with translated_errors(changes):
        async with conn.transaction(), conn.cursor(row_factory=class_row(RankingConfig)) as cur:
            await cur.execute(query, changes)
            row = await cur.fetchone()
    assert row is not None
    return row
