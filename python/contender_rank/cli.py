"""``python -m contender_rank`` / ``contender-rank``: one entry point, a command per job.

Operator commands (``commands.py``) work on the database the user names. The lab's tools (``demo``,
``bench``, ``simulate``: the package contender-rank-lab, in lab/) create throwaway databases of their
own and never touch the user's; they join this CLI through the entry-point group
``contender_rank.tools`` when the lab is installed, and without it their names say how to install it.
Each command module exposes ``register(subparsers)``, adding its commands with a ``handler`` default
that takes the parsed arguments and returns an exit code. Expected failures raise ``CliError`` (or a
typed API error) and are printed as one line, never as a traceback, with any password redacted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from importlib.metadata import EntryPoint, entry_points
from typing import NoReturn

import psycopg

from contender_rank import __version__, commands
from contender_rank.arguments import CliError, redacted
from contender_rank.errors import ContenderRankError

TOOLS_GROUP = "contender_rank.tools"
# the lab's commands, in the order the help lists them; named here so that, without the lab, they
# say how to install it instead of argparse's "invalid choice"
LAB_TOOLS: tuple[str, ...] = ("demo", "bench", "simulate")
LAB_HOW = "from a checkout, ./run.sh installs it into .venv (or: pip install ./lab)"
LAB_INSTALL = (
    f"it is part of the lab (the package contender-rank-lab, in lab/ of the repository), which is not "
    f"installed here; {LAB_HOW}"
)
DSN_HELP = "PostgreSQL connection string (default: $DATABASE_URL); accepted before or after the command"


class _Parser(argparse.ArgumentParser):
    """Usage errors (unknown command, bad value) as one line, the password of a DSN never shown."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {redacted(message)} (see {self.prog} --help)\n")


def _listing(subparsers: argparse._SubParsersAction, names: Sequence[str]) -> str:
    helps = {action.dest: action.help or "" for action in subparsers._choices_actions}
    width = max(len(name) for name in subparsers.choices) + 2
    return "\n".join(f"  {name:<{width}}{helps.get(name, '')}" for name in names)


def _accept_dsn_everywhere(parser: argparse.ArgumentParser) -> None:
    """Every command accepts --dsn after its name too (SUPPRESS keeps a --dsn given before it)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                if "--dsn" not in sub._option_string_actions:
                    sub.add_argument("--dsn", default=argparse.SUPPRESS, help=DSN_HELP)
                _accept_dsn_everywhere(sub)


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    return {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="contender-rank",
        usage="%(prog)s [--dsn DSN] [--version] COMMAND [ARGS]",
        description="Rank a validator's contenders in PostgreSQL: load, decayed history and similar tasks.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dsn", help=DSN_HELP)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # the commands are listed in two groups below (the epilog), not in argparse's one block
    subparsers = parser.add_subparsers(
        dest="command",
        metavar="COMMAND",
        parser_class=_Parser,
        help=argparse.SUPPRESS,
        prog="contender-rank",
    )
    before = len(subparsers._choices_actions)
    commands.register(subparsers)
    operators = [action.dest for action in subparsers._choices_actions[before:]]
    for tool in lab_tools():
        tool.load().register(subparsers)
    tools = [action.dest for action in subparsers._choices_actions if action.dest not in operators]
    lab = (
        "developer tools, from the lab (throwaway databases of their own; never touch yours):\n"
        + _listing(subparsers, tools)
        if tools
        else f"developer tools ({', '.join(LAB_TOOLS)}): the lab is not installed; {LAB_HOW}"
    )
    parser.epilog = (
        "operator commands (on the database in --dsn or $DATABASE_URL):\n"
        + _listing(subparsers, operators)
        + "\n\n"
        + lab
        + "\n\nCOMMAND --help shows a command's options."
    )
    _accept_dsn_everywhere(parser)
    return parser


def lab_tools() -> list[EntryPoint]:
    """The lab's commands installed in this environment, in LAB_TOOLS order (then any others)."""
    found = {tool.name: tool for tool in entry_points(group=TOOLS_GROUP)}
    order = [name for name in LAB_TOOLS if name in found] + sorted(set(found) - set(LAB_TOOLS))
    return [found[name] for name in order]


def _command_name(argv: Sequence[str]) -> str | None:
    """The command in ``argv``: its first word that is neither an option nor --dsn's value."""
    words = iter(argv)
    for word in words:
        if word == "--dsn":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main(argv: Sequence[str] | None = None) -> int:
    try:
        status = _main(sys.argv[1:] if argv is None else list(argv))
        # a reader that went away (`contender-rank rank ... | head`) is heard here, not at exit
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # the reader has what it wanted; the rest of the output goes nowhere, and the interpreter's
        # own flush at exit must not fail on the closed pipe again
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


def values_that_look_like_options(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """``argv`` with ``--option VALUE`` written ``--option=VALUE`` where VALUE starts with a dash and
    is no option of ours: argparse would take ``--decay-interval -1h`` for two options and answer
    "expected one argument" instead of the database's word on a negative interval."""
    takes_value, every_option = _option_strings(parser)
    result: list[str] = []
    words = list(argv)
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            result += words[index:]
            break
        following = words[index + 1] if index + 1 < len(words) else None
        if (
            word in takes_value
            and following is not None
            and following.startswith("-")
            and following != "--"
            and following.partition("=")[0] not in every_option
        ):
            result.append(f"{word}={following}")
            index += 2
            continue
        result.append(word)
        index += 1
    return result


def _option_strings(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """The long options that take one value, and every option string, of the parser and its commands."""
    takes_value: set[str] = set()
    every_option: set[str] = set()
    parsers, seen = [parser], set()
    while parsers:
        current = parsers.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for action in current._actions:
            every_option.update(action.option_strings)
            if isinstance(action, argparse._StoreAction) and action.nargs is None:
                takes_value.update(option for option in action.option_strings if option.startswith("--"))
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
    return takes_value, every_option


def _main(argv: list[str]) -> int:
    parser = build_parser()
    command = _command_name(argv)
    if command in LAB_TOOLS and command not in _commands(parser):
        print(f"contender-rank: {command}: {LAB_INSTALL}", file=sys.stderr)
        return 2
    args = parser.parse_args(values_that_look_like_options(argv, parser))
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except (CliError, ContenderRankError) as error:
        print(f"contender-rank: {redacted(str(error))}", file=sys.stderr)
        return 2
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"contender-rank: cannot reach the database: {redacted(first_line)}", file=sys.stderr)
        return 2
    except psycopg.Error as error:
        diag = getattr(error, "diag", None)
        message = (diag.message_primary if diag and diag.message_primary else str(error)).strip()
        hint = f" ({diag.message_hint})" if diag and diag.message_hint else ""
        print(f"contender-rank: {redacted(message)}{hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
