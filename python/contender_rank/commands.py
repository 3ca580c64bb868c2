"""Database subcommands: migrate, rank, similarity, config, close-period.

Each prints a readable table by default and stable JSON with ``--json``. Values are checked by
the database; a rejected value comes back as one line saying what is allowed.
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

import psycopg

from contender_rank import api
from contender_rank.cli import CliError, resolve_dsn
from contender_rank.errors import ContenderRankError
from contender_rank.models import RankedContender, RankingConfig
from contender_rank.schema import migrate

Handler = Callable[[argparse.Namespace], int]


def register(subparsers: argparse._SubParsersAction) -> None:
    migrate_parser = _command(subparsers, "migrate",
                              "apply the migrations and every SQL function to the database (idempotent)")
    migrate_parser.set_defaults(handler=run_migrate)

    rank = _command(subparsers, "rank", "the eligible contenders of TASK, best first, with why")
    rank.add_argument("task", metavar="TASK", help="task (model) name, e.g. chat-llama-3-1-8b")
    rank.add_argument("--top", type=_positive_int, default=5, metavar="N", help="at most N contenders (default 5)")
    rank.add_argument("--as-of", type=parse_timestamp, metavar="TS",
                      help="rank as of this ISO 8601 time with a UTC offset (default: now)")
    _add_json(rank)
    rank.set_defaults(handler=run_rank)

    similarity = subparsers.add_parser("similarity", help="directed task similarity (task_similarity rows)")
    similarity_commands = similarity.add_subparsers(dest="similarity_command", metavar="ACTION", required=True)
    set_similarity = _command(similarity_commands, "set", "set FROM -> TO to VALUE in [0, 1] (insert or replace)")
    set_similarity.add_argument("from_task", metavar="FROM", help="task whose metric is borrowed")
    set_similarity.add_argument("to_task", metavar="TO", help="task that borrows it")
    set_similarity.add_argument("value", metavar="VALUE", type=_number, help="similarity, 0 to 1")
    set_similarity.set_defaults(handler=run_similarity_set)
    list_similarity = _command(similarity_commands, "list", "every similarity row")
    _add_json(list_similarity)
    list_similarity.set_defaults(handler=run_similarity_list)
    delete_similarity = _command(similarity_commands, "delete", "remove FROM -> TO (a missing pair means 0)")
    delete_similarity.add_argument("from_task", metavar="FROM")
    delete_similarity.add_argument("to_task", metavar="TO")
    delete_similarity.set_defaults(handler=run_similarity_delete)

    config = subparsers.add_parser("config", help="the ranking's tunables (the ranking_config row)")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = _command(config_commands, "show", "print decay_interval, decay_factor, history_weight")
    _add_json(show)
    show.set_defaults(handler=run_config_show)
    set_config = _command(config_commands, "set", "change some settings; applies to the next ranking call")
    set_config.add_argument("--decay-interval", metavar="INTERVAL",
                            help="PostgreSQL interval > 0, e.g. '1 hour' or '30 minutes'")
    set_config.add_argument("--decay-factor", type=_number, metavar="F",
                            help="0 < F <= 1 (1: no decay)")
    set_config.add_argument("--history-weight", type=_number, metavar="W",
                            help="finite, >= 0 (0: pure load balancing)")
    _add_json(set_config)
    set_config.set_defaults(handler=run_config_set)

    close = _command(subparsers, "close-period",
                     "end the period: score every contender, append it to history, reset its counters")
    close.add_argument("--as-of", type=parse_timestamp, metavar="TS",
                       help="stamp the history rows with this ISO 8601 time with a UTC offset (default: now)")
    close.set_defaults(handler=run_close_period)


# -- argument types --------------------------------------------------------------------------------


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 time with a UTC offset: a naive time would be read in the server's TimeZone."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time with a UTC offset, e.g. 2025-01-01T05:00:00+00:00 or ...Z"
        )
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None


def _command(subparsers: argparse._SubParsersAction, name: str, help_text: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    # also accepted after the subcommand; SUPPRESS keeps a --dsn given before it
    parser.add_argument("--dsn", default=argparse.SUPPRESS, help="PostgreSQL connection string (default: $DATABASE_URL)")
    return parser


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print stable JSON instead of a table")


# -- output ---------------------------------------------------------------------------------------


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: numbers right-aligned, text left-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    numeric = [all(isinstance(row[i], int | float) and not isinstance(row[i], bool) for row in rows) and bool(rows)
               for i in range(len(headers))]
    widths = [max([len(header)] + [len(row[i]) for row in cells]) for i, header in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(value.rjust(widths[i]) if numeric[i] else value.ljust(widths[i])
                         for i, value in enumerate(values)).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths]), *map(line, cells)])


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def interval_text(value: timedelta) -> str:
    """``timedelta`` as PostgreSQL interval input, e.g. '1 day 2 hours' (so it can be pasted back)."""
    seconds = value.total_seconds()
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute"), (seconds, "second")]
    text = " ".join(f"{amount:g} {unit}{'' if amount == 1 else 's'}" for amount, unit in parts if amount)
    return text or "0 seconds"


def ranked_json(row: RankedContender) -> dict[str, Any]:
    return asdict(row)


def config_json(config: RankingConfig) -> dict[str, Any]:
    return {
        "decay_interval": interval_text(config.decay_interval),
        "decay_interval_seconds": config.decay_interval.total_seconds(),
        "decay_factor": config.decay_factor,
        "history_weight": config.history_weight,
        "updated_at": config.updated_at.isoformat(),
    }


def print_json(value: object) -> None:
    print(json.dumps(value, indent=2))


RANK_HEADERS = ("#", "contender_id", "node_hotkey", "requests", "own_metric", "similar_metric",
                "global_metric", "rank_value", "capacity_left")


def rank_rows(rows: Sequence[RankedContender]) -> list[list[object]]:
    return [[position, row.contender_id, row.node_hotkey, row.total_requests_made, row.own_metric,
             row.similar_metric, row.global_metric, row.rank_value, row.capacity_left]
            for position, row in enumerate(rows, start=1)]


# -- handlers -------------------------------------------------------------------------------------


def _expected_errors(handler: Handler) -> Handler:
    """The API's typed errors are expected failures: one line, exit 2."""

    @functools.wraps(handler)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except ContenderRankError as error:
            raise CliError(str(error)) from error

    return wrapper


def _connect(args: argparse.Namespace) -> psycopg.Connection[Any]:
    return psycopg.connect(resolve_dsn(args), autocommit=True)


def run_migrate(args: argparse.Namespace) -> int:
    result = migrate(resolve_dsn(args))
    applied = ", ".join(result.migrations_applied) or "none (already up to date)"
    print(f"migrations applied: {applied}")
    print(f"functions applied: {len(result.functions_applied)}")
    return 0


@_expected_errors
def run_rank(args: argparse.Namespace) -> int:
    with _connect(args) as conn:
        rows = api.rank_contenders(conn, args.task, top_x=args.top, as_of=args.as_of)
    if args.json:
        print_json([ranked_json(row) for row in rows])
    elif not rows:
        print(f"no eligible contender for task {args.task!r} (capacity > 0 on a handshaken node)")
    else:
        print(render_table(RANK_HEADERS, rank_rows(rows)))
    return 0


@_expected_errors
def run_similarity_set(args: argparse.Namespace) -> int:
    with _connect(args) as conn:
        row = api.set_similarity(conn, args.from_task, args.to_task, args.value)
    print(f"similarity {row.from_task} -> {row.to_task} = {row.similarity:g}")
    return 0


@_expected_errors
def run_similarity_list(args: argparse.Namespace) -> int:
    with _connect(args) as conn:
        rows = api.list_similarities(conn)
    if args.json:
        print_json([asdict(row) for row in rows])
    elif not rows:
        print("no task similarity rows (every pair counts 0)")
    else:
        print(render_table(("from_task", "to_task", "similarity"),
                           [[row.from_task, row.to_task, row.similarity] for row in rows]))
    return 0


@_expected_errors
def run_similarity_delete(args: argparse.Namespace) -> int:
    with _connect(args) as conn:
        deleted = api.delete_similarity(conn, args.from_task, args.to_task)
    if not deleted:
        raise CliError(f"no similarity row {args.from_task} -> {args.to_task} (see: similarity list)")
    print(f"deleted similarity {args.from_task} -> {args.to_task}")
    return 0


def _print_config(config: RankingConfig, as_json: bool) -> None:
    if as_json:
        print_json(config_json(config))
        return
    shown = config_json(config)
    print(render_table(("setting", "value"), [
        ["decay_interval", f"{shown['decay_interval']} ({shown['decay_interval_seconds']:g} s)"],
        ["decay_factor", f"{config.decay_factor:g}"],
        ["history_weight", f"{config.history_weight:g}"],
        ["updated_at", shown["updated_at"]],
    ]))


@_expected_errors
def run_config_show(args: argparse.Namespace) -> int:
    with _connect(args) as conn:
        config = api.get_config(conn)
    _print_config(config, args.json)
    return 0


@_expected_errors
def run_config_set(args: argparse.Namespace) -> int:
    changes = {name: getattr(args, name) for name in api.SETTINGS if getattr(args, name) is not None}
    if not changes:
        raise CliError("nothing to change: give at least one of --decay-interval, --decay-factor, --history-weight")
    with _connect(args) as conn:
        config = api.update_config(conn, **changes)
    _print_config(config, args.json)
    return 0


@_expected_errors
def run_close_period(args: argparse.Namespace) -> int:
    with _connect(args) as conn:
        closed = api.close_period(conn, as_of=args.as_of)
    stamp = args.as_of.isoformat() if args.as_of else "now()"
    print(f"closed the period of {closed} contender(s), history stamped {stamp}")
    return 0
