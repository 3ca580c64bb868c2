"""Hostile names through the Python API and the CLI: a 10,000-character task mixing emoji,
right-to-left text, combining marks, quotes and SQL fragments comes back byte for byte, and
the query node's role (ranking_reader) is refused the DBA's writes through the API too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg import sql

from contender_rank import (
    ContenderRankError,
    close_period,
    list_similarities,
    rank_contenders,
    set_similarity,
)
from contender_rank.cli import main

AS_OF = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
_PIECE = '🦙 نموذج‏ e\u0301 \'; DROP TABLE contenders; -- "x" \\ $$ %s {} '
HOSTILE_TASK = (_PIECE * (10_000 // len(_PIECE) + 1))[:10_000]
HOSTILE_HOTKEY = "'); DELETE FROM nodes; --🦙"


def add_contender(conn: psycopg.Connection, hotkey: str, task: str, requests: int) -> str:
    contender_id = f"{hotkey}-{task}"
    conn.execute(
        "INSERT INTO nodes (hotkey, netuid, node_id, symmetric_key_uuid) VALUES (%(hotkey)s, 19, 1, 'key') "
        "ON CONFLICT DO NOTHING",
        {"hotkey": hotkey},
    )
    conn.execute(
        "INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, capacity, "
        "total_requests_made) "
        "VALUES (%(contender_id)s, %(hotkey)s, 1, 19, %(task)s, 10, %(requests)s)",
        {"contender_id": contender_id, "hotkey": hotkey, "task": task, "requests": requests},
    )
    return contender_id


def cli_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, dsn: str, *args: str
) -> object:
    monkeypatch.setenv("DATABASE_URL", dsn)
    code = main([*args, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_hostile_task_name_is_exactly_what_the_api_returns(conn: psycopg.Connection) -> None:
    assert len(HOSTILE_TASK) == 10_000
    hostile = add_contender(conn, HOSTILE_HOTKEY, HOSTILE_TASK, requests=4)
    plain = add_contender(conn, "node-plain", HOSTILE_TASK, requests=1)
    add_contender(conn, HOSTILE_HOTKEY, "base-task", requests=0)
    conn.execute(
        "INSERT INTO contenders_history (contender_id, period_score, expired_at) VALUES (%(id)s, 1, %(at)s)",
        {"id": f"{HOSTILE_HOTKEY}-base-task", "at": AS_OF - timedelta(minutes=1)},
    )

    stored = set_similarity(conn, "base-task", HOSTILE_TASK, 0.5)
    assert (stored.from_task, stored.to_task) == ("base-task", HOSTILE_TASK)
    assert any(row.to_task == HOSTILE_TASK for row in list_similarities(conn))

    ranked = rank_contenders(conn, HOSTILE_TASK, top_x=10**9, as_of=AS_OF)
    # the hostile node made more requests but borrows history through the similarity row
    assert [row.contender_id for row in ranked] == [hostile, plain]
    assert all(row.task == HOSTILE_TASK for row in ranked)
    borrowed = {row.contender_id: row.similar_metric for row in ranked}
    assert borrowed[hostile] > 0 and borrowed[plain] == 0

    assert close_period(conn, as_of=AS_OF) == 3
    stored_tasks = conn.execute(
        "SELECT count(*) AS n FROM contenders_history WHERE task = %(task)s", {"task": HOSTILE_TASK}
    ).fetchone()
    assert stored_tasks is not None and stored_tasks[0] == 2
    tables = conn.execute("SELECT to_regclass('public.contenders') IS NOT NULL").fetchone()
    assert tables is not None and tables[0] is True


def test_hostile_task_name_through_the_cli(
    conn: psycopg.Connection, dsn: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = add_contender(conn, HOSTILE_HOTKEY, HOSTILE_TASK, requests=2)

    rows = cli_json(capsys, monkeypatch, dsn, "rank", HOSTILE_TASK, "--top", str(10**9))
    assert isinstance(rows, list)
    assert [(row["contender_id"], row["task"]) for row in rows] == [(hostile, HOSTILE_TASK)]

    monkeypatch.setenv("DATABASE_URL", dsn)
    assert main(["similarity", "set", HOSTILE_TASK, "base-task", "0.25"]) == 0
    capsys.readouterr()
    pairs = cli_json(capsys, monkeypatch, dsn, "similarity", "list")
    assert isinstance(pairs, list)
    assert [(pair["from_task"], pair["to_task"]) for pair in pairs] == [(HOSTILE_TASK, "base-task")]


def test_hostile_task_name_in_a_subprocess_argument(conn: psycopg.Connection, dsn: str) -> None:
    """The same name passed through argv and stdout encodings of a real process."""
    hostile = add_contender(conn, HOSTILE_HOTKEY, HOSTILE_TASK, requests=0)
    result = subprocess.run(
        [sys.executable, "-m", "contender_rank", "rank", HOSTILE_TASK, "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        env={**os.environ, "DATABASE_URL": dsn, "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 0, result.stderr
    assert [row["contender_id"] for row in json.loads(result.stdout)] == [hostile]


@pytest.fixture
def reader_conn(dsn: str) -> Iterator[psycopg.Connection]:
    """A connection acting as the query node: ranking_reader for the whole session."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(sql.SQL("SET ROLE {}").format(sql.Identifier("ranking_reader")))
        yield connection


def test_reader_ranks_but_the_api_refuses_it_dba_writes(
    conn: psycopg.Connection, reader_conn: psycopg.Connection
) -> None:
    contender = add_contender(conn, HOSTILE_HOTKEY, HOSTILE_TASK, requests=0)
    ranked = rank_contenders(reader_conn, HOSTILE_TASK, as_of=AS_OF)
    assert [row.contender_id for row in ranked] == [contender]

    with pytest.raises((ContenderRankError, psycopg.errors.InsufficientPrivilege)):
        set_similarity(reader_conn, "base-task", HOSTILE_TASK, 0.5)
    with pytest.raises((ContenderRankError, psycopg.errors.InsufficientPrivilege)):
        close_period(reader_conn, as_of=AS_OF)
    assert list_similarities(conn) == []
    history = conn.execute("SELECT count(*) FROM contenders_history").fetchone()
    assert history is not None and history[0] == 0
