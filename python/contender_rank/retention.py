"""``python -m contender_rank prune``: drop history too old to move any ranking by epsilon.

The arithmetic (which intervals are safe to drop) lives in ``prune_history()``; this only
calls it and says how many rows went.
"""

from __future__ import annotations

import argparse
from datetime import datetime

import psycopg
from psycopg.rows import dict_row

from contender_rank.cli import resolve_dsn


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "prune",
        help="delete history whose remaining weight is below ranking_config.retention_epsilon (prune_history())",
    )
    parser.add_argument("--as-of", type=_timestamp, default=None,
                        help="prune as of this time, ISO 8601 with a zone (default: now)")
    parser.set_defaults(handler=run_prune)


def _timestamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an ISO 8601 time such as 2026-01-10T12:00:00+00:00, got {text!r}")
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone: add one, e.g. 2026-01-10T12:00:00+00:00")
    return value


def run_prune(args: argparse.Namespace) -> int:
    with psycopg.connect(resolve_dsn(args), autocommit=True, row_factory=dict_row) as conn:
        if args.as_of is None:
            row = conn.execute("SELECT prune_history() AS removed").fetchone()
        else:
            row = conn.execute("SELECT prune_history(%(as_of)s) AS removed", {"as_of": args.as_of}).fetchone()
    removed = int(row["removed"]) if row else 0
    print(f"history rows removed: {removed}")
    return 0
