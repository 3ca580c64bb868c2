"""``python -m contender_rank`` / ``contender-rank``: one entry point, a subcommand per job.

Each command module exposes ``register(subparsers)``, adding its subcommand with a ``handler``
default that takes the parsed arguments and returns an exit code. Expected failures raise
``CliError`` (or a database error) and are printed as one line, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import psycopg

COMMAND_MODULES: tuple[str, ...] = (
    "contender_rank.commands",
    "contender_rank.bench",
    "contender_rank.retention",
    "contender_rank.demo",
    "contender_rank.simulate",
)


class CliError(Exception):
    """An expected failure: printed as one line, exit status 2."""


def resolve_dsn(args: argparse.Namespace) -> str:
    dsn = getattr(args, "dsn", None) or os.environ.get("DATABASE_URL")
    if not dsn:
        raise CliError("no database: set DATABASE_URL or pass --dsn (e.g. postgresql://user@host:5432/db)")
    return dsn


class _Parser(argparse.ArgumentParser):
    """Usage errors (unknown subcommand, bad value) as one line; the usage is one --help away."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="contender-rank",
        description="Rank a validator's contenders in PostgreSQL: load, decayed history and similar tasks.",
    )
    parser.add_argument("--dsn", help="PostgreSQL connection string (default: $DATABASE_URL)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CliError as error:
        print(f"contender-rank: {error}", file=sys.stderr)
        return 2
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"contender-rank: cannot reach the database: {first_line}", file=sys.stderr)
        return 2
    except psycopg.Error as error:
        diag = getattr(error, "diag", None)
        message = (diag.message_primary if diag and diag.message_primary else str(error)).strip()
        hint = f" ({diag.message_hint})" if diag and diag.message_hint else ""
        print(f"contender-rank: {message}{hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
