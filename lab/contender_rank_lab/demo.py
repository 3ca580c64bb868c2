"""``demo [--json] [--nineteen]``: a seeded scenario, ranked and explained.

The standalone demo (``contender_rank_lab.scenario``) closes five epochs with ``close_period``; the
nineteen demo (``contender_rank_lab.nineteen.scenario``) adopts a nineteen-shaped database mid-stream
and replays nineteen's own writes. Both end with a brand-new task that borrows half the metric of a
50% similar task on each node. With no ``--dsn``/``DATABASE_URL`` a throwaway PostgreSQL is started
and removed afterwards; with one, a scratch database of its own is created on that server and
dropped afterwards: existing databases are never read or written.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import psycopg

from contender_rank.arguments import CliError, given_dsn
from contender_rank.commands import (
    RANK_HEADERS,
    explain_table,
    interval_text,
    print_json,
    rank_rows,
    render_table,
)
from contender_rank_lab.databases import server
from contender_rank_lab.nineteen.scenario import NineteenResult
from contender_rank_lab.scenario import (
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
        help="a seeded scenario, ranked and explained (throwaway database)",
        description="Seed history, add a brand-new task 50 percent similar to chat-llama-3-2-3b, rank both "
        "tasks "
        "and check the cold-start transfer. --nineteen: the same on a nineteen-shaped database that "
        "contender_rank adopts mid-stream, written with nineteen's own statements. Uses a scratch "
        "database of its own.",
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument(
        "--nineteen",
        action="store_true",
        help="adopt a nineteen-shaped database and replay nineteen's writes",
    )
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


def report(result: ScenarioResult, where: str) -> str:
    """The standalone demo's text."""
    scenario, config = result.scenario, result.config
    closed = scenario.epoch_ends[:-1]
    lines = [
        f"contender_rank demo: the seeded epoch scenario ({where})",
        "",
        (
            f"{EPOCHS} epochs, each one decay interval ({interval_text(config.decay_interval)}) long; "
            f"decay_factor {config.decay_factor:g}, history_weight {config.history_weight:g}."
        ),
        f"Epoch e has nodes node-1 .. node-(e+1), each serving {', '.join(BASE_TASKS)};",
        f"each contender gets {REQUESTS_PER_EPOCH} requests per epoch, all good, so every closed period "
        "scores 1.0.",
        (
            f"Epochs 1-{EPOCHS - 1} were closed with close_period(), one interval apart, "
            f"at {closed[0].isoformat()} .. {closed[-1].isoformat()}."
        ),
        (
            f"Epoch {EPOCHS} adds {scenario.new_task} on every node, with no history, and "
            f"task_similarity({scenario.similar_task} -> {scenario.new_task}) = {scenario.similarity:g}."
        ),
        f"Both tasks ranked as of the end of epoch {EPOCHS} ({scenario.ranked_at.isoformat()}), "
        "before it is closed.",
        "rank_value = total_requests_made + failure_weight * (requests_429 + requests_500)"
        " - history_weight * global_metric; lowest first.",
    ]
    return "\n".join(lines + _rankings(result) + _cold_start(result))


def nineteen_report(result: NineteenResult, where: str) -> str:
    """The nineteen demo's text."""
    from contender_rank_lab.nineteen import scenario as nineteen

    scenario, config = result.scenario, result.config
    lines = [
        f"contender_rank demo on a nineteen database ({where})",
        "",
        (
            f"Six nodes serve {', '.join(nineteen.BASE_TASKS)}; node-k answers with a 500 on every k-th try; "
            "node-6 never completed its handshake."
        ),
        (
            f"Each period the query node answers {nineteen.QUERIES_PER_TASK} queries per task and the"
            f" control "
            "node "
            "ends it with nineteen's own statements (scores, move to history, delete, one INSERT per "
            "contender)."
        ),
        f"Periods 1-{nineteen.ADOPTED_AFTER} ran on nineteen alone; then contender-rank migrate adopted the "
        "database:",
        *(f"  {line}" for line in result.adoption),
        (
            f"Periods {nineteen.ADOPTED_AFTER + 1}-{nineteen.PERIODS} ran with the drop-in selection; in "
            "period "
            f"{nineteen.PERIODS} {scenario.new_task} arrived on every node with no history, and "
            f"task_similarity({scenario.similar_task} -> {scenario.new_task}) = {scenario.similarity:g}."
        ),
        (
            f"Settings: decay_interval {interval_text(config.decay_interval)}, "
            f"decay_factor {config.decay_factor:g}, "
            f"history_weight {config.history_weight:g}. Ranked at the end of period {nineteen.PERIODS} "
            f"({scenario.ranked_at.isoformat()}), before it is closed."
        ),
    ]
    headers, rows = explain_table(result.explained, proposed=False)
    lines += _rankings(result) + [
        "",
        f"explain_ranking('{scenario.new_task}'): every contender, and why",
        render_table(headers, rows),
    ]
    return "\n".join(lines + _cold_start(result))


def _rankings(result: ScenarioResult) -> list[str]:
    lines: list[str] = []
    for task, rows in result.rankings.items():
        lines += ["", f"rank_contenders('{task}')", render_table(RANK_HEADERS, rank_rows(rows))]
    return lines


def _cold_start(result: ScenarioResult) -> list[str]:
    scenario = result.scenario
    checks = cold_start_checks(result)
    holds = bool(checks) and all(check.difference <= TOLERANCE for check in checks)
    return [
        "",
        (
            f"Check: on every node, global_metric({scenario.new_task}) = "
            f"{scenario.similarity:g} x own_metric({scenario.similar_task})"
        ),
        render_table(
            (
                "node_hotkey",
                f"own_metric({scenario.similar_task})",
                f"{scenario.similarity:g} x own_metric",
                f"global_metric({scenario.new_task})",
                "difference",
            ),
            [
                [
                    check.node_hotkey,
                    check.similar_own_metric,
                    check.expected,
                    check.new_global_metric,
                    f"{check.difference:.1e}",
                ]
                for check in checks
            ],
        ),
        (
            f"OK: holds on all {len(checks)} nodes (every difference <= {TOLERANCE:g})."
            if holds
            else f"FAILED: the difference exceeds {TOLERANCE:g} on some node."
        ),
    ]


def run_demo(args: argparse.Namespace) -> int:
    from contender_rank_lab.nineteen.scenario import run_nineteen_scenario

    dsn = given_dsn(getattr(args, "dsn", None))
    if not dsn and not args.json:
        print("no DATABASE_URL given: starting a throwaway PostgreSQL ...", file=sys.stderr)
    try:
        with server(dsn) as admin_dsn:
            result = run_nineteen_scenario(admin_dsn) if args.nineteen else run_scenario(admin_dsn)
    except psycopg.errors.InsufficientPrivilege as error:
        raise CliError(
            f"{error.diag.message_primary}: the demo works in a scratch database of its own, so it needs a "
            "role with CREATEDB; or leave DATABASE_URL and --dsn unset to use a throwaway PostgreSQL"
        ) from error
    where = (
        "in a scratch database on the given server, dropped afterwards"
        if dsn
        else "on a throwaway PostgreSQL, removed afterwards"
    )
    holds = bool(cold_start_checks(result)) and all(
        check.difference <= TOLERANCE for check in cold_start_checks(result)
    )
    if args.json:
        print_json(scenario_json(result))
    elif isinstance(result, NineteenResult):
        print(nineteen_report(result, where))
    else:
        print(report(result, where))
    return 0 if holds else 1
