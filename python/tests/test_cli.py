"""The command line: tables, stable JSON, and one-line errors with a non-zero exit."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

import contender_rank
from contender_rank import Similarity, get_config, list_similarities, rank_contenders
from contender_rank.cli import build_parser, main
from contender_rank.commands import interval_text
from contender_rank_lab.databases import create_database, drop_database, new_database_name, with_dbname
from contender_rank_lab.embedded import free_port
from contender_rank_lab.scenario import NEW_TASK, SIMILAR_TASK, Scenario, seed_scenario


@pytest.fixture
def scenario(conn: psycopg.Connection) -> Scenario:
    return seed_scenario(conn)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in this process (fast); usage errors end in SystemExit, as they do for a user."""
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "contender_rank", *args],
        capture_output=True,
        text=True,
        env=env if env is not None else dict(os.environ),
        timeout=120,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


# -- rank -------------------------------------------------------------------------------------------


def test_rank_json_is_every_field_of_the_api_rows(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str, scenario: Scenario
) -> None:
    as_of = scenario.ranked_at.isoformat()
    result = cli(capsys, "--dsn", dsn, "rank", NEW_TASK, "--top", "4", "--json", "--as-of", as_of)
    assert result.returncode == 0
    expected = rank_contenders(conn, NEW_TASK, top_x=4, as_of=scenario.ranked_at)
    assert json.loads(result.stdout) == [dataclasses.asdict(row) for row in expected]
    assert len(expected) == 4


def test_rank_table_lists_contenders_in_ranking_order(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str, scenario: Scenario
) -> None:
    result = cli(
        capsys, "--dsn", dsn, "rank", SIMILAR_TASK, "--top", "10", "--as-of", scenario.ranked_at.isoformat()
    )
    assert result.returncode == 0
    header, _rule, *body = result.stdout.strip().splitlines()
    for column in ("contender_id", "own_metric", "similar_metric", "global_metric", "rank_value"):
        assert column in header
    expected = rank_contenders(conn, SIMILAR_TASK, top_x=10, as_of=scenario.ranked_at)
    assert [line.split()[1] for line in body] == [row.contender_id for row in expected]
    assert [float(line.split()[7]) for line in body] == pytest.approx([row.rank_value for row in expected])


def test_rank_unknown_task_says_so(capsys: pytest.CaptureFixture[str], dsn: str) -> None:
    result = cli(capsys, "--dsn", dsn, "rank", "no-such-task")
    assert result.returncode == 0 and "no eligible contender" in result.stdout
    # --dsn is also accepted after the subcommand
    result = cli(capsys, "rank", "no-such-task", "--json", "--dsn", dsn)
    assert result.returncode == 0 and json.loads(result.stdout) == []


# -- similarity ---------------------------------------------------------------------------------------


def test_similarity_set_list_delete(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str
) -> None:
    assert cli(capsys, "--dsn", dsn, "similarity", "set", "x-70b", "x-8b", "0.8").returncode == 0
    assert cli(capsys, "--dsn", dsn, "similarity", "set", "x-8b", "x-70b", "0.2").returncode == 0
    assert list_similarities(conn) == [Similarity("x-70b", "x-8b", 0.8), Similarity("x-8b", "x-70b", 0.2)]

    result = cli(capsys, "--dsn", dsn, "similarity", "list", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == [
        {"from_task": "x-70b", "to_task": "x-8b", "similarity": 0.8},
        {"from_task": "x-8b", "to_task": "x-70b", "similarity": 0.2},
    ]
    result = cli(capsys, "--dsn", dsn, "similarity", "list")
    assert [line.split() for line in result.stdout.strip().splitlines()[2:]] == [
        ["x-70b", "x-8b", "0.800000"],
        ["x-8b", "x-70b", "0.200000"],
    ]

    assert cli(capsys, "--dsn", dsn, "similarity", "delete", "x-8b", "x-70b").returncode == 0
    assert list_similarities(conn) == [Similarity("x-70b", "x-8b", 0.8)]
    assert_one_line_error(
        cli(capsys, "--dsn", dsn, "similarity", "delete", "x-8b", "x-70b"), "no similarity row x-8b -> x-70b"
    )


def test_bad_similarity_is_one_line_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str
) -> None:
    conn.execute("INSERT INTO task_similarity VALUES ('a', 'b', 0.4)")
    cases = [
        (["a", "b", "1.5"], ["similarity = 1.5", "0 to 1"]),
        (["a", "b", "-1"], ["similarity = -1.0", "0 to 1"]),
        (["a", "b", "nan"], ["similarity = nan", "0 to 1"]),
        (["a", "b", "abc"], ["VALUE", "must be a number"]),
        (["a", "a", "0.5"], ["other than from_task"]),
    ]
    for args, words in cases:
        assert_one_line_error(cli(capsys, "--dsn", dsn, "similarity", "set", *args), *words)
    assert list_similarities(conn) == [Similarity("a", "b", 0.4)]


# -- config ---------------------------------------------------------------------------------------


def test_config_show(capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str) -> None:
    config = get_config(conn)
    result = cli(capsys, "--dsn", dsn, "config", "show", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "decay_interval": "1 hour",
        "decay_interval_seconds": config.decay_interval.total_seconds(),
        "decay_factor": config.decay_factor,
        "history_weight": config.history_weight,
        "failure_weight": config.failure_weight,
        "retention_epsilon": config.retention_epsilon,
        "updated_at": config.updated_at.isoformat(),
    }
    result = cli(capsys, "--dsn", dsn, "config", "show")
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.strip().splitlines()[2:]}
    assert rows["decay_interval"] == ["1", "hour", "(3600", "s)"]
    assert rows["decay_factor"] == ["0.5"] and rows["history_weight"] == ["50"]
    assert rows["failure_weight"] == [f"{config.failure_weight:g}"]


def test_config_set_changes_only_what_is_given(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str
) -> None:
    result = cli(
        capsys,
        "--dsn",
        dsn,
        "config",
        "set",
        "--history-weight",
        "12.5",
        "--decay-interval",
        "90 minutes",
        "--failure-weight",
        "3",
        "--json",
    )
    assert result.returncode == 0
    config = get_config(conn)
    assert (config.history_weight, config.decay_interval, config.decay_factor, config.failure_weight) == (
        12.5,
        timedelta(minutes=90),
        0.5,
        3.0,
    )
    assert json.loads(result.stdout)["decay_interval"] == "1 hour 30 minutes"


def test_config_set_rejects_bad_values_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str
) -> None:
    before = get_config(conn)
    cases = [
        (["--decay-factor", "0"], ["decay_factor = 0.0", "greater than 0 and at most 1"]),
        (["--decay-factor", "1.01"], ["decay_factor = 1.01", "at most 1"]),
        (["--history-weight", "-3"], ["history_weight = -3.0", "finite number >= 0"]),
        (["--history-weight", "inf"], ["history_weight = inf", "finite"]),
        (["--failure-weight", "-1"], ["failure_weight = -1.0", "finite number >= 0"]),
        (["--failure-weight", "nan"], ["failure_weight = nan", "finite"]),
        (["--decay-interval", "0 s"], ["decay_interval", "longer than zero"]),
        (["--decay-interval", "every now and then"], ["decay_interval", "e.g. '1 hour'"]),
        (["--decay-factor", "half"], ["--decay-factor", "must be a number"]),
        # one bad value rejects the whole change
        (["--history-weight", "7", "--decay-factor", "2"], ["decay_factor = 2.0"]),
        (
            [],
            ["nothing to change", "--decay-interval", "--decay-factor", "--history-weight"]
            + ["--failure-weight"],
        ),
    ]
    for args, words in cases:
        assert_one_line_error(cli(capsys, "--dsn", dsn, "config", "set", *args), *words)
    assert get_config(conn) == before


# -- close-period ---------------------------------------------------------------------------------


def test_close_period(capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str) -> None:
    conn.execute(
        "INSERT INTO contenders (contender_id, node_hotkey, netuid, task, capacity, total_requests_made) "
        "VALUES ('n-a', 'n', 19, 'a', 10, 5), ('n-b', 'n', 19, 'b', 10, 0)"
    )
    assert_one_line_error(
        cli(capsys, "--dsn", dsn, "close-period", "--as-of", "2025-02-03 04:00"), "UTC offset"
    )
    assert conn.execute("SELECT count(*) FROM contenders_history").fetchone() == (0,)

    result = cli(capsys, "--dsn", dsn, "close-period", "--as-of", "2025-02-03T04:00:00Z")
    assert result.returncode == 0
    assert "2 contender(s)" in result.stdout
    rows = conn.execute(
        "SELECT contender_id, expired_at = '2025-02-03 04:00:00+00' FROM contenders_history "
        "ORDER BY contender_id"
    ).fetchall()
    assert rows == [("n-a", True), ("n-b", True)]


# -- errors common to every subcommand ------------------------------------------------------------


def test_no_database_is_one_line(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert_one_line_error(cli(capsys, "rank", "t"), "no database", "DATABASE_URL", "--dsn")


def test_unreachable_database_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # a port nobody listens on: bind one and close it
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert_one_line_error(
        cli(capsys, "--dsn", f"postgresql://postgres@127.0.0.1:{port}/x", "config", "show"),
        "cannot reach the database",
    )


def test_unmigrated_database_says_to_migrate_and_migrate_fixes_it(
    capsys: pytest.CaptureFixture[str], admin_dsn: str
) -> None:
    name = new_database_name("bare")
    create_database(admin_dsn, name)
    try:
        bare = with_dbname(admin_dsn, name)
        assert_one_line_error(cli(capsys, "--dsn", bare, "rank", "t"), "contender-rank migrate")
        # doing what the message says fixes it; a second migrate has nothing to apply
        assert cli(capsys, "migrate", "--dsn", bare).returncode == 0
        assert "already up to date" in cli(capsys, "migrate", "--dsn", bare).stdout
        result = cli(capsys, "--dsn", bare, "rank", "t", "--json")
        assert result.returncode == 0 and json.loads(result.stdout) == []
    finally:
        drop_database(admin_dsn, name)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["frobnicate"], ["invalid choice", "frobnicate", "rank"]),
        (["similarity"], ["required", "ACTION"]),
        (["rank", "t", "--top", "0"], ["--top", ">= 1"]),
        (["rank", "t", "--as-of", "yesterday"], ["--as-of", "ISO 8601"]),
    ],
)
def test_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], words: list[str]
) -> None:
    assert_one_line_error(cli(capsys, *args), *words)


def test_a_user_sees_one_line_not_a_traceback() -> None:
    """The same paths in a real process: python -m contender_rank."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    assert_one_line_error(run_cli("frobnicate", env=env), "invalid choice")
    assert_one_line_error(run_cli("similarity", "list", env=env), "no database")


def test_installed_entry_point_runs(dsn: str, conn: psycopg.Connection) -> None:
    script = Path(sys.executable).parent / "contender-rank"
    executable = str(script) if script.exists() else shutil.which("contender-rank")
    assert executable, "the contender-rank script is installed with the package"
    result = subprocess.run(
        [executable, "--dsn", dsn, "config", "show", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["history_weight"] == get_config(conn).history_weight


def test_interval_text_reads_back_as_the_same_interval(conn: psycopg.Connection) -> None:
    for interval in (
        timedelta(hours=1),
        timedelta(days=2, minutes=3),
        timedelta(seconds=1.5),
        timedelta(days=30),
        timedelta(0),
    ):
        assert conn.execute("SELECT %s::text::interval", [interval_text(interval)]).fetchone() == (interval,)


# -- an operator's CLI without traps ------------------------------------------------------------------

OPERATOR_INVOCATIONS = [
    ["status"],
    ["verify"],
    ["verify", "--repair"],
    ["rank", "t"],
    ["explain", "t"],
    ["similarity", "list"],
    ["similarity", "set", "a", "b", "0.5"],
    ["similarity", "delete", "a", "b"],
    ["config", "show"],
    ["config", "set", "--history-weight", "1"],
    ["close-period"],
    ["prune"],
]


def _every_command(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((*path, name))
                found += _every_command(sub, (*path, name))
    return found


def test_every_command_takes_dsn_after_its_name_too() -> None:
    parser = build_parser()
    commands = _every_command(parser)
    assert len(commands) >= 17  # 12 operator commands and actions, 3 developer tools, 2 groups
    for command in commands:
        sub = parser
        for name in command:
            sub = next(a for a in sub._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
        assert "--dsn" in sub._option_string_actions, command
    args = parser.parse_args(["--dsn", "before", "prune", "--dsn", "after"])
    assert args.dsn == "after"
    assert parser.parse_args(["--dsn", "before", "prune"]).dsn == "before"


def test_a_password_in_a_dsn_is_never_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    secret = "s3cr3t-pa55"
    port = free_port()  # nothing listens there
    url = f"postgresql://user:{secret}@127.0.0.1:{port}/db"
    for args in (
        ["rank", "t", "--dsn", url],
        ["--dsn", url, "status", "--bogus"],
        ["prune", "--dsn", url],
        ["status", "--dsn", f"host=127.0.0.1 port={port} user=u password={secret}"],
    ):
        result = cli(capsys, *args)
        assert result.returncode == 2
        assert secret not in result.stdout + result.stderr, args
    # where the usage error repeats what was typed, the password is masked
    result = cli(capsys, "status", url)
    assert result.returncode == 2 and secret not in result.stderr
    assert f"postgresql://user:***@127.0.0.1:{port}/db" in result.stderr


@pytest.mark.parametrize("args", OPERATOR_INVOCATIONS, ids=lambda args: " ".join(args))
def test_every_command_on_an_unmigrated_database_says_to_migrate(
    capsys: pytest.CaptureFixture[str], empty_dsn: str, args: list[str]
) -> None:
    result = cli(capsys, "--dsn", empty_dsn, *args)
    assert_one_line_error(result, "not installed", "contender-rank migrate")


def test_bare_command_prints_the_help_and_version_prints_the_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = cli(capsys)
    assert result.returncode == 0
    assert "operator commands" in result.stdout and "developer tools" in result.stdout
    operators, tools = result.stdout.split("developer tools")
    assert all(f"  {name} " in operators for name in ("migrate", "uninstall", "status", "explain", "prune"))
    assert all(f"  {name} " in tools for name in ("demo", "bench", "simulate"))
    result = cli(capsys, "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"contender-rank {contender_rank.__version__}"


def test_status_and_explain(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str, scenario: Scenario
) -> None:
    result = cli(capsys, "--dsn", dsn, "status", "--json")
    status = json.loads(result.stdout)
    assert status["layout"] == "standalone" and status["contenders"] == status["contenders_in_state"] > 0
    conn.execute("UPDATE nodes SET symmetric_key_uuid = NULL WHERE hotkey = 'node-1'")
    as_of = scenario.ranked_at.isoformat()
    result = cli(
        capsys, "--dsn", dsn, "explain", NEW_TASK, "--as-of", as_of, "--history-weight", "0", "--json"
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["proposed"] == {"history_weight": 0.0}
    rows = {row["contender_id"]: row for row in document["contenders"]}
    assert rows[f"node-1-{NEW_TASK}"]["place"] is None
    assert "not handshaken" in rows[f"node-1-{NEW_TASK}"]["excluded_because"]
    ranked = rank_contenders(conn, NEW_TASK, top_x=100, as_of=scenario.ranked_at)
    assert [row["contender_id"] for row in document["contenders"] if row["place"]] == [
        r.contender_id for r in ranked
    ]
    result = cli(capsys, "--dsn", dsn, "explain", NEW_TASK, "--as-of", as_of, "--history-weight", "0")
    assert "proposed_place" in result.stdout and "nothing changed" in result.stdout

    # a proposed failure_weight: the contender that failed this period would move back
    failing = ranked[0].contender_id
    conn.execute("UPDATE contenders SET requests_500 = 1000 WHERE contender_id = %s", (failing,))
    conn.execute("UPDATE ranking_config SET failure_weight = 0")
    before = get_config(conn)
    result = cli(
        capsys, "--dsn", dsn, "explain", NEW_TASK, "--as-of", as_of, "--failure-weight", "1", "--json"
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["proposed"] == {"failure_weight": 1.0}
    rows = {row["contender_id"]: row for row in document["contenders"]}
    assert rows[failing]["proposed_rank_value"] == pytest.approx(rows[failing]["rank_value"] + 1000)
    placed = [row["proposed_place"] for row in document["contenders"] if row["proposed_place"]]
    assert rows[failing]["proposed_place"] == max(placed)
    assert get_config(conn) == before


def test_close_period_retried_in_the_same_interval_says_so(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str, scenario: Scenario
) -> None:
    at = scenario.ranked_at.isoformat()
    first = cli(capsys, "--dsn", dsn, "close-period", "--as-of", at)
    assert (
        first.returncode == 0
        and f"closed the period of {len(scenario.nodes) * 4} contender(s)" in first.stdout
    )
    history = conn.execute("SELECT count(*) FROM contenders_history").fetchone()
    again = cli(capsys, "--dsn", dsn, "close-period", "--as-of", at)
    assert again.returncode == 0
    assert "closed the period of 0 contender(s)" in again.stdout
    assert "already closed in this decay interval" in again.stdout
    assert conn.execute("SELECT count(*) FROM contenders_history").fetchone() == history


def test_prune_subcommand_deletes_only_old_history(dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    as_of = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO nodes (hotkey, netuid, node_id, symmetric_key_uuid) VALUES ('n1', 19, 1, 'k')"
        )
        conn.execute(
            "INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, capacity) "
            "VALUES ('n1-a', 'n1', 1, 19, 'a', 10)"
        )
        for hours in range(24 * 7):
            conn.execute(
                "INSERT INTO contenders_history (contender_id, period_score, expired_at) "
                "VALUES ('n1-a', 1, %(at)s)",
                {"at": as_of - timedelta(hours=hours)},
            )
    assert main(["--dsn", dsn, "prune", "--as-of", as_of.isoformat()]) == 0
    removed = int(capsys.readouterr().out.strip().rsplit(" ", 1)[1])
    with psycopg.connect(dsn, row_factory=dict_row) as conn:
        remaining = conn.execute(
            "SELECT count(*) AS n, min(expired_at) AS oldest FROM contenders_history"
        ).fetchone()
    assert remaining is not None
    assert removed > 0 and removed + remaining["n"] == 24 * 7
    # the default epsilon (1e-6) at factor 0.5 per hour keeps at least the last 20 hours
    assert remaining["oldest"] <= as_of - timedelta(hours=20)


def test_prune_rejects_a_time_without_zone(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--dsn", "postgresql://unused", "prune", "--as-of", "2026-01-10T12:00:00"])
    assert exit_info.value.code == 2
    assert "has no time zone" in capsys.readouterr().err
