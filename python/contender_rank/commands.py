"""Database administration subcommands: migrate."""

from __future__ import annotations

import argparse

from contender_rank.cli import resolve_dsn
from contender_rank.schema import migrate


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "migrate", help="apply the migrations and every SQL function to the database (idempotent)"
    )
    parser.set_defaults(handler=run_migrate)


def run_migrate(args: argparse.Namespace) -> int:
    result = migrate(resolve_dsn(args))
    applied = ", ".join(result.migrations_applied) or "none (already up to date)"
    print(f"migrations applied: {applied}")
    print(f"functions applied: {len(result.functions_applied)}")
    return 0
