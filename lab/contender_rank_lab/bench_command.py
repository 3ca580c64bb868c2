"""``contender-rank bench [--nineteen]``: the command, dispatching to the standalone benchmark
(``bench.py``) or nineteen's (``bench_nineteen.py``). Apart from both, so that bench_nineteen imports
bench's building blocks and nothing imports back."""

from __future__ import annotations

import argparse
import json

from contender_rank.arguments import given_dsn, positive_int
from contender_rank_lab import bench_nineteen
from contender_rank_lab.bench import Scale, find_pgbench, format_table, run

# below this many contenders, fixed per-statement costs dominate every ratio: the targets are
# reported, not judged
MEANINGFUL_CONTENDERS = 1024


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure the ranking's cost against the query it replaces, side by side (pgbench)",
        description="Creates throwaway databases, loads NODES x TASKS contenders with DAYS of history, and "
        "measures with pgbench, alternating the compared queries round after round. Standalone: "
        "rank_contenders against the load-balancing query and the seed's aggregation, 1 day against DAYS of "
        "history (30-minute periods). --nineteen: a plain nineteen database against one contender_rank "
        "adopted, nineteen's own writes and selection (hourly periods). Uses scratch databases named "
        "contender_rank_* on --dsn / $DATABASE_URL, dropped afterwards, else a throwaway PostgreSQL. Exits "
        "1 when a target fails.",
    )
    parser.add_argument(
        "--nineteen",
        action="store_true",
        help="measure on nineteen's tables: plain against adopted (see bench_nineteen.py)",
    )
    parser.add_argument("--nodes", type=positive_int, default=256, help="miner nodes (default 256)")
    parser.add_argument("--tasks", type=positive_int, default=16, help="tasks per node (default 16)")
    parser.add_argument(
        "--days",
        type=positive_int,
        default=None,
        help="days of history (default 30; 3 with --nineteen, nineteen's retention)",
    )
    parser.add_argument(
        "--rounds",
        type=positive_int,
        default=None,
        help="alternating rounds of every measurement (default 3; with --nineteen 6, one period each, "
        "from adoption on); medians are reported",
    )
    parser.add_argument(
        "--duration", type=positive_int, default=5, help="seconds per pgbench run (default 5)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON instead of a table")
    parser.set_defaults(handler=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    pgbench = find_pgbench()
    dsn = given_dsn(getattr(args, "dsn", None))
    progress = None if args.json else _say
    if args.nineteen:
        rounds = args.rounds or bench_nineteen.DEFAULT_ROUNDS
        scale = Scale(args.nodes, args.tasks, args.days or 3, rounds, args.duration)
        result = bench_nineteen.run(scale, pgbench, dsn, progress)
        text = bench_nineteen.format_table
    else:
        scale = Scale(args.nodes, args.tasks, args.days or 30, args.rounds or 3, args.duration)
        result = run(scale, pgbench, dsn, progress=progress)
        text = format_table
    result["judged"] = scale.contenders >= MEANINGFUL_CONTENDERS
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(text(result))
        if not result["judged"]:
            print(
                f"note: {scale.contenders} contenders is too small for the targets to mean anything (fixed "
                f"per-statement costs dominate below {MEANINGFUL_CONTENDERS}); they are shown, not judged"
            )
    return 1 if result["judged"] and not result["all_passed"] else 0


def _say(message: str) -> None:
    print(f"-- {message}", flush=True)
