"""``python -m contender_rank bench``: the ranking's cost against the query it replaces.

Builds throwaway databases at a chosen scale (nodes x tasks contenders, one history row per
contender per 30-minute period, task similarity in families of four), one with a day of history
and one with ``--days``, and measures with pgbench (the tool shipped with PostgreSQL, prepared
protocol) the no-history baseline query, ``rank_contenders`` and the seed-style per-call
aggregation, alternating them round after round so that drift on a shared machine hits all
alike. Then it times appending one period (``close_period()`` and a plain ``INSERT ... SELECT``)
in both databases, and counts how many per-request counter updates stay HOT.

It is a benchmark, not a test of correctness: targets are reported as pass/fail, and the exit
status is 1 when a target fails at a scale where the targets mean something (at a tiny scale, fixed
per-statement costs dominate and the targets are reported but not judged). ``--nineteen`` measures
what contender_rank costs a nineteen validator instead (``bench_nineteen.py``).
"""

from __future__ import annotations

import math
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg.rows import class_row, dict_row

from contender_rank.arguments import CliError
from contender_rank.schema import migrate
from contender_rank_lab.databases import create_database, drop_database, new_database_name, server
from contender_rank_lab.embedded import EmbeddedPostgresError, find_bin_dir

SCRIPTS = Path(__file__).resolve().parent / "bench_sql"
PERIOD = timedelta(minutes=30)
PERIODS_PER_DAY = int(timedelta(days=1) / PERIOD)
# the measured appends are stamped one decay interval (ranking_config's default, 1 hour) apart, each
# in an interval of its own: close_period skips a contender already closed in its interval with no
# requests since, so a second append in one interval would time that skip instead of a close
APPEND_STEP = timedelta(hours=1)
CONCURRENT_CLIENTS = 2

# the targets of issue 4, the two against the load-balancing query as issue 18 tightened them
MAX_RANKING_VS_BASELINE = 1.5
MAX_HISTORY_GROWTH = 1.25
MIN_SEED_VS_RANKING = 20.0
MAX_APPEND_SECONDS = 1.0
MIN_CONCURRENT_THROUGHPUT_SHARE = 0.6

READ_QUERIES = ("baseline", "ranking", "seed")


@dataclass(frozen=True)
class Scale:
    nodes: int
    tasks: int
    days: int
    rounds: int
    duration_s: int

    @property
    def contenders(self) -> int:
        return self.nodes * self.tasks


def find_pgbench() -> Path:
    """pgbench from the same PostgreSQL installation as the server binaries, else from PATH."""
    try:
        candidate = find_bin_dir() / "pgbench"
        if candidate.exists():
            return candidate
    except EmbeddedPostgresError:
        pass
    on_path = shutil.which("pgbench")
    if on_path:
        return Path(on_path)
    raise CliError(
        "pgbench not found (it ships with the PostgreSQL server/client packages, e.g. postgresql-15); "
        "set CONTENDER_RANK_PG_BIN to its directory"
    )


# -- loading -----------------------------------------------------------------------------------
def history_end(rounds: int) -> datetime:
    """Newest loaded period: early enough that every period the write measurement appends is
    still stamped before now(), so every ranking reads the state, never the window fallback."""
    now = datetime.now(UTC)
    aligned = now - (now - datetime(1970, 1, 1, tzinfo=UTC)) % PERIOD
    return aligned - APPEND_STEP * (2 * rounds + 1)


SCHEMA_DATA = (
    """
INSERT INTO nodes (hotkey, netuid, node_id, symmetric_key_uuid)
SELECT 'bench-node-' || n, 19, n, 'key-' || n
FROM generate_series(0, %(nodes)s - 1) n
""",
    """
-- families of four tasks; a bigger sibling's history says more about a smaller one than the reverse
INSERT INTO task_similarity (from_task, to_task, similarity)
SELECT 'bench-task-' || a, 'bench-task-' || b, CASE WHEN a < b THEN 0.8 ELSE 0.4 END
FROM generate_series(0, %(tasks)s - 1) a, generate_series(0, %(tasks)s - 1) b
WHERE a / 4 = b / 4 AND a <> b
""",
    """
INSERT INTO contenders (contender_id, node_hotkey, node_id, netuid, task, capacity, consumed_capacity,
                        total_requests_made)
SELECT 'bench-node-' || n || '-bench-task-' || t, 'bench-node-' || n, n, 19, 'bench-task-' || t, 100,
       hashint4(n * 1000 + t) & 127, hashint4(n * 7919 + t) & 255
FROM generate_series(0, %(nodes)s - 1) n, generate_series(0, %(tasks)s - 1) t
""",
)

# One statement per day of periods. Triggers are off during the bulk load and the state is
# rebuilt once afterwards (what contender_rank.rebuild_state() is for).
HISTORY_DAY = """
INSERT INTO contenders_history (contender_id, node_hotkey, node_id, netuid, task, period_score, expired_at)
SELECT c.contender_id, c.node_hotkey, c.node_id, c.netuid, c.task,
       CASE WHEN random() < 0.05 THEN NULL ELSE random() END,
       %(newest)s - %(period)s * p
FROM contenders c, generate_series(0, %(per_day)s - 1) p
"""


def load(dsn: str, scale: Scale, first_day: int, last_day: int, end: datetime, with_contenders: bool) -> None:
    """History days first_day..last_day back from ``end`` (day 0 ends at ``end``)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT setseed(%(seed)s)", {"seed": 0.42 + first_day / 10_000})
        if with_contenders:
            for statement in SCHEMA_DATA:
                conn.execute(statement, {"nodes": scale.nodes, "tasks": scale.tasks})
        conn.execute("ALTER TABLE contenders_history DISABLE TRIGGER USER")
        try:
            for day in range(first_day, last_day + 1):
                conn.execute(
                    HISTORY_DAY,
                    {
                        "newest": end - day * PERIODS_PER_DAY * PERIOD,
                        "period": PERIOD,
                        "per_day": PERIODS_PER_DAY,
                    },
                )
        finally:
            conn.execute("ALTER TABLE contenders_history ENABLE TRIGGER USER")
        conn.execute("SELECT contender_rank.rebuild_state()")
        conn.execute("VACUUM (ANALYZE)")


def scalar(dsn: str, query: str) -> object:
    with psycopg.connect(dsn, row_factory=dict_row) as conn:
        row = conn.execute(query).fetchone()
        assert row is not None
        return row["value"]


# -- measuring -----------------------------------------------------------------------------------
@dataclass
class PgbenchRun:
    database: str
    query: str
    clients: int
    round: int
    latency_ms: float
    tps: float
    transactions: int


_LATENCY = re.compile(r"latency average = ([0-9.]+) ms")
_TPS = re.compile(r"tps = ([0-9.]+) \(without initial connection time\)")
_TRANSACTIONS = re.compile(r"number of transactions actually processed: (\d+)")


def pgbench_run(
    pgbench: Path, dsn: str, script: str | Path, clients: int, duration: int, variables: dict[str, int]
) -> tuple[float, float, int]:
    """pgbench on ``script`` (a name in bench_sql/ or a path): latency (ms), tps and transactions."""
    path = script if isinstance(script, Path) else SCRIPTS / script
    command = [
        str(pgbench),
        "--no-vacuum",
        "--protocol=prepared",
        f"--client={clients}",
        f"--jobs={clients}",
        f"--time={duration}",
        f"--file={path}",
    ]
    command += [f"--define={name}={value}" for name, value in variables.items()]
    command.append(dsn)
    completed = subprocess.run(command, check=False, capture_output=True, text=True)
    output = completed.stdout + completed.stderr
    latency, tps, count = _LATENCY.search(output), _TPS.search(output), _TRANSACTIONS.search(output)
    if completed.returncode != 0 or not (latency and tps and count):
        detail = output.strip().splitlines()[-1] if output.strip() else f"exit {completed.returncode}"
        raise CliError(f"pgbench {path.name} failed: {detail}")
    return float(latency.group(1)), float(tps.group(1)), int(count.group(1))


@dataclass
class AppendRun:
    database: str
    method: str
    round: int
    seconds: float
    rows: int


APPEND_INSERT = """
INSERT INTO contenders_history (contender_id, node_hotkey, node_id, netuid, task, period_score, expired_at)
SELECT c.contender_id, c.node_hotkey, c.node_id, c.netuid, c.task,
       contender_rank.period_score(c.total_requests_made, c.requests_429, c.requests_500, c.capacity,
                                   c.consumed_capacity),
       %(stamp)s
FROM contenders c
"""


def append_period(dsn: str, method: str, stamp: datetime) -> tuple[float, int]:
    """Seconds to append one period for every contender, commit included."""
    with psycopg.connect(dsn) as conn:
        started = time.perf_counter()
        if method == "close_period":
            with conn.cursor(row_factory=dict_row) as cur:
                row = cur.execute("SELECT close_period(%(stamp)s) AS closed", {"stamp": stamp}).fetchone()
            rows = int(row["closed"]) if row else 0
        else:
            rows = conn.execute(APPEND_INSERT, {"stamp": stamp}).rowcount
        conn.commit()
        return time.perf_counter() - started, rows


@dataclass
class HotUpdates:
    updates: int
    hot_updates: int
    share: float


@dataclass
class TableStats:
    n_tup_upd: int
    n_tup_hot_upd: int


def table_stats(dsn: str) -> TableStats:
    with psycopg.connect(dsn, autocommit=True) as conn, conn.cursor(row_factory=class_row(TableStats)) as cur:
        row = cur.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
            "WHERE relid = 'public.contenders'::regclass"
        ).fetchone()
        assert row is not None
        return row


def measure_hot(pgbench: Path, dsn: str, scale: Scale, variables: dict[str, int]) -> HotUpdates:
    before = table_stats(dsn)
    _latency, _tps, transactions = pgbench_run(pgbench, dsn, "counters.sql", 1, scale.duration_s, variables)
    # backends report their counts when they exit; give the statistics a moment to arrive
    deadline = time.monotonic() + 5
    after = table_stats(dsn)
    while after.n_tup_upd - before.n_tup_upd < transactions and time.monotonic() < deadline:
        time.sleep(0.2)
        after = table_stats(dsn)
    updates = after.n_tup_upd - before.n_tup_upd
    hot = after.n_tup_hot_upd - before.n_tup_hot_upd
    return HotUpdates(updates, hot, hot / updates if updates else 0.0)


# -- the whole run ------------------------------------------------------------------------------------
@dataclass
class Target:
    name: str
    measured: float
    limit: float
    comparison: str
    passed: bool


def _target(name: str, measured: float, limit: float, comparison: str) -> Target:
    passed = measured <= limit if comparison == "<=" else measured >= limit
    return Target(name, measured, limit, comparison, passed)


@dataclass
class Measurements:
    reads: list[PgbenchRun] = field(default_factory=list)
    appends: list[AppendRun] = field(default_factory=list)


Progress = Callable[[str], None]


def run(scale: Scale, pgbench: Path, dsn: str | None, progress: Progress | None = None) -> dict:
    say = progress or (lambda _message: None)
    where = "given server" if dsn else "throwaway cluster"
    with server(dsn) as admin_dsn:
        names = {"one_day": new_database_name("bench_1d"), "all_days": new_database_name("bench_all")}
        created: list[str] = []
        try:
            end = history_end(scale.rounds)
            say(f"loading {scale.contenders} contenders and 1 day of history")
            started = time.perf_counter()
            small = create_database(admin_dsn, names["one_day"])
            created.append(names["one_day"])
            migrate(small)
            load(small, scale, 0, 0, end, with_contenders=True)
            # the large database starts as a copy of the small one, then gets the older days
            say(f"loading {scale.days} days of history")
            large = create_database(admin_dsn, names["all_days"], template=names["one_day"])
            created.append(names["all_days"])
            if scale.days > 1:
                load(large, scale, 1, scale.days - 1, end, with_contenders=False)
            load_seconds = time.perf_counter() - started
            dsns = {"one_day": small, "all_days": large}
            rows = {
                label: int(scalar(url, "SELECT count(*) AS value FROM contenders_history"))
                for label, url in dsns.items()
            }
            sizes = {
                label: int(scalar(url, "SELECT pg_total_relation_size('contenders_history') AS value"))
                for label, url in dsns.items()
            }
            measured = measure(scale, pgbench, dsns, end, say)
            version = str(scalar(large, "SELECT current_setting('server_version') AS value"))
        finally:
            for name in created:
                drop_database(admin_dsn, name)
    return summarise(scale, measured, rows, sizes, load_seconds, where, version)


# The seed-style query reads history through shared buffers and can push the contenders' pages
# out; an unmeasured second before each baseline or ranking run refills the cache, so no query is
# charged for the I/O of the one that ran before it.
WARM_UP_SECONDS = 1


def warm_run(
    pgbench: Path, dsn: str, query: str, clients: int, duration: int, variables: dict[str, int]
) -> tuple[float, float, int]:
    if query != "seed":
        pgbench_run(pgbench, dsn, f"{query}.sql", clients, WARM_UP_SECONDS, variables)
    return pgbench_run(pgbench, dsn, f"{query}.sql", clients, duration, variables)


def measure(scale: Scale, pgbench: Path, dsns: dict[str, str], end: datetime, say: Progress) -> dict:
    variables = {"ntasks": scale.tasks, "nnodes": scale.nodes}
    result = Measurements()
    for round_no in range(1, scale.rounds + 1):
        say(f"round {round_no}/{scale.rounds}: pgbench, {scale.duration_s} s per run")
        for label, url in dsns.items():
            for query in READ_QUERIES:
                latency, tps, count = warm_run(pgbench, url, query, 1, scale.duration_s, variables)
                result.reads.append(PgbenchRun(label, query, 1, round_no, latency, tps, count))
        for query in ("baseline", "ranking"):
            latency, tps, count = warm_run(
                pgbench, dsns["all_days"], query, CONCURRENT_CLIENTS, scale.duration_s, variables
            )
            result.reads.append(
                PgbenchRun("all_days", query, CONCURRENT_CLIENTS, round_no, latency, tps, count)
            )

    say("per-request counter updates (HOT)")
    hot = measure_hot(pgbench, dsns["all_days"], scale, variables)

    say("appending periods")
    stamp = end
    for round_no in range(1, scale.rounds + 1):
        for method in ("close_period", "insert_select"):
            stamp += APPEND_STEP
            for label, url in dsns.items():
                seconds, rows = append_period(url, method, stamp)
                if rows != scale.contenders:
                    raise RuntimeError(
                        f"{method} at {stamp.isoformat()} appended {rows} rows to {label}, "
                        f"not one per contender ({scale.contenders}): that would not time a whole period"
                    )
                result.appends.append(AppendRun(label, method, round_no, seconds, rows))
    return {"runs": result, "hot": hot}


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def summarise(
    scale: Scale,
    measured: dict,
    rows: dict[str, int],
    sizes: dict[str, int],
    load_seconds: float,
    where: str,
    version: str,
) -> dict:
    runs: Measurements = measured["runs"]
    hot: HotUpdates = measured["hot"]

    def latency(database: str, query: str) -> float:
        return _median(
            [
                r.latency_ms
                for r in runs.reads
                if r.database == database and r.query == query and r.clients == 1
            ]
        )

    def tps(query: str) -> float:
        return _median([r.tps for r in runs.reads if r.query == query and r.clients == CONCURRENT_CLIENTS])

    def append_seconds(database: str, method: str) -> float:
        return _median([a.seconds for a in runs.appends if a.database == database and a.method == method])

    latencies = {
        database: {query: latency(database, query) for query in READ_QUERIES}
        for database in ("one_day", "all_days")
    }
    appends = {
        method: {database: append_seconds(database, method) for database in ("one_day", "all_days")}
        for method in ("close_period", "insert_select")
    }
    per_row_us = {
        method: {database: seconds / scale.contenders * 1e6 for database, seconds in by_db.items()}
        for method, by_db in appends.items()
    }
    throughput = {query: tps(query) for query in ("baseline", "ranking")}

    ratios = {
        "ranking_vs_baseline_latency": latencies["all_days"]["ranking"] / latencies["all_days"]["baseline"],
        "ranking_vs_baseline_latency_one_day": latencies["one_day"]["ranking"]
        / latencies["one_day"]["baseline"],
        "ranking_history_growth": latencies["all_days"]["ranking"] / latencies["one_day"]["ranking"],
        "seed_vs_ranking": latencies["all_days"]["seed"] / latencies["all_days"]["ranking"],
        "seed_vs_ranking_one_day": latencies["one_day"]["seed"] / latencies["one_day"]["ranking"],
        "seed_vs_baseline": latencies["all_days"]["seed"] / latencies["all_days"]["baseline"],
        "close_period_per_row_growth": per_row_us["close_period"]["all_days"]
        / per_row_us["close_period"]["one_day"],
        "insert_select_per_row_growth": per_row_us["insert_select"]["all_days"]
        / per_row_us["insert_select"]["one_day"],
        "ranking_vs_baseline_throughput_2_clients": throughput["ranking"] / throughput["baseline"],
    }
    slowest_append = max(seconds for by_db in appends.values() for seconds in by_db.values())
    targets = [
        _target(
            "rank_contenders mean latency / baseline",
            ratios["ranking_vs_baseline_latency"],
            MAX_RANKING_VS_BASELINE,
            "<=",
        ),
        _target(
            f"rank_contenders latency at {scale.days} days / at 1 day",
            ratios["ranking_history_growth"],
            MAX_HISTORY_GROWTH,
            "<=",
        ),
        _target(
            "seed-style query latency / rank_contenders", ratios["seed_vs_ranking"], MIN_SEED_VS_RANKING, ">="
        ),
        _target("slowest append of one period (s)", slowest_append, MAX_APPEND_SECONDS, "<="),
        _target(
            f"close_period cost per row at {scale.days} days / at 1 day",
            ratios["close_period_per_row_growth"],
            MAX_HISTORY_GROWTH,
            "<=",
        ),
        _target(
            f"INSERT ... SELECT cost per row at {scale.days} days / at 1 day",
            ratios["insert_select_per_row_growth"],
            MAX_HISTORY_GROWTH,
            "<=",
        ),
        _target(
            f"rank_contenders throughput / baseline, {CONCURRENT_CLIENTS} clients",
            ratios["ranking_vs_baseline_throughput_2_clients"],
            MIN_CONCURRENT_THROUGHPUT_SHARE,
            ">=",
        ),
    ]
    return {
        "scale": {
            **asdict(scale),
            "contenders": scale.contenders,
            "period_minutes": PERIOD.seconds // 60,
            "history_rows": rows,
            "history_bytes": sizes,
            "load_seconds": load_seconds,
            "server": where,
            "server_version": version,
            "protocol": "prepared",
            "concurrent_clients": CONCURRENT_CLIENTS,
        },
        "medians": {
            "latency_ms": latencies,
            "tps_2_clients": throughput,
            "append_seconds": appends,
            "append_us_per_row": per_row_us,
        },
        "ratios": ratios,
        "hot_updates": asdict(hot),
        "targets": [asdict(target) for target in targets],
        "all_passed": all(target.passed for target in targets),
        "runs": {"pgbench": [asdict(r) for r in runs.reads], "appends": [asdict(a) for a in runs.appends]},
    }


def format_table(result: dict) -> str:
    scale, medians = result["scale"], result["medians"]
    lines = [
        (
            f"{scale['nodes']} nodes x {scale['tasks']} tasks = {scale['contenders']} contenders; "
            f"history rows: {scale['history_rows']['one_day']} "
            f"(1 day, {scale['history_bytes']['one_day'] / 1e6:.0f} MB), "
            f"{scale['history_rows']['all_days']} "
            f"({scale['days']} days, {scale['history_bytes']['all_days'] / 1e6:.0f} MB); "
            f"{scale['rounds']} rounds x {scale['duration_s']} s per pgbench run, medians; "
            f"{scale['server']}, PostgreSQL {scale['server_version']}"
        ),
        "",
        f"{'mean latency (ms), 1 client':<34}{'1 day':>12}{str(scale['days']) + ' days':>12}",
    ]
    for query in READ_QUERIES:
        label = {
            "baseline": "baseline (fewest requests)",
            "ranking": "rank_contenders(task, 5)",
            "seed": "seed-style aggregation",
        }[query]
        lines.append(
            f"{label:<34}{medians['latency_ms']['one_day'][query]:>12.3f}"
            f"{medians['latency_ms']['all_days'][query]:>12.3f}"
        )
    lines += ["", f"{'append one period (s)':<34}{'1 day':>12}{str(scale['days']) + ' days':>12}"]
    for method, by_db in medians["append_seconds"].items():
        lines.append(f"{method:<34}{by_db['one_day']:>12.3f}{by_db['all_days']:>12.3f}")
    lines += [
        "",
        (
            f"throughput with {scale['concurrent_clients']} clients (tps): baseline "
            f"{medians['tps_2_clients']['baseline']:.0f}, "
            f"rank_contenders {medians['tps_2_clients']['ranking']:.0f}"
        ),
        (
            f"counter updates: {result['hot_updates']['updates']}, "
            f"HOT: {result['hot_updates']['hot_updates']} ({result['hot_updates']['share']:.0%})"
        ),
        "",
        "targets:",
    ]
    for target in result["targets"]:
        verdict = "pass" if target["passed"] else "FAIL"
        lines.append(
            f"  {verdict}  {target['name']}: {target['measured']:.3f} "
            f"({target['comparison']} {target['limit']:g})"
        )
    return "\n".join(lines)
