"""``demo [--json]``: the seeded epoch scenario, ranked and explained.

With no ``--dsn``/``DATABASE_URL`` it starts a throwaway PostgreSQL (``EmbeddedPostgres``) and
removes it afterwards. With one, it creates a scratch database of its own on that server and drops
it afterwards: existing databases are never read or written.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Any

import psycopg

from contender_rank.cli import CliError
from contender_rank.commands import RANK_HEADERS, interval_text, print_json, rank_rows, render_table
from contender_rank.embedded import EmbeddedPostgres, EmbeddedPostgresError
from contender_rank.scenario import (
    BASE_TASKS,
    EPOCHS,
    REQUESTS_PER_EPOCH,
    ScenarioResult,
    cold_start_checks,
    run_scenario,
)

# The check is exact arithmetic in PostgreSQL; this only absorbs float rounding.
TOLERANCE = 1e-9


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the seeded epoch scenario and explain the ranking (throwaway database)",
        description="Seed five epochs of history plus a brand-new task 50%% similar to chat-llama-3-2-3b, "
                    "rank both tasks and check the cold-start transfer. Uses a scratch database of its own.",
    )
    parser.add_argument("--dsn", default=argparse.SUPPRESS,
                        help="server to create the scratch database on (default: $DATABASE_URL, "
                             "else a throwaway PostgreSQL)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.set_defaults(handler=run_demo)


def scenario_json(result: ScenarioResult) -> dict[str, Any]:
    """The demo's JSON: the scenario's parameters and every contender of both tasks, best first."""
    scenario = result.scenario
    return {
        "scenario": {
            "new_task": scenario.new_task,
            "similar_task": scenario.similar_task,
            "similarity": scenario.similarity,
        },
        "rankings": {
            task: [
                {
                    "contender_id": row.contender_id,
                    "node_hotkey": row.node_hotkey,
                    "own_metric": row.own_metric,
                    "similar_metric": row.similar_metric,
                    "global_metric": row.global_metric,
                    "rank_value": row.rank_value,
                }
                for row in rows
            ]
            for task, rows in result.rankings.items()
        },
    }


def report(result: ScenarioResult, where: str) -> tuple[str, bool]:
    """The demo's text and whether the cold-start check held on every node."""
    scenario, config = result.scenario, result.config
    checks = cold_start_checks(result)
    holds = bool(checks) and all(check.difference <= TOLERANCE for check in checks)
    closed = scenario.epoch_ends[:-1]
    lines = [
        f"contender_rank demo: the seeded epoch scenario ({where})",
        "",
        (f"{EPOCHS} epochs, each one decay interval ({interval_text(config.decay_interval)}) long; "
         f"decay_factor {config.decay_factor:g}, history_weight {config.history_weight:g}."),
        f"Epoch e has nodes node-1 .. node-(e+1), each serving {', '.join(BASE_TASKS)};",
        f"each contender gets {REQUESTS_PER_EPOCH} requests per epoch, all good, so every closed period scores 1.0.",
        (f"Epochs 1-{EPOCHS - 1} were closed with close_period(), one interval apart, "
         f"at {closed[0].isoformat()} .. {closed[-1].isoformat()}."),
        (f"Epoch {EPOCHS} adds {scenario.new_task} on every node, with no history, and "
         f"task_similarity({scenario.similar_task} -> {scenario.new_task}) = {scenario.similarity:g}."),
        f"Both tasks ranked as of the end of epoch {EPOCHS} ({scenario.ranked_at.isoformat()}), before it is closed.",
        "rank_value = total_requests_made - history_weight * global_metric; lowest first.",
    ]
    for task, rows in result.rankings.items():
        lines += ["", f"rank_contenders('{task}')", render_table(RANK_HEADERS, rank_rows(rows))]
    lines += [
        "",
        (f"Check: on every node, global_metric({scenario.new_task}) = "
         f"{scenario.similarity:g} x own_metric({scenario.similar_task})"),
        render_table(
            ("node_hotkey", f"own_metric({scenario.similar_task})", f"{scenario.similarity:g} x own_metric",
             f"global_metric({scenario.new_task})", "difference"),
            [[check.node_hotkey, check.similar_own_metric, check.expected, check.new_global_metric,
              f"{check.difference:.1e}"] for check in checks],
        ),
        (f"OK: holds on all {len(checks)} nodes (every difference <= {TOLERANCE:g})." if holds
         else f"FAILED: the difference exceeds {TOLERANCE:g} on some node."),
    ]
    return "\n".join(lines), holds


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    # unwind through the context managers, so the throwaway cluster is removed
    raise SystemExit(128 + signum)


def run_demo(args: argparse.Namespace) -> int:
    dsn = getattr(args, "dsn", None) or os.environ.get("DATABASE_URL")
    if dsn:
        try:
            result = run_scenario(dsn)
        except psycopg.errors.InsufficientPrivilege as error:
            raise CliError(
                f"{error.diag.message_primary}: the demo works in a scratch database of its own, so it needs "
                "a role with CREATEDB; or leave DATABASE_URL and --dsn unset to use a throwaway PostgreSQL"
            ) from error
        where = "in a scratch database on the given server, dropped afterwards"
    else:
        if not args.json:
            print("no DATABASE_URL given: starting a throwaway PostgreSQL ...", file=sys.stderr)
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            with EmbeddedPostgres() as pg:
                result = run_scenario(pg.dsn())
        except EmbeddedPostgresError as error:
            raise CliError(str(error)) from error
        finally:
            signal.signal(signal.SIGTERM, previous)
        where = "on a throwaway PostgreSQL, removed afterwards"
    if args.json:
        print_json(scenario_json(result))
        return 0 if all(check.difference <= TOLERANCE for check in cold_start_checks(result)) else 1
    text, holds = report(result, where)
    print(text)
    return 0 if holds else 1
