"""What `contender-rank verify` and `verify --repair` cost on nineteen's benchmark world.

Builds, in a scratch database on $DATABASE_URL, the world of `bench --nineteen` (256 nodes x 16 tasks,
three days of hourly history: 294,912 history rows, similarities within families of four tasks),
adopts it, and times RUNS checks and RUNS forced repairs (each repair's transaction is how long it
holds the state lock), then one check of a state with a hand-edited row. Prints the figures as JSON.

    .venv/bin/python -m contender_rank_lab.embedded -- .venv/bin/python scripts/measure_verify.py [RUNS]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime

import psycopg

from contender_rank import repair_state, verify_state
from contender_rank.schema import migrate
from contender_rank_lab import nineteen
from contender_rank_lab.bench import Scale
from contender_rank_lab.bench_nineteen import SIMILARITY, _load
from contender_rank_lab.databases import create_database, drop_database, new_database_name


def spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    admin = os.environ["DATABASE_URL"]
    name = new_database_name("measure_verify")
    dsn = create_database(admin, name)
    try:
        scale = Scale(nodes=256, tasks=16, days=3, rounds=1, duration_s=1)
        nineteen.create_tables(dsn)
        _load(dsn, scale, datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0))
        started = time.perf_counter()
        migrate(dsn)
        adopted_s = time.perf_counter() - started
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(SIMILARITY, {"tasks": scale.tasks})  # type: ignore[arg-type]
            conn.execute("VACUUM ANALYZE")
            checks, repairs, held = [], [], []
            for _ in range(runs):
                check = verify_state(conn)
                assert check.exact, check.differences[:5]
                checks.append(check.seconds)
                started = time.perf_counter()
                repaired = repair_state(conn, force=True)
                repairs.append(time.perf_counter() - started)
                held.append(repaired.lock_held_seconds)
                assert repaired.after.exact
            conn.execute(
                "UPDATE contender_rank.contender_state SET own_base = own_base * 1.001"
                " WHERE contender_id = 'bench-node-7-bench-task-3'"
            )
            broken = verify_state(conn)
        print(
            json.dumps(
                {
                    "history_rows": check.history_rows,
                    "contenders": check.contenders,
                    "adoption_s": round(adopted_s, 3),
                    "runs": runs,
                    "check_s": spread(checks),
                    "repair_lock_held_s": spread(held),
                    "repair_with_both_checks_s": spread(repairs),
                    "edited_row_found": [(d.contender_id, d.what) for d in broken.differences],
                },
                indent=2,
            )
        )
    finally:
        drop_database(admin, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
