"""The command line's traps, each as a user met it: output cut short by `| head`, a similarity for a
task that does not exist, a hint to paste back into a shell, a negative value after an option, and
what uninstall says it removed."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from datetime import timedelta

import psycopg
import pytest

from contender_rank import get_config, list_similarities
from contender_rank.cli import build_parser as cli_parser
from contender_rank.cli import main, values_that_look_like_options
from contender_rank.commands import uninstall_report
from contender_rank.schema import UninstallResult
from contender_rank_lab.scenario import BASE_TASKS, SIMILAR_TASK, Scenario, seed_scenario


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)


@pytest.fixture
def scenario(conn: psycopg.Connection) -> Scenario:
    return seed_scenario(conn)


# -- `contender-rank rank ... | head` -----------------------------------------------------------------


@pytest.mark.parametrize("command", [["rank", SIMILAR_TASK, "--top", "50"], ["config", "show"]])
def test_a_reader_that_goes_away_ends_the_output_without_a_traceback(
    dsn: str, scenario: Scenario, command: list[str]
) -> None:
    # a pipe whose read end is closed before the command starts: every write meets EPIPE, as when
    # `head` has read its lines and gone
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "contender_rank", "--dsn", dsn, *command],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=dict(os.environ),
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 128 + signal.SIGPIPE
    assert result.stderr.decode() == ""


def test_the_whole_output_still_arrives_when_the_reader_stays(dsn: str, scenario: Scenario) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "contender_rank", "--dsn", dsn, "rank", SIMILAR_TASK, "--top", "50"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == ""
    assert SIMILAR_TASK in result.stdout and len(result.stdout.splitlines()) > 3


# -- similarity set for a task nobody serves ------------------------------------------------------------


def test_a_similarity_naming_an_unknown_task_is_set_with_a_warning(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str, scenario: Scenario
) -> None:
    result = cli(capsys, "--dsn", dsn, "similarity", "set", "no-such-task", SIMILAR_TASK, "0.3")
    assert result.returncode == 0
    assert result.stdout == f"similarity no-such-task -> {SIMILAR_TASK} = 0.3\n"
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1, result.stderr
    assert "warning: task 'no-such-task' has no contender and no history" in warnings[0]
    assert ("no-such-task", SIMILAR_TASK, 0.3) in {
        (row.from_task, row.to_task, row.similarity) for row in list_similarities(conn)
    }


def test_a_task_with_history_only_is_known(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str, scenario: Scenario
) -> None:
    # the scenario's epochs left history for every base task; its contenders go, the history stays
    retired = BASE_TASKS[-1]
    conn.execute("DELETE FROM contenders WHERE task = %s", (retired,))
    assert conn.execute("SELECT count(*) FROM contenders_history WHERE task = %s", (retired,)).fetchone()[0]  # type: ignore[index]
    result = cli(capsys, "--dsn", dsn, "similarity", "set", retired, "no-such-task", "0.2")
    assert result.returncode == 0
    assert f"'{retired}'" not in result.stderr
    assert "warning: task 'no-such-task'" in result.stderr


def test_a_similarity_between_served_tasks_says_nothing_more(
    capsys: pytest.CaptureFixture[str], dsn: str, scenario: Scenario
) -> None:
    served = next(task for task in BASE_TASKS if task != SIMILAR_TASK)
    result = cli(capsys, "--dsn", dsn, "similarity", "set", served, SIMILAR_TASK, "0.4")
    assert (result.returncode, result.stderr) == (0, "")


# -- the hint for a task with no eligible contender ------------------------------------------------------


def test_the_hint_for_an_unknown_task_pastes_back_into_a_shell(
    capsys: pytest.CaptureFixture[str], dsn: str
) -> None:
    task = "no such task; echo $HOME"
    result = cli(capsys, "--dsn", dsn, "rank", task)
    assert result.returncode == 0
    hint = result.stdout.split("(see: ", 1)[1].rstrip(")\n")
    assert shlex.split(hint) == ["contender-rank", "explain", task]


# -- a value that starts with a dash -------------------------------------------------------------------


def test_a_negative_interval_after_its_option_reaches_the_database(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str
) -> None:
    before = get_config(conn)
    result = cli(capsys, "--dsn", dsn, "config", "set", "--decay-interval", "-1h")
    assert result.returncode == 2 and result.stdout == ""
    assert "decay_interval = '-1h' is not allowed" in result.stderr
    assert "longer than zero" in result.stderr
    assert get_config(conn) == before


def test_a_negative_number_after_its_option_reaches_the_database(
    capsys: pytest.CaptureFixture[str], conn: psycopg.Connection, dsn: str
) -> None:
    result = cli(capsys, "--dsn", dsn, "config", "set", "--history-weight", "-5", "--decay-interval", "2h")
    assert result.returncode == 2
    assert "history_weight = -5.0 is not allowed" in result.stderr
    assert get_config(conn).decay_interval != timedelta(hours=2)  # nothing changed


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["config", "set", "--decay-interval", "-1h"], ["config", "set", "--decay-interval=-1h"]),
        (["explain", "t", "--decay-factor", "-0.5"], ["explain", "t", "--decay-factor=-0.5"]),
        # a missing value stays missing: argparse says "expected one argument"
        (["config", "set", "--history-weight", "--json"], ["config", "set", "--history-weight", "--json"]),
        (["--dsn", "-h"], ["--dsn", "-h"]),
        # a flag takes no value; after --, nothing is an option
        (["rank", "t", "--json", "-1"], ["rank", "t", "--json", "-1"]),
        (["rank", "--", "--top", "-1"], ["rank", "--", "--top", "-1"]),
    ],
)
def test_values_that_look_like_options(argv: list[str], expected: list[str]) -> None:
    assert values_that_look_like_options(argv, cli_parser()) == expected


def test_a_missing_value_is_still_argparse_s_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    result = cli(capsys, "config", "set", "--history-weight", "--json")
    assert result.returncode == 2
    assert "argument --history-weight: expected one argument" in result.stderr


# -- uninstall's report -----------------------------------------------------------------------------


def test_uninstall_counts_only_the_triggers_on_nineteen_s_tables_as_theirs(
    capsys: pytest.CaptureFixture[str], adopted_dsn: str
) -> None:
    with psycopg.connect(adopted_dsn) as conn:
        on_nineteen = conn.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE p.pronamespace = 'contender_rank'::regnamespace AND NOT t.tgisinternal "
            "AND t.tgrelid IN ('public.nodes'::regclass, 'public.contenders'::regclass, "
            "'public.contenders_history'::regclass)"
        ).fetchone()[0]  # type: ignore[index]
    result = cli(capsys, "--dsn", adopted_dsn, "uninstall")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    theirs = next(line for line in lines if "from nineteen's tables" in line)
    assert theirs.startswith(f"removed {on_nineteen} triggers from nineteen's tables: ")
    named = theirs.split(": ", 1)[1].split(", ")
    assert len(named) == on_nineteen > 0
    tables = {name.rpartition(" on ")[2] for name in named}
    assert tables == {"public.contenders", "public.contenders_history"}
    own = next(line for line in lines if "contender_rank's own tables" in line)
    assert "task_similarity" in own and "ranking_config" in own


def test_uninstall_says_roles_were_kept_only_when_there_are_some() -> None:
    result = UninstallResult(["t1 on public.contenders", "t2 on public.task_similarity"], ["f()"], 0)
    kept = uninstall_report(result, ["ranking_reader"])
    assert any("the roles ranking_reader belong to the whole cluster and were kept" in line for line in kept)
    assert kept[0] == "removed 1 triggers from nineteen's tables: t1 on public.contenders"
    assert kept[1] == "removed 1 triggers on contender_rank's own tables: t2 on public.task_similarity"
    assert not any("role" in line for line in uninstall_report(result, []))
