"""Operator commands: on the database in ``--dsn`` or ``$DATABASE_URL``.

    migrate, uninstall, status, verify, rank, explain, similarity set|list|delete, config show|set,
    close-period, prune

Each prints a readable table by default and stable JSON with ``--json`` where it reads something.
Values are checked by the database; a rejected value comes back as one line saying what is allowed.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row

from contender_rank import api, queries
from contender_rank.arguments import CliError, given_dsn, number, parse_timestamp, positive_int
from contender_rank.models import (
    ExplainedContender,
    RankedContender,
    RankingConfig,
    RankingStatus,
    StateCheck,
)
from contender_rank.schema import (
    REQUIRED_COLUMNS,
    ROLES,
    MigrateResult,
    UninstallResult,
    migrate,
    roles_sql,
    uninstall,
)

_JSON_HELP = "print stable JSON instead of a table"
NINETEEN_TABLES = ("public.nodes", "public.contenders", "public.contenders_history")


def register(subparsers: argparse._SubParsersAction) -> None:
    cmd = _command(
        subparsers,
        "migrate",
        "install or upgrade contender_rank in the database (idempotent)",
        "Installs the current schema (a first installation) or applies the pending migrations (an "
        "upgrade), then every SQL function, in one transaction: all or nothing. On a "
        "database holding nineteen's nodes, contenders and contenders_history it installs beside "
        "them (adoption); on an empty one it creates its own.",
    )
    cmd.add_argument(
        "--rebuild",
        action="store_true",
        help="recompute the derived state from the tables even when its definitions did not change",
    )
    cmd.set_defaults(handler=run_migrate)

    cmd = _command(
        subparsers,
        "uninstall",
        "remove everything contender_rank added to an adopted nineteen database",
        "Drops contender_rank's triggers on nineteen's tables, its functions, task_similarity, "
        "ranking_config and its schema, in one transaction; nineteen's tables keep their definitions "
        "and rows. Refused in the standalone layout, where the tables are contender_rank's own.",
    )
    cmd.set_defaults(handler=run_uninstall)

    cmd = _command(
        subparsers,
        "status",
        "the installed layout and version, whether the state is trusted, and what the ranking reads",
        "The installed layout and version; whether the derived state is trusted (and if not, why); the "
        "last maintenance fault; how nineteen's tables changed since migrate (columns contender_rank reads "
        "retyped, dropped or renamed, tables replaced, its triggers missing or disabled); the counts.",
    )
    _add_json(cmd)
    cmd.set_defaults(handler=run_status)

    cmd = _command(
        subparsers,
        "verify",
        "check the derived state against the definition from history (like amcheck); --repair rebuilds it",
        "Compares contender_rank.contender_state with the ranking's definition from history for every "
        "contender (current, with history, or with a state row) and lists each difference: contender, "
        "task, what (missing or extra row, own_metric, similar_metric, own_interval, task, ...), stored "
        "and expected. Metrics are valued at one time (the newest history row unless --as-of) and agree "
        "within --tolerance relative to their magnitude; counts, intervals, times and tasks must be "
        "equal. Only reads, in one snapshot, and takes no lock a writer waits for: safe from cron on a "
        "live validator. Exit status 0 when exact, 1 when anything differs or maintenance faults are "
        "recorded, 2 on error. Needs ranking_admin (or the owner).",
    )
    cmd.add_argument(
        "--repair",
        action="store_true",
        help="when anything differs or faults are recorded: rebuild the state from history in one "
        "transaction (holding the state lock; waits at most --lock-wait for it), clear the faults, "
        "check again",
    )
    cmd.add_argument(
        "--lock-wait",
        type=number,
        default=api.DEFAULT_LOCK_WAIT.total_seconds(),
        metavar="S",
        help="with --repair: give up when the state lock is not free within S seconds, 0 < S <= 3600 "
        "(default 10)",
    )
    cmd.add_argument(
        "--tolerance",
        type=number,
        default=api.DEFAULT_TOLERANCE,
        metavar="T",
        help="0 <= T < 1: how far two floats may differ, relative to the larger (default 1e-9)",
    )
    cmd.add_argument(
        "--as-of",
        type=parse_timestamp,
        metavar="TS",
        help="value every metric as of this time, at or after the newest history row: ISO 8601 with a UTC "
        "offset, e.g. 2025-01-01T05:00:00Z (default: the newest history row's time)",
    )
    _add_json(cmd)
    cmd.set_defaults(handler=run_verify)

    cmd = _command(subparsers, "rank", "the eligible contenders of TASK, best first, with why")
    cmd.add_argument("task", metavar="TASK", help="task (model) name, e.g. chat-llama-3-1-8b")
    cmd.add_argument(
        "--top", type=positive_int, default=5, metavar="N", help="at most N contenders (default 5)"
    )
    _add_as_of(cmd, "rank as of this time")
    _add_json(cmd)
    cmd.set_defaults(handler=run_rank)

    cmd = _command(
        subparsers,
        "explain",
        "every contender of TASK, eligible or not, and why; preview a retune",
        "Lists every contender of TASK with its place in the ranking or why it is excluded (no "
        "capacity, node missing, node not handshaken), whether it has capacity left, and its metrics. "
        "With proposed settings it shows the place each contender would take under them beside "
        "today's, and changes nothing.",
    )
    cmd.add_argument("task", metavar="TASK", help="task (model) name")
    _add_as_of(cmd, "explain as of this time")
    _add_settings(cmd, "a proposed")
    _add_json(cmd)
    cmd.set_defaults(handler=run_explain)

    similarity = subparsers.add_parser("similarity", help="directed task similarity (task_similarity rows)")
    actions = similarity.add_subparsers(dest="similarity_command", metavar="ACTION", required=True)
    cmd = _command(actions, "set", "set FROM -> TO to VALUE in [0, 1] (insert or replace)")
    cmd.add_argument("from_task", metavar="FROM", help="task whose metric is borrowed")
    cmd.add_argument("to_task", metavar="TO", help="task that borrows it")
    cmd.add_argument("value", metavar="VALUE", type=number, help="similarity, 0 to 1")
    cmd.set_defaults(handler=run_similarity_set)
    cmd = _command(actions, "list", "every similarity row")
    _add_json(cmd)
    cmd.set_defaults(handler=run_similarity_list)
    cmd = _command(actions, "delete", "remove FROM -> TO (a missing pair means 0)")
    cmd.add_argument("from_task", metavar="FROM")
    cmd.add_argument("to_task", metavar="TO")
    cmd.set_defaults(handler=run_similarity_delete)

    config = subparsers.add_parser("config", help="the ranking's settings (the ranking_config row)")
    actions = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    cmd = _command(actions, "show", "print every setting")
    _add_json(cmd)
    cmd.set_defaults(handler=run_config_show)
    cmd = _command(actions, "set", "change some settings; applies to the next ranking call")
    _add_settings(cmd, "the new")
    cmd.add_argument(
        "--retention-epsilon",
        type=number,
        metavar="E",
        help="0 <= E <= 1: how much prune may move any metric (0 keeps all history)",
    )
    _add_json(cmd)
    cmd.set_defaults(handler=run_config_set)

    cmd = _command(
        subparsers,
        "close-period",
        "standalone layout: end the period (score, append to history, reset the counters)",
    )
    _add_as_of(cmd, "stamp the history rows with this time")
    cmd.set_defaults(handler=run_close_period)

    cmd = _command(
        subparsers, "prune", "delete history whose remaining weight is below ranking_config.retention_epsilon"
    )
    _add_as_of(cmd, "prune as of this time")
    cmd.set_defaults(handler=run_prune)


def _command(
    subparsers: argparse._SubParsersAction, name: str, help_text: str, description: str | None = None
) -> argparse.ArgumentParser:
    return subparsers.add_parser(name, help=help_text, description=description or help_text)


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_JSON_HELP)


def _add_as_of(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--as-of",
        type=parse_timestamp,
        metavar="TS",
        help=f"{what}: ISO 8601 with a UTC offset, e.g. 2025-01-01T05:00:00Z (default: now)",
    )


def _add_settings(parser: argparse.ArgumentParser, which: str) -> None:
    parser.add_argument("--history-weight", type=number, metavar="W", help=f"{which} weight, finite and >= 0")
    parser.add_argument(
        "--failure-weight",
        type=number,
        metavar="F",
        help=f"{which} weight of this period's failed requests (429s and 500s), finite and >= 0",
    )
    parser.add_argument("--decay-factor", type=number, metavar="F", help=f"{which} decay factor, 0 < F <= 1")
    parser.add_argument(
        "--decay-interval",
        metavar="INTERVAL",
        help=f"{which} decay interval, a PostgreSQL interval > 0, e.g. '1 hour'",
    )


# -- output ---------------------------------------------------------------------------------------


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: numbers right-aligned, text left-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    numeric = [
        bool(rows) and all(isinstance(row[i], int | float) and not isinstance(row[i], bool) for row in rows)
        for i in range(len(headers))
    ]
    widths = [max([len(header)] + [len(row[i]) for row in cells]) for i, header in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            value.rjust(widths[i]) if numeric[i] else value.ljust(widths[i]) for i, value in enumerate(values)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths]), *map(line, cells)])


def _cell(value: object) -> str:
    if value is None:
        return "-"
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


def config_json(config: RankingConfig) -> dict[str, Any]:
    return {
        "decay_interval": interval_text(config.decay_interval),
        "decay_interval_seconds": config.decay_interval.total_seconds(),
        "decay_factor": config.decay_factor,
        "history_weight": config.history_weight,
        "failure_weight": config.failure_weight,
        "retention_epsilon": config.retention_epsilon,
        "updated_at": config.updated_at.isoformat(),
    }


def print_json(value: object) -> None:
    print(json.dumps(value, indent=2, default=_json_default))


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


RANK_HEADERS = (
    "#",
    "contender_id",
    "node_hotkey",
    "requests",
    "own_metric",
    "similar_metric",
    "global_metric",
    "rank_value",
    "capacity_left",
)


def rank_rows(rows: Sequence[RankedContender]) -> list[list[object]]:
    return [
        [
            position,
            row.contender_id,
            row.node_hotkey,
            row.total_requests_made,
            row.own_metric,
            row.similar_metric,
            row.global_metric,
            row.rank_value,
            row.capacity_left,
        ]
        for position, row in enumerate(rows, start=1)
    ]


# -- the database ---------------------------------------------------------------------------------


def require_dsn(args: argparse.Namespace) -> str:
    dsn = given_dsn(getattr(args, "dsn", None))
    if not dsn:
        raise CliError("no database: set DATABASE_URL or pass --dsn (e.g. postgresql://user@host:5432/db)")
    return dsn


def connect(args: argparse.Namespace) -> psycopg.Connection[Any]:
    """An autocommit connection to an installed database; NOTICEs (e.g. from close_period) are printed."""
    conn = psycopg.connect(require_dsn(args), autocommit=True)
    row = conn.execute(queries.get("installed")).fetchone()
    if not (row and row[0]):
        conn.close()
        raise CliError(
            "contender_rank is not installed in this database (or is an older release): "
            "run `contender-rank migrate` first"
        )
    # with --json, stdout holds the JSON document alone
    out = sys.stderr if getattr(args, "json", False) else sys.stdout
    conn.add_notice_handler(lambda diag: print(diag.message_primary, file=out))
    return conn


# -- handlers -------------------------------------------------------------------------------------


def run_migrate(args: argparse.Namespace) -> int:
    result = migrate(require_dsn(args), rebuild=args.rebuild, progress=print)
    for line in migrate_report(result):
        print(line)
    return 0


def migrate_report(result: MigrateResult) -> list[str]:
    layout = {
        "standalone": "standalone (contender_rank's own nodes, contenders and contenders_history)",
        "adopted": "adopted (installed beside nineteen's nodes, contenders and contenders_history)",
    }
    lines = [
        f"layout: {layout[result.layout]}",
        (
            f"installed from the current schema ({', '.join(result.schema_applied)}); migrations recorded as "
            f"applied: {', '.join(result.migrations_recorded)}"
            if result.schema_applied
            else f"migrations applied: {', '.join(result.migrations_applied) or 'none (already up to date)'}"
        ),
        f"functions: {result.functions_applied} files applied"
        + (
            f"; dropped, no file defines them any more: {', '.join(result.functions_dropped)}"
            if result.functions_dropped
            else ""
        ),
    ]
    if result.triggers_dropped:
        lines.append(f"triggers dropped, no file defines them any more: {', '.join(result.triggers_dropped)}")
    if result.roles_created:
        lines.append(f"roles created: {', '.join(result.roles_created)}")
    if result.role_links_granted:
        lines.append(f"role chain repaired: {'; '.join(result.role_links_granted)}")
    if result.roles_missing:
        lines.append(
            f"roles not created: {', '.join(result.roles_missing)} (this role may not create roles: it lacks "
            "CREATEROLE), so no role was granted anything. The database owner can still use everything. "
            "To add the roles later, run `contender-rank migrate` once as a role with CREATEROLE, or have "
            f"a superuser (or a role with CREATEROLE) run: {roles_sql(result.roles_missing)} and run "
            "migrate again."
        )
    elif result.role_links_missing:
        lines.append(
            f"role chain broken: {'; '.join(result.role_links_missing)} missing, and this role may not "
            "grant it (it lacks CREATEROLE): a member of ranking_writer or ranking_admin lacks the "
            "privileges of the role below. Have a superuser (or a role with CREATEROLE) run: "
            f"{roles_sql([])} or run `contender-rank migrate` as such a role."
        )
    if result.state_rebuilt:
        lines.append(f"state: rebuilt from {result.history_rows_folded:,} history rows")
    else:
        lines.append("state: unchanged (its definitions did not change; --rebuild forces a rebuild)")
    return lines


def run_uninstall(args: argparse.Namespace) -> int:
    dsn = require_dsn(args)
    result = uninstall(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        roles = conn.execute(queries.get("roles"), {"roles": list(ROLES)}).fetchone()
    kept = [role for role in ROLES if roles and role in roles[0]]
    print("\n".join(uninstall_report(result, kept)))
    return 0


def uninstall_report(result: UninstallResult, roles_kept: Sequence[str]) -> list[str]:
    """What uninstall removed, nineteen's tables apart from contender_rank's own, and the roles that
    are left (they belong to the cluster, not to the database)."""
    on_nineteen = [t for t in result.triggers_dropped if t.rpartition(" on ")[2] in NINETEEN_TABLES]
    on_own = [t for t in result.triggers_dropped if t not in on_nineteen]
    lines = [
        f"removed {len(on_nineteen)} triggers from nineteen's tables: {', '.join(on_nineteen) or 'none'}",
        f"removed {len(on_own)} triggers on contender_rank's own tables: {', '.join(on_own) or 'none'}",
        f"removed {len(result.functions_dropped)} functions from schema public: "
        f"{', '.join(result.functions_dropped)}",
        f"removed task_similarity ({result.similarity_rows} rows), ranking_config, the type ranked_contender "
        "and the schema contender_rank (derived state and migration log)",
        "nineteen's tables keep their definitions and rows",
    ]
    if roles_kept:
        lines.append(
            f"the roles {', '.join(roles_kept)} belong to the whole cluster and were kept "
            "(DROP ROLE them when no database uses them)"
        )
    return lines


def run_status(args: argparse.Namespace) -> int:
    with connect(args) as conn:
        status = api.ranking_status(conn)
    if args.json:
        print_json(asdict(status))
        return 0
    fields = {name: value for name, value in asdict(status).items() if name != "shape_drift"}
    print(render_table(("field", "value"), [[name, value] for name, value in fields.items()]))
    for warning in status_warnings(status):
        print(f"note: {warning}")
    return 0


def status_warnings(status: RankingStatus) -> list[str]:
    warnings = []
    if not status.trusted:
        warnings.append(
            f"the derived state is not trusted: {status.untrusted_reason}. rank_contenders falls back to "
            "load-balancing order until it is repaired (contender-rank verify --repair)"
        )
    if status.faults:
        warnings.append(
            f"last maintenance fault at {status.last_fault_at}: {status.last_fault_source} "
            f"({status.last_fault_sqlstate}) {status.last_fault_message}"
        )
    for drift in status.shape_drift:
        warnings.append(f"nineteen's tables changed since migrate: {drift}{_drift_advice(drift)}")
    if status.contenders_in_state != status.contenders:
        warnings.append(
            f"{status.contenders} contenders but {status.contenders_in_state} in the derived state "
            "(were triggers disabled?): run `contender-rank verify --repair`"
        )
    if status.history_rows_ignored:
        warnings.append(
            f"{status.history_rows_ignored} history rows have no finite expired_at: they fall "
            "in no decay interval and the ranking ignores them"
        )
    return warnings


def _drift_advice(drift: str) -> str:
    """Whether migrate would adopt a retyped column (REQUIRED_COLUMNS lists the types it accepts)."""
    match = re.match(r"public\.(\w+)\.(\w+): column type changed \(.* -> (.*)\)$", drift)
    if not match:
        return ""
    table, column, found = match.groups()
    accepted = REQUIRED_COLUMNS.get(table, {}).get(column, ())
    if found in accepted:
        return " (a type contender_rank reads: run `contender-rank migrate` to adopt it)"
    return f" (contender_rank reads {' or '.join(accepted)}: migrate refuses this type)"


@contextmanager
def giving_way(
    dsn: str, conn: psycopg.Connection[Any], poll_s: float = 0.05
) -> Iterator[list[dict[str, Any]]]:
    """While the block runs on ``conn``, a second session watches for a session waiting for a table lock
    that ``conn`` holds (nineteen's ALTER TABLE, TRUNCATE, DROP TABLE: behind such a wait every other
    statement on the table queues too) and, when one appears, cancels ``conn``'s statement, so that
    the check or the repair gives way within about ``poll_s``. The list it yields names the session
    given way to, if any."""
    pid = conn.info.backend_pid
    given_way_to: list[dict[str, Any]] = []
    stop = threading.Event()
    # connected here, not in the thread: a watcher that cannot connect is an error the user sees
    watcher = psycopg.connect(dsn, autocommit=True)

    def watch() -> None:
        with watcher.cursor(row_factory=dict_row) as cur:
            while not stop.wait(poll_s):
                row = cur.execute(queries.get("waiting_for_session"), {"pid": pid}).fetchone()
                if row is not None:
                    given_way_to.append(row)
                    cur.execute(queries.get("cancel_session"), {"pid": pid})
                    return

    thread = threading.Thread(target=watch, name="contender-rank-give-way", daemon=True)
    thread.start()
    try:
        yield given_way_to
    finally:
        stop.set()
        thread.join()
        watcher.close()


def run_verify(args: argparse.Namespace) -> int:
    with connect(args) as conn, giving_way(require_dsn(args), conn) as given_way_to:
        try:
            if args.repair:
                repair = api.repair_state(
                    conn, as_of=args.as_of, tolerance=args.tolerance, lock_wait=_seconds(args.lock_wait)
                )
                check = repair.after
            else:
                repair = None
                check = api.verify_state(conn, as_of=args.as_of, tolerance=args.tolerance)
        except psycopg.errors.QueryCanceled:
            if not given_way_to:
                raise
            waiter = given_way_to[0]
            raise CliError(
                f"gave way to pid {waiter['pid']} ({waiter['usename']}: {waiter['query']}), which was "
                "waiting for a table lock verify held: nothing was changed; run verify again later"
            ) from None
        except psycopg.errors.InsufficientPrivilege as error:
            raise CliError(
                f"{error.diag.message_primary}: verify needs ranking_admin "
                "(GRANT ranking_admin TO <your role>) or the role that ran migrate"
            ) from None
    if args.json:
        if repair is None:
            print_json(check_json(check))
        else:
            print_json(
                {
                    "exact": check.exact,
                    "passed": check.exact and check.faults == 0,
                    "before": check_json(repair.before),
                    "repair": {
                        "rebuilt": repair.rebuilt,
                        "faults_cleared": repair.faults_cleared,
                        "contenders_in_state": repair.contenders_in_state,
                        "lock_held_seconds": round(repair.lock_held_seconds, 3),
                    },
                    "after": check_json(check),
                }
            )
    else:
        if repair is not None:
            print("before:")
            print_check(repair.before)
            if repair.rebuilt:
                print(
                    f"repaired: state rebuilt from {repair.before.history_rows:,} history rows and settled "
                    f"({repair.contenders_in_state:,} state rows), {repair.faults_cleared} fault(s) cleared; "
                    f"the state lock was held {repair.lock_held_seconds:.2f} s"
                )
            else:
                print("nothing to repair: the state is exact and no fault is recorded")
            print("after:")
        print_check(check)
    return 0 if check.exact and check.faults == 0 else 1


def _seconds(value: float) -> timedelta:
    if not 0 < value <= 3600:
        raise CliError(f"--lock-wait must be more than 0 and at most 3600 seconds, got {value:g}")
    return timedelta(seconds=value)


def check_json(check: StateCheck) -> dict[str, Any]:
    return {
        # the state equals the definition; passed: that, and no maintenance fault recorded (exit 0)
        "exact": check.exact,
        "passed": check.exact and check.faults == 0,
        "valued_at": check.valued_at,
        "tolerance": check.tolerance,
        "tolerance_is": "relative to the larger magnitude of the two values",
        "contenders": check.contenders,
        "history_rows": check.history_rows,
        "faults": check.faults,
        "seconds": round(check.seconds, 3),
        "differences": [asdict(difference) for difference in check.differences],
    }


def print_check(check: StateCheck) -> None:
    if check.differences:
        print(
            render_table(
                ("contender_id", "task", "what", "stored", "expected"),
                [[d.contender_id, d.task, d.what, d.stored, d.expected] for d in check.differences],
            )
        )
    verdict = "exact" if check.exact else f"{len(check.differences)} difference(s) in the derived state"
    print(
        f"{verdict}: {check.contenders:,} contenders and {check.history_rows:,} history rows checked, "
        f"metrics valued at {check.valued_at.isoformat()} and compared within {check.tolerance:g} of "
        f"their magnitude ({check.seconds:.2f} s)"
    )
    if check.faults:
        print(
            f"{check.faults} maintenance fault(s) recorded: the ranking ignores the state until a repair "
            "(contender-rank verify --repair)"
        )


def run_rank(args: argparse.Namespace) -> int:
    with connect(args) as conn:
        rows = api.rank_contenders(conn, args.task, top_x=args.top, as_of=args.as_of)
    if args.json:
        print_json([asdict(row) for row in rows])
    elif not rows:
        print(
            f"no eligible contender for task {args.task!r} "
            f"(see: contender-rank explain {shlex.quote(args.task)})"
        )
    else:
        print(render_table(RANK_HEADERS, rank_rows(rows)))
    return 0


def _proposed(args: argparse.Namespace) -> dict[str, Any]:
    return {
        name: getattr(args, name)
        for name in ("history_weight", "decay_factor", "decay_interval", "failure_weight")
        if getattr(args, name) is not None
    }


def run_explain(args: argparse.Namespace) -> int:
    proposed = _proposed(args)
    # explain_ranking says so in a NOTICE when the derived state is untrusted (any role sees it;
    # connect() prints it), and --json carries it too
    notices: list[str] = []
    with connect(args) as conn:
        conn.add_notice_handler(lambda notice: notices.append(notice.message_primary or ""))
        rows = api.explain_ranking(conn, args.task, as_of=args.as_of, **proposed)
    untrusted = [notice for notice in notices if notice.startswith("the derived state is untrusted")]
    if args.json:
        print_json(
            {
                "task": args.task,
                "proposed": proposed,
                "untrusted": untrusted[0] if untrusted else None,
                "contenders": [asdict(row) for row in rows],
            }
        )
        return 0
    if not rows:
        print(f"task {args.task!r} has no contender at all (is the task name right? see contenders.task)")
        return 0
    print(render_table(*explain_table(rows, bool(proposed))))
    excluded = sum(1 for row in rows if row.place is None)
    print(
        f"{len(rows) - excluded} eligible, {excluded} excluded"
        + (
            f"; proposed: {', '.join(f'{k} = {v}' for k, v in proposed.items())}, nothing changed"
            if proposed
            else ""
        )
    )
    return 0


def explain_table(rows: Sequence[ExplainedContender], proposed: bool) -> tuple[list[str], list[list[object]]]:
    headers = [
        "place",
        "contender_id",
        "node_hotkey",
        "requests",
        "capacity_left",
        "own_metric",
        "similar_metric",
        "global_metric",
        "rank_value",
    ]
    if proposed:
        headers += ["proposed_place", "proposed_rank_value"]
    headers.append("excluded_because")
    table = []
    for row in rows:
        cells: list[object] = [
            row.place,
            row.contender_id,
            row.node_hotkey,
            row.total_requests_made,
            row.capacity_left,
            row.own_metric,
            row.similar_metric,
            row.global_metric,
            row.rank_value,
        ]
        if proposed:
            cells += [row.proposed_place, row.proposed_rank_value]
        cells.append(row.excluded_because or "")
        table.append(cells)
    return headers, table


def run_similarity_set(args: argparse.Namespace) -> int:
    with connect(args) as conn:
        row = api.set_similarity(conn, args.from_task, args.to_task, args.value)
        unseen = unseen_tasks(conn, (row.from_task, row.to_task))
    print(f"similarity {row.from_task} -> {row.to_task} = {row.similarity:g}")
    for task in unseen:
        print(
            f"contender-rank: warning: task {task!r} has no contender and no history here "
            "(is the name right? the similarity is set all the same)",
            file=sys.stderr,
        )
    return 0


def unseen_tasks(conn: psycopg.Connection[Any], tasks: Sequence[str]) -> list[str]:
    """The tasks among ``tasks`` with no contender and no history row; none when this role may not
    read nineteen's tables (nothing to warn about then)."""
    may_read = conn.execute(queries.get("may_read_tasks")).fetchone()
    if not (may_read and may_read[0]):
        return []
    unseen = []
    for task in dict.fromkeys(tasks):
        seen = conn.execute(queries.get("task_seen"), {"task": task}).fetchone()
        if not (seen and seen[0]):
            unseen.append(task)
    return unseen


def run_similarity_list(args: argparse.Namespace) -> int:
    with connect(args) as conn:
        rows = api.list_similarities(conn)
    if args.json:
        print_json([asdict(row) for row in rows])
    elif not rows:
        print("no task similarity rows (every pair counts 0)")
    else:
        print(
            render_table(
                ("from_task", "to_task", "similarity"),
                [[row.from_task, row.to_task, row.similarity] for row in rows],
            )
        )
    return 0


def run_similarity_delete(args: argparse.Namespace) -> int:
    with connect(args) as conn:
        deleted = api.delete_similarity(conn, args.from_task, args.to_task)
    if not deleted:
        raise CliError(f"no similarity row {args.from_task} -> {args.to_task} (see: similarity list)")
    print(f"deleted similarity {args.from_task} -> {args.to_task}")
    return 0


def _print_config(config: RankingConfig, as_json: bool) -> None:
    shown = config_json(config)
    if as_json:
        print_json(shown)
        return
    print(
        render_table(
            ("setting", "value"),
            [
                ["decay_interval", f"{shown['decay_interval']} ({shown['decay_interval_seconds']:g} s)"],
                ["decay_factor", f"{config.decay_factor:g}"],
                ["history_weight", f"{config.history_weight:g}"],
                ["failure_weight", f"{config.failure_weight:g}"],
                ["retention_epsilon", f"{config.retention_epsilon:g}"],
                ["updated_at", shown["updated_at"]],
            ],
        )
    )


def run_config_show(args: argparse.Namespace) -> int:
    with connect(args) as conn:
        config = api.get_config(conn)
    _print_config(config, args.json)
    return 0


def run_config_set(args: argparse.Namespace) -> int:
    changes = {name: getattr(args, name) for name in api.SETTINGS if getattr(args, name) is not None}
    if not changes:
        raise CliError(
            "nothing to change: give at least one of --decay-interval, --decay-factor, "
            "--history-weight, --failure-weight, --retention-epsilon"
        )
    with connect(args) as conn:
        config = api.update_config(conn, **changes)
    _print_config(config, args.json)
    return 0


def run_close_period(args: argparse.Namespace) -> int:
    with connect(args) as conn:
        closed = api.close_period(conn, as_of=args.as_of)
    stamp = args.as_of.isoformat() if args.as_of else "now()"
    print(f"closed the period of {closed} contender(s), history stamped {stamp}")
    return 0


def run_prune(args: argparse.Namespace) -> int:
    with connect(args) as conn:
        removed = api.prune_history(conn, as_of=args.as_of)
    print(f"history rows removed: {removed}")
    return 0
