"""The lab's tools in the product's CLI: listed and run when the lab is installed (entry-point group
contender_rank.tools), and, without it, their names say how to install it instead of a traceback or
argparse's "invalid choice"."""

from __future__ import annotations

import pytest

from contender_rank import cli


def test_the_installed_lab_adds_its_tools_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert [tool.name for tool in cli.lab_tools()][:3] == ["demo", "bench", "simulate"]
    with pytest.raises(SystemExit) as raised:
        cli.main(["--help"])
    assert raised.value.code == 0
    out = capsys.readouterr().out
    assert "developer tools, from the lab" in out
    for name in ("demo", "bench", "simulate"):
        assert f"\n  {name} " in out


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--nineteen"],
        ["bench", "--nineteen", "--nodes", "4"],
        ["--dsn", "postgresql://u:secret@h/db", "simulate", "--seeds", "2"],
    ],
)
def test_without_the_lab_its_tools_say_how_to_install_it(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "lab_tools", lambda: [])
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    command = next(word for word in argv if word in cli.LAB_TOOLS)
    assert err.startswith(f"contender-rank: {command}: it is part of the lab")
    assert "pip install ./lab" in err and "./run.sh" in err
    assert "Traceback" not in err


def test_without_the_lab_the_help_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "lab_tools", lambda: [])
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "developer tools (demo, bench, simulate): the lab is not installed" in out
    assert "\n  migrate " in out  # the operator commands are all there


def test_an_unknown_command_is_still_argparse_s_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "lab_tools", lambda: [])
    with pytest.raises(SystemExit) as raised:
        cli.main(["no-such-command"])
    assert raised.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["demo"], "demo"),
        (["--dsn", "x", "bench"], "bench"),
        (["--dsn=x", "simulate", "--seed", "1"], "simulate"),
        (["--version"], None),
        (["rank", "demo"], "rank"),
    ],
)
def test_command_name(argv: list[str], command: str | None) -> None:
    assert cli._command_name(argv) == command
